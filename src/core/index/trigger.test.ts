import { describe, expect, it } from 'vitest';
import { blobNameFrom, propsFromTrigger } from './trigger.js';

describe('blobNameFrom', () => {
  it('takes the name inside the container from blobTrigger, else the {name} parameter under the root', () => {
    expect(
      blobNameFrom({ blobTrigger: 'ray-historyserver/log/rc_default/s/logs/h/a b.log', name: 'x' }, 'log'),
    ).toBe('log/rc_default/s/logs/h/a b.log');
    expect(blobNameFrom({ name: 'ns_rc/s/metadata.json' }, 'metadir')).toBe('metadir/ns_rc/s/metadata.json');
    expect(blobNameFrom({}, 'log')).toBeNull();
    expect(blobNameFrom(undefined, 'log')).toBeNull();
  });
});

describe('propsFromTrigger', () => {
  // What the library hands the function: the host's Properties and Metadata, keys camel-cased.
  const meta = {
    properties: {
      blobType: 'AppendBlob',
      contentLength: 42,
      eTag: '"0x8DC"',
      lastModified: '2026-11-30T15:01:02.000Z',
      createdOn: '2026-11-30T15:00:00.000Z',
    },
    metadata: { namespace: 'team-a' },
  };

  it('takes size, both times and the metadata the host read', () => {
    expect(propsFromTrigger(meta)).toEqual({
      size: 42,
      lastModified: new Date('2026-11-30T15:01:02.000Z'),
      createdOn: new Date('2026-11-30T15:00:00.000Z'),
      metadata: { namespace: 'team-a' },
    });
  });

  it('gives null (the indexer reads them itself) when anything is missing or malformed', () => {
    const without = (k: string) => ({ ...meta, properties: { ...meta.properties, [k]: undefined } });
    expect(propsFromTrigger(undefined)).toBeNull();
    expect(propsFromTrigger({ properties: meta.properties })).toBeNull(); // no metadata
    expect(propsFromTrigger(without('contentLength'))).toBeNull();
    expect(propsFromTrigger(without('createdOn'))).toBeNull();
    expect(
      propsFromTrigger({ ...meta, properties: { ...meta.properties, lastModified: 'soon' } }),
    ).toBeNull();
    expect(propsFromTrigger({ ...meta, properties: { ...meta.properties, contentLength: -1 } })).toBeNull();
    expect(propsFromTrigger({ ...meta, metadata: { namespace: 7 } })).toBeNull();
  });
});

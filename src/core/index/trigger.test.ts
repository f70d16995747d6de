import { describe, expect, it } from 'vitest';
import { blobNameFrom } from './trigger.js';

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

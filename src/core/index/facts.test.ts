import { describe, expect, it } from 'vitest';
import { entryOf, withCluster, withEntry, summaryOf } from './derive.js';
import { mergeObservation, observe, type Observation, type ObservedProps } from './facts.js';
import { canonical, CorruptIndexError, parseCluster, type SessionFacts } from './schema.js';
import { shuffled } from '../../../test/helpers/random.js';

const S1 = 'session_2026-01-27_10-52-59_373533_1';
const S2 = 'session_2026-01-28_09-00-00_000001';
const at = (iso: string) => new Date(iso);
const props = (size: number, modified: string, metadata: Record<string, string> = {}): ObservedProps => ({
  size,
  lastModified: at(modified),
  createdOn: at('2026-01-27T10:53:00Z'),
  metadata,
});

function obs(name: string, p: ObservedProps): Observation {
  const o = observe(name, p);
  if (!o.ok) throw new Error(`not observed: ${o.reason}`);
  return o.observation;
}

function fold(list: Observation[]): SessionFacts | null {
  return list.reduce<SessionFacts | null>((f, o) => mergeObservation(f, o), null);
}

describe('observe', () => {
  it('takes the namespace of a log blob from its metadata, else from the clusterId', () => {
    const name = `log/rc_my-id/${S1}/logs/head-1/raylet.out`;
    expect(obs(name, props(5, '2026-01-27T11:00:30Z', { namespace: 'team-a' }))).toMatchObject({
      namespace: 'team-a',
      cluster: 'rc',
      clusterId: 'my-id',
      node: 'head-1',
      file: { key: 'head-1/raylet.out', segment: 0, size: 5 },
      modified: Date.parse('2026-01-27T11:00:00Z'),
    });
    expect(
      obs(`log/rc_default/${S1}/logs/head-1/raylet.out`, props(5, '2026-01-27T11:00:30Z')).namespace,
    ).toBe('default');
  });

  it('skips, with a reason, what it cannot place', () => {
    const noNs = observe(`log/rc_My.Id/${S1}/logs/h/raylet.out`, props(1, '2026-01-27T11:00:00Z'));
    expect(noNs).toMatchObject({ ok: false, kind: 'skipped' });
    expect(!noNs.ok && noNs.reason).toMatch(/no namespace/);
    expect(observe('log/nounderscore/x', props(1, '2026-01-27T11:00:00Z'))).toMatchObject({ ok: false });
    expect(observe('index/v1/summary.json', props(1, '2026-01-27T11:00:00Z'))).toMatchObject({
      ok: false,
      kind: 'index',
    });
  });

  it('counts a segmented file once, with the bytes of all its segments', () => {
    const f = fold([
      obs(`log/rc_default/${S1}/logs/h/big.log`, props(100, '2026-01-27T11:00:00Z')),
      obs(`log/rc_default/${S1}/logs/h/big.log%seg-000001`, props(40, '2026-01-27T11:05:00Z')),
      obs(
        `log/rc_default/${S1}/node_events/h-20260127T110000123Z-abcd.json`,
        props(9, '2026-01-27T11:06:00Z'),
      ),
      obs(`metadir/default_rc/${S1}/metadata.json`, props(9, '2026-01-27T10:53:10Z')),
    ]);
    expect(f && entryOf(f)).toMatchObject({
      files: 1,
      bytes: 140,
      nodes: ['h'],
      hasMetadata: true,
      clusterIds: ['default'],
      firstActivity: '2026-01-27T10:53:00Z',
      lastActivity: '2026-01-27T11:06:00Z',
    });
  });
});

describe('mergeObservation', () => {
  const stream = [
    obs(`log/rc_default/${S1}/logs/h1/raylet.out`, props(10, '2026-01-27T11:00:10Z')),
    obs(`log/rc_default/${S1}/logs/h1/raylet.out`, props(30, '2026-01-27T11:02:10Z')),
    obs(`log/rc_default/${S1}/logs/h2/gcs.out`, props(7, '2026-01-27T11:01:00Z')),
    obs(`log/rc_other/${S1}/logs/h2/x/y.log`, props(1, '2026-01-27T11:03:00Z', { namespace: 'default' })),
    obs(
      `log/rc_default/${S1}/job_events/0a/h3-20260127T110000123Z-abcd.json`,
      props(3, '2026-01-27T11:04:00Z'),
    ),
    obs(`metadir/default_rc/${S1}/metadata.json`, props(9, '2026-01-27T10:53:10Z')),
  ];

  it('gives the same facts for any order and any duplicates', () => {
    const reference = canonical(fold(stream));
    for (let seed = 1; seed <= 50; seed++) {
      const replay = shuffled([...stream, ...stream.slice(0, seed % stream.length)], seed);
      expect(canonical(fold(replay))).toBe(reference);
    }
  });

  it('ignores growth of a known file within the minute it last recorded (no index write per append)', () => {
    const name = `log/rc_default/${S1}/logs/h1/raylet.out`;
    const first = mergeObservation(null, obs(name, props(10, '2026-01-27T11:00:10Z')));
    const same = mergeObservation(first, obs(name, props(20, '2026-01-27T11:00:50Z')));
    expect(canonical(same)).toBe(canonical(first));
    const later = mergeObservation(same, obs(name, props(25, '2026-01-27T11:01:05Z')));
    expect(entryOf(later)).toMatchObject({ bytes: 25, lastActivity: '2026-01-27T11:01:00Z' });
  });
});

describe('cluster and summary documents', () => {
  it('merge entries field by field, so an older entry written last changes nothing', () => {
    const name = `log/rc_default/${S1}/logs/h1/raylet.out`;
    const older = mergeObservation(null, obs(name, props(10, '2026-01-27T11:00:10Z')));
    const newer = mergeObservation(
      older,
      obs(`log/rc_default/${S2}/logs/h1/a`, props(1, '2026-01-28T09:00:00Z')),
    );
    const s2 = mergeObservation(
      null,
      obs(`log/rc_default/${S2}/logs/h1/a`, props(1, '2026-01-28T09:00:00Z')),
    );
    const a = withEntry(
      withEntry(withEntry(null, 'default', 'rc', entryOf(newer)), 'default', 'rc', entryOf(older)),
      'default',
      'rc',
      entryOf(s2),
    );
    const b = withEntry(withEntry(null, 'default', 'rc', entryOf(s2)), 'default', 'rc', entryOf(newer));
    expect(canonical(a)).toBe(canonical(b));
    expect(a.sessions.map((s) => s.name)).toEqual([S2, S1]);
    const summary = withCluster(withCluster(null, summaryOf(a)), summaryOf(b));
    expect(summary.clusters).toEqual([
      {
        namespace: 'default',
        name: 'rc',
        clusterIds: ['default'],
        sessions: [S2, S1],
        lastActivity: '2026-01-28T09:00:00Z',
      },
    ]);
  });

  it('rejects an unreadable or foreign-version document', () => {
    expect(() => parseCluster('c.json', '{oops')).toThrow(CorruptIndexError);
    expect(() => parseCluster('c.json', '{"schemaVersion":2}')).toThrow(/schemaVersion 2/);
    expect(parseCluster('c.json', null)).toBeNull();
  });
});

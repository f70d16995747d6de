import { describe, expect, it } from 'vitest';
import { classify, entryOf, fold, observe, type Observation, type ObservedProps } from './facts.js';
import { canonical, CorruptIndexError, parse, type SessionDoc } from './schema.js';
import { shuffled } from '../../../test/helpers/random.js';

const S1 = 'session_2026-01-27_10-52-59_373533_1';
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

const foldAll = (list: Observation[]) => list.reduce<SessionDoc | null>((d, o) => fold(d, o), null);

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
    expect(observe('index/v2/summary.json', props(1, '2026-01-27T11:00:00Z'))).toMatchObject({
      ok: false,
      kind: 'index',
    });
  });
});

describe('fold and entries', () => {
  const stream = [
    obs(`log/rc_default/${S1}/logs/h1/raylet.out`, props(10, '2026-01-27T11:00:10Z')),
    obs(`log/rc_default/${S1}/logs/h1/raylet.out`, props(30, '2026-01-27T11:02:10Z')),
    obs(`log/rc_default/${S1}/logs/h1/raylet.out%seg-000001`, props(7, '2026-01-27T11:05:00Z')),
    obs(`log/rc_default/${S1}/logs/h2/gcs.out`, props(7, '2026-01-27T11:01:00Z')),
    obs(`log/rc_other/${S1}/logs/h2/x/y.log`, props(1, '2026-01-27T11:03:00Z', { namespace: 'default' })),
    obs(
      `log/rc_default/${S1}/job_events/0a/h3-20260127T110000123Z-abcd.json`,
      props(3, '2026-01-27T11:06:00Z'),
    ),
    obs(`metadir/default_rc/${S1}/metadata.json`, props(9, '2026-01-27T10:53:10Z')),
  ];

  it('gives the same doc for any order and any duplicates (seeds 1-50)', () => {
    const reference = canonical(foldAll(stream));
    for (let seed = 1; seed <= 50; seed++) {
      const replay = shuffled([...stream, ...stream.slice(0, seed % stream.length)], seed);
      expect(canonical(foldAll(replay)), `seed ${seed}`).toBe(reference);
    }
  });

  it('derives the listing entry: files per source, bytes of every segment, nodes, activity', () => {
    const doc = foldAll(stream) as SessionDoc;
    expect(entryOf(doc, 'e1')).toEqual({
      name: S1,
      createTime: '2026-01-27T10:52:59Z',
      createTimeStamp: 1769511179,
      clusterIds: ['default', 'other'],
      nodes: ['h1', 'h2', 'h3'],
      files: 3,
      bytes: 30 + 7 + 7 + 1,
      firstActivity: '2026-01-27T10:53:00Z',
      lastActivity: '2026-01-27T11:06:00Z',
      hasMetadata: true,
      etag: 'e1',
    });
  });

  it('tells news (a new session, file, segment, node, metadata) from growth of a known file', () => {
    const [first, grown, segment, other] = stream as [Observation, Observation, Observation, Observation];
    expect(classify(null, first)).toBe('news');
    const doc = fold(null, first);
    expect(classify(doc, first)).toBe('none');
    expect(classify(doc, grown)).toBe('growth');
    expect(classify(doc, segment)).toBe('news');
    expect(classify(doc, other)).toBe('news');
    expect(classify(doc, stream[6] as Observation)).toBe('news');
    expect(classify(fold(doc, grown), first)).toBe('none'); // an older observation adds nothing
  });
});

describe('documents', () => {
  it('rejects an unreadable or foreign-version document', () => {
    expect(() => parse.head('h.json', '{oops')).toThrow(CorruptIndexError);
    expect(() => parse.session('s.json', '{"schemaVersion":1}')).toThrow(/schemaVersion 1/);
    expect(parse.summary('c.json', null)).toBeNull();
  });
});

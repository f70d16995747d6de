import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import {
  clusterHeadBlob,
  dashboardDocBlob,
  dashboardLockBlob,
  dashboardManifestBlob,
  dashboardPrefix,
  eventStamp,
  jobEventsBlob,
  logBlob,
  logSourceBlob,
  markBlob,
  metadataBlob,
  nodeEventsBlob,
  parseBlobName,
  parseLogSourceBlob,
  parseMarkBlob,
  parseSessionDocBlob,
  sessionDocBlob,
  sessionPrefix,
  summaryBlob,
} from './layout.js';

const ref = {
  cluster: 'raycluster-kuberay',
  clusterId: 'default',
  session: 'session_2026-01-27_10-52-59_373533_1',
};
const stamp = eventStamp(new Date(Date.UTC(2026, 0, 27, 10, 52, 59, 123)), '7f3a9c1e');

describe('building blob names', () => {
  it('follows docs/api.md for every kind', () => {
    expect(sessionPrefix(ref)).toBe('log/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/');
    expect(logBlob(ref, 'head-1', 'events/event_GCS.log')).toBe(
      'log/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/logs/head-1/events/event_GCS.log',
    );
    expect(stamp).toBe('20260127T105259123Z-7f3a9c1e');
    expect(nodeEventsBlob(ref, 'head-1', stamp)).toBe(
      'log/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/node_events/head-1-20260127T105259123Z-7f3a9c1e.json',
    );
    expect(jobEventsBlob(ref, '02000000', 'head-1', stamp)).toBe(
      'log/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/job_events/02000000/head-1-20260127T105259123Z-7f3a9c1e.json',
    );
    expect(metadataBlob('default', 'raycluster-kuberay', ref.session)).toBe(
      'metadir/default_raycluster-kuberay/session_2026-01-27_10-52-59_373533_1/metadata.json',
    );
    expect(clusterHeadBlob('default', 'raycluster-kuberay')).toBe(
      'index/v2/clusters/default_raycluster-kuberay/head.json',
    );
    expect(summaryBlob()).toBe('index/v2/summary.json');
  });

  it('names continuation segments so they cannot collide with a real file', () => {
    expect(logBlob(ref, 'head-1', 'raylet.out', 3)).toMatch(/logs\/head-1\/raylet\.out%seg-000003$/);
  });

  it('rejects over-long blob names, naming the file', () => {
    // Every part at its longest: 1,006 characters for the first segment, 1,025 for a continuation.
    const long = {
      cluster: 'c'.repeat(253),
      clusterId: 'i'.repeat(64),
      session: 'session_2026-01-27_10-52-59_373533_123456789',
    };
    expect(logBlob(long, 'n'.repeat(128), 'f'.repeat(512)).length).toBe(1014);
    expect(() => logBlob(long, 'n'.repeat(128), 'f'.repeat(512), 1)).toThrow(HttpError);
    try {
      logBlob(long, 'n'.repeat(128), 'f'.repeat(512), 1);
    } catch (err) {
      expect((err as HttpError).extra.field).toBe('file');
    }
  });

  it('validates every name on the way in', () => {
    expect(() => logBlob({ ...ref, cluster: 'ray_cluster' }, 'n', 'f')).toThrow(/cluster/);
    expect(() => logBlob({ ...ref, session: 'session_2026-02-30_00-00-00_000000' }, 'n', 'f')).toThrow(
      /session/,
    );
    expect(() => logBlob(ref, '..', 'f')).toThrow(/node/);
    expect(() => logBlob(ref, 'n', '../x')).toThrow(/file/);
    expect(() => metadataBlob('Default', 'c', ref.session)).toThrow(/namespace/);
    expect(() => jobEventsBlob(ref, 'AgAAAA==', 'n', stamp)).toThrow(/jobId/);
  });
});

describe('dashboard blob names', () => {
  const base = 'index/v1/dashboard/raycluster-kuberay_default/session_2026-01-27_10-52-59_373533_1/';

  it("keeps a session's dashboard state under index/, beside nothing a trigger watches", () => {
    expect(dashboardPrefix(ref)).toBe(base);
    expect(dashboardManifestBlob(ref)).toBe(`${base}manifest.json`);
    expect(dashboardLockBlob(ref)).toBe(`${base}lock`);
    expect(parseBlobName(dashboardManifestBlob(ref)).kind).toBe('index');
  });

  it('names sharded documents by kind, key prefix and version, and the others by kind and version', () => {
    expect(dashboardDocBlob(ref, 'tasks', 'g00000012-a1b2c3', '3f')).toBe(
      `${base}tasks/3f.g00000012-a1b2c3.ndjson`,
    );
    expect(dashboardDocBlob(ref, 'actors', 'g00000001-zz99zz')).toBe(
      `${base}actors/_.g00000001-zz99zz.ndjson`,
    );
    expect(dashboardDocBlob(ref, 'jobs', 'g00000002-abcdef')).toBe(`${base}jobs.g00000002-abcdef.json`);
    expect(dashboardDocBlob(ref, 'summary', 'g00000002-abcdef')).toBe(`${base}summary.g00000002-abcdef.json`);
  });

  it.each([
    ['a bad version', () => dashboardDocBlob(ref, 'tasks', 'v1', '')],
    ['a non-hex shard', () => dashboardDocBlob(ref, 'tasks', 'g00000001-abcdef', '../x')],
    ['a shard of an unsharded kind', () => dashboardDocBlob(ref, 'jobs', 'g00000001-abcdef', 'ab')],
    ['an unknown kind', () => dashboardDocBlob(ref, 'other' as 'jobs', 'g00000001-abcdef')],
  ])('rejects %s', (_what, build) => {
    expect(build).toThrow(RangeError);
  });

  it('validates the session it is built from', () => {
    expect(() => dashboardPrefix({ ...ref, session: 'nope' })).toThrow(/session/);
  });
});

describe('parsing blob names', () => {
  it.each([
    [
      logBlob(ref, 'head-1', 'raylet.out'),
      { kind: 'log', ...ref, node: 'head-1', file: 'raylet.out', segment: 0 },
    ],
    [
      logBlob(ref, 'head-1', 'events/event_GCS.log'),
      { kind: 'log', ...ref, node: 'head-1', file: 'events/event_GCS.log', segment: 0 },
    ],
    [
      logBlob(ref, 'w', 'raylet.out', 12),
      { kind: 'log', ...ref, node: 'w', file: 'raylet.out', segment: 12 },
    ],
    [nodeEventsBlob(ref, 'head-1', stamp), { kind: 'nodeEvents', ...ref, node: 'head-1', stamp }],
    [
      jobEventsBlob(ref, '02000000', 'worker-a', stamp),
      { kind: 'jobEvents', ...ref, jobId: '02000000', node: 'worker-a', stamp },
    ],
    [
      metadataBlob('ns', 'raycluster-kuberay', ref.session),
      { kind: 'metadata', namespace: 'ns', cluster: 'raycluster-kuberay', session: ref.session },
    ],
    [clusterHeadBlob('ns', 'c'), { kind: 'index', path: 'index/v2/clusters/ns_c/head.json' }],
  ])('round-trips %s', (name, parsed) => {
    expect(parseBlobName(name)).toEqual(parsed);
  });

  it.each([
    'log/nounderscore/session_2026-01-27_10-52-59_373533/logs/n/f',
    'log/c_id/session_bad/logs/n/f',
    'log/c_id/session_2026-01-27_10-52-59_373533/logs/n',
    'log/c_id/session_2026-01-27_10-52-59_373533/logs/../f',
    'log/c_id/session_2026-01-27_10-52-59_373533/other/x',
    'log/c_id/session_2026-01-27_10-52-59_373533/node_events/n.json',
    'log/c_id/session_2026-01-27_10-52-59_373533/job_events/XYZ/n-20260127T105259123Z-abcd.json',
    'log/c_id/session_2026-01-27_10-52-59_373533/logs/n/f%seg-000000',
    'log/c_id/session_2026-01-27_10-52-59_373533/logs/n/f%seg-12',
    'metadir/ns_c/session_2026-01-27_10-52-59_373533/other.json',
    'metadir/NS_c/session_2026-01-27_10-52-59_373533/metadata.json',
    'elsewhere/a_b/session_2026-01-27_10-52-59_373533/x',
    '',
  ])('reports %j as unknown', (name) => {
    expect(parseBlobName(name).kind).toBe('unknown');
  });
});

describe('index documents and journal marks', () => {
  const key = { namespace: 'ns', cluster: 'rc.a', session: 'session_2026-01-27_10-52-59_373533_1' };

  it('names every mark kind and parses it back', () => {
    const marks = [
      { kind: 'news', key, id: 'abcdef0123456789abcdef01' },
      { kind: 'relist', key, due: 1769511190, source: 'my.Id-7' },
      { kind: 'relist', key, due: 0, source: null },
      { kind: 'merge', key, source: 'default' },
      { kind: 'entry', key },
    ] as const;
    for (const m of marks) expect(parseMarkBlob(markBlob(m))).toEqual(m);
    expect(markBlob(marks[1])).toBe(
      'index/v2/journal/t/1769511190/ns_rc.a/session_2026-01-27_10-52-59_373533_1/my.Id-7',
    );
    expect(parseMarkBlob('index/v2/journal/t/12/ns_rc/x/y')).toBeNull();
    expect(parseMarkBlob('index/v2/journal/n/ns_rc/session_2026-01-27_10-52-59_373533_1/NOTHEX')).toBeNull();
  });

  it('lists session docs like metadata.json and log-source entries like their blobs', () => {
    const doc = sessionDocBlob(key);
    expect(doc).toBe('index/v2/sessions/ns_rc.a/session_2026-01-27_10-52-59_373533_1/doc.json');
    expect(parseSessionDocBlob(doc)).toEqual(key);
    const src = logSourceBlob({ cluster: 'rc.a', clusterId: 'x_y', session: key.session });
    expect(src).toBe('index/v2/logs/rc.a_x_y/session_2026-01-27_10-52-59_373533_1/src');
    expect(parseLogSourceBlob(src)).toEqual({ cluster: 'rc.a', clusterId: 'x_y', session: key.session });
    expect(
      parseSessionDocBlob('index/v2/sessions/BAD_rc/session_2026-01-27_10-52-59_373533_1/doc.json'),
    ).toBeNull();
  });
});

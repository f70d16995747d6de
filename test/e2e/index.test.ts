/**
 * The indexer end to end: the compiled app in the local host (blob triggers polling Azurite), data
 * created through the ingest API over real HTTP, listings read back over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { eventually } from '../helpers/storage.js';

let host: RunningHost;

beforeAll(async () => {
  host = await startHost();
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

async function getJson<T>(path: string): Promise<{ status: number; body: T }> {
  const res = await fetch(`${host.baseUrl}${path}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function put(path: string, body: string): Promise<void> {
  const res = await fetch(`${host.baseUrl}${path}`, {
    method: 'PUT',
    body,
    headers: { 'Content-Type': 'text/plain' },
  });
  if (res.status !== 200) throw new Error(`PUT ${path} answered ${res.status}: ${await res.text()}`);
}

/** Runs `fn` over `items`, at most `limit` at once. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

interface KubeRayRow {
  name: string;
  namespace: string;
  sessionName: string;
  createTime: string;
  createTimeStamp: number;
}

interface SessionsReply {
  sessions: { sessionName: string; files: number; bytes: number; nodes: string[]; clusterId: string }[];
}

const session = (c: number, s: number) =>
  `session_2026-0${1 + (s % 9)}-${String(1 + c).padStart(2, '0')}_10-00-00_${String(c * 100 + s).padStart(6, '0')}`;

describe('indexer through the local host', () => {
  it('ingest into a new session, and it appears in GET /api/clusters', async () => {
    const s = 'session_2026-05-05_05-05-05_050505';
    expect((await getJson<KubeRayRow[]>('/api/clusters')).body.some((r) => r.sessionName === s)).toBe(false);
    await put(`/api/v1/logs/solo/lonely/${s}/head/raylet.out?offset=0`, 'hello\n');
    const row = await eventually(
      async () => (await getJson<KubeRayRow[]>('/api/clusters')).body.find((r) => r.sessionName === s),
      15_000,
      'the new session in GET /api/clusters',
    );
    expect(row).toEqual({
      name: 'lonely',
      namespace: 'solo',
      sessionName: s,
      createTime: '2026-05-05T05:05:05Z',
      createTimeStamp: Date.UTC(2026, 4, 5, 5, 5, 5) / 1000,
    });
  });

  it(
    'lists all 200 sessions of 20 clusters ingested concurrently, with the right counts',
    { timeout: 240_000 },
    async () => {
      const work: { c: number; s: number; node: string; file: string; text: string }[] = [];
      for (let c = 0; c < 20; c++) {
        for (let s = 0; s < 10; s++) {
          work.push({ c, s, node: 'head', file: 'raylet.out', text: `c${c} s${s}\n` });
          work.push({ c, s, node: `worker-${s % 3}`, file: 'logs/worker.err', text: 'x'.repeat(c + 1) });
        }
      }
      await pool(work, 16, ({ c, s, node, file, text }) =>
        put(`/api/v1/logs/ns-${c % 4}/rc-${c}/${session(c, s)}/${node}/${file}?offset=0`, text),
      );

      const rows = await eventually(
        async () => {
          const r = await getJson<KubeRayRow[]>('/api/clusters');
          const ours = r.body.filter((x) => x.name.startsWith('rc-'));
          return ours.length === 200 ? ours : undefined;
        },
        60_000,
        'all 200 sessions in GET /api/clusters',
      );
      const stamps = rows.map((r) => r.createTimeStamp);
      expect(stamps).toEqual([...stamps].sort((a, b) => b - a));

      // GET /api/clusters lists a session once its news is marked; the v1 counts of a cluster the
      // index already holds follow with the compactor's round (docs/indexer.md, "Listing routes").
      const ours = await eventually(
        async () => {
          const v1 = await getJson<{ clusters: { name: string; namespace: string; sessions: number }[] }>(
            '/api/v1/clusters',
          );
          const found = v1.body.clusters.filter((c) => c.name.startsWith('rc-'));
          return found.length === 20 && found.every((c) => c.sessions === 10) ? found : undefined;
        },
        60_000,
        'all 200 sessions counted by GET /api/v1/clusters',
      );
      expect(ours.every((c) => c.namespace === `ns-${Number(c.name.slice(3)) % 4}`)).toBe(true);

      for (let c = 0; c < 20; c++) {
        // Counts follow the blobs (news); bytes come with the trailing re-read (docs/indexer.md).
        const listed = await eventually(
          async () => {
            const r = await getJson<SessionsReply>(`/api/v1/clusters/ns-${c % 4}/rc-${c}/sessions`);
            return r.status === 200 &&
              r.body.sessions.every(
                (x) =>
                  x.files === 2 &&
                  x.bytes === `c${c} s${Number(x.sessionName.slice(-6)) - c * 100}\n`.length + c + 1,
              )
              ? r.body
              : undefined;
          },
          60_000,
          `rc-${c}'s sessions with both files`,
        );
        expect(listed.sessions).toHaveLength(10);
        for (const x of listed.sessions) {
          const s = Number(x.sessionName.slice(-6)) - c * 100;
          expect(x).toMatchObject({
            clusterId: `ns-${c % 4}`,
            files: 2,
            bytes: `c${c} s${s}\n`.length + c + 1,
            nodes: ['head', `worker-${s % 3}`].sort(),
          });
        }
      }
      const unknown = await getJson<{ error: string }>('/api/v1/clusters/ns-0/rc-404/sessions');
      expect(unknown).toEqual({
        status: 404,
        body: expect.objectContaining({ error: 'cluster_not_found' }) as unknown,
      });
    },
  );
});

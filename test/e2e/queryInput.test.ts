/**
 * Bad input to the query routes over real HTTP: path traversal in every parameter (upstream's own
 * cases, encoded, double-encoded, backslashes) and bad values, each a 400 JSON naming the field.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { azuriteConnectionString } from '../helpers/storage.js';
import { request } from '../helpers/http.js';

const NS = 'default';
const CLUSTER = 'raycluster-kuberay';
const SESSION = 'session_2026-01-27_10-52-59_373533_1';

/** Upstream's traversal cases, plus backslash forms. */
const ATTACKS = [
  '../etc/passwd',
  '..',
  '/etc/passwd',
  '../../secret',
  '..\\etc\\passwd',
  '\\etc\\passwd',
  '.',
];
const once = (v: string) => encodeURIComponent(v).replace(/\./g, '%2E');
const twice = (v: string) => encodeURIComponent(once(v));

let host: RunningHost;

beforeAll(async () => {
  host = await startHost();
  const put = await request(
    host.baseUrl,
    `/api/v1/logs/${NS}/${CLUSTER}/${SESSION}/head-1/raylet.out?offset=0`,
    { method: 'PUT', body: 'a\nb\n', headers: { 'Content-Type': 'text/plain' } },
  );
  expect(put.status, put.text).toBe(200);
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

type Params = { namespace: string; cluster: string; session: string; node: string; file: string };
const GOOD: Params = {
  namespace: NS,
  cluster: CLUSTER,
  session: SESSION,
  node: 'head-1',
  file: 'raylet.out',
};

function routes(p: Params): string[] {
  const s = `/api/v1/clusters/${p.namespace}/${p.cluster}/sessions/${p.session}`;
  return [`${s}/files`, `${s}/events`, `${s}/metadata`, `${s}/logs/${p.node}/${p.file}`];
}

/** A refusal: 400 JSON naming the field (when the host itself refused, it names nothing). */
async function expectRefused(path: string, field?: string): Promise<void> {
  const r = await request(host.baseUrl, path);
  expect(r.status, path).toBe(400);
  if (field !== undefined) expect(r.json(), path).toMatchObject({ error: 'invalid_parameter', field });
}

describe('path traversal is refused with 400 in every parameter', () => {
  it('is a real file to begin with (the good path answers)', async () => {
    for (const path of routes(GOOD)) expect((await request(host.baseUrl, path)).status, path).toBe(200);
  });

  for (const name of ['namespace', 'cluster', 'session', 'node', 'file'] as const) {
    it(`in the path: ${name}, encoded and double-encoded`, async () => {
      for (const attack of ATTACKS) {
        for (const encoded of [once(attack), twice(attack)]) {
          const paths = routes({ ...GOOD, [name]: encoded });
          for (const path of name === 'node' || name === 'file' ? paths.slice(3) : paths) {
            await expectRefused(path, name);
          }
        }
      }
    });
  }

  it('in the path, raw: dot segments and backslashes', async () => {
    const s = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${SESSION}`;
    for (const path of [
      `${s}/logs/head-1/../../../../../etc/passwd`,
      `${s}/logs/head-1/..`,
      `${s}/logs/../secret`,
      `/api/v1/clusters/${NS}/${CLUSTER}/sessions/../../secret/files`,
    ]) {
      await expectRefused(path);
    }
    for (const [path, field] of [
      [`${s}/logs/head-1/..\\..\\secret`, 'file'],
      [`${s}/logs/head-1/\\etc\\passwd`, 'file'],
      [`${s}/logs/head-1//etc/passwd`, 'file'],
      [`${s}/logs/..\\x/raylet.out`, 'node'],
      [`/api/v1/clusters/${NS}/${CLUSTER}/sessions/..\\x/files`, 'session'],
    ] as const) {
      await expectRefused(path, field);
    }
  });

  for (const [param, paths] of [
    ['clusterId', routes(GOOD)],
    ['prefix', [routes(GOOD)[0] ?? '']],
    ['node', [routes(GOOD)[1] ?? '']],
    ['jobId', [routes(GOOD)[1] ?? '']],
    ['type', [routes(GOOD)[1] ?? '']],
    ['cursor', [routes(GOOD)[0] ?? '', routes(GOOD)[1] ?? '']],
  ] as const) {
    it(`in the query: ${param}, raw, encoded and double-encoded`, async () => {
      for (const attack of ATTACKS) {
        for (const value of [attack.replace(/\\/g, '%5C'), once(attack), twice(attack)]) {
          for (const path of paths) await expectRefused(`${path}?${param}=${value}`, param);
        }
      }
    });
  }
});

describe('bad values are refused with 400 naming them', () => {
  const [files, events, , log] = routes(GOOD);
  const cases: [string, string][] = [
    [`${files}?limit=0`, 'limit'],
    [`${files}?limit=1001`, 'limit'],
    [`${files}?delimiter=x`, 'delimiter'],
    [`${events}?limit=-1`, 'limit'],
    [`${events}?since=2026-01-27`, 'since'],
    [`${events}?until=tomorrow`, 'until'],
    [`${log}?tail=100001`, 'tail'],
    [`${log}?tail=x`, 'tail'],
    [`${log}?offset=-1`, 'offset'],
    [`${log}?length=0`, 'length'],
    [`${log}?tail=1&offset=0`, 'tail'],
    [`${log}?download=maybe`, 'download'],
    [`/api/v1/clusters/Default/${CLUSTER}/sessions/${SESSION}/files`, 'namespace'],
    [`/api/v1/clusters/${NS}/under_score/sessions/${SESSION}/files`, 'cluster'],
    [`/api/v1/clusters/${NS}/${CLUSTER}/sessions/session_2026-02-30_00-00-00_000000/files`, 'session'],
  ];
  it('for each parameter', async () => {
    for (const [path, field] of cases) await expectRefused(path ?? '', field);
  });

  it('keeps the host up afterwards', async () => {
    expect((await request(host.baseUrl, '/api/v1/health')).status).toBe(200);
  });
});

describe('storage unreachable', () => {
  it('answers 503 with Retry-After on every query route, never 404 or an empty list', async () => {
    const dead = azuriteConnectionString().replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:9');
    const down = await startHost({ env: { AZURE_STORAGE_CONNECTION_STRING: dead, HistoryStorage: dead } });
    try {
      for (const path of routes(GOOD)) {
        const r = await request(down.baseUrl, path);
        expect(r.status, path).toBe(503);
        expect(r.json().error, path).toBe('storage_unavailable');
        expect(r.headers['retry-after'], path).toBe('5'); // no hint from storage: the app's default
      }
    } finally {
      await down.stop();
    }
  });
});

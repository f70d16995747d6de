/**
 * The served OpenAPI document holds for real answers: data is ingested through the API over HTTP,
 * then every route is called (successes and errors), and every answer's status must be documented
 * for its route and its JSON body must validate against the documented schema (Ajv, JSON Schema
 * 2020-12, which OpenAPI 3.1 uses). Every route of the document is exercised.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request, type Reply } from '../helpers/http.js';
import { ACTORS, JOBS, NODES, TASKS } from '../helpers/rayCorpus.js';
import { SESSION as RAY_SESSION } from '../helpers/rayLogs.js';
import {
  CLUSTER as RAY_CLUSTER,
  EMPTY_SESSION,
  ingestRaySessionHttp,
  NS as RAY_NS,
  SESSION_PATH as RAY_SESSION_PATH,
} from '../helpers/raySessionHttp.js';
import { eventually } from '../helpers/storage.js';

type Json = Record<string, unknown>;
interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: Json }> }>;
}

const NS = 'default';
const CLUSTER = 'raycluster-oa';
const SESSION = 'session_2026-02-03_04-05-06_000007';
const SESSION_PATH = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${SESSION}`;

let host: RunningHost;
let doc: Json;
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: true });
const validators = new Map<string, ValidateFunction>();
const exercised = new Set<string>();

/** `$ref: "#/…"` made absolute against the document registered as `doc`. */
function absolute(schema: unknown): unknown {
  return JSON.parse(JSON.stringify(schema).replaceAll('"$ref":"#/', '"$ref":"doc#/')) as unknown;
}

/** The documented path template that `path` (no query) matches, e.g. `/api/v1/logs/{namespace}/…/{file}`. */
function templateOf(path: string, method: string): string {
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const candidates = Object.keys(paths).filter((t) => paths[t]?.[method] !== undefined);
  // `{file}` and `{path}` are the host's catch-alls (may hold "/"); other parameters are one segment.
  if (path === '/') return candidates.includes('/') ? '/' : path;
  const match = candidates.find((t) =>
    new RegExp(`^${t.replace(/\{(file|path)\}/g, '.+').replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
  if (match === undefined) throw new Error(`no documented route for ${method.toUpperCase()} ${path}`);
  return match;
}

/** Sends a request and checks the answer against the document. */
async function checked(
  method: string,
  path: string,
  opts: { headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<Reply> {
  const r = await request(host.baseUrl, path, { method, ...opts });
  const m = method.toLowerCase();
  const template = templateOf(path.split('?')[0] ?? path, m);
  exercised.add(`${m} ${template}`);
  const op = (doc.paths as Record<string, Record<string, Operation>>)[template]?.[m];
  const documented = op?.responses[String(r.status)];
  expect(
    documented,
    `${method} ${path} answered ${r.status}, which is not documented: ${r.text.slice(0, 300)}`,
  ).toBeDefined();
  const type = String(r.headers['content-type'] ?? '');
  const schema = documented?.content?.['application/json']?.schema;
  if (schema !== undefined) {
    expect(type, `${method} ${path}`).toMatch(/^application\/json/);
    const key = `${m} ${template} ${r.status}`;
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = ajv.compile(absolute(schema) as Json);
      validators.set(key, validate);
    }
    const ok = validate(JSON.parse(r.text));
    expect(
      ok,
      `${method} ${path} ${r.status}: ${ajv.errorsText(validate.errors)}\n${r.text.slice(0, 500)}`,
    ).toBe(true);
  } else if (documented?.content !== undefined) {
    const types = Object.keys(documented.content);
    expect(
      types.some((t) => type.startsWith(t)) || type.startsWith('application/json'),
      `${method} ${path}: ${type}`,
    ).toBe(true);
  }
  return r;
}

const event = (i: number, extra: Json = {}) => ({
  eventId: Buffer.from(`evt-${i}-${SESSION}`).toString('base64'),
  eventType: 'DRIVER_JOB_DEFINITION_EVENT',
  timestamp: `2026-02-03T04:05:${String(10 + i).padStart(2, '0')}.000000001Z`,
  sessionName: SESSION,
  driverJobDefinitionEvent: { jobId: 'AQAAAA==' },
  ...extra,
});

beforeAll(async () => {
  host = await startHost();
  const served = await request(host.baseUrl, '/api/v1/openapi.json');
  doc = served.json();
  ajv.addSchema({ $id: 'doc', components: doc.components });
  exercised.add('get /api/v1/openapi.json');
}, 60_000);

afterAll(async () => {
  await host?.stop();
});

describe('every route answers as the served OpenAPI document says', () => {
  it('is a 3.1 document of every route', () => {
    expect(doc.openapi).toBe('3.1.0');
  });

  it('ingest routes', async () => {
    const log = `/api/v1/logs/${NS}/${CLUSTER}/${SESSION}/head-1/raylet.out`;
    const text = { 'Content-Type': 'text/plain' };
    expect((await checked('PUT', `${log}?offset=0`, { headers: text, body: 'hello\nworld\n' })).status).toBe(
      200,
    );
    expect((await checked('PUT', `${log}?offset=0`, { headers: text, body: 'hello\n' })).status).toBe(200);
    expect((await checked('PUT', `${log}?offset=99`, { headers: text, body: 'x' })).status).toBe(409);
    expect((await checked('PUT', `${log}?offset=01`, { headers: text, body: 'x' })).status).toBe(400);
    expect(
      (await checked('PUT', `${log}?offset=0`, { headers: { 'Content-Type': 'image/png' }, body: 'x' }))
        .status,
    ).toBe(415);
    const json = { 'Content-Type': 'application/json' };
    const events = `/api/v1/events?namespace=${NS}&cluster=${CLUSTER}&node=head-1`;
    const posted = await checked('POST', events, {
      headers: json,
      body: JSON.stringify([event(1), event(2), { bad: 1 }]),
    });
    expect(posted.json()).toMatchObject({ accepted: 2, rejected: 1 });
    expect((await checked('POST', events, { headers: json, body: '{}' })).status).toBe(400);
    const batch = {
      namespace: NS,
      cluster: CLUSTER,
      session: SESSION,
      node: 'worker-1',
      chunks: [
        { file: 'gcs_server.out', offset: 0, data: 'gcs\n' },
        { file: '../x', offset: 0, data: 'no' },
      ],
      events: [event(3)],
      metadata: { rayVersion: '2.52.1' },
    };
    const b = await checked('POST', '/api/v1/batch', { headers: json, body: JSON.stringify(batch) });
    expect(b.json()).toMatchObject({ metadata: 'merged', events: { accepted: 1 } });
    expect((await checked('POST', '/api/v1/batch', { headers: json, body: '{"namespace":5}' })).status).toBe(
      400,
    );
  });

  it('query routes', async () => {
    // The index fills from the blob triggers: wait for the session to be listed.
    await eventually(
      async () => {
        const r = await checked('GET', '/api/clusters');
        return (
          (JSON.parse(r.text) as { sessionName: string }[]).some((c) => c.sessionName === SESSION) ||
          undefined
        );
      },
      20_000,
      'the session in /api/clusters',
    );
    await checked('GET', '/api/v1/clusters');
    expect((await checked('GET', `/api/v1/clusters/${NS}/${CLUSTER}/sessions`)).status).toBe(200);
    expect((await checked('GET', `/api/v1/clusters/${NS}/nope/sessions`)).status).toBe(404);
    expect((await checked('GET', `/api/v1/clusters/BAD/${CLUSTER}/sessions`)).status).toBe(400);
    expect((await checked('GET', `${SESSION_PATH}/files?delimiter=/&prefix=logs/`)).status).toBe(200);
    expect((await checked('GET', `${SESSION_PATH}/files?limit=0`)).status).toBe(400);
    const file = `${SESSION_PATH}/logs/head-1/raylet.out`;
    const whole = await checked('GET', file);
    expect(whole.text).toBe('hello\nworld\n');
    expect((await checked('GET', `${file}?tail=1`)).text).toBe('world\n');
    expect((await checked('GET', file, { headers: { Range: 'bytes=0-4' } })).status).toBe(206);
    expect(
      (await checked('GET', file, { headers: { 'If-None-Match': String(whole.headers.etag) } })).status,
    ).toBe(304);
    expect((await checked('GET', file, { headers: { Range: 'bytes=100-' } })).status).toBe(416);
    expect((await checked('GET', `${SESSION_PATH}/logs/head-1/missing.out`)).status).toBe(404);
    expect((await checked('GET', `${SESSION_PATH}/events?limit=2`)).status).toBe(200);
    expect((await checked('GET', `${SESSION_PATH}/events?since=yesterday`)).status).toBe(400);
    expect((await checked('GET', `${SESSION_PATH}/metadata`)).json()).toMatchObject({ rayVersion: '2.52.1' });
    const found = await checked('GET', `${SESSION_PATH}/search?q=world`);
    expect(found.json()).toMatchObject({
      hits: [{ node: 'head-1', file: 'raylet.out', line: 2, offset: 6, text: 'world' }],
    });
    expect((await checked('GET', `${SESSION_PATH}/search?q=(a&regex=true`)).status).toBe(400);
    expect(
      (
        await checked(
          'GET',
          `/api/v1/clusters/${NS}/${CLUSTER}/sessions/session_2026-01-01_00-00-00_000000/metadata`,
        )
      ).status,
    ).toBe(404);
  });

  it('system routes', async () => {
    expect((await checked('GET', '/api/v1/health')).status).toBe(200);
    expect((await checked('POST', '/api/v1/admin/reindex?dryRun=true')).status).toBe(200);
    expect((await checked('POST', '/api/v1/admin/reindex?dryRun=maybe')).status).toBe(400);
  });

  it("upstream's root routes: the cluster list, choosing a session by cookies, the probes", async () => {
    const clusters = await checked('GET', '/clusters');
    expect(clusters.json()).toEqual((await checked('GET', '/api/clusters')).json());
    const entered = await checked('GET', `/enter_cluster/${NS}/raycluster/${CLUSTER}`);
    expect(entered.json()).toEqual({ result: 'success', name: CLUSTER, namespace: NS, session: SESSION });
    const cookies = (entered.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
    expect(cookies).toEqual([
      `cluster_name=${CLUSTER}`,
      `cluster_namespace=${NS}`,
      `session_name=${SESSION}`,
      'owner_kind=',
      'owner_name=',
    ]);
    expect(entered.headers['set-cookie']?.[0]).toMatch(/Max-Age=600/i);
    expect((await checked('GET', `/enter_cluster/${NS}/raycluster/${CLUSTER}/${SESSION}`)).status).toBe(200);
    expect((await checked('GET', `/enter_cluster/${NS}/RayCluster/${CLUSTER}/latest`)).status).toBe(200);
    expect((await checked('GET', `/enter_cluster/${NS}/pod/${CLUSTER}`)).status).toBe(400);
    expect((await checked('GET', `/enter_cluster/${NS}/rayjob/${CLUSTER}`)).status).toBe(404);
    expect(
      (await checked('GET', `/enter_cluster/${NS}/raycluster/${CLUSTER}/session_2026-01-01_00-00-00_000000`))
        .status,
    ).toBe(404);
    expect((await checked('GET', '/readz')).text).toBe('ok');
    expect((await checked('GET', '/livez')).text).toBe('ok');
  });

  it('the UI: the page at the root and under /ui, HEAD as GET', async () => {
    const root = await checked('GET', '/');
    expect(root.headers['content-type']).toMatch(/^text\/html/);
    expect((await checked('HEAD', '/')).status).toBe(200);
    expect((await checked('GET', '/ui/clusters')).text).toBe(root.text);
    expect((await checked('HEAD', '/ui/clusters')).status).toBe(200);
    expect((await checked('GET', '/ui/assets/missing-0000.js')).status).toBe(404);
  });

  it("the Ray Dashboard's paths in both forms, the failures view, search: against the event corpus and Ray-like logs", async () => {
    // A second cluster of the same host: the corpus posted as Ray posts it, its logs through PUT and a batch.
    await ingestRaySessionHttp(host.baseUrl);
    const absent = 'ab'.repeat(28);
    const file = `api/v0/logs/file?node_id=${NODES.w1}&filename=raylet.out&lines=-1`;
    const calls: [string, number, Record<string, string>?][] = [
      ['api/jobs/', 200],
      [`api/jobs/${JOBS.j2}`, 200],
      ['api/jobs/raysubmit_nope', 404],
      ['api/jobs/bad!id', 400],
      ['api/v0/tasks?filter_keys=state&filter_predicates=%3D&filter_values=FAILED&limit=100', 200],
      ['api/v0/tasks?detail=true&exclude_driver=false', 200],
      ['api/v0/tasks?limit=0', 400],
      ['api/v0/tasks/summarize', 200],
      ['api/v0/tasks/summarize?summary_by=lineage', 200],
      ['api/v0/tasks/summarize?summary_by=colour', 400],
      ['api/v0/tasks/timeline', 200],
      ['api/v0/tasks/timeline?download=1', 200],
      ['api/v0/tasks/timeline?job_id=zz', 400],
      ['logical/actors', 200],
      [`logical/actors/${ACTORS.flaky}`, 200],
      [`logical/actors/${'0'.repeat(32)}`, 200],
      ['logical/actors/not-an-id', 400],
      ['nodes?view=summary', 200],
      ['nodes?view=hostNameList', 200],
      ['nodes?view=everything', 400],
      [`nodes/${NODES.w1}`, 200],
      [`nodes/${absent}`, 404],
      ['nodes/bad!node', 400],
      [`api/v0/logs?node_id=${NODES.w1}`, 200],
      [`api/v0/logs?node_id=${NODES.w1}&glob=..%2F*`, 400],
      [`api/v0/logs?node_id=${absent}`, 404],
      [file, 200],
      [`api/v0/logs/file?task_id=${TASKS.h}&suffix=err&format=leading_1`, 200],
      [file, 206, { Range: 'bytes=0-9' }],
      [file, 416, { Range: 'bytes=99999999-' }],
      [`api/v0/logs/file?node_id=${NODES.w1}&filename=missing.out`, 404],
      [`api/v0/logs/file?node_id=${NODES.w1}&filename=..%2F..%2Fx`, 400],
      ['events', 200],
      [`events?job_id=${JOBS.j2}`, 200],
      ['events?job_id=ZZ', 400],
      ['api/cluster_status?format=1', 200],
      ['api/cluster_status', 200],
      ['api/cluster_status?format=2', 400],
      ['api/v0/cluster_metadata', 200],
      ['timezone', 200],
      ['api/grafana_health', 501],
      ['api/prometheus_health', 501],
      ['api/serve/applications/', 200],
      ['api/v0/placement_groups', 200],
    ];
    const cookie = `cluster_name=${RAY_CLUSTER}; cluster_namespace=${RAY_NS}; session_name=${RAY_SESSION}`;
    for (const [path, status, headers = {}] of calls) {
      for (const [url, extra] of [
        [`${RAY_SESSION_PATH}/ray/${path}`, {}],
        [`/api/v1/clusters/${RAY_NS}/${RAY_CLUSTER}/sessions/latest/ray/${path}`, {}],
        [`/${path}`, { cookie }],
      ] as const) {
        const r = await checked('GET', url, { headers: { ...headers, ...extra } });
        expect(r.status, `${url}: ${r.text.slice(0, 200)}`).toBe(status);
      }
    }
    const etag = String((await checked('GET', `/${file}`, { headers: { cookie } })).headers.etag);
    expect((await checked('GET', `/${file}`, { headers: { cookie, 'If-None-Match': etag } })).status).toBe(
      304,
    );
    // Root paths without a session, or with one that does not exist; shareable ones of an unknown cluster.
    expect((await checked('GET', '/api/jobs/')).status).toBe(400);
    const gone = `cluster_name=${RAY_CLUSTER}; cluster_namespace=${RAY_NS}; session_name=session_2025-01-01_00-00-00_000000`;
    expect((await checked('GET', '/nodes', { headers: { cookie: gone } })).status).toBe(404);
    expect(
      (await checked('GET', `/api/v1/clusters/${RAY_NS}/nope/sessions/latest/ray/logical/actors`)).status,
    ).toBe(404);
    // A session without events: empty, schema-valid answers.
    const empty = `/api/v1/clusters/${RAY_NS}/${RAY_CLUSTER}/sessions/${EMPTY_SESSION}`;
    for (const p of [
      'api/jobs/',
      'api/v0/tasks',
      'api/v0/tasks/summarize?summary_by=lineage',
      'logical/actors',
      'nodes',
    ]) {
      expect((await checked('GET', `${empty}/ray/${p}`)).status).toBe(200);
    }
    expect((await checked('GET', `${empty}/failures`)).status).toBe(200);
    expect((await checked('GET', `${RAY_SESSION_PATH}/failures`)).status).toBe(200);
    expect(
      (await checked('GET', `/api/v1/clusters/${RAY_NS}/${RAY_CLUSTER}/sessions/session_x/failures`)).status,
    ).toBe(400);
    expect(
      (
        await checked(
          'GET',
          `/api/v1/clusters/${RAY_NS}/${RAY_CLUSTER}/sessions/session_2025-01-01_00-00-00_000000/failures`,
        )
      ).status,
    ).toBe(404);
    const found = await checked('GET', `${RAY_SESSION_PATH}/search?q=RARE-NEEDLE&node=${NODES.w2}&limit=1`);
    expect(found.json()).toMatchObject({
      hits: [{ nodeId: NODES.w2 }],
      nextCursor: expect.any(String) as unknown,
    });
  });

  it('exercised every documented route', () => {
    const documented = Object.entries(doc.paths as Record<string, Json>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m} ${p}`),
    );
    expect(documented.filter((r) => !exercised.has(r))).toEqual([]);
  });
});

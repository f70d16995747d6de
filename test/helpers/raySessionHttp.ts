/**
 * A Ray session delivered to a running host through the real ingest API over HTTP, as Ray and the
 * collector deliver it: the event corpus (./rayCorpus.ts) posted to `POST /api/v1/events` one request
 * per posting node, the Ray-like log files (./rayLogs.ts) appended with `PUT /api/v1/logs/…` in
 * pieces (one node's through `POST /api/v1/batch`, with the session's metadata), and an older session
 * with logs but no events. Waits until the index lists both, so `latest` names the corpus session.
 */
import { expect } from 'vitest';
import { request, type Reply } from './http.js';
import { rayCorpus, SESSION, type Posted } from './rayCorpus.js';
import { RAY_LOGS } from './rayLogs.js';
import { eventually } from './storage.js';

export const NS = 'default';
export const CLUSTER = 'raycluster-kuberay';
/** An older session of the same cluster: logs, no events. */
export const EMPTY_SESSION = 'session_2026-01-20_08-00-00_000001';
export const SESSION_PATH = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${SESSION}`;
export const EMPTY_PATH = `/api/v1/clusters/${NS}/${CLUSTER}/sessions/${EMPTY_SESSION}`;
/** A token only the older session's log holds: nothing read for the corpus session may show it. */
export const SECRET = 'TOP-SECRET-c0ffee';
/** What the batch records in the session's metadata.json (cluster_metadata and timezone read it). */
export const METADATA = {
  rayVersion: '2.52.1',
  pythonVersion: '3.11.9',
  timezone: { offset: '+01:00', value: 'Europe/Paris' },
};
/** The node whose files go through the batch route. */
const BATCHED_NODE_INDEX = 2;

const json = { 'Content-Type': 'application/json' };

const filePath = (file: string) => file.split('/').map(encodeURIComponent).join('/');

/** Appends `text` to a node's file with PUT /api/v1/logs, in `pieces` requests by byte offset. */
export async function putLog(
  baseUrl: string,
  session: string,
  node: string,
  file: string,
  text: string,
  pieces = 3,
): Promise<void> {
  const bytes = Buffer.from(text, 'utf8');
  const size = Math.max(1, Math.ceil(bytes.length / pieces));
  for (let at = 0; at < Math.max(bytes.length, 1); at += size) {
    const path = `/api/v1/logs/${NS}/${CLUSTER}/${session}/${node}/${filePath(file)}?offset=${at}`;
    const r = await request(baseUrl, path, {
      method: 'PUT',
      body: bytes.subarray(at, at + size),
      headers: { 'Content-Type': 'text/plain' },
    });
    expect(r.status, r.text).toBe(200);
    if (bytes.length === 0) break;
  }
}

/** POSTs events as Ray's aggregator on `node` does (one request). */
export async function postEvents(baseUrl: string, node: string, events: unknown[]): Promise<Reply> {
  const r = await request(baseUrl, `/api/v1/events?namespace=${NS}&cluster=${CLUSTER}&node=${node}`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify(events),
  });
  expect(r.status, r.text).toBe(200);
  expect(r.json()).toMatchObject({ accepted: events.length, rejected: 0 });
  return r;
}

/** Posts the corpus, one request per posting node. */
export async function postCorpus(baseUrl: string, posted: Posted[] = rayCorpus()): Promise<void> {
  const byNode = new Map<string, unknown[]>();
  for (const p of posted) byNode.set(p.postedBy, [...(byNode.get(p.postedBy) ?? []), p.event]);
  for (const [node, events] of byNode) await postEvents(baseUrl, node, events);
}

/** One node's files in one POST /api/v1/batch, with the session's metadata. */
async function postBatch(baseUrl: string, node: string, files: Record<string, string>): Promise<void> {
  const body = {
    namespace: NS,
    cluster: CLUSTER,
    session: SESSION,
    node,
    chunks: Object.entries(files).map(([file, data]) => ({ file, offset: 0, data })),
    metadata: METADATA,
  };
  const r = await request(baseUrl, '/api/v1/batch', {
    method: 'POST',
    headers: json,
    body: JSON.stringify(body),
  });
  expect(r.status, r.text).toBe(200);
  const results = (r.json() as { chunks: { status: string }[] }).chunks;
  expect(results.map((c) => c.status)).toEqual(Object.keys(files).map(() => 'appended'));
}

/** Ingests the corpus session and the empty one, and waits until the index lists both. */
export async function ingestRaySessionHttp(baseUrl: string): Promise<void> {
  await postCorpus(baseUrl);
  for (const [i, [node, files]] of Object.entries(RAY_LOGS).entries()) {
    if (i === BATCHED_NODE_INDEX) await postBatch(baseUrl, node, files);
    else for (const [file, text] of Object.entries(files)) await putLog(baseUrl, SESSION, node, file, text);
  }
  await putLog(
    baseUrl,
    EMPTY_SESSION,
    'head-0',
    'raylet.out',
    `an older session without events ${SECRET}\n`,
    1,
  );
  await eventually(
    async () => {
      const r = await request(baseUrl, `/api/v1/clusters/${NS}/${CLUSTER}/sessions`);
      const names = r.status === 200 ? JSON.stringify(r.json()) : '';
      return names.includes(SESSION) && names.includes(EMPTY_SESSION) ? true : undefined;
    },
    60_000,
    'both sessions in the index',
  );
}

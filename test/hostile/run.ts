/**
 * Sends the hostile corpus (test/hostile/corpus.json: each case a request, raw HTTP or a slow client,
 * with the answer it must get) to a running host, and checks each answer and that a case that must
 * write nothing wrote nothing. Used by hostile.test.ts and by the full soak's report.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import type { BlobStore } from '../../src/storage/blobStore.js';

export interface HostileCase {
  id: string;
  what: string;
  request?: {
    method: string;
    path: string;
    headers?: Record<string, string>;
    body?: string;
    bodyLatin1?: string;
    json?: unknown;
    template?: string;
  };
  /** Sent as it is (latin1: one byte per character). */
  raw?: string;
  slow?: { path: string; everyMs?: number; stallAfter?: number; length?: number; json?: boolean };
  /** Send no function key (default: the test key). */
  noKey?: boolean;
  expect: {
    status: number;
    error?: string;
    field?: string;
    itemError?: string;
    accepted?: number;
    rejected?: number;
    errorsListed?: number;
    closedEarly?: boolean;
  };
  writes: boolean;
}

export interface Got {
  status: number;
  body: Record<string, unknown>;
}

export interface CaseResult {
  id: string;
  what: string;
  expect: HostileCase['expect'];
  got: Got;
  /** What differed (empty when the answer is the expected one). */
  problems: string[];
}

export function loadCorpus(): HostileCase[] {
  const file = path.join(path.dirname(new URL(import.meta.url).pathname), 'corpus.json');
  return JSON.parse(readFileSync(file, 'utf8')) as HostileCase[];
}

const S = 'session_2026-11-29_10-00-00_000001_1';
const EVENT = `{"eventId":"AAECAwQFBgcICQoLDA0ODxAREhMU","eventType":"NODE_LIFECYCLE_EVENT","timestamp":"2026-11-29T10:00:01.000000001Z","sessionName":"${S}"`;
const ENVELOPE = `{"namespace":"ns","cluster":"cl","session":"${S}","node":"head-1"`;

/** Bodies too big or too deep to keep as data, built from a template `name:n`. */
function templateBody(template: string): Buffer {
  const [name, count] = template.split(':');
  const n = Number(count);
  const nested = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
  switch (name) {
    case 'deepEvent':
      return Buffer.from(`[${EVENT}},${EVENT.replace('MU"', 'MV"')},"deep":${nested(n)}}]`);
    case 'deepArray':
      return Buffer.from('['.repeat(n) + ']'.repeat(n));
    case 'deepObject':
      return Buffer.from(nested(n));
    case 'deepMetadata':
      return Buffer.from(`${ENVELOPE},"metadata":${nested(n)}}`);
    case 'deepChunk':
      return Buffer.from(`${ENVELOPE},"chunks":[${nested(n)}]}`);
    case 'manyEmpty':
      return Buffer.from(`[${Array.from({ length: n }, () => '{}').join(',')}]`);
    case 'manyChunks':
      return Buffer.from(
        `${ENVELOPE},"chunks":[${Array.from({ length: n }, (_, i) => `{"file":"many.log","offset":${i},"data":"x"}`).join(',')}]}`,
      );
    default:
      throw new Error(`unknown template ${template}`);
  }
}

function parseBody(text: string): Record<string, unknown> {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function viaHttp(
  baseUrl: string,
  c: NonNullable<HostileCase['request']>,
  key: string | undefined,
): Promise<Got> {
  const body =
    c.template !== undefined
      ? templateBody(c.template)
      : c.json !== undefined
        ? Buffer.from(JSON.stringify(c.json))
        : c.bodyLatin1 !== undefined
          ? Buffer.from(c.bodyLatin1, 'latin1')
          : c.body !== undefined
            ? Buffer.from(c.body, 'utf8')
            : undefined;
  const headers: Record<string, string> = { ...c.headers };
  if (key !== undefined && headers['x-functions-key'] === undefined) headers['x-functions-key'] = key;
  if (body !== undefined) headers['content-length'] = String(body.length);
  const base = new URL(baseUrl);
  return new Promise((resolve) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method: c.method, path: c.path, headers, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', () => resolve({ status: 0, body: {} }));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: parseBody(Buffer.concat(chunks).toString('utf8')) }),
        );
      },
    );
    req.setTimeout(60_000, () => req.destroy());
    req.on('error', () => resolve({ status: 0, body: {} }));
    req.end(body);
  });
}

/** Writes raw bytes on a socket; the answer is read until the server closes or `timeoutMs` passes. */
function viaSocket(
  baseUrl: string,
  write: (sock: net.Socket) => void,
  timeoutMs: number,
  halfClose: boolean,
): Promise<Got> {
  const base = new URL(baseUrl);
  return new Promise((resolve) => {
    const sock = net.connect(Number(base.port), base.hostname);
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
      const at = text.indexOf('\r\n\r\n');
      const body = at < 0 ? '' : Buffer.from(text.slice(at + 4), 'latin1').toString('utf8');
      // A chunked answer: the JSON is inside the first chunk.
      const json = body.includes('{') ? body.slice(body.indexOf('{'), body.lastIndexOf('}') + 1) : body;
      resolve({ status, body: parseBody(json) });
    };
    const timer = setTimeout(finish, timeoutMs);
    sock.on('data', (d: Buffer) => chunks.push(d));
    sock.on('close', finish);
    sock.on('error', finish);
    sock.on('connect', () => {
      write(sock);
      if (halfClose) sock.end();
    });
  });
}

function slowClient(baseUrl: string, s: NonNullable<HostileCase['slow']>, key: string): Promise<Got> {
  return viaSocket(
    baseUrl,
    (sock) => {
      const method = s.path.startsWith('/api/v1/logs/') ? 'PUT' : 'POST';
      const type = s.json === true ? 'application/json' : 'text/plain';
      const head = `${method} ${s.path} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-functions-key: ${key}\r\nContent-Type: ${type}\r\n`;
      if (s.stallAfter !== undefined) {
        sock.write(`${head}Content-Length: ${s.length ?? 100}\r\n\r\n${'x'.repeat(s.stallAfter)}`);
        return;
      }
      sock.write(`${head}Transfer-Encoding: chunked\r\n\r\n`);
      const timer = setInterval(() => {
        if (sock.destroyed) clearInterval(timer);
        else sock.write(`1\r\n${s.json === true ? ' ' : 'x'}\r\n`);
      }, s.everyMs ?? 300);
      sock.on('close', () => clearInterval(timer));
    },
    30_000,
    false,
  );
}

/** Sends one case and returns the answer. */
export async function send(baseUrl: string, c: HostileCase, key: string): Promise<Got> {
  if (c.request !== undefined) return viaHttp(baseUrl, c.request, c.noKey === true ? undefined : key);
  if (c.raw !== undefined) {
    const raw = c.raw;
    return viaSocket(
      baseUrl,
      (sock) => sock.write(Buffer.from(raw, 'latin1')),
      15_000,
      c.expect.closedEarly === true,
    );
  }
  if (c.slow !== undefined) return slowClient(baseUrl, c.slow, key);
  throw new Error(`case ${c.id} has nothing to send`);
}

/** What differs between the expected and the received answer. */
export function compare(c: HostileCase, got: Got): string[] {
  const e = c.expect;
  const problems: string[] = [];
  const same = (what: string, want: unknown, have: unknown) => {
    if (want !== undefined && want !== have)
      problems.push(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(have)}`);
  };
  same('status', e.status, got.status);
  same('error', e.error, got.body.error);
  const item = (got.body.chunks as Record<string, unknown>[] | undefined)?.[0];
  if (e.itemError !== undefined) {
    same('item error', e.itemError, item?.error);
    same('field', e.field, item?.field);
  } else same('field', e.field, got.body.field);
  same('accepted', e.accepted, got.body.accepted);
  same('rejected', e.rejected, got.body.rejected);
  same('errors listed', e.errorsListed, (got.body.errors as unknown[] | undefined)?.length);
  return problems;
}

async function dataBlobs(store: BlobStore): Promise<string> {
  const names: string[] = [];
  for (const prefix of ['log/', 'metadir/']) {
    let cursor: string | undefined;
    do {
      const page = await store.list({ prefix, pageSize: 5000, ...(cursor !== undefined && { cursor }) });
      names.push(...page.blobs.map((b) => `${b.name}:${b.size}`));
      cursor = page.cursor;
    } while (cursor !== undefined);
  }
  return names.sort().join('\n');
}

/** Runs every case in order; a case that must write nothing is checked against a listing before and after. */
export async function runCorpus(
  baseUrl: () => string,
  store: BlobStore,
  key: string,
  cases: HostileCase[],
): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) {
    const before = c.writes ? '' : await dataBlobs(store);
    const got = await send(baseUrl(), c, key);
    const problems = compare(c, got);
    if (!c.writes) {
      const after = await dataBlobs(store);
      if (after !== before) problems.push('it wrote to storage');
    }
    results.push({ id: c.id, what: c.what, expect: c.expect, got, problems });
  }
  return results;
}

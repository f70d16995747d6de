/**
 * Fixtures for the collector tests: a generated Ray temp dir that remembers what the server must end
 * up holding (the oracle), a reader of what Azurite holds, a server that runs the real ingest
 * handlers, and a fault-injecting proxy.
 */
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chmodSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  symlinkSync,
  truncateSync,
} from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { HttpRequest, InvocationContext } from '@azure/functions';
import type { Deps } from '../../src/app/deps.js';
import type { HttpFunction } from '../../src/http/route.js';
import type { ContainerClient } from '@azure/storage-blob';
import { logBlob, parseBlobName } from '../../src/core/layout.js';
import { seededRandom } from '../helpers/random.js';

export const S1 = 'session_2026-11-27_10-00-00_000001_1';
export const S2 = 'session_2026-11-27_11-30-00_000002_1';
export const S_PREV = 'session_2026-11-26_08-00-00_000003_1';

/** A Ray temp dir under construction; `expected` is what the server must hold per session and file. */
export class RayTree {
  readonly dir = mkdtempSync(path.join(tmpdir(), 'raytmp-'));
  /** session → remote file name → bytes. */
  readonly expected = new Map<string, Map<string, Buffer>>();
  private readonly gens = new Map<string, number>();
  private readonly rotations = new Map<string, number>();
  private lines = 0;

  constructor() {
    chmodSync(this.dir, 0o777);
  }

  logsDir(session: string): string {
    return path.join(this.dir, session, 'logs');
  }

  /** Creates a session's logs dir and points session_latest at it. */
  startSession(session: string): void {
    mkdirSync(this.logsDir(session), { recursive: true });
    rmSync(path.join(this.dir, 'session_latest'), { force: true });
    symlinkSync(session, path.join(this.dir, 'session_latest'));
  }

  private remote(session: string, rel: string): string {
    const gen = this.gens.get(`${session}/${rel}`) ?? 0;
    return gen === 0 ? rel : `${rel}.trunc-${gen}`;
  }

  private expect(session: string, remote: string, data: Buffer): void {
    const files = this.expected.get(session) ?? new Map<string, Buffer>();
    this.expected.set(session, files);
    files.set(remote, Buffer.concat([files.get(remote) ?? Buffer.alloc(0), data]));
  }

  /** Distinct log lines (so no two generations share bytes), `bytes` long. */
  text(bytes: number, tag: string): Buffer {
    const parts: string[] = [];
    let n = 0;
    while (n < bytes) {
      const line = `${new Date().toISOString()} ${tag} line ${++this.lines} ${randomBytes(12).toString('hex')}\n`;
      parts.push(line);
      n += line.length;
    }
    return Buffer.from(parts.join('')).subarray(0, bytes);
  }

  /** Appends to `<logs>/<rel>` in a live session. */
  append(session: string, rel: string, data: Buffer): void {
    const file = path.join(this.logsDir(session), rel);
    mkdirSync(path.dirname(file), { recursive: true });
    appendFileSync(file, data);
    this.expect(session, this.remote(session, rel), data);
  }

  /** Rotates like Ray's handlers: `rel` → `rel.<n>`; the next write to `rel` makes a new file. */
  rotate(session: string, rel: string): string {
    const key = `${session}/${rel}`;
    const n = (this.rotations.get(key) ?? 0) + 1;
    this.rotations.set(key, n);
    const rotated = `${rel}.${n}`;
    renameSync(path.join(this.logsDir(session), rel), path.join(this.logsDir(session), rotated));
    const content = this.expected.get(session)?.get(this.remote(session, rel)) ?? Buffer.alloc(0);
    this.expect(session, rotated, content);
    this.gens.set(key, (this.gens.get(key) ?? 0) + 1);
    return rotated;
  }

  /** Truncates `rel` in place; its next bytes are a new generation. */
  truncate(session: string, rel: string): void {
    truncateSync(path.join(this.logsDir(session), rel), 0);
    const key = `${session}/${rel}`;
    this.gens.set(key, (this.gens.get(key) ?? 0) + 1);
  }

  /** What Ray leaves after a container restart: `prev-logs/<session>/<nodeId>/logs/…`. */
  prevLogs(session: string, nodeId: string, files: Record<string, Buffer>): string {
    const root = path.join(this.dir, 'prev-logs', session, nodeId);
    for (const [rel, data] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(root, 'logs', rel)), { recursive: true });
      appendFileSync(path.join(root, 'logs', rel), data);
      this.expect(session, rel, data);
    }
    return root;
  }

  /** Expected bytes of one stored file. */
  expectedLength(session: string, remote: string): number {
    return this.expected.get(session)?.get(remote)?.length ?? 0;
  }
}

export interface Target {
  cluster: string;
  clusterId: string;
  node: string;
}

type Parts = Map<string, Array<{ segment: number; name: string; size: number }>>;

/** The blobs of every stored log file of one node in one session, by file name. */
async function storedParts(container: ContainerClient, t: Target, session: string): Promise<Parts> {
  const ref = { cluster: t.cluster, clusterId: t.clusterId, session };
  const prefix = logBlob(ref, t.node, 'x').slice(0, -1);
  const parts: Parts = new Map();
  for await (const b of container.listBlobsFlat({ prefix })) {
    const parsed = parseBlobName(b.name);
    if (parsed.kind !== 'log') throw new Error(`unexpected blob ${b.name}`);
    const seg = { segment: parsed.segment, name: b.name, size: b.properties.contentLength ?? 0 };
    parts.set(parsed.file, [...(parts.get(parsed.file) ?? []), seg]);
  }
  return parts;
}

/** Every stored log file of one node in one session, segments joined in order. */
export async function storedLogs(
  container: ContainerClient,
  t: Target,
  session: string,
): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const [file, segs] of await storedParts(container, t, session)) {
    segs.sort((a, b) => a.segment - b.segment);
    const bufs = await Promise.all(segs.map((s) => container.getBlobClient(s.name).downloadToBuffer()));
    out.set(file, Buffer.concat(bufs));
  }
  return out;
}

/**
 * True when every session's stored files equal the expected ones exactly (same names, same bytes),
 * else what differs. Compares names and sizes first, so polling does not download everything.
 */
export async function matches(container: ContainerClient, t: Target, tree: RayTree): Promise<string | true> {
  for (const [session, files] of tree.expected) {
    const parts = await storedParts(container, t, session);
    const want = [...files.keys()].sort();
    const got = [...parts.keys()].sort();
    if (JSON.stringify(want) !== JSON.stringify(got))
      return `${session}: files ${got.join(',')} ≠ ${want.join(',')}`;
    for (const [name, data] of files) {
      const size = (parts.get(name) ?? []).reduce((sum, p) => sum + p.size, 0);
      if (size !== data.length) return `${session}/${name}: ${size} bytes stored, ${data.length} expected`;
    }
  }
  for (const [session, files] of tree.expected) {
    const stored = await storedLogs(container, t, session);
    for (const [name, data] of files) {
      if (!(stored.get(name) ?? Buffer.alloc(0)).equals(data)) return `${session}/${name}: bytes differ`;
    }
  }
  return true;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface Running {
  url: string;
  close(): Promise<void>;
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return `http://127.0.0.1:${addr.port}`;
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
}

/**
 * Serves the real ingest handlers (append and batch) over HTTP, checking `x-functions-key`, for
 * in-process tests that need no Functions host. Each request's handler is built from `deps()`, so a
 * test may change settings between requests.
 */
export async function handlerServer(
  functions: { append: HttpFunction; batch: HttpFunction },
  key: string,
  deps: () => Deps,
): Promise<Running> {
  const server = createServer((req, res) => void serve(req, res));
  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    };
    if (req.headers['x-functions-key'] !== key)
      return send(401, { error: 'unauthorized', message: 'bad key' });
    const m = /^\/api\/v1\/logs\/([^/]+)\/([^/]+)\/([^/]+)\/([^/]+)\/(.+)$/.exec(url.pathname);
    const isBatch = url.pathname === '/api/v1/batch';
    if ((m === null || req.method !== 'PUT') && !(isBatch && req.method === 'POST'))
      return send(404, { error: 'not_found' });
    const params: Record<string, string> =
      m === null
        ? {}
        : {
            namespace: m[1] ?? '',
            cluster: m[2] ?? '',
            session: m[3] ?? '',
            node: m[4] ?? '',
            file: decodeURIComponent(m[5] ?? ''),
          };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const request = new HttpRequest({
      method: req.method ?? 'GET',
      url: url.toString(),
      headers,
      params,
      query: Object.fromEntries(url.searchParams),
      body: { bytes: await readBody(req) },
    });
    const out = await (isBatch ? functions.batch : functions.append).make(deps())(
      request,
      new InvocationContext({ functionName: 'test' }),
    );
    const init = out as { status?: number; body?: unknown; headers?: Record<string, string> };
    res.writeHead(init.status ?? 200, init.headers ?? {}).end(typeof init.body === 'string' ? init.body : '');
  }
  const url = await listen(server);
  return { url, close: closer(server) };
}

export interface Proxy extends Running {
  /** Requests answered 503 so far (before and after forwarding). */
  faults: () => number;
  requests: () => number;
}

/**
 * Forwards to `target`, but answers a share of requests 503 with Retry-After: 0 — half without
 * forwarding, half after the server has already applied them (so the retry must be a duplicate).
 */
export async function faultProxy(
  target: string,
  share: number,
  random: () => number = seededRandom(),
): Promise<Proxy> {
  let faults = 0;
  let requests = 0;
  const t = new URL(target);
  const server = createServer((req, res) => {
    requests++;
    const roll = random();
    const fail = () => {
      faults++;
      res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '0' });
      res.end(JSON.stringify({ error: 'injected', message: 'fault injected by the test proxy' }));
    };
    if (roll < share / 2) {
      req.resume();
      req.on('end', fail);
      return;
    }
    const upstream = httpRequest(
      { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        if (roll < share) {
          up.resume();
          up.on('end', fail);
          return;
        }
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => fail());
    req.pipe(upstream);
  });
  const url = await listen(server);
  return { url, close: closer(server), faults: () => faults, requests: () => requests };
}

export interface HoldingProxy extends Running {
  /** The most requests that were in flight at once. */
  peak: () => number;
  requests: () => number;
}

/**
 * Forwards to `target`, holding requests until `hold` of them wait (or `total` have arrived, for a
 * last smaller group), then forwarding those together. A client sending up to N requests at once thus
 * has exactly min(N, hold) in flight at the peak: `hold` proves it reaches that many, and a request
 * counts as in flight from its arrival until its whole answer is handed back, so never more than N.
 */
export async function holdingProxy(target: string, hold: number, total: number): Promise<HoldingProxy> {
  let inFlight = 0;
  let peak = 0;
  let requests = 0;
  let waiting: Array<() => void> = [];
  const t = new URL(target);
  const server = createServer((req, res) => {
    requests++;
    peak = Math.max(peak, ++inFlight);
    const done = (status: number, headers: IncomingMessage['headers'], body: Buffer) => {
      inFlight--; // before the answer leaves, so the client cannot have it while it still counts
      res.writeHead(status, headers).end(body);
    };
    waiting.push(() => {
      const upstream = httpRequest(
        { host: t.hostname, port: t.port, method: req.method, path: req.url, headers: req.headers },
        (up) => void readBody(up).then((body) => done(up.statusCode ?? 502, up.headers, body)),
      );
      upstream.on('error', () => done(502, {}, Buffer.from('{"error":"proxy"}')));
      req.pipe(upstream);
    });
    if (waiting.length >= hold || requests >= total) {
      const go = waiting;
      waiting = [];
      go.forEach((f) => f());
    }
  });
  const url = await listen(server);
  return { url, close: closer(server), peak: () => peak, requests: () => requests };
}

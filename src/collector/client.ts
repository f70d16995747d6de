/**
 * The ingest API as the collector sees it (docs/api.md "Ingest"): append a chunk at an offset, or post a
 * batch of small chunks. Retries what can succeed later; turns everything else into a typed result
 * (one file's problem) or a fatal error (the whole collector's problem: wrong key, wrong endpoint).
 */
import { promisify } from 'node:util';
import { gzip as gzipCb } from 'node:zlib';
import { DEFAULT_POLICY, parseRetryAfter, retryableStatus, retryDelay, type RetryPolicy } from './retry.js';
import { request, RequestTimeout } from './transport.js';

const gzip = promisify(gzipCb);

/** What the server said about one chunk. */
export type ChunkResult =
  | { kind: 'ok'; status: 'appended' | 'duplicate'; nextOffset: number }
  | { kind: 'gap' | 'conflict'; expectedOffset: number }
  | { kind: 'tooLarge' }
  /** A 4xx for this file that retrying cannot fix: the file is set aside. */
  | { kind: 'rejected'; status: number; error: string; message: string };

/** Stops the collector: retrying cannot help (wrong key, wrong endpoint, gave up). */
export class FatalError extends Error {
  override name = 'FatalError';
}

export interface Chunk {
  file: string;
  offset: number;
  data: Buffer;
}

export interface ClientOptions {
  /** Base URL ending in `/api`. */
  endpoint: string;
  key: string;
  namespace: string;
  cluster: string;
  clusterId: string;
  node: string;
  /** Give up after failing this long (undefined: retry forever). */
  retryTimeoutMs?: number | undefined;
  /** Per-request timeout. Default 60 s. */
  requestTimeoutMs?: number;
  policy?: RetryPolicy;
  /** Called before each wait, for the progress display. */
  onRetry?: (reason: string, delayMs: number) => void;
  sleep?: (ms: number) => Promise<void>;
  /** Once aborted (SIGTERM), a failing request is not waited on again: it fails at once. */
  stopping?: AbortSignal;
}

interface Reply {
  status: number;
  body: Record<string, unknown>;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Resolves when `signal` aborts (never without one). */
function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

function networkReason(err: unknown): string {
  if (err instanceof RequestTimeout) return 'the request timed out';
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.message : String(err);
}

export class IngestClient {
  constructor(private readonly o: ClientOptions) {}

  /** `PUT /v1/logs/…/{file}?offset=`: appends one chunk (gzip-compressed on the wire). */
  async append(session: string, chunk: Chunk): Promise<ChunkResult> {
    const { namespace, cluster, node, clusterId } = this.o;
    const file = chunk.file.split('/').map(encodeURIComponent).join('/');
    const url =
      `${this.o.endpoint}/v1/logs/${namespace}/${cluster}/${session}/${node}/${file}` +
      `?offset=${chunk.offset}&clusterId=${encodeURIComponent(clusterId)}`;
    const body = await gzip(chunk.data);
    const reply = await this.send('PUT', url, body, 'application/octet-stream');
    return chunkResult(reply.status, reply.body, `PUT ${chunk.file}`);
  }

  /** `POST /v1/batch`: many chunks of one session in one request; one result per chunk, in order. */
  async batch(session: string, chunks: Chunk[]): Promise<ChunkResult[]> {
    const { namespace, cluster, clusterId, node } = this.o;
    const envelope = {
      namespace,
      cluster,
      clusterId,
      session,
      node,
      chunks: chunks.map((c) => ({
        file: c.file,
        offset: c.offset,
        data: c.data.toString('base64'),
        encoding: 'base64',
      })),
    };
    const body = await gzip(Buffer.from(JSON.stringify(envelope)));
    const reply = await this.send('POST', `${this.o.endpoint}/v1/batch`, body, 'application/json');
    if (reply.status === 413) return chunks.map(() => ({ kind: 'tooLarge' }));
    if (reply.status !== 200) {
      throw new FatalError(`the server rejected a batch (${reply.status}): ${text(reply.body.message, '')}`);
    }
    const items = reply.body.chunks;
    if (!Array.isArray(items) || items.length !== chunks.length) {
      throw new FatalError(`unexpected batch reply from ${this.o.endpoint}: no result per chunk`);
    }
    return items.map((item: Record<string, unknown>) => itemResult(item));
  }

  private async send(method: string, url: string, body: Buffer, type: string): Promise<Reply> {
    const headers: Record<string, string> = { 'Content-Type': type, 'Content-Encoding': 'gzip' };
    if (this.o.key !== '') headers['x-functions-key'] = this.o.key;
    const sleep = this.o.sleep ?? defaultSleep;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let reason: string;
      let retryAfter: number | undefined;
      try {
        const res = await request(method, url, body, headers, this.o.requestTimeoutMs ?? 60_000);
        if (!retryableStatus(res.status)) return this.reply(res.status, res.text);
        retryAfter = parseRetryAfter(res.retryAfter);
        reason = `HTTP ${res.status}${errorCode(res.text)}`;
      } catch (err) {
        if (err instanceof FatalError) throw err;
        reason = `cannot reach ${this.o.endpoint} (${networkReason(err)})`;
      }
      const delay = retryDelay(attempt, retryAfter, this.o.policy ?? DEFAULT_POLICY);
      const limit = this.o.retryTimeoutMs;
      if (limit !== undefined && Date.now() + delay - started > limit) {
        throw new FatalError(
          `gave up after ${attempt + 1} attempts in ${Date.now() - started} ms: ${reason}`,
        );
      }
      if (this.o.stopping?.aborted === true) throw new FatalError(`stopping; not retrying: ${reason}`);
      this.o.onRetry?.(reason, delay);
      await Promise.race([sleep(delay), aborted(this.o.stopping)]);
    }
  }

  private reply(status: number, text: string): Reply {
    if (status === 401 || status === 403) {
      throw new FatalError(
        `the endpoint refused the function key (${status}): check --key / RAY_HISTORY_KEY` +
          (this.o.key === '' ? ' (no key was given)' : ''),
      );
    }
    let body: unknown;
    try {
      body = text === '' ? {} : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status === 404 || typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new FatalError(
        `${this.o.endpoint} does not answer like the Ray history ingest API (HTTP ${status}): check --endpoint`,
      );
    }
    return { status, body: body as Record<string, unknown> };
  }
}

function errorCode(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown };
    return typeof body.error === 'string' ? ` ${body.error}` : '';
  } catch {
    return '';
  }
}

function text(v: unknown, fallback: string): string {
  return typeof v === 'string' ? v : fallback;
}

function num(v: unknown): number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : NaN;
}

function chunkResult(status: number, body: Record<string, unknown>, what: string): ChunkResult {
  if (status === 200) return itemResult(body);
  if (status === 409) return itemResult(body);
  if (status === 413) return { kind: 'tooLarge' };
  return {
    kind: 'rejected',
    status,
    error: text(body.error, 'error'),
    message: `${what}: ${text(body.message, `HTTP ${status}`)}`,
  };
}

function itemResult(item: Record<string, unknown>): ChunkResult {
  if (item.status === 'appended' || item.status === 'duplicate') {
    const nextOffset = num(item.nextOffset);
    if (!Number.isNaN(nextOffset)) return { kind: 'ok', status: item.status, nextOffset };
  }
  if (item.error === 'offset_gap' || item.error === 'offset_conflict') {
    const expectedOffset = num(item.expectedOffset);
    if (!Number.isNaN(expectedOffset)) {
      return { kind: item.error === 'offset_gap' ? 'gap' : 'conflict', expectedOffset };
    }
  }
  if (item.error === 'payload_too_large' || item.error === 'too_large') return { kind: 'tooLarge' };
  if (typeof item.error === 'string') {
    return { kind: 'rejected', status: 400, error: item.error, message: text(item.message, item.error) };
  }
  throw new FatalError(`unexpected reply from the ingest API: ${JSON.stringify(item).slice(0, 200)}`);
}

/** Shared helpers of the ingest integration tests: the app's handlers against the run's Azurite. */
import { HttpRequest, type HttpRequestInit } from '@azure/functions';
import type { Deps } from '../../src/app/deps.js';
import { logFile, type LogTarget } from '../../src/core/ingest/logs.js';
import { readRange, locate } from '../../src/core/ingest/segments.js';
import type { HttpFunction } from '../../src/http/route.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import type { AppConfig } from '../../src/storage/config.js';
import { send, testDeps, type Answer } from '../helpers/app.js';
import { azuriteService, reopen } from '../helpers/storage.js';

let current: Deps | undefined;

/** Builds the app for a test over a fresh container of the run's Azurite (settings as given); returns its store. */
export function useFreshApp(settings: Partial<AppConfig> = {}): BlobStore {
  current = testDeps({ settings });
  return current.store;
}

/** Builds the app for a test over `store` (e.g. one that fails); returns it. */
export function useApp(store: BlobStore): BlobStore {
  current = testDeps({ store });
  return store;
}

/**
 * The same app as a new process would see it: a new store object over the same container, so nothing
 * learned before (cached tails, event ids) is known; settings kept.
 */
export function restartApp(): BlobStore {
  if (current === undefined) throw new Error('call useFreshApp() first');
  current = testDeps({ store: reopen(current.store), settings: current.settings });
  return current.store;
}

/** Calls the handler the app registers for `fn`, built from the test's app (`useFreshApp`). */
export function call(fn: HttpFunction, req: HttpRequest): Promise<Answer> {
  if (current === undefined) throw new Error('call useFreshApp() first');
  return send(fn.make(current), req);
}

export const SESSION = 'session_2026-01-27_10-52-59_373533_1';

export const target: LogTarget = {
  namespace: 'default',
  cluster: 'raycluster-kuberay',
  clusterId: 'default',
  session: SESSION,
  node: 'head-1',
  file: 'raylet.out',
};

/** A PUT to the append route, as the host would route it. */
export function putRequest(opts: {
  offset?: string | number;
  body?: Uint8Array | string;
  headers?: Record<string, string>;
  params?: Partial<Record<'namespace' | 'cluster' | 'session' | 'node' | 'file', string>>;
  query?: Record<string, string>;
}): HttpRequest {
  const params = { ...target, ...opts.params };
  const query: Record<string, string> = { ...opts.query };
  if (opts.offset !== undefined) query.offset = String(opts.offset);
  const body =
    opts.body === undefined
      ? undefined
      : typeof opts.body === 'string'
        ? { string: opts.body }
        : { bytes: opts.body };
  return new HttpRequest({
    method: 'PUT',
    url: `http://localhost/api/v1/logs/${params.namespace}/${params.cluster}/${params.session}/${params.node}/${params.file}`,
    params: {
      namespace: params.namespace,
      cluster: params.cluster,
      session: params.session,
      node: params.node,
      file: params.file,
    },
    query,
    headers: { 'content-type': 'application/octet-stream', ...opts.headers },
    ...(body !== undefined && { body }),
  });
}

/** A POST with a JSON (or given) body. */
export function postRequest(
  route: string,
  body: unknown,
  opts: { query?: Record<string, string>; headers?: Record<string, string>; raw?: Uint8Array | string } = {},
): HttpRequest {
  const raw = opts.raw ?? JSON.stringify(body);
  return new HttpRequest({
    method: 'POST',
    url: `http://localhost/api/${route}`,
    query: opts.query ?? {},
    headers: { 'content-type': 'application/json', ...opts.headers },
    body: typeof raw === 'string' ? { string: raw } : { bytes: raw },
  });
}

/** The whole content of a (segmented) log file, read as one file; null when absent. */
export async function readLog(
  store: BlobStore,
  t: LogTarget = target,
  maxBlocks = 45_000,
): Promise<Buffer | null> {
  const file = logFile(t, maxBlocks);
  const tail = await locate(store, file);
  if (tail === null) return null;
  const chunks: Buffer[] = [];
  for await (const c of readRange(store, file, tail, 0, tail.start + tail.length)) chunks.push(c);
  return Buffer.concat(chunks);
}

/**
 * Every blob name in the store's container, including blobs that have only uncommitted blocks
 * (invisible to a plain listing; a held-back body stages such blocks).
 */
export async function allBlobsWithUncommitted(store: BlobStore): Promise<string[]> {
  const names: string[] = [];
  const container = azuriteService().getContainerClient(store.container);
  for await (const b of container.listBlobsFlat({ includeUncommitedBlobs: true })) names.push(b.name);
  return names;
}

/**
 * A PUT whose body streams: `chunks` arrive one after another, then the body ends, or fails with
 * `failWith` (a client that went away mid-body) once `failAfter` resolves, as the library hands
 * streamed requests to handlers.
 */
export function streamedPutRequest(opts: {
  offset: number;
  chunks: Uint8Array[];
  headers?: Record<string, string>;
  failWith?: Error;
  /** Resolves when the body may fail (default: at once). */
  failAfter?: () => Promise<unknown>;
}): HttpRequest {
  const queue = [...opts.chunks];
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = queue.shift();
      if (next !== undefined) return controller.enqueue(next);
      if (opts.failWith === undefined) return controller.close();
      await opts.failAfter?.();
      controller.error(opts.failWith);
    },
  });
  const t = target;
  const url = `http://localhost/api/v1/logs/${t.namespace}/${t.cluster}/${t.session}/${t.node}/${t.file}?offset=${opts.offset}`;
  const nativeRequest = new Request(url, {
    method: 'PUT',
    body,
    duplex: 'half',
    headers: { 'content-type': 'application/octet-stream', ...opts.headers },
  });
  const params = {
    namespace: t.namespace,
    cluster: t.cluster,
    session: t.session,
    node: t.node,
    file: t.file,
  };
  // The shape the library itself uses for streamed requests (createStreamRequest).
  return new HttpRequest({ nativeRequest, params } as unknown as HttpRequestInit);
}

/** Every blob name in the store's container. */
export async function allBlobs(store: BlobStore): Promise<string[]> {
  const names: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.list({ prefix: '', pageSize: 5000, ...(cursor !== undefined && { cursor }) });
    names.push(...page.blobs.map((b) => b.name));
    cursor = page.cursor;
  } while (cursor !== undefined);
  return names;
}

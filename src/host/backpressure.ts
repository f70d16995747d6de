/**
 * Back-pressure for streamed HTTP responses, which @azure/functions 4.x lacks: its proxy writes each
 * body chunk with `res.write()` and never waits for 'drain' (library issue #294), so a body produced
 * faster than the client reads piles up in the worker's memory — on Azure too. The local host closes
 * that gap: while an invocation's proxy response needs draining, reading the next body chunk waits.
 * When the client disconnects, the body is cancelled rather than read to its end.
 * Set LOCAL_HOST_STREAM_BACKPRESSURE=false to see the library's own (Azure) behaviour.
 */
import { ServerResponse } from 'node:http';
import { ReadableStream } from 'node:stream/web';

const proxyResponses = new Map<string, ServerResponse>();
let installed = false;

/**
 * The invocation whose proxy response the library is starting. The library's `sendProxyResponse`
 * sets the `x-ms-invocation-id` header and then, in the same synchronous run, calls the body's
 * `values()`; so the id is held from that header until the microtasks run, and only the `values()`
 * call of that run is gated. (An `AsyncLocalStorage` did this before; on Node 20 it turns on promise
 * hooks for every promise of the process, which the ingest path's profile showed.)
 */
let starting: string | undefined;

/** Notes that the library is starting invocation `id`'s proxy response (its invocation-id header). */
export function startingResponse(id: string): void {
  starting = id;
  queueMicrotask(() => {
    if (starting === id) starting = undefined;
  });
}

/** Gates invocation `id`'s streamed body on `res` (used when the host hands the request over in process). */
export function gateResponse(id: string, res: ServerResponse): void {
  proxyResponses.set(id, res);
  res.once('close', () => proxyResponses.delete(id));
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

type Values = (this: ReadableStream, options?: { preventCancel?: boolean }) => AsyncIterableIterator<unknown>;

/** Installs the gate (idempotent). */
export function installProxyBackpressure(): void {
  if (installed) return;
  installed = true;
  const proto = ServerResponse.prototype;
  // Called with .call(this) below, so the unbound reference is safe.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setHeader = proto.setHeader;
  // The library marks its proxy response with the invocation id; that is how it is found.
  proto.setHeader = function (
    this: ServerResponse,
    name: string,
    value: number | string | readonly string[],
  ) {
    if (typeof value === 'string' && name.toLowerCase() === 'x-ms-invocation-id') {
      proxyResponses.set(value, this);
      this.once('close', () => proxyResponses.delete(value));
      startingResponse(value);
    }
    return setHeader.call(this, name, value);
  } as typeof proto.setHeader;
  const streamProto = ReadableStream.prototype as unknown as { values: Values };
  const values = streamProto.values;
  streamProto.values = function (this: ReadableStream, options) {
    const inner = values.call(this, options);
    const id = starting;
    starting = undefined;
    if (id === undefined) return inner;
    const gated: AsyncIterableIterator<unknown> = {
      async next() {
        const res = proxyResponses.get(id);
        if (res !== undefined && res.writableNeedDrain && !res.destroyed) await drained(res);
        // The client went away: stop reading (and cancel) the body instead of reading it to the end.
        if (res?.destroyed === true) {
          await inner.return?.();
          return { done: true, value: undefined };
        }
        return inner.next();
      },
      return: (value?: unknown) => inner.return?.(value) ?? Promise.resolve({ done: true, value }),
      [Symbol.asyncIterator]() {
        return gated;
      },
    };
    return gated;
  };
}

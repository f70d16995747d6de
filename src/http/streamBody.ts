/**
 * Streamed response bodies that wait for the client, in the app itself.
 *
 * With `enableHttpStream`, @azure/functions 4.x writes a response body to its HTTP stream proxy with
 * `res.write()` and never waits for 'drain' (library issue #294): a body produced faster than the
 * client reads (a multi-GB log read from storage by a slow browser) piles up in the worker's memory,
 * on Azure too, and a client that went away still has the body read to its end. The proxy server
 * runs in this process, so the app can see its responses: `watchProxyResponses` (called at load,
 * before the library starts its proxy) notes each proxy response by its `x-ms-invocation-id`, and
 * `responseBody` produces the next chunk only when that response has drained, and stops (cancelling
 * the source, e.g. a storage download) once the client is gone.
 */
import http from 'node:http';
import { ReadableStream } from 'node:stream/web';

/** What the gate needs of a proxy response (a ServerResponse, or the local host's stand-in). */
export interface Drainable {
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
  once(event: 'drain' | 'close', listener: () => void): unknown;
  off(event: 'drain' | 'close', listener: () => void): unknown;
  /** Cuts the response (the client sees the connection close before the body ended). */
  destroy(): unknown;
}

const responses = new Map<string, Drainable>();
let watching = false;

/**
 * Notes the responses of the next HTTP server this process creates — the library's stream proxy,
 * which it starts after the app has loaded — whose requests carry `x-ms-invocation-id`. Idempotent.
 * Servers created later are left alone (the wrapper stays, as a pass-through, so that it never
 * undoes another wrapper installed after it).
 */
export function watchProxyResponses(): void {
  if (watching) return;
  watching = true;
  let found = false;

  const create = http.createServer;
  http.createServer = function (this: unknown, ...args: unknown[]) {
    const server = (create as (...a: unknown[]) => http.Server).apply(this, args);
    if (!found) {
      found = true;
      server.prependListener('request', (req: http.IncomingMessage, res: Drainable) => {
        const id = req.headers['x-ms-invocation-id'];
        if (typeof id !== 'string') return;
        responses.set(id, res);
        res.once('close', () => responses.delete(id));
      });
    }
    return server;
  };
}

/** The proxy response of an invocation, while it is open (for tests and diagnostics). */
export function proxyResponse(invocationId: string): Drainable | undefined {
  return responses.get(invocationId);
}

function drained(res: Drainable): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.once('drain', done);
    res.once('close', done);
  });
}

/**
 * `source` as a response body that waits for invocation `invocationId`'s client: a chunk is produced
 * only when the library asks for one and the proxy response has drained. Chunks are passed as they
 * are (a web stream is taken by the library's Response without the copy it makes of a Node stream).
 */
export function responseBody(
  source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  invocationId: string,
  onClientGone?: (bytesProduced: number) => void,
  onSourceFailed?: (err: unknown, bytesProduced: number) => void,
): ReadableStream<Uint8Array> {
  const it: AsyncIterator<Uint8Array> | Iterator<Uint8Array> =
    Symbol.asyncIterator in source ? source[Symbol.asyncIterator]() : source[Symbol.iterator]();
  let produced = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const res = responses.get(invocationId);
        if (res !== undefined && res.writableNeedDrain && !res.destroyed) await drained(res);
        if (res?.destroyed === true) {
          // The client is gone: stop reading the source instead of reading it to its end.
          await it.return?.();
          onClientGone?.(produced);
          controller.close();
          return;
        }
        let next: IteratorResult<Uint8Array>;
        try {
          next = await it.next();
        } catch (err) {
          // The status and headers are out (the library writes them with the first chunk): the only
          // honest answer left is a cut connection, so the client cannot take a short body for the
          // whole. The library would end the response normally, or leave it open (on Azure).
          onSourceFailed?.(err, produced);
          responses.get(invocationId)?.destroy();
          controller.error(err);
          return;
        }
        if (next.done === true) return controller.close();
        produced += next.value.byteLength;
        controller.enqueue(next.value);
      },
      async cancel() {
        await it.return?.();
      },
    },
    { highWaterMark: 0 },
  );
}

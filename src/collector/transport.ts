/**
 * One HTTP(S) request with a whole-request timeout, over node:http/https with keep-alive. The
 * collector runs beside Ray on the same pod, so its CPU matters: fetch (undici) spent 3–4 times the
 * CPU of node:http per MiB sent in this project's measurements.
 */
import http from 'node:http';
import https from 'node:https';

export interface HttpReply {
  status: number;
  text: string;
  /** The Retry-After header, when present. */
  retryAfter: string | null;
}

/** The request took longer than its timeout (the socket is closed). */
export class RequestTimeout extends Error {
  override name = 'TimeoutError';
}

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/** Sends `body` and collects the answer; rejects on a network error or after `timeoutMs`. */
export function request(
  method: string,
  url: string,
  body: Buffer,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<HttpReply> {
  const target = new URL(url);
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return Promise.reject(new Error(`unsupported protocol ${target.protocol} in ${url}`));
  }
  const secure = target.protocol === 'https:';
  const send = secure ? https.request : http.request;
  return new Promise((resolve, reject) => {
    const req = send(
      target,
      {
        method,
        agent: secure ? agents['https:'] : agents['http:'],
        headers: { ...headers, 'Content-Length': String(body.length) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', fail);
        res.on('end', () => {
          clearTimeout(timer);
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
          });
        });
      },
    );
    const timer = setTimeout(() => req.destroy(new RequestTimeout('the request timed out')), timeoutMs);
    function fail(err: Error): void {
      clearTimeout(timer);
      reject(err);
    }
    req.on('error', fail);
    req.end(body);
  });
}

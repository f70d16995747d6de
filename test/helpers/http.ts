/** One HTTP client for the e2e tests: the path is sent exactly as given (fetch would normalise `/../` and `%2F`). */
import http from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  bytes: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  json: () => Record<string, unknown>;
}

/** Sends one request (body as text, bytes or a stream) and collects the answer. */
export function request(
  baseUrl: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer | Readable } = {},
): Promise<Reply> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname,
        port: base.port,
        path,
        method: opts.method ?? 'GET',
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', reject);
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes,
            text,
            json: () => JSON.parse(text) as Record<string, unknown>,
          });
        });
      },
    );
    req.on('error', reject);
    if (opts.body === undefined || typeof opts.body === 'string' || Buffer.isBuffer(opts.body))
      req.end(opts.body);
    else pipeline(opts.body, req).catch(() => undefined);
  });
}

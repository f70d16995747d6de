/**
 * A minimal Node.js HTTP hop in front of storage, for the bench's ceiling figures: no Functions host,
 * no library, no validation, no exactly-once rules — only what any HTTP path to storage must do on
 * this machine (receive the body and append it; download and send it). Our ingest and read figures
 * over HTTP are compared with raw SDK calls, and this hop shows how close any HTTP path can get.
 *
 *   PUT /append/<blob>?offset=N   buffers the body, appends it at N (creates the blob at 0)
 *   POST /upload/<blob>           buffers the body and uploads it as a new block blob
 *   GET /read/<blob>              streams the blob
 *
 * Run as a child process (startHop) so that, like the local host, it has its own process and event loop.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { pipeline } from 'node:stream';
import { BlobServiceClient, type ContainerClient } from '@azure/storage-blob';
import { profileArgs, type BenchContext } from './harness.js';

function serve(container: ContainerClient): void {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://hop');
    const [, verb, ...rest] = url.pathname.split('/');
    const name = decodeURIComponent(rest.join('/'));
    const failed = (err: unknown) => {
      if (res.headersSent) res.destroy();
      else res.writeHead(500).end(String(err));
    };
    if (req.method === 'PUT' && verb === 'append') {
      const offset = Number(url.searchParams.get('offset'));
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const blob = container.getAppendBlobClient(name);
        (offset === 0 ? blob.createIfNotExists().then(() => undefined) : Promise.resolve())
          .then(() => blob.appendBlock(body, body.length, { conditions: { appendPosition: offset } }))
          .then(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"appended"}'))
          .catch(failed);
      });
    } else if (req.method === 'POST' && verb === 'upload') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        container
          .getBlockBlobClient(name)
          .upload(body, body.length)
          .then(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"uploaded"}'))
          .catch(failed);
      });
    } else if (req.method === 'GET' && verb === 'read') {
      container
        .getBlobClient(name)
        .download()
        .then((d) => {
          res.writeHead(200, { 'Content-Length': String(d.contentLength ?? 0) });
          pipeline(d.readableStreamBody as NodeJS.ReadableStream, res, () => undefined);
        })
        .catch(failed);
    } else res.writeHead(404).end();
  });
  server.listen(0, '127.0.0.1', () => {
    const address = server.address();
    if (typeof address === 'object' && address !== null)
      process.stdout.write(`hop listening on http://127.0.0.1:${address.port}\n`);
  });
}

export interface Hop {
  baseUrl: string;
  /** The hop's process (for its CPU time). */
  pid: number;
  stop(): Promise<void>;
}

/** Starts the hop as a child process against `container` of the bench's Azurite. */
export async function startHop(ctx: BenchContext, container: string): Promise<Hop> {
  const child = spawn(process.execPath, [...profileArgs('hop'), __filename], {
    env: { ...process.env, HOP_CONNECTION_STRING: ctx.connectionString, HOP_CONTAINER: container },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let out = '';
  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /hop listening on (\S+)/.exec(out);
      if (m?.[1] !== undefined) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the bench hop exited with ${code}: ${out}`)));
  });
  return {
    baseUrl,
    pid: child.pid ?? 0,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === __filename) {
  const cs = process.env.HOP_CONNECTION_STRING;
  const name = process.env.HOP_CONTAINER;
  if (cs === undefined || name === undefined) throw new Error('HOP_CONNECTION_STRING and HOP_CONTAINER');
  // An exit (rather than death by the signal) writes the CPU profile when one was asked for.
  process.on('SIGTERM', () => process.exit(0));
  serve(BlobServiceClient.fromConnectionString(cs).getContainerClient(name));
}

/**
 * The soak's clients and what they were told. Writers behave like the collector and Ray's exporter
 * (resend on 503/429/timeouts/cut connections, resynchronise on 409) and record in the ledger every
 * byte and event the app acknowledged; readers check, while writers run, that what they read is the
 * source's bytes and holds every byte acknowledged before the read began.
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { Rng } from './world.js';

export const NAMESPACE = 'soak';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  ms: number;
  /** Network failure or timeout (status 0). */
  error?: string;
}

/** One timed request record (for latency percentiles and the longest answer in a window). */
export interface Timing {
  start: number;
  ms: number;
  status: number;
  what: string;
}

export class Stats {
  requests = 0;
  byStatus = new Map<number, number>();
  /** Bytes of log data in requests that got an answer (a refused connection carries none). */
  bytesSent = 0;
  timings: Timing[] = [];

  record(what: string, start: number, a: Answer): void {
    this.requests += 1;
    this.byStatus.set(a.status, (this.byStatus.get(a.status) ?? 0) + 1);
    this.timings.push({ start, ms: a.ms, status: a.status, what });
  }

  count(status: number): number {
    return this.byStatus.get(status) ?? 0;
  }
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

/** Sends one request; never throws (a network failure or timeout is status 0). */
export function send(
  baseUrl: string,
  method: string,
  path: string,
  opts: { body?: Buffer; headers?: Record<string, string>; chunked?: boolean; timeoutMs?: number } = {},
): Promise<Answer> {
  const base = new URL(baseUrl);
  const started = Date.now();
  return new Promise((resolve) => {
    let done = false;
    const finish = (a: Omit<Answer, 'ms'>) => {
      if (done) return;
      done = true;
      resolve({ ...a, ms: Date.now() - started });
    };
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined && opts.chunked !== true)
      headers['Content-Length'] = String(opts.body.length);
    const req = http.request(
      { host: base.hostname, port: base.port, method, path, headers, agent },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('error', (err) => finish({ status: 0, headers: {}, text: '', error: err.message }));
        res.on('end', () => {
          if (!res.complete) return finish({ status: 0, headers: {}, text: '', error: 'response cut' });
          finish({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
      },
    );
    req.setTimeout(opts.timeoutMs ?? 60_000, () => req.destroy(new Error('timed out')));
    req.on('error', (err) => finish({ status: 0, headers: {}, text: '', error: err.message }));
    if (opts.body === undefined) req.end();
    else if (opts.chunked === true) {
      // Several chunks on the wire, so the app sees a body of unknown length.
      const third = Math.max(1, Math.floor(opts.body.length / 3));
      req.write(opts.body.subarray(0, third));
      req.write(opts.body.subarray(third, 2 * third));
      req.end(opts.body.subarray(2 * third));
    } else req.end(opts.body);
  });
}

function json(a: Answer): Record<string, unknown> {
  try {
    const v = JSON.parse(a.text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** A file a writer ships: its whole intended content, and how much of it the app acknowledged. */
export interface FileRecord {
  cluster: string;
  session: string;
  node: string;
  file: string;
  source: Buffer;
  acked: number;
}

export class Ledger {
  readonly files: FileRecord[] = [];
  /** session → event ids the app acknowledged (accepted or duplicate). */
  readonly events = new Map<string, Set<string>>();
  /** Acknowledged bytes found missing while running (a 409 gap below what was acknowledged). */
  lostOnline = 0;
  /** Anything a correct app never does (a conflict on resent bytes, a read of wrong bytes, a 500). */
  readonly anomalies: string[] = [];

  anomaly(text: string): void {
    if (this.anomalies.length < 200) this.anomalies.push(text);
  }

  ackEvents(session: string, ids: string[]): void {
    const set = this.events.get(session) ?? new Set<string>();
    for (const id of ids) set.add(id);
    this.events.set(session, set);
  }

  ackedBytes(): number {
    return this.files.reduce((n, f) => n + f.acked, 0);
  }
}

/** Distinct text lines (a line never repeats, so a read can be located in the source), `bytes` long. */
export function sourceText(r: Rng, tag: string, bytes: number): Buffer {
  const parts: string[] = [];
  let n = 0;
  for (let line = 0; n < bytes; line++) {
    const text = `${tag} line ${line} ${Math.floor(r() * 1e12).toString(36)} ${'.'.repeat(r.int(120))}\n`;
    parts.push(text);
    n += text.length;
  }
  return Buffer.from(parts.join('')).subarray(0, bytes);
}

export function session(n: number): string {
  return `session_2026-11-29_10-00-${String(n % 60).padStart(2, '0')}_${String(100000 + n).slice(-6)}_1`;
}

const logPath = (f: FileRecord) => `/api/v1/logs/${NAMESPACE}/${f.cluster}/${f.session}/${f.node}/${f.file}`;
const readPath = (f: FileRecord) =>
  `/api/v1/clusters/${NAMESPACE}/${f.cluster}/sessions/${f.session}/logs/${f.node}/${f.file}`;

/** Statuses a writer resends on (as the collector does). */
function retryable(status: number): boolean {
  return status === 0 || status === 408 || status === 429 || status >= 500;
}

function pause(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface WriterOptions {
  /** Chunk sizes drawn from (bytes). */
  sizes: readonly number[];
  /** Longest wait before a resend (the Retry-After asked, capped). */
  maxBackoffMs: number;
  /** Pause after each acknowledged write (a collector ships every few seconds); default none. */
  paceMs?: number;
}

/** Applies the app's answer to an append of `[offset, end)`; returns true when acknowledged. */
function applyAppend(ledger: Ledger, f: FileRecord, offset: number, end: number, a: Answer): boolean {
  const body = json(a);
  if (a.status === 200) {
    const next = Number(body.nextOffset);
    if (!Number.isSafeInteger(next) || next < end || next > f.source.length) {
      ledger.anomaly(`${f.file}: 200 with nextOffset ${String(body.nextOffset)} for [${offset}, ${end})`);
      return false;
    }
    f.acked = Math.max(f.acked, next);
    return true;
  }
  if (a.status === 409) {
    const expected = Number(body.expectedOffset);
    if (body.error === 'offset_conflict')
      ledger.anomaly(`${f.file}: conflict at ${offset} on the source's own bytes`);
    else if (Number.isSafeInteger(expected) && expected < f.acked) {
      ledger.lostOnline += f.acked - expected;
      ledger.anomaly(`${f.file}: acknowledged up to ${f.acked}, the app now expects ${expected}`);
      f.acked = expected;
    } else if (Number.isSafeInteger(expected)) f.acked = Math.min(expected, f.source.length);
    return false;
  }
  if (!retryable(a.status))
    ledger.anomaly(`${f.file}: PUT at ${offset} answered ${a.status} ${a.text.slice(0, 200)}`);
  return false;
}

function backoff(a: Answer, o: WriterOptions): number {
  const asked = Number(a.headers['retry-after']);
  return Math.min(o.maxBackoffMs, Number.isFinite(asked) ? asked * 1000 : 200);
}

/** Ships `f` with single PUTs (length-known, chunked or gzip bodies) until done or `stop()`. */
export async function appendWriter(
  base: () => string,
  f: FileRecord,
  ledger: Ledger,
  stats: Stats,
  r: Rng,
  o: WriterOptions,
  stop: () => boolean,
): Promise<void> {
  while (!stop() && f.acked < f.source.length) {
    const offset = f.acked;
    const end = Math.min(f.source.length, offset + r.pick(o.sizes));
    const data = f.source.subarray(offset, end);
    const mode = r.pick(['length', 'length', 'chunked', 'gzip'] as const);
    const body = mode === 'gzip' ? gzipSync(data) : data;
    const headers: Record<string, string> = { 'Content-Type': 'text/plain' };
    if (mode === 'gzip') headers['Content-Encoding'] = 'gzip';
    const started = Date.now();
    let a: Answer;
    try {
      a = await send(base(), 'PUT', `${logPath(f)}?offset=${offset}`, {
        body,
        headers,
        chunked: mode === 'chunked',
      });
    } catch (err) {
      a = { status: 0, headers: {}, text: '', ms: Date.now() - started, error: String(err) };
    }
    stats.record('append', started, a);
    if (a.status !== 0) stats.bytesSent += data.length; // a refused connection carried nothing
    if (applyAppend(ledger, f, offset, end, a)) {
      if (o.paceMs !== undefined) await pause(o.paceMs);
    } else if (retryable(a.status)) await pause(backoff(a, o));
  }
}

/** A Ray event with a unique id (a job event for some). */
export function rayEvent(sessionName: string, id: string, r: Rng): Record<string, unknown> {
  const job = r.int(4) === 0 ? Buffer.from([1 + r.int(8), 0, 0, 0]).toString('base64') : '';
  return {
    eventId: Buffer.from(id).toString('base64'),
    sourceType: job === '' ? 'GCS' : 'JOBS',
    eventType: job === '' ? 'NODE_LIFECYCLE_EVENT' : 'DRIVER_JOB_LIFECYCLE_EVENT',
    timestamp: `2026-11-29T10:00:${String(r.int(60)).padStart(2, '0')}.${String(r.int(1e9)).padStart(9, '0')}Z`,
    severity: 'INFO',
    message: id,
    sessionName,
    ...(job === ''
      ? { nodeLifecycleEvent: { nodeId: 'AQID' } }
      : { driverJobLifecycleEvent: { jobId: job } }),
  };
}

/** Posts batches of `size` new events (and now and then an old batch again) until `stop()`. */
export async function eventWriter(
  base: () => string,
  target: { cluster: string; session: string; node: string },
  ledger: Ledger,
  stats: Stats,
  r: Rng,
  o: { size: number; maxBackoffMs: number; batches: number },
  stop: () => boolean,
): Promise<void> {
  const sent: Record<string, unknown>[][] = [];
  for (let b = 0; b < o.batches && !stop(); b++) {
    const resend = sent.length > 0 && r.int(5) === 0;
    const events = resend
      ? r.pick(sent)
      : Array.from({ length: o.size }, (_, i) =>
          rayEvent(target.session, `${target.node}/${b}/${i}/${r.int(1e9)}`, r),
        );
    if (!resend) sent.push(events);
    const body = Buffer.from(JSON.stringify(events));
    const path = `/api/v1/events?namespace=${NAMESPACE}&cluster=${target.cluster}&node=${target.node}`;
    for (;;) {
      const started = Date.now();
      const a = await send(base(), 'POST', path, { body, headers: { 'Content-Type': 'application/json' } });
      stats.record('events', started, a);
      if (a.status !== 0) stats.bytesSent += body.length;
      if (a.status === 200) {
        const reply = json(a);
        if (reply.rejected !== 0) ledger.anomaly(`events rejected: ${a.text.slice(0, 200)}`);
        ledger.ackEvents(
          target.session,
          events.map((e) => Buffer.from(String(e.eventId), 'base64').toString()),
        );
        break;
      }
      if (!retryable(a.status)) {
        ledger.anomaly(`events answered ${a.status} ${a.text.slice(0, 200)}`);
        break;
      }
      if (stop()) return;
      await pause(backoff(a, { sizes: [], maxBackoffMs: o.maxBackoffMs }));
    }
  }
}

/** Ships several files at once through POST /api/v1/batch (chunks of each, plus a few events). */
export async function batchWriter(
  base: () => string,
  files: FileRecord[],
  ledger: Ledger,
  stats: Stats,
  r: Rng,
  o: WriterOptions,
  stop: () => boolean,
): Promise<void> {
  const first = files[0];
  if (first === undefined) return;
  let round = 0;
  while (!stop() && files.some((f) => f.acked < f.source.length)) {
    round += 1;
    const open = files.filter((f) => f.acked < f.source.length);
    // Two chunks per file that continue each other: the batch stores them as one append.
    const chunks = open.flatMap((f) => {
      const mid = Math.min(f.source.length, f.acked + r.pick(o.sizes));
      const end = Math.min(f.source.length, mid + r.pick(o.sizes));
      return [
        { f, offset: f.acked, end: mid },
        { f, offset: mid, end },
      ].filter((c) => c.end > c.offset);
    });
    const events = Array.from({ length: 3 }, (_, i) =>
      rayEvent(first.session, `batch/${first.node}/${round}/${i}/${r.int(1e9)}`, r),
    );
    const envelope = {
      namespace: NAMESPACE,
      cluster: first.cluster,
      session: first.session,
      node: first.node,
      chunks: chunks.map((c) => ({
        file: c.f.file,
        offset: c.offset,
        data: c.f.source.subarray(c.offset, c.end).toString('base64'),
        encoding: 'base64',
      })),
      events,
    };
    const gzip = r.int(2) === 0;
    const raw = Buffer.from(JSON.stringify(envelope));
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    if (gzip) headers['Content-Encoding'] = 'gzip';
    const started = Date.now();
    const a = await send(base(), 'POST', '/api/v1/batch', { body: gzip ? gzipSync(raw) : raw, headers });
    stats.record('batch', started, a);
    if (a.status !== 0) stats.bytesSent += chunks.reduce((n, c) => n + c.end - c.offset, 0);
    if (a.status !== 200) {
      if (!retryable(a.status)) ledger.anomaly(`batch answered ${a.status} ${a.text.slice(0, 200)}`);
      else await pause(backoff(a, o));
      continue;
    }
    const results = json(a).chunks as Record<string, unknown>[] | undefined;
    if (!Array.isArray(results) || results.length !== chunks.length) {
      ledger.anomaly(`batch: ${chunks.length} chunks, results ${a.text.slice(0, 200)}`);
      continue;
    }
    for (const [i, c] of chunks.entries()) {
      const res = results[i] ?? {};
      applyAppend(ledger, c.f, c.offset, c.end, {
        ...a,
        status:
          res.status === 'appended' || res.status === 'duplicate'
            ? 200
            : res.error?.toString().startsWith('offset_')
              ? 409
              : 400,
        text: JSON.stringify(res),
      });
    }
    ledger.ackEvents(
      first.session,
      events.map((e) => Buffer.from(String(e.eventId), 'base64').toString()),
    );
    if (o.paceMs !== undefined) await pause(o.paceMs);
  }
}

/**
 * Reads while writers run: whole files (must be the source's first bytes, at least what was
 * acknowledged before the read began), tails (must be source text), listings and event pages.
 */
export async function reader(
  base: () => string,
  ledger: Ledger,
  stats: Stats,
  r: Rng,
  stop: () => boolean,
  pauseMs: number,
): Promise<void> {
  while (!stop()) {
    const f = ledger.files.length === 0 ? undefined : r.pick(ledger.files);
    if (f === undefined || f.acked === 0) {
      await pause(pauseMs);
      continue;
    }
    const kind = r.pick(['file', 'tail', 'list', 'sessions', 'events'] as const);
    const ackedBefore = f.acked;
    const sessionPath = `/api/v1/clusters/${NAMESPACE}/${f.cluster}/sessions/${f.session}`;
    const path =
      kind === 'file'
        ? readPath(f)
        : kind === 'tail'
          ? `${readPath(f)}?tail=20`
          : kind === 'list'
            ? `${sessionPath}/files?prefix=${f.node}/`
            : kind === 'sessions'
              ? `/api/v1/clusters/${NAMESPACE}/${f.cluster}/sessions`
              : `${sessionPath}/events?limit=100`;
    const started = Date.now();
    const a = await send(base(), 'GET', path, { timeoutMs: 60_000 });
    stats.record(`read:${kind}`, started, a);
    if (a.status === 200 && kind === 'file') {
      const got = Buffer.from(a.text, 'utf8');
      if (got.length < ackedBefore)
        ledger.anomaly(`${f.file}: read ${got.length} bytes, ${ackedBefore} acknowledged`);
      else if (!got.equals(f.source.subarray(0, got.length)))
        ledger.anomaly(`${f.file}: read bytes differ from the source`);
    } else if (
      a.status === 200 &&
      kind === 'tail' &&
      a.text !== '' &&
      !f.source.includes(Buffer.from(a.text))
    ) {
      ledger.anomaly(`${f.file}: tail is not the source's text`);
    } else if (
      a.status === 500 ||
      (a.status >= 400 && a.status < 500 && ![404, 408, 429].includes(a.status))
    ) {
      ledger.anomaly(`${path}: ${a.status} ${a.text.slice(0, 200)}`);
    }
    await pause(pauseMs);
  }
}

/**
 * A fault-injecting HTTP proxy between the app and Azurite, for tests and the soak. Each request is
 * forwarded, or met with a fault drawn from a seeded schedule (so a failing run replays from its
 * seed), or with the fault of a forced mode (an outage, a hang) that a scenario switches on and off.
 *
 * Faults, and what the app sees:
 * - `status503` / `status503RetryAfter` / `status500`: an error answer instead of storage's, either
 *   before forwarding (nothing happened) or after (`*After`: storage applied the request; the app
 *   must find out that it did, e.g. by the append position);
 * - `resetBefore`: the connection is cut before anything is forwarded;
 * - `resetMidUpload`: part of the request body is forwarded, then both sides are cut;
 * - `resetMidResponse`: storage's answer is relayed in part (headers and some body), then cut;
 * - `latency`: forwarded after a delay of up to `maxLatencyMs`;
 * - `timeout`: held for `timeoutMs` (past the app's deadline), then forwarded anyway, so storage
 *   applies a request its client has given up on;
 * - `hang`: never answered (until the proxy is closed or the mode is lifted).
 */
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { mulberry32 } from './random.js';

export const FAULT_KINDS = [
  'status503',
  'status503RetryAfter',
  'status500',
  'status503After',
  'status500After',
  'resetBefore',
  'resetMidUpload',
  'resetMidResponse',
  'latency',
  'timeout',
  'hang',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What happens to requests regardless of the schedule: `outage` answers 503 (no Retry-After) or refuses. */
export type ProxyMode = 'normal' | 'outage' | 'refuse' | 'hang';

export interface FaultSchedule {
  seed: number;
  /** Probability of each fault per request (the rest pass); e.g. `{ status503: 0.02 }`. */
  rates: Partial<Record<FaultKind, number>>;
  /** Only requests this accepts can get a fault (default: all). */
  applies?: (req: IncomingMessage) => boolean;
  /** Longest injected latency (default 2 s). */
  maxLatencyMs?: number;
  /** How long a `timeout` fault holds a request before forwarding it (default 12 s). */
  timeoutMs?: number;
  /** Bytes of the body a `resetMidResponse` relays before the cut (default: half its first chunk). */
  cutAfterBytes?: number;
}

export interface FaultProxy {
  /** The proxy's blob endpoint base, e.g. `http://127.0.0.1:1234`. */
  url: string;
  port: number;
  /** Switches the forced mode (e.g. an outage); `normal` lets the schedule decide again. */
  setMode(mode: ProxyMode): void;
  /** Replaces the schedule (null: no scheduled faults). */
  setSchedule(schedule: FaultSchedule | null): void;
  /** Faults injected so far, by kind (forced modes count as `mode:<name>`). */
  counts(): Record<string, number>;
  requests(): number;
  close(): Promise<void>;
}

function pick(schedule: FaultSchedule, roll: number): FaultKind | undefined {
  let at = 0;
  for (const kind of FAULT_KINDS) {
    at += schedule.rates[kind] ?? 0;
    if (roll < at) return kind;
  }
  return undefined;
}

/**
 * An error answer as storage gives it. A 503 with Retry-After is throttling (`ServerBusy`, which the
 * app answers 429); one without is the service being unavailable (answered 503).
 */
function errorAnswer(res: ServerResponse, status: number, retryAfter?: number): void {
  if (res.headersSent || res.destroyed) return;
  const code =
    status === 500 ? 'InternalError' : retryAfter !== undefined ? 'ServerBusy' : 'ServiceUnavailable';
  const body = `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>injected by the fault proxy</Message></Error>`;
  res.writeHead(status, {
    'Content-Type': 'application/xml',
    'x-ms-error-code': code,
    ...(retryAfter !== undefined && { 'Retry-After': String(retryAfter) }),
  });
  res.end(body);
}

/** Starts a proxy to `target` (e.g. Azurite's blob endpoint origin) on a free port. */
export async function startFaultProxy(
  target: string,
  schedule: FaultSchedule | null = null,
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let mode: ProxyMode = 'normal';
  let plan = schedule;
  let random = mulberry32(schedule?.seed ?? 1);
  const counts: Record<string, number> = {};
  let requests = 0;
  const held = new Set<() => void>();
  const sockets = new Set<Socket>();
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);

  function forward(
    req: IncomingMessage,
    res: ServerResponse,
    opts: { replace?: () => void; cutResponse?: boolean; cutUpload?: boolean } = {},
  ): void {
    const up = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent,
      },
      (upRes) => {
        if (opts.replace !== undefined) {
          upRes.resume();
          upRes.on('end', opts.replace);
          return;
        }
        res.writeHead(upRes.statusCode ?? 502, upRes.headers);
        if (opts.cutResponse === true) {
          // Some of the body, then the connection goes.
          let left = plan?.cutAfterBytes;
          const cut = () => {
            res.socket?.destroy();
            upRes.destroy();
          };
          upRes.on('data', (chunk: Buffer) => {
            left ??= Math.max(1, chunk.length >> 1);
            const take = Math.min(left, chunk.length);
            if (take > 0) res.write(chunk.subarray(0, take));
            left -= take;
            if (left <= 0) cut();
          });
          upRes.once('end', cut);
          return;
        }
        upRes.pipe(res);
      },
    );
    up.on('error', () => res.socket?.destroy());
    res.on('close', () => {
      if (!res.writableFinished) up.destroy();
    });
    if (opts.cutUpload === true) {
      let sent = 0;
      req.on('data', (chunk: Buffer) => {
        if (sent > 0) return;
        sent += chunk.length;
        up.write(chunk.subarray(0, Math.max(1, chunk.length >> 1)));
        up.destroy();
        req.socket.destroy();
      });
      req.on('end', () => {
        // A body shorter than one chunk: cut before storage saw all of it.
        up.destroy();
        req.socket.destroy();
      });
      return;
    }
    req.pipe(up);
  }

  function hold(req: IncomingMessage, res: ServerResponse, ms: number | undefined, then: () => void) {
    let timer: NodeJS.Timeout | undefined;
    const release = () => {
      clearTimeout(timer);
      held.delete(release);
      then();
    };
    held.add(release);
    if (ms !== undefined) timer = setTimeout(release, ms);
    res.on('close', () => {
      // The client gave up: a `timeout` still reaches storage (then() forwards with nobody listening).
      if (ms === undefined) {
        clearTimeout(timer);
        held.delete(release);
      }
    });
    void req;
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    requests++;
    if (mode === 'outage') {
      count('mode:outage');
      req.resume();
      req.on('end', () => errorAnswer(res, 503));
      return;
    }
    if (mode === 'refuse') {
      count('mode:refuse');
      req.socket.destroy();
      return;
    }
    if (mode === 'hang') {
      count('mode:hang');
      hold(req, res, undefined, () => forward(req, res));
      return;
    }
    const fault = plan !== null && (plan.applies?.(req) ?? true) ? pick(plan, random()) : undefined;
    if (fault === undefined) return forward(req, res);
    count(fault);
    switch (fault) {
      case 'status503':
      case 'status503RetryAfter':
      case 'status500': {
        req.resume();
        const status = fault === 'status500' ? 500 : 503;
        req.on('end', () => errorAnswer(res, status, fault === 'status503RetryAfter' ? 1 : undefined));
        return;
      }
      case 'status503After':
      case 'status500After':
        return forward(req, res, { replace: () => errorAnswer(res, fault === 'status500After' ? 500 : 503) });
      case 'resetBefore':
        req.socket.destroy();
        return;
      case 'resetMidUpload':
        return forward(req, res, { cutUpload: true });
      case 'resetMidResponse':
        return forward(req, res, { cutResponse: true });
      case 'latency':
        return hold(req, res, Math.floor(random() * (plan?.maxLatencyMs ?? 2_000)), () => forward(req, res));
      case 'timeout':
        return hold(req, res, plan?.timeoutMs ?? 12_000, () => forward(req, res));
      case 'hang':
        return hold(req, res, undefined, () => forward(req, res));
    }
  }

  const server = http.createServer(handle);
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    setMode: (m) => {
      mode = m;
      if (m === 'normal') for (const release of [...held]) release();
    },
    setSchedule: (s) => {
      plan = s;
      random = mulberry32(s?.seed ?? 1);
    },
    counts: () => ({ ...counts }),
    requests: () => requests,
    close: async () => {
      held.clear();
      for (const s of sockets) s.destroy();
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** A connection string like `cs` whose blob endpoint goes through the proxy (queue left direct). */
export function throughProxy(cs: string, proxy: FaultProxy): string {
  return cs.replace(/BlobEndpoint=http:\/\/127\.0\.0\.1:\d+\//, `BlobEndpoint=${proxy.url}/`);
}

/**
 * The slowest request body the host waits for. The Functions host runs on Kestrel, whose
 * MinRequestBodyDataRate (240 bytes/s after a 5 s grace period) cuts a client that trickles its body;
 * without it a client sending a byte every few seconds holds a request (on Azure, an instance) for as
 * long as it likes. The local host applies the same rule.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BodyRate {
  /** Slowest accepted average, bytes per second (LOCAL_HOST_MIN_BODY_RATE; default 240; 0 = no limit). */
  minBytesPerSecond: number;
  /** How long a body may arrive at any rate before the average counts (LOCAL_HOST_BODY_RATE_GRACE_MS; default 5 s). */
  graceMs: number;
}

/** How often the rate is looked at. */
const TICK_MS = 250;

/**
 * Watches `req`'s body arrive and calls `onSlow` once when, after the grace period, its average rate
 * is below the minimum. Time while the request is paused (the app is not reading: back-pressure) does
 * not count, as in Kestrel. Stops when the body has ended or the request is gone.
 */
export function watchBodyRate(
  req: IncomingMessage,
  rate: BodyRate,
  onSlow: () => void,
  /** Whether the reader wants more now; default: the request is not paused. */
  reading: () => boolean = () => !req.isPaused(),
): void {
  if (rate.minBytesPerSecond <= 0 || req.complete) return;
  const startBytes = req.socket.bytesRead;
  let readingMs = 0;
  let last = Date.now();
  const stop = () => clearInterval(timer);
  const timer = setInterval(() => {
    const now = Date.now();
    if (req.complete || req.destroyed || req.socket.destroyed) return stop();
    if (reading()) readingMs += now - last;
    last = now;
    if (readingMs <= rate.graceMs) return;
    const bytes = req.socket.bytesRead - startBytes;
    if (bytes / (readingMs / 1000) < rate.minBytesPerSecond) {
      stop();
      onSlow();
    }
  }, TICK_MS);
  timer.unref();
  req.once('end', stop);
  req.once('close', stop);
}

/** Answers a too-slow body 408 (when nothing was sent yet) and closes the connection. */
export function answerSlowBody(res: ServerResponse, rate: BodyRate): void {
  const cut = () => {
    res.socket?.destroy();
  };
  if (res.headersSent) return cut();
  const body = JSON.stringify({
    error: 'request_body_too_slow',
    message:
      `the request body arrived slower than ${rate.minBytesPerSecond} bytes/s after ${rate.graceMs} ms ` +
      "(LOCAL_HOST_MIN_BODY_RATE, as Kestrel's MinRequestBodyDataRate on Azure)",
  });
  res
    .writeHead(408, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      Connection: 'close',
    })
    .end(body, cut);
}

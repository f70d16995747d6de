/** When to try a request again: exponential backoff with full jitter, never sooner than Retry-After. */

export interface RetryPolicy {
  /** First backoff ceiling. Default 250 ms. */
  baseMs: number;
  /** Largest backoff ceiling. Default 30 s. */
  maxMs: number;
  /** Uniform in [0, 1); injectable for tests. */
  random: () => number;
}

export const DEFAULT_POLICY: RetryPolicy = { baseMs: 250, maxMs: 30_000, random: Math.random };

/** Longest Retry-After honoured; a server asking for more is waited on this long, then asked again. */
export const MAX_RETRY_AFTER_MS = 300_000;

/** Statuses worth retrying: timeouts, throttling and server-side failures. */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** The wait a `Retry-After` header asks for (delta-seconds or an HTTP date), capped; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const text = value.trim();
  const ms = /^\d+$/.test(text) ? Number(text) * 1000 : Date.parse(text) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(Math.max(ms, 0), MAX_RETRY_AFTER_MS);
}

/** The wait before attempt `attempt + 1` (attempt counts from 0): jittered backoff, at least Retry-After. */
export function retryDelay(
  attempt: number,
  retryAfterMs: number | undefined,
  policy = DEFAULT_POLICY,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.floor(policy.random() * ceiling);
  return Math.max(jittered, retryAfterMs ?? 0);
}

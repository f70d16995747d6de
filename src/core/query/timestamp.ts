/**
 * RFC 3339 timestamps as exact integers: nanoseconds since the epoch as a bigint, so that two
 * events a few nanoseconds apart compare correctly (JavaScript's Date keeps only milliseconds).
 */

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/** An RFC 3339 time, exactly: whole seconds since the epoch and the nanoseconds past them. */
export interface Rfc3339Time {
  seconds: number;
  nanos: number;
}

/**
 * The time `value` names, or null when it is not an RFC 3339 time. Plain numbers: a batch's events
 * are checked and spanned by it, and the bigint arithmetic of `parseRfc3339Nanos` was a fifth of
 * checking a batch in a profile.
 */
export function parseRfc3339(value: string): Rfc3339Time | null {
  const m = RFC3339.exec(value);
  if (m === null) return null;
  const ms = secondsMs(value.slice(0, 19), m);
  if (ms === null) return null;
  let offsetMinutes = 0;
  if (m[8] === undefined) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const fraction = m[7];
  return {
    seconds: ms / 1000 - offsetMinutes * 60,
    nanos: fraction === undefined ? 0 : Number(fraction.padEnd(9, '0')),
  };
}

/** Nanoseconds since 1970-01-01T00:00:00Z, or null when `value` is not an RFC 3339 time. */
export function parseRfc3339Nanos(value: string): bigint | null {
  const t = parseRfc3339(value);
  return t === null ? null : BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos);
}

/** Negative, zero or positive as `a` is earlier than, the same as, or later than `b`. */
export function compareTimes(a: Rfc3339Time, b: Rfc3339Time): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/** `nanosKey` of a time at or after the epoch, without bigint arithmetic. */
export function timeKey(t: Rfc3339Time): string {
  if (t.seconds < 0) return nanosKey(BigInt(t.seconds) * 1_000_000_000n + BigInt(t.nanos));
  const digits = t.seconds === 0 ? String(t.nanos) : `${t.seconds}${String(t.nanos).padStart(9, '0')}`;
  return digits.padStart(24, '0');
}

// The date and time to the second, by its 19 characters: events of a batch share a few seconds, and
// this part cost most of a batch's parsing in profiles (docs/benchmarks.md, Profiles).
const seconds = new Map<string, number | null>();
const SECONDS_MAX = 1024;

/** Milliseconds since the epoch of `YYYY-MM-DDTHH:MM:SS` (groups 1–6 of `m`), or null for an impossible time. */
function secondsMs(key: string, m: RegExpExecArray): number | null {
  const known = seconds.get(key);
  if (known !== undefined) return known;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(ms);
  const real =
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    h <= 23 &&
    mi <= 59 &&
    s <= 59;
  if (seconds.size >= SECONDS_MAX) seconds.clear();
  seconds.set(key, real ? ms : null);
  return real ? ms : null;
}

/** Nanoseconds as a fixed-width decimal string (24 digits), so that strings sort as the times do. */
export function nanosKey(nanos: bigint): string {
  return nanos.toString().padStart(24, '0');
}

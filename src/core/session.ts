/** Ray session ids and the create time Ray encodes in them (parsed as UTC, as upstream does). */
import { invalidParameter } from './errors.js';

export interface SessionId {
  name: string;
  /** `YYYY-MM-DDTHH:MM:SSZ` (KubeRay's `createTime`). */
  createTime: string;
  /** Unix seconds (KubeRay's `createTimeStamp`). */
  createTimeStamp: number;
  /** Microseconds within the second, kept for ordering sessions created in the same second. */
  micros: number;
}

const SESSION = /^session_(\d{4})-(\d{2})-(\d{2})_(\d{2})-(\d{2})-(\d{2})_(\d{6})(?:_(\d{1,9}))?$/;

// Session ids repeat (every event of a batch names one): parsed ones are remembered, a few at a time.
const parsed = new Map<string, Readonly<SessionId> | null>();
const PARSED_MAX = 256;

/** Parses a session id, or returns null when it is not one (or names an impossible date). */
export function tryParseSession(value: string): Readonly<SessionId> | null {
  const known = parsed.get(value);
  if (known !== undefined) return known;
  const result = parseSessionId(value);
  if (parsed.size >= PARSED_MAX) parsed.clear();
  parsed.set(value, result === null ? null : Object.freeze(result));
  return result;
}

function parseSessionId(value: string): SessionId | null {
  const m = SESSION.exec(value);
  if (m === null) return null;
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  const t = new Date(ms);
  const real =
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === s;
  if (!real || y < 1970) return null;
  return {
    name: value,
    createTime: t.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    createTimeStamp: ms / 1000,
    micros: Number(m[7]),
  };
}

/** Parses a session id or throws `400 invalid_parameter` naming the field. */
export function parseSession(value: string, field = 'session'): SessionId {
  const s = tryParseSession(value);
  if (s === null) {
    throw invalidParameter(
      field,
      `${field} ${JSON.stringify(value.slice(0, 80))} is not a Ray session id (session_YYYY-MM-DD_HH-MM-SS_ffffff[_N], a real UTC time)`,
    );
  }
  return s;
}

/** Orders sessions newest first, by create time then microseconds then name. */
export function newestFirst(a: SessionId, b: SessionId): number {
  return (
    b.createTimeStamp - a.createTimeStamp ||
    b.micros - a.micros ||
    (a.name < b.name ? 1 : a.name > b.name ? -1 : 0)
  );
}

/** Ray ids and times as the events carry them (base64 bytes, RFC 3339) → as the dashboard shows them. */
import { parseRfc3339Nanos } from '../query/timestamp.js';
import type { Ns } from './lattice.js';

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** A base64 id as lowercase hex; undefined when empty or not base64. */
export function hexId(b64: string | undefined): string | undefined {
  if (b64 === undefined || b64 === '') return undefined;
  const url = !BASE64.test(b64);
  if (url && !BASE64URL.test(b64)) return undefined;
  const hex = Buffer.from(b64, url ? 'base64url' : 'base64').toString('hex');
  return hex === '' ? undefined : hex;
}

/** True for Ray's nil ids (all bytes 0xff) and all-zero ids: "no such thing". */
export function isNilId(hex: string): boolean {
  return /^f+$/.test(hex) || /^0+$/.test(hex);
}

/** A base64 id as hex, or undefined when empty, invalid or nil. */
export function hexIdOrNil(b64: string | undefined): string | undefined {
  const hex = hexId(b64);
  return hex === undefined || isNilId(hex) ? undefined : hex;
}

/** An RFC 3339 time as nanoseconds since the epoch; undefined when absent, invalid or before 1970. */
export function nsOf(time: string | undefined): Ns | undefined {
  if (time === undefined || time === '') return undefined;
  const ns = parseRfc3339Nanos(time);
  return ns === null || ns <= 0n ? undefined : ns.toString();
}

/** A proto int64 (a JSON string or number) as a number; undefined when not a finite integer. */
export function int64(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = typeof value === 'number' ? value : /^-?\d+$/.test(value) ? Number(value) : NaN;
  return Number.isSafeInteger(n) ? n : undefined;
}

/** A proto int64 of nanoseconds (a decimal string) as `Ns`; undefined when not positive. */
export function int64Ns(value: string | number | undefined): Ns | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? (Number.isSafeInteger(value) ? String(value) : '') : value;
  if (!/^\d+$/.test(text)) return undefined;
  const ns = BigInt(text);
  return ns <= 0n ? undefined : ns.toString();
}

/**
 * The job id a Ray id embeds (the last 4 bytes of an ActorID or TaskID; id_specification.md), or
 * undefined when `hex` is not such an id.
 */
export function jobIdOf(hex: string): string | undefined {
  return hex.length === 32 || hex.length === 48 ? hex.slice(-8) : undefined;
}

/** The actor an ACTOR_CREATION_TASK creates: its task id is 8 bytes of 0xff + the actor id. */
export function actorIdOfCreationTask(taskIdHex: string): string | undefined {
  return taskIdHex.length === 48 && taskIdHex.startsWith('ffffffffffffffff')
    ? taskIdHex.slice(16)
    : undefined;
}

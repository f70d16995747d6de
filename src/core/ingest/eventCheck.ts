/** Validation of one Ray event as Ray's aggregator posts it (protobuf JSON mapping). */
import { tryParseSession } from '../session.js';

/** An event that can be stored: where it goes and the key it is deduplicated by. */
export interface ValidEvent {
  index: number;
  event: Record<string, unknown>;
  eventId: string;
  session: string;
  /** The job id as lowercase hex, or null for a node event. */
  jobId: string | null;
}

export interface EventError {
  index: number;
  eventId?: string;
  error: string;
  message: string;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;
/** Longest eventId accepted (Ray's are 24–28 base64 characters). */
const MAX_EVENT_ID = 256;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** True for an RFC 3339 time that names a real instant. */
export function isRfc3339(value: string): boolean {
  const m = RFC3339.exec(value);
  if (m === null) return false;
  const ms = Date.parse(`${value.slice(0, 19).toUpperCase()}${(m[8] ?? 'Z').toUpperCase()}`);
  return !Number.isNaN(ms) && Number(m[2]) <= 12 && Number(m[3]) <= 31 && Number(m[4]) <= 23;
}

/** The job id of a job-scoped payload: `undefined` when there is none, else the raw value. */
function rawJobId(event: Record<string, unknown>): unknown {
  for (const value of Object.values(event)) {
    if (isObject(value) && 'jobId' in value) return value.jobId;
  }
  return undefined;
}

/** Decodes a base64 job id to lowercase hex; '' for none; null when it is not valid base64. */
export function jobIdHex(raw: string): string | null {
  if (raw === '') return '';
  if (!BASE64.test(raw) && !BASE64URL.test(raw)) return null;
  const bytes = Buffer.from(raw, BASE64.test(raw) ? 'base64' : 'base64url');
  if (bytes.byteLength === 0 || bytes.byteLength > 32) return null;
  return bytes.toString('hex');
}

/** Checks one event; returns where it goes, or why it is rejected. */
export function checkEvent(raw: unknown, index: number): ValidEvent | EventError {
  if (!isObject(raw)) return { index, error: 'invalid_event', message: 'an event must be a JSON object' };
  const id = raw.eventId;
  const bad = (message: string): EventError => ({
    index,
    ...(typeof id === 'string' && id !== '' && { eventId: id.slice(0, MAX_EVENT_ID) }),
    error: 'invalid_event',
    message,
  });
  if (typeof id !== 'string' || id === '') return bad('eventId is missing or not a string');
  if (id.length > MAX_EVENT_ID || (!BASE64.test(id) && !BASE64URL.test(id)))
    return bad(`eventId is not base64 of at most ${MAX_EVENT_ID} characters`);
  if (typeof raw.eventType !== 'string' || raw.eventType === '')
    return bad('eventType is missing or not a string');
  if (typeof raw.timestamp !== 'string' || !isRfc3339(raw.timestamp))
    return bad('timestamp is missing or not an RFC 3339 time');
  if (typeof raw.sessionName !== 'string' || tryParseSession(raw.sessionName) === null)
    return bad('sessionName is missing or not a Ray session id (session_YYYY-MM-DD_HH-MM-SS_ffffff[_N])');
  const job = rawJobId(raw);
  if (job !== undefined && typeof job !== 'string') return bad('jobId must be a base64 string');
  const hex = jobIdHex(job ?? '');
  if (hex === null) return bad('jobId is not valid base64 (of at most 32 bytes)');
  return { index, event: raw, eventId: id, session: raw.sessionName, jobId: hex === '' ? null : hex };
}

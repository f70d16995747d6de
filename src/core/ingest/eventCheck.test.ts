import { describe, expect, it } from 'vitest';
import { checkEvent, jobIdHex } from './eventCheck.js';
import { parseRfc3339 } from '../query/timestamp.js';
import { timeSpan } from './events.js';

const SESSION = 'session_2026-01-27_10-52-59_373533_1';
const base = {
  eventId: 'AAECAwQFBgcICQoLDA0ODxAREhMU',
  eventType: 'DRIVER_JOB_DEFINITION_EVENT',
  timestamp: '2026-01-27T10:53:00.123456789Z',
  sessionName: SESSION,
};

describe('checkEvent', () => {
  it('accepts a node event (no or empty jobId) and a job event with its id in hex', () => {
    expect(checkEvent(base, 0)).toMatchObject({ eventId: base.eventId, session: SESSION, jobId: null });
    expect(checkEvent({ ...base, nodeDefinitionEvent: { jobId: '' } }, 1)).toMatchObject({ jobId: null });
    expect(checkEvent({ ...base, driverJobDefinitionEvent: { jobId: 'AgAAAA==' } }, 2)).toMatchObject({
      jobId: '02000000',
    });
  });

  it('rejects each malformed field with a reason naming it', () => {
    const cases: [unknown, RegExp][] = [
      [null, /object/],
      [[base], /object/],
      [{ ...base, eventId: undefined }, /eventId/],
      [{ ...base, eventId: 'not base64!' }, /eventId/],
      [{ ...base, eventType: '' }, /eventType/],
      [{ ...base, timestamp: 1769511180 }, /timestamp/],
      [{ ...base, timestamp: '2026-01-27 10:53:00' }, /timestamp/],
      [{ ...base, timestamp: '2026-01-27T10:53:00.1234567891Z' }, /timestamp/],
      // Regression: ingest took this (Date.parse rolls it over to March 2) while the query side refused
      // it, so the event was stored and then never matched since/until. One validator now.
      [{ ...base, timestamp: '2026-02-30T00:00:00Z' }, /timestamp/],
      [{ ...base, sessionName: 'session_x' }, /sessionName/],
      [{ ...base, taskLifecycleEvent: { jobId: 5 } }, /jobId/],
      [{ ...base, taskLifecycleEvent: { jobId: '***' } }, /jobId/],
    ];
    for (const [event, why] of cases) {
      const r = checkEvent(event, 7);
      expect(r, JSON.stringify(event)).toMatchObject({ index: 7, error: 'invalid_event' });
      expect((r as { message: string }).message).toMatch(why);
    }
  });
});

describe('timestamps and jobIdHex', () => {
  it('accepts RFC 3339 times with offsets and up to 9 fractional digits, and no impossible ones', () => {
    const at = (timestamp: string) => 'event' in checkEvent({ ...base, timestamp }, 0);
    expect(at('2026-01-27T10:53:00Z')).toBe(true);
    expect(at('2026-01-27t10:53:00.5+02:00')).toBe(true);
    expect(at('2026-13-27T10:53:00Z')).toBe(false);
    expect(at('2026-01-27T25:53:00Z')).toBe(false);
    expect(at('2026-02-29T00:00:00Z')).toBe(false);
    expect(at('2028-02-29T00:00:00Z')).toBe(true);
  });

  it('decodes base64 and base64url job ids to lowercase hex', () => {
    expect(jobIdHex('')).toBe('');
    expect(jobIdHex('AQAAAA==')).toBe('01000000');
    expect(jobIdHex('_-8')).toBe('ffef');
    expect(jobIdHex('==')).toBeNull();
    expect(jobIdHex('A'.repeat(60))).toBeNull(); // 45 bytes: longer than any job id
  });
});

describe('timeSpan', () => {
  it('gives the earliest and latest event time as 24-digit nanoseconds, or nothing', () => {
    const span = (...ts: string[]) => timeSpan(ts.map(parseRfc3339));
    expect(
      span('2026-01-27T10:53:00.000000002Z', '2026-01-27T10:52:59.5Z', '2026-01-27T11:53:00.000000001+01:00'),
    ).toEqual({ mintime: '000001769511179500000000', maxtime: '000001769511180000000002' });
    expect(span('2026-01-27T10:53:00Z', 'yesterday')).toBeUndefined();
    expect(span('1969-12-31T23:59:59Z', '2026-01-27T10:53:00Z')).toBeUndefined();
    expect(span('1970-01-01T00:00:00.000000007Z')).toEqual({
      mintime: '000000000000000000000007',
      maxtime: '000000000000000000000007',
    });
    expect(span()).toBeUndefined();
  });
});

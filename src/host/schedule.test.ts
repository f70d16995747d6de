import { describe, expect, it } from 'vitest';
import { parseSchedule } from './schedule.js';

const at = (iso: string) => new Date(iso);
const next = (schedule: string, after: string) => parseSchedule(schedule).next(at(after)).toISOString();

describe('parseSchedule', () => {
  it('finds the next second, minute and hour of six-field expressions', () => {
    expect(next('* * * * * *', '2026-01-27T10:52:59.400Z')).toBe('2026-01-27T10:53:00.000Z');
    expect(next('*/5 * * * * *', '2026-01-27T10:52:59Z')).toBe('2026-01-27T10:53:00.000Z');
    expect(next('*/5 * * * * *', '2026-01-27T10:53:00Z')).toBe('2026-01-27T10:53:05.000Z');
    expect(next('0 */15 * * * *', '2026-01-27T10:52:59Z')).toBe('2026-01-27T11:00:00.000Z');
    expect(next('0 0 * * * *', '2026-01-27T10:00:00Z')).toBe('2026-01-27T11:00:00.000Z');
    expect(next('30 5 9-17/4 * * *', '2026-01-27T10:00:00Z')).toBe('2026-01-27T13:05:30.000Z');
    expect(next('0 0 23 * * *', '2026-12-31T23:00:00Z')).toBe('2027-01-01T23:00:00.000Z');
  });

  it('takes lists, names, and days of the week with 0 as Sunday', () => {
    // 2026-01-27 is a Tuesday.
    expect(next('0 0 9 * * Mon,Fri', '2026-01-27T10:00:00Z')).toBe('2026-01-30T09:00:00.000Z');
    expect(next('0 0 9 * * 0', '2026-01-27T10:00:00Z')).toBe('2026-02-01T09:00:00.000Z');
    expect(next('0 0 0 1 Jan,jul *', '2026-01-27T00:00:00Z')).toBe('2026-07-01T00:00:00.000Z');
    expect(next('0 0 0 31 * *', '2026-04-01T00:00:00Z')).toBe('2026-05-31T00:00:00.000Z');
  });

  it('takes whole names and any prefix of one, in any case, as NCrontab does', () => {
    expect(next('0 0 9 * * Monday,FRIDAY', '2026-01-27T10:00:00Z')).toBe('2026-01-30T09:00:00.000Z');
    expect(next('0 0 9 * * Tu', '2026-01-27T10:00:00Z')).toBe('2026-02-03T09:00:00.000Z');
    expect(next('0 0 0 1 SEPT-October *', '2026-01-27T00:00:00Z')).toBe('2026-09-01T00:00:00.000Z');
    expect(next('0 0 0 1 Augu *', '2026-01-27T00:00:00Z')).toBe('2026-08-01T00:00:00.000Z');
    expect(next('0 0 9 * * Mon-Fri/2', '2026-01-27T10:00:00Z')).toBe('2026-01-28T09:00:00.000Z');
  });

  it('takes a/n as "from a, every n" (NCrontab)', () => {
    expect(next('5/20 * * * * *', '2026-01-27T10:52:59Z')).toBe('2026-01-27T10:53:05.000Z');
    expect(next('5/20 * * * * *', '2026-01-27T10:53:45Z')).toBe('2026-01-27T10:54:05.000Z');
    expect(next('0 0 1,12/6 * * *', '2026-01-27T13:00:00Z')).toBe('2026-01-27T18:00:00.000Z');
  });

  it('needs day of month and day of week to match together, as NCrontab does', () => {
    // The 13th that is a Friday: February 2026 is the next one.
    expect(next('0 0 0 13 * Fri', '2026-01-01T00:00:00Z')).toBe('2026-02-13T00:00:00.000Z');
    expect(next('0 0 0 29 2 *', '2026-03-01T00:00:00Z')).toBe('2028-02-29T00:00:00.000Z');
    // A 29 February that is a Monday comes every 28 years (the hand-written evaluator gave up after 9).
    expect(next('0 0 0 29 Feb Mon', '2017-01-01T00:00:00Z')).toBe('2044-02-29T00:00:00.000Z');
  });

  it('takes a TimeSpan as a fixed interval', () => {
    expect(next('00:00:30', '2026-01-27T10:00:00.250Z')).toBe('2026-01-27T10:00:30.250Z');
    expect(next('1.02:00:00', '2026-01-27T10:00:00Z')).toBe('2026-01-28T12:00:00.000Z');
  });

  it('rejects malformed schedules, saying what is wrong', () => {
    expect(() => parseSchedule('0 * * * *')).toThrow(/has 5 fields; a schedule needs six/);
    expect(() => parseSchedule('60 * * * * *')).toThrow(/second: 60 is outside 0-59/);
    expect(() => parseSchedule('0 0 25 * * *')).toThrow(/hour: 25 is outside 0-23/);
    expect(() => parseSchedule('0 0 0 * Foo *')).toThrow(/month: "Foo" is not a number/);
    expect(() => parseSchedule('*/0 * * * * *')).toThrow(/step "0"/);
    expect(() => parseSchedule('0 0 0 5-1 * *')).toThrow(/runs backwards/);
    expect(() => parseSchedule('0 0 0 30 2 *')).toThrow(/never occurs/);
    expect(() => parseSchedule('00:00:00')).toThrow(/longer than zero/);
    expect(() => parseSchedule('00:61:00')).toThrow(/not a valid TimeSpan/);
    expect(() => parseSchedule('0 0 0 * * Funday')).toThrow(
      /day of week: "Funday" is not a number or a day name/,
    );
  });

  it('refuses what croner reads but NCrontab (and so Azure) does not', () => {
    // Day of week 7: NCrontab's days run 0-6.
    expect(() => parseSchedule('0 0 9 * * 7')).toThrow(/day of week: 7 is outside 0-6/);
    expect(() => parseSchedule('0 0 0 L * *')).toThrow(/day: "L" is not a number/);
    expect(() => parseSchedule('0 0 0 ? * *')).toThrow(/day: "\?" is not a number/);
    expect(() => parseSchedule('0 0 0 15W * *')).toThrow(/day: "15W" is not a number/);
    expect(() => parseSchedule('0 0 0 * * Fri#2')).toThrow(/day of week: "Fri#2" is not a number/);
    expect(() => parseSchedule('@hourly')).toThrow(/has 1 fields; a schedule needs six/);
    expect(() => parseSchedule('0 0 0 * * * 2027')).toThrow(/has 7 fields; a schedule needs six/);
  });
});

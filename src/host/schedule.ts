/**
 * Timer-trigger schedules as the Functions host reads them: a six-field NCRONTAB expression
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`) or a TimeSpan (`hh:mm:ss`, a fixed
 * interval). Times are UTC (the host's default without WEBSITE_TIME_ZONE).
 *
 * croner finds the occurrences. It reads a wider language than NCrontab (the library the host's timer
 * extension parses with, `IncludingSeconds = true`), so each field is first checked against NCrontab's:
 * `*`, numbers, ranges `a-b`, steps `*` + `/n` or `a-b/n` or `a/n` (a to the end), lists `a,b`;
 * months and days of the week also by name or any prefix of one (`Jan`, `January`, `Augu`); days of
 * the week 0–6 (Sunday 0; NCrontab has no 7). `L`, `W`, `#`, `?` and `@hourly` are refused: Azure
 * would refuse them. A time matches when every field matches, day of month and day of week together
 * (NCrontab's rule; classic cron takes either). Stricter than NCrontab, on purpose: a range that runs
 * backwards (NCrontab swaps it), a step of 0 (NCrontab takes 1) and a date that never comes
 * (30 February) are refused here, since each is surely a mistake.
 */
import { Cron } from 'croner';

export interface Schedule {
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
  /** How it was written, for logs. */
  readonly text: string;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names of min, min + 1, …; a value may be any prefix of one (the first that fits wins). */
  names?: string[];
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  { name: 'day of week', min: 0, max: 6, names: DAYS },
];

export class ScheduleError extends Error {}

function value(text: string, spec: FieldSpec): number {
  if (/^\d+$/.test(text)) {
    const n = Number(text);
    if (n < spec.min || n > spec.max)
      throw new ScheduleError(`${spec.name}: ${n} is outside ${spec.min}-${spec.max}`);
    return n;
  }
  const lower = text.toLowerCase();
  const named = text === '' ? -1 : (spec.names?.findIndex((n) => n.toLowerCase().startsWith(lower)) ?? -1);
  if (named < 0) {
    const kind = spec.names === undefined ? '' : ` or a ${spec.name === 'month' ? 'month' : 'day'} name`;
    throw new ScheduleError(`${spec.name}: "${text}" is not a number${kind}`);
  }
  return named + spec.min;
}

/** One field checked against NCrontab's rules, with names replaced by numbers (croner's form). */
function field(text: string, spec: FieldSpec): string {
  return text
    .split(',')
    .map((part) => {
      const [range = '', step, ...rest] = part.split('/');
      if (rest.length > 0) throw new ScheduleError(`${spec.name}: "${part}" has more than one step`);
      if (step !== undefined && (!/^\d+$/.test(step) || Number(step) < 1))
        throw new ScheduleError(`${spec.name}: step "${step}" is not a positive number`);
      const suffix = step === undefined ? '' : `/${Number(step)}`;
      if (range === '*') return `*${suffix}`;
      const [a = '', b, ...more] = range.split('-');
      if (more.length > 0) throw new ScheduleError(`${spec.name}: "${range}" is not a range`);
      const from = value(a, spec);
      if (b === undefined) return `${from}${suffix}`;
      const to = value(b, spec);
      if (from > to) throw new ScheduleError(`${spec.name}: range ${range} runs backwards`);
      return `${from}-${to}${suffix}`;
    })
    .join(',');
}

function cron(text: string): Schedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(
      `"${text}" has ${parts.length} fields; a schedule needs six ({second} {minute} {hour} {day} {month} {day-of-week}) or the form hh:mm:ss`,
    );
  }
  const pattern = parts.map((p, i) => field(p, FIELDS[i] as FieldSpec)).join(' ');
  let job: Cron;
  try {
    job = new Cron(pattern, { timezone: 'UTC', mode: '6-part', domAndDow: true, sloppyRanges: true });
  } catch (err) {
    throw new ScheduleError(`"${text}": ${err instanceof Error ? err.message : String(err)}`);
  }
  const next = (after: Date): Date => {
    const at = job.nextRun(after);
    if (at === null) throw new ScheduleError(`"${text}" never occurs`);
    return at;
  };
  next(new Date(0)); // an expression that can never match (e.g. 30 February) fails now, not later
  return { next, text };
}

function interval(text: string): Schedule {
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})$/.exec(text.trim());
  if (m === null) throw new ScheduleError(`"${text}" is not a TimeSpan`);
  const [days, hours, minutes, seconds] = [m[1] ?? '0', m[2] ?? '0', m[3] ?? '0', m[4] ?? '0'].map(
    Number,
  ) as [number, number, number, number];
  if (hours > 23 || minutes > 59 || seconds > 59)
    throw new ScheduleError(`"${text}" is not a valid TimeSpan`);
  const ms = (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
  if (ms === 0) throw new ScheduleError(`"${text}": the interval must be longer than zero`);
  return { next: (after) => new Date(after.getTime() + ms), text };
}

/** Parses a schedule; throws ScheduleError saying what is wrong. */
export function parseSchedule(text: string): Schedule {
  return /^\s*(\d+\.)?\d{1,2}:\d{2}:\d{2}\s*$/.test(text) ? interval(text) : cron(text);
}

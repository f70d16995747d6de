/**
 * Timer-trigger schedules as the Functions host reads them: a six-field NCRONTAB expression
 * (`{second} {minute} {hour} {day} {month} {day-of-week}`) or a TimeSpan (`hh:mm:ss`, a fixed
 * interval). Times are UTC (the host's default without WEBSITE_TIME_ZONE).
 *
 * Fields take `*`, numbers, ranges `a-b`, steps `*` + `/n` or `a-b/n` or `a/n`, and lists `a,b`;
 * months and days of the week also take names (`Jan`, `Mon`); day of week 0 and 7 are Sunday.
 * As in NCrontab (which the host uses), a time matches when every field matches, day of month and
 * day of week included.
 */

export interface Schedule {
  /** The first occurrence strictly after `after`. */
  next(after: Date): Date;
  /** How it was written, for logs. */
  readonly text: string;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: string[];
  /** What a name's index maps to (months are 1-based). */
  nameBase?: number;
}

const FIELDS: FieldSpec[] = [
  { name: 'second', min: 0, max: 59 },
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS, nameBase: 1 },
  { name: 'day of week', min: 0, max: 7, names: DAYS, nameBase: 0 },
];

export class ScheduleError extends Error {}

function value(text: string, spec: FieldSpec): number {
  const named = spec.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named >= 0) return named + (spec.nameBase ?? 0);
  if (!/^\d+$/.test(text)) throw new ScheduleError(`${spec.name}: "${text}" is not a number`);
  const n = Number(text);
  if (n < spec.min || n > spec.max)
    throw new ScheduleError(`${spec.name}: ${n} is outside ${spec.min}-${spec.max}`);
  return n;
}

/** The set of values one field allows. */
function field(text: string, spec: FieldSpec): Set<number> {
  const out = new Set<number>();
  for (const part of text.split(',')) {
    const [range = '', stepText] = part.split('/');
    const step = stepText === undefined ? 1 : Number(stepText);
    if (stepText !== undefined && (!/^\d+$/.test(stepText) || step < 1))
      throw new ScheduleError(`${spec.name}: step "${stepText}" is not a positive number`);
    let from: number;
    let to: number;
    if (range === '*') {
      from = spec.min;
      to = spec.max;
    } else if (range.includes('-')) {
      const [a = '', b = ''] = range.split('-');
      from = value(a, spec);
      to = value(b, spec);
      if (from > to) throw new ScheduleError(`${spec.name}: range ${range} runs backwards`);
    } else {
      from = value(range, spec);
      to = stepText === undefined ? from : spec.max;
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  if (spec.name === 'day of week' && out.delete(7)) out.add(0);
  return out;
}

function cron(text: string): Schedule {
  const parts = text.trim().split(/\s+/);
  if (parts.length !== 6) {
    throw new ScheduleError(
      `"${text}" has ${parts.length} fields; a schedule needs six ({second} {minute} {hour} {day} {month} {day-of-week}) or the form hh:mm:ss`,
    );
  }
  const [sec, min, hour, day, month, dow] = parts.map((p, i) => field(p, FIELDS[i] as FieldSpec)) as [
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
    Set<number>,
  ];
  const next = (after: Date): Date => {
    const t = new Date(Math.floor(after.getTime() / 1000) * 1000 + 1000);
    // A time is found within a few years when one exists at all (29 February takes up to 8).
    const limit = after.getTime() + 9 * 366 * 86_400_000;
    while (t.getTime() <= limit) {
      if (!month.has(t.getUTCMonth() + 1)) {
        t.setUTCMonth(t.getUTCMonth() + 1, 1);
        t.setUTCHours(0, 0, 0);
      } else if (!day.has(t.getUTCDate()) || !dow.has(t.getUTCDay())) {
        t.setUTCDate(t.getUTCDate() + 1);
        t.setUTCHours(0, 0, 0);
      } else if (!hour.has(t.getUTCHours())) {
        t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      } else if (!min.has(t.getUTCMinutes())) {
        t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      } else if (!sec.has(t.getUTCSeconds())) {
        t.setUTCSeconds(t.getUTCSeconds() + 1);
      } else {
        return t;
      }
    }
    throw new ScheduleError(`"${text}" never occurs`);
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

/** How numbers, sizes and times read in the UI. */

const KiB = 1024;
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

/** `1.5 MiB`; bytes under 1 KiB as they are. */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= KiB && u < UNITS.length - 1) {
    v /= KiB;
    u++;
  }
  return u === 0 ? `${n} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}

const count = new Intl.NumberFormat('en');
export const formatCount = (n: number) => count.format(n);

const dateTime = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const clock = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  fractionalSecondDigits: 3,
  hourCycle: 'h23',
});
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });
const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** Local date and time, e.g. `Jan 27, 2026, 10:52 AM`. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

/** Local time to the millisecond, e.g. `Jan 27, 10:53:07.267` (events within a session). */
export function formatClock(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : clock.format(d);
}

/** `3 hours ago`, relative to `now`. */
export function formatAgo(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return iso;
  let v = (t - now) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(v) < size) return relative.format(Math.round(v), unit);
    v /= size;
  }
  return iso;
}

/** A duration: `340 ms`, `1.2 s`, `2 min 5 s`, `1 h 2 min`; `–` when unknown. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Milliseconds since the epoch as RFC 3339 (for <Time>); null for none or 0 (Ray's "not set"). */
export const isoOfMs = (ms: number | null | undefined) =>
  ms === null || ms === undefined || ms <= 0 ? null : new Date(ms).toISOString();

/** A message's first line (the rest is a click away). */
export const firstLine = (text: string | null | undefined) => (text ?? '').split('\n', 1)[0] ?? '';

/** A node's name without its cluster's prefix (`raycluster-kuberay-worker-5fz8q` → `worker-5fz8q`). */
export const shortNode = (name: string, cluster: string) =>
  name.startsWith(`${cluster}-`) && name.length > cluster.length + 1 ? name.slice(cluster.length + 1) : name;

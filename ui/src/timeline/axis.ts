/** A time axis: a scale from times to pixels, and round ticks to label it with. */

export interface Scale {
  /** The times shown, [t0, t1] (any unit; the trace uses µs, the state chart ms). */
  t0: number;
  t1: number;
  /** The pixels they span, [x0, x1]. */
  x0: number;
  x1: number;
}

export const xOf = (s: Scale, t: number) => s.x0 + ((t - s.t0) / (s.t1 - s.t0 || 1)) * (s.x1 - s.x0);
export const tOf = (s: Scale, x: number) => s.t0 + ((x - s.x0) / (s.x1 - s.x0 || 1)) * (s.t1 - s.t0);

/**
 * Ticks at round steps (1, 2 or 5 × 10ⁿ units) with about one per `minGap` pixels: their times and
 * the step.
 */
export function ticks(s: Scale, minGap = 90): { at: number[]; step: number } {
  const span = s.t1 - s.t0;
  const px = Math.abs(s.x1 - s.x0);
  if (!(span > 0) || !(px > 0)) return { at: [s.t0], step: 0 };
  const want = Math.max(1, Math.floor(px / minGap));
  const raw = span / want;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((v) => v >= raw) ?? 10 * mag;
  const at: number[] = [];
  for (let t = Math.ceil(s.t0 / step) * step; t <= s.t1 + step * 1e-9; t += step) at.push(t);
  return { at, step };
}

/** A time after the start, in the unit that reads best: `0`, `250 ms`, `1.5 s`, `2 min 30 s`. */
export function offsetLabel(ms: number, stepMs: number): string {
  if (ms === 0) return '0';
  const neg = ms < 0 ? '−' : '';
  const a = Math.abs(ms);
  if (stepMs < 1) return `${neg}${+a.toFixed(3)} ms`;
  if (a < 1000 && stepMs < 1000) return `${neg}${+a.toFixed(0)} ms`;
  if (a < 60_000) return `${neg}${+(a / 1000).toFixed(stepMs < 100 ? 2 : stepMs < 1000 ? 1 : 0)} s`;
  const m = Math.floor(a / 60_000);
  const sec = (a % 60_000) / 1000;
  if (a < 3_600_000) return `${neg}${m} min${sec === 0 ? '' : ` ${+sec.toFixed(stepMs < 1000 ? 1 : 0)} s`}`;
  return `${neg}${Math.floor(m / 60)} h${m % 60 === 0 ? '' : ` ${m % 60} min`}`;
}

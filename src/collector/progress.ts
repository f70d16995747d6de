/**
 * What the collector tells its operator: on a terminal a live one-line display (files, bytes shipped,
 * bytes behind) with warnings above it; otherwise one JSON object per line, for log pipelines.
 */

export interface Progress {
  files: number;
  /** Bytes acknowledged by the server since start. */
  shipped: number;
  /** Bytes on disk not yet acknowledged. */
  behind: number;
  /** The last retry reason, while retrying. */
  retrying?: string;
}

export type Level = 'info' | 'warn' | 'error';

export interface Reporter {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
  progress(p: Progress): void;
  /** Ends the live line (before exit). */
  close(): void;
}

/** `1.5 MiB`-style sizes. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

/** One JSON object per line on `out`; progress at most every `everyMs` (default 10 s) unless it settles. */
export function jsonReporter(out: NodeJS.WritableStream, everyMs = 10_000): Reporter {
  let last = 0;
  let lastBehind = -1;
  const write = (level: Level, msg: string, fields: Record<string, unknown>) =>
    out.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  return {
    log: (level, msg, fields = {}) => write(level, msg, fields),
    progress(p) {
      const now = Date.now();
      const settled = p.behind === 0 && lastBehind !== 0;
      if (now - last < everyMs && !settled) return;
      last = now;
      lastBehind = p.behind;
      write('info', 'progress', { ...p });
    },
    close: () => undefined,
  };
}

/** A live line on a terminal (`\r` + clear), redrawn at most 10 times a second; messages print above it. */
export function ttyReporter(out: NodeJS.WriteStream): Reporter {
  let line = '';
  let drawn = 0;
  const draw = () => out.write(`\r\x1b[K${line}`);
  return {
    log(level, msg, fields = {}) {
      const extra = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      out.write(
        `\r\x1b[K${level === 'info' ? '' : `${level.toUpperCase()}: `}${msg}${extra === '' ? '' : ` (${extra})`}\n`,
      );
      draw();
    },
    progress(p) {
      line =
        `${p.files} files · shipped ${formatBytes(p.shipped)} · behind ${formatBytes(p.behind)}` +
        (p.retrying === undefined ? '' : ` · retrying: ${p.retrying}`);
      const now = Date.now();
      if (now - drawn >= 100 || p.behind === 0) {
        drawn = now;
        draw();
      }
    },
    close() {
      if (line !== '') out.write(`\r\x1b[K${line}\n`);
    },
  };
}

/** The reporter for a format: `auto` picks the terminal line when stderr is a TTY. */
export function makeReporter(format: 'auto' | 'text' | 'json'): Reporter {
  const tty = format === 'text' || (format === 'auto' && process.stderr.isTTY);
  return tty ? ttyReporter(process.stderr) : jsonReporter(process.stdout);
}

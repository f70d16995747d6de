/** The parts of host.json the local host honours. */
import { readFileSync } from 'node:fs';
import path from 'node:path';

export interface HostJson {
  /** extensions.http.routePrefix; default "api", "" removes it. */
  routePrefix: string;
  /** extensions.queues.maxDequeueCount: blob-trigger tries before the poison queue. Default 5. */
  maxDequeueCount: number;
  /** functionTimeout in ms; undefined = unlimited. Default 30 min (the Premium/Dedicated default). */
  functionTimeoutMs: number | undefined;
}

/** Parses a .NET TimeSpan `[d.]hh:mm:ss[.fff]`; "-1" means unlimited. */
export function parseTimeSpan(value: string): number | undefined {
  if (value.trim() === '-1') return undefined;
  const m = /^(?:(\d+)\.)?(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d{1,7}))?$/.exec(value.trim());
  if (m === null) throw new Error(`host.json: functionTimeout "${value}" is not a time span like "00:10:00"`);
  const [, d = '0', h = '0', min = '0', s = '0', frac = '0'] = m;
  return (
    (((Number(d) * 24 + Number(h)) * 60 + Number(min)) * 60 + Number(s)) * 1000 + Number(`0.${frac}`) * 1000
  );
}

function obj(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Reads `<appDir>/host.json`; a missing file means all defaults, a malformed one is an error. */
export function readHostJson(appDir: string): HostJson {
  let raw: unknown = {};
  const file = path.join(appDir, 'host.json');
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    text = undefined;
  }
  if (text !== undefined) {
    try {
      raw = JSON.parse(text);
    } catch (err) {
      throw new Error(`${file} is not valid JSON: ${(err as Error).message}`);
    }
  }
  const ext = obj(obj(raw).extensions);
  const prefix = obj(ext.http).routePrefix;
  const dequeue = obj(ext.queues).maxDequeueCount;
  const timeout = obj(raw).functionTimeout;
  return {
    routePrefix: typeof prefix === 'string' ? prefix : 'api',
    maxDequeueCount: typeof dequeue === 'number' && dequeue >= 1 ? dequeue : 5,
    functionTimeoutMs: typeof timeout === 'string' ? parseTimeSpan(timeout) : 30 * 60 * 1000,
  };
}

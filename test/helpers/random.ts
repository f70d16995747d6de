/**
 * Seeded randomness for tests, so a failure can be replayed. One seed per run: `TEST_SEED` when set,
 * else a fresh one. Each test draws from its own stream, derived from the seed and the test's name
 * (and how many streams that test asked for before), so replaying one test alone with `-t` draws the
 * same numbers. Every stream prints the seed, and prints it again when its test fails.
 */
import { randomInt } from 'node:crypto';
import { expect, onTestFailed } from 'vitest';
import { mulberry32 } from './prng.js';

export { mulberry32 };

/** The run's seed: `TEST_SEED`, or a fresh one. */
export const TEST_SEED = runSeed(process.env.TEST_SEED);

function runSeed(text: string | undefined): number {
  if (text === undefined || text === '') return randomInt(2 ** 31);
  if (!/^\d+$/.test(text))
    throw new Error(`TEST_SEED must be a non-negative integer, got ${JSON.stringify(text)}`);
  return Number(text) >>> 0;
}

/** FNV-1a of `text`, mixed with `seed`: a stream seed per label. */
function mix(seed: number, text: string): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

export interface Random {
  /** A number in [0, 1). */
  (): number;
  /** An integer in [0, n). */
  int(n: number): number;
  /** `n` random bytes. */
  bytes(n: number): Buffer;
}

function random(next: () => number): Random {
  const r = (() => next()) as Random;
  r.int = (n) => Math.floor(next() * n);
  r.bytes = (n) => {
    const out = Buffer.allocUnsafe(n);
    for (let i = 0; i < n; i += 4) {
      const v = (next() * 4294967296) >>> 0;
      for (let k = 0; k < 4 && i + k < n; k++) out[i + k] = (v >>> (8 * k)) & 0xff;
    }
    return out;
  };
  return r;
}

const streams = new Map<string, number>();

/**
 * A random stream for the current test (or for `label` outside one), seeded from the run's seed;
 * prints `TEST_SEED=<seed>` to replay it.
 */
export function seededRandom(label?: string): Random {
  const test = expect.getState().currentTestName;
  const name = label ?? test ?? 'module';
  const n = streams.get(name) ?? 0;
  streams.set(name, n + 1);
  const replay = `TEST_SEED=${TEST_SEED}`;
  console.info(`[random] "${name}" #${n}: ${replay}`);
  if (test !== undefined) {
    onTestFailed(() => console.error(`[random] "${name}" failed; replay it with ${replay}`));
  }
  return random(mulberry32(mix(TEST_SEED, `${name}#${n}`)));
}

/** A deterministic shuffle (Fisher–Yates over mulberry32), so a failure can be replayed from its seed. */
export function shuffled<T>(items: T[], seed: number): T[] {
  const rand = mulberry32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * Index freshness through the local host with its default scan interval: the time from an ingest's
 * 2xx to the session appearing in GET /api/clusters, against the same time for upstream's way (the
 * session appearing in a flat listing of `metadir/`, which ingest writes before it answers).
 */
import { benchHost, type BenchHost } from '../host.js';
import type { BenchContext, Scenario } from '../harness.js';

const SAMPLES = 20;
const POLL_MS = 25;

type Host = BenchHost;

const startHost = (ctx: BenchContext): Promise<Host> => benchHost(ctx, { tag: 'ixfresh' });

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < timeoutMs) {
    if (await check()) return performance.now() - started;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms`);
}

function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

let sessionSeq = 0;

/** One sample: ingest a new session, then time both listings until they show it. */
async function sample(ctx: BenchContext, host: Host): Promise<{ ours: number; upstream: number }> {
  const n = ++sessionSeq;
  const session = `session_2026-03-01_00-00-00_${String(n).padStart(6, '0')}`;
  const url = `${host.baseUrl}/api/v1/logs/default/fresh/${session}/head/raylet.out?offset=0`;
  const res = await fetch(url, { method: 'PUT', body: 'hello\n', headers: { 'Content-Type': 'text/plain' } });
  if (!res.ok) throw new Error(`ingest answered ${res.status}: ${await res.text()}`);
  const container = ctx.service.getContainerClient(host.container);
  const [ours, upstream] = await Promise.all([
    until(async () => {
      const r = await fetch(`${host.baseUrl}/api/clusters`);
      const rows = (await r.json()) as { sessionName: string }[];
      return rows.some((row) => row.sessionName === session);
    }, `session ${session} in GET /api/clusters`),
    until(async () => {
      for await (const b of container.listBlobsFlat({ prefix: 'metadir/' }))
        if (b.name.includes(session)) return true;
      return false;
    }, `session ${session} in a metadir/ listing`),
  ]);
  return { ours, upstream };
}

function freshness(p: number): Scenario {
  return {
    name: `index freshness p${p} (ingest 2xx → listed, local host default scan)`,
    unit: 'ms',
    better: 'lower',
    ours: 'GET /api/clusters shows it',
    baseline: 'upstream: a flat metadir/ listing shows it',
    target: p === 95 ? 'p95 < 2000 ms' : '',
    rounds: 3,
    async setup(ctx) {
      return startHost(ctx);
    },
    async round(ctx, state) {
      const host = state as Host;
      const ours: number[] = [];
      const upstream: number[] = [];
      for (let i = 0; i < SAMPLES; i++) {
        const s = await sample(ctx, host);
        ours.push(s.ours);
        upstream.push(s.upstream);
      }
      return { ours: percentile(ours, p), baseline: percentile(upstream, p) };
    },
    async teardown(_ctx, state) {
      await (state as Host).stop();
    },
  };
}

export const freshnessScenario = freshness(50);
export const freshnessP95Scenario = freshness(95);

/**
 * Issue 13's exactness bar over the real ingest API: the Ray event corpus split into requests,
 * shuffled, partly resent and POSTed concurrently to `POST /api/v1/events` of the local host (as
 * Ray's aggregators on many nodes post, and resend after a timeout) gives, in every dashboard view
 * over HTTP, exactly the answers of the same corpus posted in Ray's order. Each seed delivers into
 * its own cluster; the answers are compared after the cluster's name is made the same. Seeded: the
 * seed is printed (`TEST_SEED=<seed>` replays the run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request } from '../helpers/http.js';
import { seededRandom, type Random } from '../helpers/random.js';
import { ACTORS, JOBS, NAMES, rayCorpus, SESSION, SUBMISSIONS, type Posted } from '../helpers/rayCorpus.js';
import { eventually } from '../helpers/storage.js';

const NS = 'default';
const SEEDS = 4;
const corpus = rayCorpus();

/** Every view the dashboard reads (under `…/sessions/<session>/ray/`) and the failures view. */
const VIEWS = [
  'ray/api/jobs/',
  `ray/api/jobs/${SUBMISSIONS.j2}`,
  'ray/api/v0/tasks?limit=10000&detail=true&exclude_driver=false',
  'ray/api/v0/tasks?limit=100&filter_keys=state&filter_predicates=%3D&filter_values=FAILED',
  `ray/api/v0/tasks?limit=2&filter_keys=job_id&filter_predicates=%21%3D&filter_values=${JOBS.j1}`,
  'ray/api/v0/tasks/summarize',
  'ray/api/v0/tasks/summarize?summary_by=lineage',
  'ray/api/v0/tasks/timeline',
  'ray/logical/actors',
  `ray/logical/actors/${ACTORS.flaky}`,
  'ray/nodes?view=summary',
  'ray/nodes?view=hostNameList',
  `ray/nodes/${NAMES.w1}`,
  'failures',
];

let host: RunningHost;

beforeAll(async () => {
  host = await startHost();
});

afterAll(async () => {
  await host?.stop();
});

async function post(cluster: string, node: string, events: unknown[]): Promise<void> {
  const r = await request(host.baseUrl, `/api/v1/events?namespace=${NS}&cluster=${cluster}&node=${node}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(events),
  });
  expect(r.status, r.text).toBe(200);
  // A resent event is acknowledged as a duplicate, never stored twice.
  const { accepted, duplicates, rejected } = r.json() as Record<string, number>;
  expect({ stored: (accepted ?? 0) + (duplicates ?? 0), rejected }).toEqual({
    stored: events.length,
    rejected: 0,
  });
}

/** The requests of one delivery: per posting node, its events in `order`, cut into pieces of 1–9. */
function requests(order: Posted[], rand: Random): { node: string; events: unknown[] }[] {
  const byNode = new Map<string, unknown[]>();
  for (const p of order) byNode.set(p.postedBy, [...(byNode.get(p.postedBy) ?? []), p.event]);
  const out: { node: string; events: unknown[] }[] = [];
  for (const [node, events] of byNode) {
    for (let i = 0; i < events.length;) {
      const n = 1 + rand.int(9);
      out.push({ node, events: events.slice(i, i + n) });
      i += n;
    }
  }
  return out;
}

function shuffle<T>(items: T[], rand: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rand.int(i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** Runs `tasks` with at most `width` at once. */
async function concurrently(tasks: (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await (tasks[next++] as () => Promise<void>)();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** Every view of the cluster's session, with the cluster's name replaced by `CLUSTER`. */
async function views(cluster: string): Promise<Record<string, string>> {
  const base = `/api/v1/clusters/${NS}/${cluster}/sessions/${SESSION}/`;
  const out: Record<string, string> = {};
  for (const v of VIEWS) {
    const r = await request(host.baseUrl, base + v);
    expect(r.status, `${v}: ${r.text}`).toBe(200);
    out[v] = r.text.replaceAll(cluster, 'CLUSTER');
  }
  return out;
}

describe('Ray events delivered over HTTP out of order, resent and concurrently', () => {
  it(`give every dashboard view exactly as in-order delivery does (${SEEDS} seeds)`, async () => {
    const reference = 'deliv-ref';
    // Ray's order: one request per posting node, one after the other.
    const byNode = new Map<string, unknown[]>();
    for (const p of corpus) byNode.set(p.postedBy, [...(byNode.get(p.postedBy) ?? []), p.event]);
    for (const [node, events] of byNode) await post(reference, node, events);
    const expected = await eventually(
      async () => {
        const v = await views(reference);
        const tasks = JSON.parse(v[VIEWS[2] as string] as string) as { data: { result: { total: number } } };
        return tasks.data.result.total > 0 ? v : undefined;
      },
      30_000,
      'the in-order session to be listed',
    );

    for (let s = 0; s < SEEDS; s++) {
      const rand = seededRandom();
      const cluster = `deliv-${s}`;
      const reqs = requests(shuffle(corpus, rand), rand);
      // Resends: whole requests again (an aggregator that timed out), and single events again.
      const resent = Array.from({ length: 1 + rand.int(6) }, () => reqs[rand.int(reqs.length)]!);
      const single = Array.from({ length: rand.int(8) }, () => corpus[rand.int(corpus.length)]!);
      const work = shuffle(
        [
          ...reqs.map((r) => () => post(cluster, r.node, r.events)),
          ...resent.map((r) => () => post(cluster, r.node, r.events)),
          ...single.map((p) => () => post(cluster, p.postedBy, [p.event])),
        ],
        rand,
      );
      await concurrently(work, 8);
      // The answers are exact as soon as the posts are acknowledged; the deadline only bounds a
      // read that meets a compaction in the middle of its work.
      let last: Record<string, string> = {};
      await eventually(
        async () => {
          last = await views(cluster);
          return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined;
        },
        30_000,
        `delivery ${s} to answer as in-order delivery`,
      ).catch(() => undefined);
      for (const v of VIEWS) expect(last[v], `${cluster}: ${v}`).toBe(expected[v]);
    }
  }, 600_000);
});

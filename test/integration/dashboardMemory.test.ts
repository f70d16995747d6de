/**
 * Compaction's memory does not grow with the session: it folds a session in a heap too small to
 * hold the session's state, which folding the whole session in memory (upstream's way, the control)
 * cannot. Each runs in a child process with a capped heap (so garbage cannot hide in the measure)
 * on the compiled app (`npm run build` first; `npm test` does).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { jobIdHex } from '../../src/core/ingest/eventCheck.js';
import { eventStamp, jobEventsBlob, nodeEventsBlob, type SessionRef } from '../../src/core/layout.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { bigSession } from '../helpers/rayBigSession.js';
import { azuriteConnectionString, freshStore } from '../helpers/storage.js';

const SCRIPT = 'test/fixtures/dashboard-memory/run.mjs';

/** Writes the generated session's requests as event files (as ingest would name them). */
async function writeSession(store: BlobStore, ref: SessionRef, tasks: number): Promise<void> {
  let i = 0;
  for (const r of bigSession({ tasks, session: ref.session, seed: 7 })) {
    const first = r.events[0] as Record<string, unknown>;
    const payload = Object.values(first).find((v) => typeof v === 'object' && v !== null && 'jobId' in v) as
      { jobId?: string } | undefined;
    const job = payload?.jobId === undefined ? null : jobIdHex(payload.jobId);
    const stamp = eventStamp(new Date(), `mem${(i++).toString(36).padStart(5, '0')}`);
    const name = job ? jobEventsBlob(ref, job, r.node, stamp) : nodeEventsBlob(ref, r.node, stamp);
    await store.putIfAbsent(name, JSON.stringify(r.events), 'application/json');
  }
}

/**
 * The heap cap: well below what the session's merged state takes in memory (the in-memory fold of
 * these 16,000 tasks grows the heap by about 45 MiB), with room for compaction's bounded batch
 * (2 MiB of event text) and its shards: its live heap stays at about 25-30 MiB, round after round.
 */
const CAP_MIB = 44;

function run(mode: 'compact' | 'fold', store: BlobStore, ref: SessionRef) {
  const args = [`--max-old-space-size=${CAP_MIB}`, SCRIPT, mode, azuriteConnectionString(), store.container];
  const r = spawnSync(process.execPath, [...args, ref.cluster, ref.clusterId, ref.session], {
    encoding: 'utf8',
  });
  const out =
    r.status === 0
      ? (JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>)
      : null;
  // The child's last words, so that a failed run says why (an OOM, a storage deadline, …).
  const why = `exit ${r.status ?? r.signal}: ${r.stderr.slice(-2000)}`;
  return { ok: r.status === 0, out, oom: /heap out of memory/i.test(r.stderr), why };
}

describe('compaction memory', () => {
  it('folds a session whose state does not fit in its heap (the in-memory control runs out)', async () => {
    expect(existsSync('dist/src/core/dashboard/compact.js'), 'run `npm run build` first').toBe(true);
    const ref = { cluster: 'mem', clusterId: 'default', session: 'session_2026-03-01_08-00-00_000001' };
    const store = freshStore('dashmem');
    await writeSession(store, ref, 16_000);
    const compacted = run('compact', store, ref);
    const control = run('fold', store, ref);
    console.log(
      `heap capped at ${CAP_MIB} MiB: compaction ${JSON.stringify(compacted.out)}; in-memory fold ok=${control.ok}`,
    );
    expect(compacted.out, compacted.why).toMatchObject({ status: 'compacted', remaining: 0 });
    expect(control).toMatchObject({ ok: false, oom: true });
  }, 900_000);
});

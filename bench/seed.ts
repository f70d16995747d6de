/** Filling a bench container fast: many small blobs in the layout ingest makes, written with the SDK. */
import type { BlobServiceClient } from '@azure/storage-blob';
import { logBlob, metadataBlob } from '../src/core/layout.js';
import { pool } from './harness.js';

/** `session_…` names, distinct, spread over years. */
export function sessionName(i: number): string {
  const t = new Date(Date.UTC(2026, 0, 1) + i * 7_919_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `session_${t.getUTCFullYear()}-${p(t.getUTCMonth() + 1)}-${p(t.getUTCDate())}_${p(t.getUTCHours())}-${p(t.getUTCMinutes())}-${p(t.getUTCSeconds())}_${p(i % 1_000_000, 6)}`;
}

export interface SeedOptions {
  /** Blobs to write in all. */
  blobs: number;
  clusters: number;
  /** Blobs per session: its metadata.json, then log files (default 1: metadata only). */
  perSession?: number;
  /** Session numbers start here (so two seeds of one container do not meet). */
  from?: number;
  log: (m: string) => void;
}

/** Writes `blobs` blobs; returns the sessions they make (`[cluster, session]`). */
export async function seed(
  service: BlobServiceClient,
  container: string,
  opts: SeedOptions,
): Promise<[string, string][]> {
  const c = service.getContainerClient(container);
  await c.createIfNotExists();
  const per = opts.perSession ?? 1;
  const names: string[] = [];
  const sessions: [string, string][] = [];
  for (let s = opts.from ?? 0; names.length < opts.blobs; s++) {
    const cluster = `rc-${s % opts.clusters}`;
    const session = sessionName(s);
    sessions.push([cluster, session]);
    names.push(metadataBlob('default', cluster, session));
    const ref = { cluster, clusterId: 'default', session };
    for (let f = 1; f < per; f++) names.push(logBlob(ref, `node-${f % 2}`, `file-${f}.log`));
  }
  names.length = opts.blobs;
  let done = 0;
  const started = Date.now();
  await pool(names, 64, async (name) => {
    await c.getBlockBlobClient(name).upload('x', 1);
    if (++done % 10_000 === 0)
      opts.log(
        `  seeded ${done.toLocaleString('en')} blobs (${((Date.now() - started) / 1000).toFixed(0)} s)`,
      );
  });
  return sessions;
}

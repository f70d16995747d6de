/**
 * Reading the session's dashboard documents, through the cache. A document the manifest names but
 * storage no longer has means the manifest read is stale (garbage collection removed what a newer
 * manifest superseded): `MissingDocument`, and the reader starts over from the current manifest.
 */
import type { BlobStore } from '../../storage/blobStore.js';
import { z } from '../../schemas/zod.js';
import type { DashboardCache } from './cache.js';
import type { Collection } from './collections.js';
import { EMPTY_EVIDENCE } from './join.js';
import { parseManifest, type Manifest, type ShardEntry } from './manifest.js';
import {
  DriverJobStateSchema,
  NodeEvidenceSchema,
  NodeStateSchema,
  SubmissionJobStateSchema,
} from './model.js';
import { CorruptState, decodeShard } from './shardFile.js';

export class MissingDocument extends Error {
  constructor(readonly blob: string) {
    super(`${blob} is gone (a newer manifest superseded it)`);
    this.name = 'MissingDocument';
  }
}

export const JobsDocSchema = z.object({
  drivers: z.array(DriverJobStateSchema),
  submissions: z.array(SubmissionJobStateSchema),
});
export const NodesDocSchema = z.object({ nodes: z.array(NodeStateSchema), evidence: NodeEvidenceSchema });
/** Counts per facet (JSON arrays as keys): tasks by [job, state, type, func, error type]; profiles by [job, ip, component type, id]. */
export const SummaryDocSchema = z.object({
  tasks: z.record(z.string(), z.number().int()),
  profiles: z.record(z.string(), z.number().int()),
});

export type JobsDoc = z.infer<typeof JobsDocSchema>;
export type NodesDoc = z.infer<typeof NodesDocSchema>;
export type SummaryDoc = z.infer<typeof SummaryDocSchema>;

export const EMPTY_JOBS: JobsDoc = { drivers: [], submissions: [] };
export const EMPTY_NODES: NodesDoc = { nodes: [], evidence: EMPTY_EVIDENCE };
export const EMPTY_SUMMARY: SummaryDoc = { tasks: {}, profiles: {} };

export interface StoredManifest {
  manifest: Manifest | null;
  etag: string | null;
  /** A manifest exists but is not one this version can read (it is rebuilt). */
  corrupt: boolean;
}

/** The session's manifest (parsed once per ETag). */
export async function readManifest(
  store: BlobStore,
  blob: string,
  cache: DashboardCache,
): Promise<StoredManifest> {
  const got = await store.readText(blob);
  if (got === null) return { manifest: null, etag: null, corrupt: false };
  const key = `${store.container}/${blob}@${got.etag}`;
  const cached = cache.get<Manifest>(key);
  const manifest = cached ?? parseManifest(got.text);
  if (manifest !== null && cached === undefined) cache.set(key, manifest, got.text.length);
  return { manifest, etag: got.etag, corrupt: manifest === null };
}

async function bytesOf(body: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : c);
  return Buffer.concat(chunks);
}

/** The rows of a shard, or of one group of it. */
export async function readShard<S>(
  store: BlobStore,
  cache: DashboardCache,
  c: Collection<S>,
  entry: ShardEntry,
  group?: string,
): Promise<S[]> {
  if (entry.blob === null) return [];
  const range = group === undefined ? undefined : entry.groups[group];
  if (group !== undefined && range === undefined) return [];
  const key = `${store.container}/${entry.blob}#${group ?? '*'}`;
  const cached = cache.get<S[]>(key);
  if (cached !== undefined) return cached;
  let text: string;
  if (range === undefined) {
    const got = await store.readText(entry.blob);
    if (got === null) throw new MissingDocument(entry.blob);
    text = got.text;
  } else {
    if (range[1] === 0) return [];
    const got = await store.read(entry.blob, range[0], range[1]);
    if (got === null) throw new MissingDocument(entry.blob);
    text = (await bytesOf(got.body)).toString('utf8');
  }
  const rows = decodeShard(c, text, entry.blob);
  cache.set(key, rows, text.length);
  return rows;
}

/** A whole JSON document (jobs, nodes, summary), or `empty` when the manifest names none. */
export async function readDoc<T>(
  store: BlobStore,
  cache: DashboardCache,
  blob: string | null,
  schema: z.ZodType<T>,
  empty: T,
): Promise<T> {
  if (blob === null) return empty;
  const key = `${store.container}/${blob}`;
  const cached = cache.get<T>(key);
  if (cached !== undefined) return cached;
  const got = await store.readText(blob);
  if (got === null) throw new MissingDocument(blob);
  let value: unknown;
  try {
    value = JSON.parse(got.text);
  } catch {
    throw new CorruptState(`${blob} is not JSON`);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new CorruptState(`${blob} is not a valid document`);
  cache.set(key, parsed.data, got.text.length);
  return parsed.data;
}

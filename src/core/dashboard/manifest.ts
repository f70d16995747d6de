/**
 * The manifest: the one mutable document of a session's dashboard state. It names the current
 * immutable documents (shards of tasks, profiles and actors; the jobs, nodes and summary documents),
 * which event files are folded in, and per-shard statistics that let a page skip shards. Swapped
 * with an ETag-guarded write by the one compaction that holds the session's lease.
 */
import { z } from '../../schemas/zod.js';

export const SCHEMA_VERSION = 1;

/** `[byte offset, byte length, rows]` of one group of rows inside a shard file. */
const Range = z.tuple([z.number().int().min(0), z.number().int().min(0), z.number().int().min(0)]);

export const ShardEntrySchema = z.object({
  /** The hex prefix of the keys this shard holds ('' = every key). Shards cover the key space. */
  prefix: z.string().regex(/^[0-9a-f]*$/),
  /** null for an empty shard. */
  blob: z.string().nullable(),
  count: z.number().int().min(0),
  /** Task shards: rows grouped by state; profile and actor shards: one group `""`. */
  groups: z.record(z.string(), Range),
  /** Rows per job id. */
  jobs: z.record(z.string(), z.number().int()),
  /** Task shards: FAILED attempts per error type, with the smallest attempt key as the example. */
  failures: z.record(z.string(), z.tuple([z.number().int(), z.string()])).optional(),
});

export const ManifestSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  generation: z.number().int().min(0),
  folded: z.object({
    /** Every event file last modified at or before this time (epoch ms) is folded in. */
    watermark: z.number(),
    /** Folded files modified after the watermark: `[name under the session, lastModified ms]`. */
    recent: z.array(z.tuple([z.string(), z.number()])),
  }),
  /** The events-seen log's extent when a listing last found every event file folded in. */
  seen: z.object({ segment: z.number().int(), length: z.number().int() }).nullable(),
  /** False while event files that the last compaction listed are still waiting to be folded in. */
  complete: z.boolean(),
  tasks: z.array(ShardEntrySchema),
  profiles: z.array(ShardEntrySchema),
  actors: z.array(ShardEntrySchema),
  jobs: z.string().nullable(),
  nodes: z.string().nullable(),
  summary: z.string().nullable(),
  /** Superseded documents, deleted once two newer generations and a grace period have passed. */
  retired: z.array(z.tuple([z.string(), z.number().int(), z.number()])),
  /** Events folded in so far (that validated and named an entity). */
  events: z.number().int().min(0),
});

export type ShardEntry = z.infer<typeof ShardEntrySchema>;
export type Manifest = z.infer<typeof ManifestSchema>;

export const EMPTY_SHARDS: ShardEntry[] = [{ prefix: '', blob: null, count: 0, groups: {}, jobs: {} }];

/** The manifest of a session with nothing folded in. */
export function emptyManifest(generation = 0): Manifest {
  return {
    schemaVersion: SCHEMA_VERSION,
    generation,
    folded: { watermark: 0, recent: [] },
    seen: null,
    complete: true,
    tasks: EMPTY_SHARDS,
    profiles: EMPTY_SHARDS,
    actors: EMPTY_SHARDS,
    jobs: null,
    nodes: null,
    summary: null,
    retired: [],
    events: 0,
  };
}

/** Parses a stored manifest; null when it is not one of this schema version (then it is rebuilt). */
export function parseManifest(text: string): Manifest | null {
  try {
    const parsed = ManifestSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Every document a manifest references (what garbage collection must keep). */
export function referenced(m: Manifest): string[] {
  const shards = [...m.tasks, ...m.profiles, ...m.actors].flatMap((s) => (s.blob === null ? [] : [s.blob]));
  return [...shards, ...[m.jobs, m.nodes, m.summary].filter((b): b is string => b !== null)];
}

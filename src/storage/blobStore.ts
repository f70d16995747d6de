/** The narrow storage interface the app uses; the only implementation is Azure Blob Storage. */

export interface BlobProps {
  name: string;
  size: number;
  etag: string;
  lastModified: Date;
  /** When the blob was created (absent when the service does not say). */
  createdOn?: Date;
  contentType?: string;
  blobType?: 'AppendBlob' | 'BlockBlob' | 'PageBlob';
  /** Blocks committed to an append blob (Azure allows 50,000). */
  committedBlockCount?: number;
  /** An append blob that was sealed: it takes no more appends. */
  sealed?: boolean;
  metadata: Record<string, string>;
}

export interface ReadResult {
  props: BlobProps;
  /** The bytes of the requested range, streamed. */
  body: NodeJS.ReadableStream;
  offset: number;
  count: number;
}

export interface ListOptions {
  prefix: string;
  /** With a delimiter, names past it fold into `prefixes` (one level of "directories"). */
  delimiter?: string;
  /** Entries per page, 1–5000. */
  pageSize: number;
  /** The `cursor` of the previous page. */
  cursor?: string;
  /** Also return each blob's metadata (default false). */
  includeMetadata?: boolean;
  /** Also list blobs that have only uncommitted blocks (default false). */
  includeUncommitted?: boolean;
}

export interface ListPage {
  blobs: BlobProps[];
  prefixes: string[];
  /** Absent on the last page. */
  cursor?: string;
}

export type AppendOutcome =
  | { ok: true; etag: string; length: number; committedBlockCount: number }
  /**
   * `position`: the blob's length was not `position` (someone else appended); `sealed`: the blob
   * was sealed or holds the most blocks a blob may; `missing`: no such blob.
   */
  | { ok: false; reason: 'position' | 'missing' | 'sealed' };

export interface Versioned {
  text: string;
  etag: string;
}

export interface BlobStore {
  readonly container: string;
  /** Answers when storage is reachable; throws StorageError otherwise. */
  ping(signal?: AbortSignal): Promise<void>;
  properties(name: string): Promise<BlobProps | null>;
  /** Creates an empty append blob unless one exists; true when this call created it. */
  createAppendBlob(name: string, contentType: string, metadata?: Record<string, string>): Promise<boolean>;
  /** Appends one block only if the blob's length is exactly `position`. */
  appendAt(name: string, position: number, data: Uint8Array): Promise<AppendOutcome>;
  /** Seals an append blob so that it takes no more appends (idempotent); false when absent. */
  seal(name: string): Promise<boolean>;
  /** Streams `count` bytes from `offset` (to the end when count is absent); null when absent. */
  read(name: string, offset?: number, count?: number): Promise<ReadResult | null>;
  /** Reads a small blob whole with its ETag; null when absent. */
  readText(name: string): Promise<Versioned | null>;
  list(options: ListOptions): Promise<ListPage>;
  /** Writes a block blob only if none exists: its ETag and modification time, or null when one did. */
  create(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<{ etag: string; lastModified: Date } | null>;
  /** Writes a block blob only if none exists; false when one did. */
  putIfAbsent(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<boolean>;
  /** Writes a block blob only if its ETag is still `etag`; false when it changed. */
  putIfMatch(name: string, body: string | Uint8Array, contentType: string, etag: string): Promise<boolean>;
  /**
   * Writes a block blob only if it is still the version `etag` (null: only if it does not exist),
   * with `metadata`; the new ETag, or null when the condition failed (someone else wrote it).
   */
  putVersioned(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    etag: string | null,
    metadata?: Record<string, string>,
  ): Promise<string | null>;
  /** Writes a block blob unconditionally. */
  put(name: string, body: string | Uint8Array, contentType: string): Promise<string>;
  /**
   * Read-modify-write guarded by the ETag: `change` gets the current text (null when absent) and
   * returns the new text, or null to leave it. Retries with jitter when another writer won.
   */
  update(
    name: string,
    change: (current: string | null) => string | null,
    contentType: string,
  ): Promise<UpdateResult>;
  /** Deletes a blob (only if its ETag is still `etag`, when given); false when absent or changed. */
  delete(name: string, etag?: string): Promise<boolean>;
  /**
   * Deletes many blobs, each only at its ETag when given, in as few requests as the service allows
   * (blob batches of 32); a blob already gone or changed is left, as `delete` leaves it.
   * Returns how many were deleted.
   */
  deleteMany(items: { name: string; etag?: string }[]): Promise<number>;
  /**
   * Uploads one uncommitted block of a block blob (`id`: base64, all ids of a blob the same length).
   * Uncommitted blocks are invisible: the blob does not exist (or keeps its old content) until
   * `commitBlocks`.
   */
  stageBlock(name: string, id: string, data: Uint8Array): Promise<void>;
  /** Makes the block blob exactly the staged blocks `ids`, in order (uncommitted others are dropped). */
  commitBlocks(name: string, ids: string[], contentType: string): Promise<void>;
  /**
   * Takes the lease of a lock blob (created empty if absent) for `seconds` (15–60): the lease id, or
   * null while another holder has it. Single-writer steps (compactions) use it; data blobs are never leased.
   */
  acquireLease(name: string, seconds: number): Promise<string | null>;
  /** Extends a lease this process holds; false when it was lost (expired and taken, or the blob gone). */
  renewLease(name: string, leaseId: string): Promise<boolean>;
  /** Gives a lease up (idempotent; a lost lease is not an error). */
  releaseLease(name: string, leaseId: string): Promise<void>;
}

export interface UpdateResult {
  written: boolean;
  created: boolean;
  text: string | null;
  attempts: number;
}

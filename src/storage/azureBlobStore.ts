import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import type { BlobItem, BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import type {
  AppendOutcome,
  BlobProps,
  BlobStore,
  ListOptions,
  ListPage,
  ReadResult,
  UpdateResult,
  Versioned,
} from './blobStore.js';
import { DEFAULT_DEADLINES, deadline, idleGuarded, uploadMs, type StorageDeadlines } from './deadlines.js';
import { batchFailure, isNotFound, serviceCode, StorageError, toStorageError } from './errors.js';

/** Attempts a read-modify-write makes before it reports a conflict. */
const UPDATE_ATTEMPTS = 12;
/**
 * Sub-requests per blob batch (the service takes 256). Fewer, because Azurite does a batch's
 * sub-requests one after the other without serving anything else: 256 deletes in a container of
 * thousands of blobs held it for over 10 s (every other request timed out meanwhile).
 */
const BATCH_MAX = 32;
/** A batch's deadline: a small operation's, plus this much per sub-request. */
const BATCH_MS_PER_ITEM = 100;

function propsOf(
  name: string,
  p: {
    contentLength?: number | undefined;
    etag?: string | undefined;
    lastModified?: Date | undefined;
    createdOn?: Date | undefined;
    contentType?: string | undefined;
    blobType?: string | undefined;
    blobCommittedBlockCount?: number | undefined;
    isSealed?: boolean | undefined;
    metadata?: Record<string, string> | undefined;
  },
): BlobProps {
  return {
    name,
    size: p.contentLength ?? 0,
    etag: p.etag ?? '',
    lastModified: p.lastModified ?? new Date(0),
    ...(p.createdOn !== undefined && { createdOn: p.createdOn }),
    ...(p.contentType !== undefined && { contentType: p.contentType }),
    ...(p.blobType !== undefined && { blobType: p.blobType as NonNullable<BlobProps['blobType']> }),
    ...(p.blobCommittedBlockCount !== undefined && { committedBlockCount: p.blobCommittedBlockCount }),
    ...(p.isSealed !== undefined && { sealed: p.isSealed }),
    metadata: p.metadata ?? {},
  };
}

function itemProps(item: BlobItem): BlobProps {
  return propsOf(item.name, { ...item.properties, ...(item.metadata && { metadata: item.metadata }) });
}

/**
 * Azure Blob Storage (and Azurite) behind the BlobStore interface. Every call has a client-side
 * deadline (`deadlines`, default DEFAULT_DEADLINES): past it the call fails with a StorageError of
 * kind `unavailable` and code `ClientTimeout`.
 */
export class AzureBlobStore implements BlobStore {
  private readonly client: ContainerClient;
  private ready: Promise<void> | undefined;
  /** The account refused a blob batch: deletes go one by one (a chunk at once) from then on. */
  private noBatch = false;

  constructor(
    service: BlobServiceClient,
    readonly container: string,
    private readonly deadlines: StorageDeadlines = DEFAULT_DEADLINES,
  ) {
    this.client = service.getContainerClient(container);
  }

  /** The abort signal of a small operation. */
  private op(outer?: AbortSignal): AbortSignal {
    return deadline(this.deadlines.operationMs, outer);
  }

  /** The abort signal of an upload of `bytes`. */
  private upload(bytes: number): AbortSignal {
    return deadline(uploadMs(this.deadlines, bytes));
  }

  /** Creates the container once per process; a deleted container is recreated on the next write. */
  private ensure(): Promise<void> {
    this.ready ??= this.client.createIfNotExists({ abortSignal: this.op() }).then(
      () => undefined,
      (err: unknown) => {
        this.ready = undefined;
        throw toStorageError(err, `create container ${this.container}`);
      },
    );
    return this.ready;
  }

  /**
   * Runs a write; if the container is missing (not made yet, or deleted underneath us), creates it and
   * tries once more. The write is tried first: the container almost always exists, and asking first
   * would cost every process one more storage request.
   */
  private async write<T>(what: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (serviceCode(err) !== 'ContainerNotFound') throw err;
      this.ready = undefined;
      await this.ensure();
      try {
        return await op();
      } catch (again) {
        throw toStorageError(again, what);
      }
    }
  }

  async ping(signal?: AbortSignal): Promise<void> {
    try {
      await this.client.getProperties({ abortSignal: this.op(signal) });
    } catch (err) {
      if (isNotFound(err)) return; // the service answered; the container comes on first use
      throw toStorageError(err, 'ping storage');
    }
  }

  async properties(name: string): Promise<BlobProps | null> {
    try {
      return propsOf(name, await this.client.getBlobClient(name).getProperties({ abortSignal: this.op() }));
    } catch (err) {
      if (isNotFound(err)) return null;
      throw toStorageError(err, `read properties of ${name}`);
    }
  }

  async createAppendBlob(
    name: string,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<boolean> {
    return this.write(`create ${name}`, async () => {
      try {
        await this.client.getAppendBlobClient(name).create({
          abortSignal: this.op(),
          conditions: { ifNoneMatch: '*' },
          blobHTTPHeaders: { blobContentType: contentType },
          ...(metadata && { metadata }),
        });
        return true;
      } catch (err) {
        const code = serviceCode(err);
        if (code === 'BlobAlreadyExists' || code === 'ConditionNotMet') return false;
        if (code === 'ContainerNotFound') throw err;
        throw toStorageError(err, `create ${name}`);
      }
    });
  }

  async appendAt(name: string, position: number, data: Uint8Array): Promise<AppendOutcome> {
    try {
      const r = await this.client.getAppendBlobClient(name).appendBlock(data, data.byteLength, {
        abortSignal: this.upload(data.byteLength),
        conditions: { appendPosition: position },
      });
      return {
        ok: true,
        etag: r.etag ?? '',
        length: position + data.byteLength,
        committedBlockCount: r.blobCommittedBlockCount ?? 0,
      };
    } catch (err) {
      const code = serviceCode(err);
      if (code === 'AppendPositionConditionNotMet') return { ok: false, reason: 'position' };
      if (code === 'BlobIsSealed' || code === 'BlockCountExceedsLimit')
        return { ok: false, reason: 'sealed' };
      if (isNotFound(err)) return { ok: false, reason: 'missing' };
      throw toStorageError(err, `append to ${name}`);
    }
  }

  async seal(name: string): Promise<boolean> {
    try {
      await this.client.getAppendBlobClient(name).seal({ abortSignal: this.op() });
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw toStorageError(err, `seal ${name}`);
    }
  }

  async read(name: string, offset = 0, count?: number): Promise<ReadResult | null> {
    const cut = new AbortController();
    // The headers within a small operation's deadline; the body by idle time (deadlines.ts).
    const headers = setTimeout(() => cut.abort(), this.deadlines.operationMs);
    try {
      const r = await this.client.getBlobClient(name).download(offset, count, { abortSignal: cut.signal });
      const raw = r.readableStreamBody;
      if (raw === undefined) throw new StorageError('other', `read ${name}: no body in the answer`);
      // Named one by one: the download response exposes these as getters, which a spread misses.
      const props = propsOf(name, {
        contentLength: blobSize(r.contentRange, r.contentLength),
        etag: r.etag,
        lastModified: r.lastModified,
        createdOn: r.createdOn,
        contentType: r.contentType,
        blobType: r.blobType,
        blobCommittedBlockCount: r.blobCommittedBlockCount,
        isSealed: r.isSealed,
        metadata: r.metadata,
      });
      const body = idleGuarded(
        raw,
        this.deadlines.idleMs,
        () => cut.abort(),
        (err, idle) =>
          idle
            ? toStorageError(Object.assign(new Error('idle'), { name: 'AbortError' }), `read ${name}`)
            : toStorageError(err, `read ${name}`),
      );
      return { props, body, offset, count: r.contentLength ?? 0 };
    } catch (err) {
      if (isNotFound(err)) return null;
      if ((err as { statusCode?: number }).statusCode === 416) {
        const props = await this.properties(name);
        if (props === null) return null;
        return { props, body: emptyStream(), offset, count: 0 };
      }
      throw toStorageError(err, `read ${name}`);
    } finally {
      clearTimeout(headers);
    }
  }

  async readText(name: string): Promise<Versioned | null> {
    // One request, so that the text and the ETag belong to the same version.
    const r = await this.read(name);
    if (r === null) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of r.body) chunks.push(chunk as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), etag: r.props.etag };
  }

  async list(options: ListOptions): Promise<ListPage> {
    const page = {
      maxPageSize: options.pageSize,
      ...(options.cursor !== undefined && { continuationToken: options.cursor }),
    };
    const listOptions = {
      prefix: options.prefix,
      includeMetadata: options.includeMetadata === true,
      includeUncommitedBlobs: options.includeUncommitted === true,
      abortSignal: this.op(),
    };
    try {
      const iter =
        options.delimiter === undefined
          ? this.client.listBlobsFlat(listOptions).byPage(page)
          : this.client.listBlobsByHierarchy(options.delimiter, listOptions).byPage(page);
      const next = await iter.next();
      if (next.done === true) return { blobs: [], prefixes: [] };
      const seg = next.value;
      const items = seg.segment.blobItems;
      const folded = (seg.segment as { blobPrefixes?: { name: string }[] }).blobPrefixes ?? [];
      const prefixes = folded.map((p) => p.name);
      const cursor = seg.continuationToken;
      return {
        blobs: items.map(itemProps),
        prefixes,
        ...(cursor !== undefined && cursor !== '' && { cursor }),
      };
    } catch (err) {
      if (serviceCode(err) === 'ContainerNotFound') return { blobs: [], prefixes: [] };
      throw toStorageError(err, `list ${options.prefix}`);
    }
  }

  async putIfAbsent(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<boolean> {
    return (await this.create(name, body, contentType, metadata)) !== null;
  }

  async create(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    metadata?: Record<string, string>,
  ): Promise<{ etag: string; lastModified: Date } | null> {
    return this.write(`write ${name}`, async () => {
      try {
        const r = await this.uploadBlob(name, body, contentType, { ifNoneMatch: '*' }, metadata);
        return { etag: r.etag ?? '', lastModified: r.lastModified ?? new Date() };
      } catch (err) {
        const code = serviceCode(err);
        if (code === 'BlobAlreadyExists' || code === 'ConditionNotMet') return null;
        if (code === 'ContainerNotFound') throw err;
        throw toStorageError(err, `write ${name}`);
      }
    });
  }

  async putIfMatch(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    etag: string,
  ): Promise<boolean> {
    try {
      await this.uploadBlob(name, body, contentType, { ifMatch: etag });
      return true;
    } catch (err) {
      if (serviceCode(err) === 'ConditionNotMet' || isNotFound(err)) return false;
      throw toStorageError(err, `write ${name}`);
    }
  }

  async putVersioned(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    etag: string | null,
    metadata?: Record<string, string>,
  ): Promise<string | null> {
    const conditions = etag === null ? { ifNoneMatch: '*' } : { ifMatch: etag };
    const attempt = async () => {
      try {
        return (await this.uploadBlob(name, body, contentType, conditions, metadata)).etag ?? '';
      } catch (err) {
        const code = serviceCode(err);
        if (code === 'BlobAlreadyExists' || code === 'ConditionNotMet') return null;
        // The version named is gone with its blob (or its container): the condition failed.
        if (etag !== null && isNotFound(err)) return null;
        if (code === 'ContainerNotFound') throw err;
        throw toStorageError(err, `write ${name}`);
      }
    };
    // Creating may need the container; a version of a blob implies the container exists.
    return etag === null ? this.write(`write ${name}`, attempt) : attempt();
  }

  async put(name: string, body: string | Uint8Array, contentType: string): Promise<string> {
    return this.write(`write ${name}`, async () => {
      try {
        return (await this.uploadBlob(name, body, contentType, {})).etag ?? '';
      } catch (err) {
        if (serviceCode(err) === 'ContainerNotFound') throw err;
        throw toStorageError(err, `write ${name}`);
      }
    });
  }

  async update(
    name: string,
    change: (current: string | null) => string | null,
    contentType: string,
  ): Promise<UpdateResult> {
    for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt++) {
      const current = await this.readText(name);
      const next = change(current?.text ?? null);
      if (next === null)
        return { written: false, created: false, text: current?.text ?? null, attempts: attempt };
      const ok =
        current === null
          ? await this.putIfAbsent(name, next, contentType)
          : await this.putIfMatch(name, next, contentType, current.etag);
      if (ok) return { written: true, created: current === null, text: next, attempts: attempt };
      // Another writer won: back off with jitter so that many contenders spread out.
      await delay(Math.random() * Math.min(500, 10 * 2 ** attempt));
    }
    throw new StorageError(
      'conflict',
      `update ${name}: still contended after ${UPDATE_ATTEMPTS} attempts`,
      1,
    );
  }

  async delete(name: string, etag?: string): Promise<boolean> {
    try {
      const conditions = etag === undefined ? {} : { conditions: { ifMatch: etag } };
      await this.client.getBlobClient(name).delete({ ...conditions, abortSignal: this.op() });
      return true;
    } catch (err) {
      if (isNotFound(err) || serviceCode(err) === 'ConditionNotMet') return false;
      throw toStorageError(err, `delete ${name}`);
    }
  }

  async deleteMany(items: { name: string; etag?: string }[]): Promise<number> {
    let deleted = 0;
    for (let i = 0; i < items.length; i += BATCH_MAX) {
      const chunk = items.slice(i, i + BATCH_MAX);
      const batched = chunk.length > 1 && !this.noBatch ? await this.deleteBatch(chunk) : 'refused';
      if (batched !== 'refused') {
        deleted += batched;
        continue;
      }
      const done = await Promise.all(chunk.map((it) => this.delete(it.name, it.etag)));
      deleted += done.filter(Boolean).length;
    }
    return deleted;
  }

  /** One blob batch of deletes: how many were deleted, or 'refused' (the account takes no batches: one by one from now on). */
  private async deleteBatch(items: { name: string; etag?: string }[]): Promise<number | 'refused'> {
    const what = `delete ${items.length} blobs (${items[0]?.name ?? ''} …) in a batch`;
    const client = this.client.getBlobBatchClient();
    const batch = client.createBatch();
    for (const it of items) {
      await batch.deleteBlob(
        this.client.getBlobClient(it.name),
        it.etag === undefined ? {} : { conditions: { ifMatch: it.etag } },
      );
    }
    let res;
    try {
      const ms = this.deadlines.operationMs + items.length * BATCH_MS_PER_ITEM;
      res = await client.submitBatch(batch, { abortSignal: deadline(ms) });
    } catch (err) {
      const failure = batchFailure(err, what);
      if (failure === 'gone') return 0;
      if (failure === 'refused') this.noBatch = true;
      else throw failure;
      return 'refused';
    }
    let deleted = 0;
    for (const sub of res.subResponses) {
      if (sub.status >= 200 && sub.status < 300) deleted++;
      else if (sub.status !== 404 && sub.status !== 412) {
        const kind = sub.status === 429 ? 'throttled' : sub.status >= 500 ? 'unavailable' : 'other';
        const text = `${what}: ${sub._request.url} answered ${sub.status} ${sub.errorCode ?? ''}`;
        throw new StorageError(
          kind,
          text.trimEnd(),
          kind === 'other' ? undefined : 1,
          sub.errorCode,
          sub.status,
        );
      }
    }
    return deleted;
  }

  async stageBlock(name: string, id: string, data: Uint8Array): Promise<void> {
    await this.write(`stage a block of ${name}`, async () => {
      try {
        await this.client.getBlockBlobClient(name).stageBlock(id, data, data.byteLength, {
          abortSignal: this.upload(data.byteLength),
        });
      } catch (err) {
        if (serviceCode(err) === 'ContainerNotFound') throw err;
        throw toStorageError(err, `stage a block of ${name}`);
      }
    });
  }

  async commitBlocks(name: string, ids: string[], contentType: string): Promise<void> {
    await this.write(`commit ${name}`, async () => {
      try {
        await this.client.getBlockBlobClient(name).commitBlockList(ids, {
          abortSignal: this.op(),
          blobHTTPHeaders: { blobContentType: contentType },
        });
      } catch (err) {
        if (serviceCode(err) === 'ContainerNotFound') throw err;
        throw toStorageError(err, `commit ${name}`);
      }
    });
  }

  async acquireLease(name: string, seconds: number): Promise<string | null> {
    if (!Number.isInteger(seconds) || seconds < 15 || seconds > 60)
      throw new RangeError(`lease of ${seconds} s: Azure takes 15-60`);
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.client
          .getBlobClient(name)
          .getBlobLeaseClient()
          .acquireLease(seconds, { abortSignal: this.op() });
        return r.leaseId ?? null;
      } catch (err) {
        const code = serviceCode(err);
        if (code === 'LeaseAlreadyPresent' || code === 'LeaseIdMismatchWithLeaseOperation') return null;
        // The lock blob is created on first use only: a lease taken every few seconds costs one call.
        if (!isNotFound(err) || attempt > 0) throw toStorageError(err, `lease ${name}`);
        await this.putIfAbsent(name, '', 'application/octet-stream');
      }
    }
  }

  async renewLease(name: string, leaseId: string): Promise<boolean> {
    try {
      await this.client
        .getBlobClient(name)
        .getBlobLeaseClient(leaseId)
        .renewLease({ abortSignal: this.op() });
      return true;
    } catch (err) {
      const code = serviceCode(err);
      if (
        isNotFound(err) ||
        code === 'LeaseIdMismatchWithLeaseOperation' ||
        code === 'LeaseNotPresentWithLeaseOperation'
      )
        return false;
      throw toStorageError(err, `renew the lease of ${name}`);
    }
  }

  async releaseLease(name: string, leaseId: string): Promise<void> {
    try {
      await this.client
        .getBlobClient(name)
        .getBlobLeaseClient(leaseId)
        .releaseLease({ abortSignal: this.op() });
    } catch (err) {
      const code = serviceCode(err);
      if (
        isNotFound(err) ||
        code === 'LeaseIdMismatchWithLeaseOperation' ||
        code === 'LeaseNotPresentWithLeaseOperation'
      )
        return;
      throw toStorageError(err, `release the lease of ${name}`);
    }
  }

  private uploadBlob(
    name: string,
    body: string | Uint8Array,
    contentType: string,
    conditions: { ifMatch?: string; ifNoneMatch?: string },
    metadata?: Record<string, string>,
  ) {
    const data = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    return this.client.getBlockBlobClient(name).upload(data, data.byteLength, {
      abortSignal: this.upload(data.byteLength),
      conditions,
      blobHTTPHeaders: { blobContentType: contentType },
      ...(metadata && { metadata }),
    });
  }
}

/** The whole blob's size from `Content-Range: bytes a-b/size`, else the body length. */
function blobSize(contentRange: string | undefined, contentLength: number | undefined): number {
  const total = contentRange?.match(/\/(\d+)$/)?.[1];
  return total === undefined ? (contentLength ?? 0) : Number(total);
}

function emptyStream(): NodeJS.ReadableStream {
  return Readable.from([]);
}

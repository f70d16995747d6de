/**
 * The blob trigger's polling source, as the Functions host runs it: scan the container on an
 * interval, fire for every blob whose ETag has no receipt (first-run backlog, creates and updates
 * alike), newest version wins, at-least-once, `maxDequeueCount` tries then the poison queue.
 * A receipt (`azure-webjobs-hosts/blobreceipts/{hostId}/{functionId}/{etag}/{container}/{blob}`) is
 * written once a version is done (succeeded or poisoned), so a restart does not reprocess it, and a
 * crash before that means it runs again (at-least-once).
 */
import { randomUUID } from 'node:crypto';
import type { LogCategory, LogLevel, RegisteredFunction, TypedData } from './coreApi.js';
import { hasStatus, RECEIPTS_CONTAINER, type ContainerClient, type HostStorage } from './hostStorage.js';
import { invoke } from './invoke.js';
import type { LoadedApp } from './loader.js';
import { matchBlobPath, type BlobPath } from './blobPath.js';
import type { Semaphore } from './semaphore.js';

/** The blob properties the trigger reads (from a download or a HEAD). */
interface BlobProps {
  blobType?: string;
  contentLength?: number;
  contentType?: string;
  contentEncoding?: string;
  etag?: string;
  lastModified?: Date;
  createdOn?: Date;
  metadata?: Record<string, string>;
}

export interface BlobListenerOptions {
  hostId: string;
  maxDequeueCount: number;
  pollMs: number;
  timeoutMs: number | undefined;
  /**
   * The Event Grid source (`source: 'EventGrid'`): no ETag-changed skip, and the synthetic source fires
   * like BlobCreated does — on every new block-blob version, but only once per append blob.
   */
  eventGrid: boolean;
  /** Blobs larger than this are delivered as an empty Buffer (0 = no limit). */
  maxContentBytes: number;
  /**
   * A deferred (SDK-type) binding: the function gets ModelBindingData naming the blob, and the host
   * never reads the content, as the Functions host does for `supportsDeferredBinding`.
   */
  deferred?: { connection: string };
  slots: Semaphore;
  log: (level: LogLevel, category: LogCategory, message: string) => void;
}

interface WorkItem {
  blob: string;
  etag: string;
  /** The size the listing showed, when known. */
  size?: number;
  tries: number;
  reason: string;
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

export class BlobTriggerListener {
  readonly functionId: string;
  /** blob name → the ETag already done or queued. */
  readonly #seen = new Map<string, string>();
  /** blob name → the newest version waiting to run (older ones are dropped: newest wins). */
  readonly #pending = new Map<string, WorkItem>();
  readonly #running = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  /** `${etag}\n${blob}` of the versions with a receipt when the listener started. */
  readonly #receipts = new Set<string>();
  /** Blob names with any receipt (the Event Grid source fires once per append blob). */
  readonly #receiptNames = new Set<string>();
  #receiptsLoaded = false;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;

  constructor(
    readonly app: LoadedApp,
    readonly fn: RegisteredFunction,
    readonly bindingName: string,
    readonly path: BlobPath,
    readonly data: ContainerClient,
    readonly host: HostStorage,
    readonly opts: BlobListenerOptions,
  ) {
    this.functionId = `Host.Functions.${fn.metadata.name}`;
  }

  /** Scans for blobs and takes webhook events and manual runs. */
  start(): void {
    this.acceptManualRuns();
    const loop = async () => {
      try {
        await this.scan();
      } catch (err) {
        this.opts.log(
          'warning',
          'system',
          `blob scan for '${this.fn.metadata.name}' failed (retrying): ${String(err)}`,
        );
      }
      if (!this.#stopped) this.#timer = setTimeout(() => void loop(), this.opts.pollMs);
    };
    void loop();
  }

  /** Takes manual runs only (`runNow`): what a disabled function still allows. */
  acceptManualRuns(): void {
    this.opts.slots.subscribe(() => this.#pump());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await Promise.allSettled([...this.#inFlight]);
  }

  #receiptName(etag: string, blob: string): string {
    return `blobreceipts/${this.opts.hostId}/${this.functionId}/${etag}/${this.path.container}/${blob}`;
  }

  async #loadReceipts(): Promise<void> {
    const prefix = `blobreceipts/${this.opts.hostId}/${this.functionId}/`;
    const head = `/${this.path.container}/`;
    try {
      for await (const r of this.host.receipts.listBlobsFlat({ prefix })) {
        const rest = r.name.slice(prefix.length);
        const at = rest.indexOf(head);
        if (at <= 0) continue;
        this.#receipts.add(`${rest.slice(0, at)}\n${rest.slice(at + head.length)}`);
        this.#receiptNames.add(rest.slice(at + head.length));
      }
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
    }
    this.#receiptsLoaded = true;
  }

  /** One sweep: queue every matching blob whose current ETag is not done or queued. */
  async scan(): Promise<void> {
    if (!this.#receiptsLoaded) await this.#loadReceipts();
    try {
      for await (const b of this.data.listBlobsFlat({ prefix: this.path.prefix })) {
        const etag = unquote(b.properties.etag);
        if (this.#seen.get(b.name) === etag || matchBlobPath(this.path, b.name) === null) continue;
        const appendOnce = this.opts.eventGrid && b.properties.blobType === 'AppendBlob';
        if (appendOnce && (this.#seen.has(b.name) || this.#receiptNames.has(b.name))) continue;
        if (this.#receipts.has(`${etag}\n${b.name}`)) {
          this.#seen.set(b.name, etag);
          continue;
        }
        this.#seen.set(b.name, etag);
        const reason = this.opts.eventGrid
          ? 'New blob detected(EventGrid)'
          : 'New blob detected(LogsAndContainerScan)';
        this.#enqueue({ blob: b.name, etag, size: b.properties.contentLength, tries: 0, reason });
      }
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
    }
  }

  /** Runs the function for a blob now, whatever its receipts say (POST /admin/functions/{name}). */
  async runNow(blob: string): Promise<void> {
    const props = await this.data.getBlobClient(blob).getProperties();
    const etag = unquote(props.etag);
    this.#seen.set(blob, etag);
    this.#enqueue({
      blob,
      etag,
      tries: 0,
      reason: 'This function was programmatically called via the host APIs.',
    });
  }

  #enqueue(item: WorkItem): void {
    if (this.#stopped) return;
    this.#pending.set(item.blob, item);
    this.#pump();
  }

  #pump(): void {
    for (const [blob, item] of this.#pending) {
      if (this.#running.has(blob)) continue;
      if (!this.opts.slots.tryAcquire()) return;
      this.#pending.delete(blob);
      this.#running.add(blob);
      const p = this.#process(item)
        .catch((err: unknown) => this.#failed(item, err))
        .finally(() => {
          this.#running.delete(blob);
          this.#inFlight.delete(p);
          this.opts.slots.release();
          this.#pump();
        });
      this.#inFlight.add(p);
    }
  }

  /** A BlobCreated event from the webhook: run for the blob's current version. */
  notify(blob: string): void {
    if (matchBlobPath(this.path, blob) === null) return;
    this.#seen.set(blob, this.#seen.get(blob) ?? '');
    this.#enqueue({ blob, etag: '', tries: 0, reason: 'New blob detected(EventGrid webhook)' });
  }

  /**
   * Reads the version the item names (one conditional download; a HEAD only for blobs over the
   * content limit). 'gone' when deleted, 'changed' (after re-queuing the newest) when it moved on.
   */
  async #read(item: WorkItem): Promise<{ props: BlobProps; content: Buffer } | 'gone' | 'changed'> {
    const client = this.data.getBlobClient(item.blob);
    const limit = this.opts.maxContentBytes;
    const pinned = !this.opts.eventGrid && item.etag !== '';
    try {
      if (this.opts.deferred !== undefined || (limit > 0 && (item.size ?? 0) > limit)) {
        const props = await client.getProperties();
        if (pinned && unquote(props.etag) !== item.etag) return await this.#changed(item);
        return { props, content: Buffer.alloc(0) };
      }
      const res = await client.download(
        0,
        undefined,
        pinned ? { conditions: { ifMatch: `"${item.etag}"` } } : {},
      );
      const body = res.readableStreamBody;
      if (limit > 0 && (res.contentLength ?? 0) > limit) {
        body?.resume();
        return { props: res, content: Buffer.alloc(0) };
      }
      const chunks: Buffer[] = [];
      if (body !== undefined) for await (const chunk of body) chunks.push(chunk as Buffer);
      return { props: res, content: Buffer.concat(chunks) };
    } catch (err) {
      if (hasStatus(err, 404)) return 'gone'; // deletes never fire
      if (hasStatus(err, 412)) return this.#changed(item);
      throw err;
    }
  }

  /** The trigger's input: the bytes, or for a deferred binding a reference the app's factory resolves. */
  #inputData(blob: string, content: Buffer): TypedData {
    if (this.opts.deferred === undefined) return { bytes: new Uint8Array(content) };
    const reference = {
      Connection: this.opts.deferred.connection,
      ContainerName: this.path.container,
      BlobName: blob,
    };
    return {
      modelBindingData: {
        version: '1.0',
        source: 'AzureStorageBlobs',
        contentType: 'application/json',
        content: Buffer.from(JSON.stringify(reference)),
      },
    };
  }

  /** The blob changed since it was queued: skip this version and queue the newest (newest wins). */
  async #changed(item: WorkItem): Promise<'changed' | 'gone'> {
    let current: string;
    try {
      current = unquote((await this.data.getBlobClient(item.blob).getProperties()).etag);
    } catch (err) {
      if (hasStatus(err, 404)) return 'gone';
      throw err;
    }
    if (this.#seen.get(item.blob) !== current) this.#seen.set(item.blob, current);
    if (!this.#pending.has(item.blob)) this.#enqueue({ ...item, etag: current, tries: 0 });
    return 'changed';
  }

  async #process(item: WorkItem): Promise<void> {
    const read = await this.#read(item);
    if (read === 'gone' || read === 'changed') return;
    const { props, content } = read;
    const done = { ...item, etag: unquote(props.etag) };
    const size = props.contentLength ?? 0;
    if (this.opts.deferred === undefined && content.length < size) {
      this.opts.log(
        'warning',
        'system',
        `Blob ${this.path.container}/${item.blob} (${size} bytes) is over LOCAL_HOST_BLOB_MAX_CONTENT_BYTES (${this.opts.maxContentBytes}); '${this.fn.metadata.name}' gets an empty Buffer.`,
      );
    }
    const params = matchBlobPath(this.path, item.blob) ?? {};
    const properties = {
      BlobType: props.blobType,
      ContentLength: props.contentLength,
      ContentType: props.contentType,
      ContentEncoding: props.contentEncoding,
      ETag: props.etag,
      LastModified: props.lastModified,
      CreatedOn: props.createdOn,
    };
    const triggerMetadata: Record<string, TypedData> = {
      BlobTrigger: { string: `${this.path.container}/${item.blob}` },
      Uri: { json: JSON.stringify(this.data.getBlobClient(item.blob).url) },
      Properties: { json: JSON.stringify(properties) },
      Metadata: { json: JSON.stringify(props.metadata ?? {}) },
      ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, { string: v }])),
    };
    const id = randomUUID();
    const started = Date.now();
    const name = this.fn.metadata.name;
    this.opts.log(
      'information',
      'system',
      `Executing 'Functions.${name}' (Reason='${item.reason}: ${this.path.container}/${item.blob}', Id=${id})`,
    );
    const outcome = await invoke(
      this.app,
      this.fn,
      id,
      { inputData: [{ name: this.bindingName, data: this.#inputData(item.blob, content) }], triggerMetadata },
      (level, category, message) =>
        this.opts.log(level, category, category === 'user' ? `[${name}] ${message}` : message),
      this.opts.timeoutMs,
    );
    if (outcome.error !== undefined) return this.#failed(done, outcome.error, id);
    this.opts.log(
      'information',
      'system',
      `Executed 'Functions.${name}' (Succeeded, Id=${id}, Duration=${Date.now() - started}ms)`,
    );
    // The receipt is written in the background: the slot is free for the next blob meanwhile. If the
    // host dies first, this version runs again after a restart (at-least-once).
    this.#background(this.#writeReceipt(done));
  }

  #background(work: Promise<void>): void {
    const p = work
      .catch((err: unknown) =>
        this.opts.log('warning', 'system', `writing a blob receipt failed: ${String(err)}`),
      )
      .finally(() => this.#inFlight.delete(p));
    this.#inFlight.add(p);
  }

  async #failed(item: WorkItem, error: unknown, id = '-'): Promise<void> {
    const tries = item.tries + 1;
    const text = error instanceof Error ? error.message : String(error);
    this.opts.log(
      'error',
      'system',
      `Executed 'Functions.${this.fn.metadata.name}' (Failed, Id=${id}, try ${tries} of ${this.opts.maxDequeueCount}): ${text}`,
    );
    if (tries < this.opts.maxDequeueCount) {
      if (!this.#pending.has(item.blob)) this.#enqueue({ ...item, tries });
      return;
    }
    await this.#poison(item);
  }

  async #poison(item: WorkItem): Promise<void> {
    const message = {
      Type: 'BlobTrigger',
      FunctionId: this.functionId,
      BlobType: 'Unknown',
      ContainerName: this.path.container,
      BlobName: item.blob,
      ETag: item.etag,
    };
    const queue = await this.host.poisonQueue();
    await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
    this.opts.log(
      'error',
      'system',
      `Message for blob ${this.path.container}/${item.blob} moved to the poison queue '${queue.name}' after ${this.opts.maxDequeueCount} tries.`,
    );
    await this.#writeReceipt(item);
  }

  async #writeReceipt(item: WorkItem): Promise<void> {
    const blob = this.host.receipts.getBlockBlobClient(this.#receiptName(item.etag, item.blob));
    try {
      await blob.upload('', 0);
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
      await this.host.receipts.createIfNotExists();
      await blob.upload('', 0);
    }
  }
}

export { RECEIPTS_CONTAINER };

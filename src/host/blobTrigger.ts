/**
 * The blob trigger's sources, as the Functions host runs them. Polling (`LogsAndContainerScan`):
 * writes are learnt from the storage log (here: this process's storage requests, storageLog.ts),
 * and a container scan — one page of at most `scanPageSize` blobs per poll, continuing where the last
 * poll stopped, slowing to `idleScanMs` between pages once a whole pass found nothing — catches
 * everything else; a blob fires for every ETag without a receipt (first-run backlog, creates and
 * updates alike). Event Grid: no scan at all; BlobCreated from the storage log, and events posted to
 * the webhook. Either way newest version wins, at-least-once, `maxDequeueCount` tries with growing
 * delays (a short storage outage does not use them all up), then the poison queue. A receipt
 * (`azure-webjobs-hosts/blobreceipts/{hostId}/{functionId}/{etag}/{container}/{blob}`) is written once
 * a version is done (succeeded or poisoned), so a restart does not reprocess it; the scan's
 * watermark (`blobscaninfo/{hostId}/{account}/{container}`, the latest modification of a finished
 * pass) lets a restart check receipts only for blobs changed since. No storage failure stops a loop
 * or the process: it is logged and tried again.
 */
import { randomUUID } from 'node:crypto';
import type { LogCategory, LogLevel, RegisteredFunction, TypedData } from './coreApi.js';
import { hasStatus, RECEIPTS_CONTAINER, type ContainerClient, type HostStorage } from './hostStorage.js';
import { invoke } from './invoke.js';
import type { LoadedApp } from './loader.js';
import { matchBlobPath, type BlobPath } from './blobPath.js';
import type { Semaphore } from './semaphore.js';
import { BLOB_CREATED, onStorageWrite } from './storageLog.js';

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
  /** Between two scan pages while blobs keep changing (LOCAL_HOST_BLOB_POLL_MS). */
  pollMs: number;
  timeoutMs: number | undefined;
  /**
   * The Event Grid source (`source: 'EventGrid'`): no scan and no ETag-changed skip; it fires on
   * BlobCreated (Put Blob, Put Block List, Copy Blob — an append blob once, at its creation).
   */
  eventGrid: boolean;
  /** Blobs listed per scan page (default 5000: Azure lists 10,000 per poll, in two pages). */
  scanPageSize?: number;
  /** Between scan pages once a whole pass found nothing new (default 10 × pollMs, at most 10 s: Azure's interval). */
  idleScanMs?: number;
  /** The first retry waits this long, each next one twice as long, at most a minute (default 1 s). */
  retryBaseMs?: number;
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
  size?: number | undefined;
  tries: number;
  reason: string;
}

/** What the paths of blobs in a container start with: its URL's path, lower-cased, with one trailing `/`. */
export function containerPathPrefix(containerUrl: string): string {
  return `${new URL(containerUrl).pathname.replace(/\/$/, '')}/`.toLowerCase();
}

/**
 * The blob name a URL path (as sent: encoded, no query) names in the container whose
 * `containerPathPrefix` is `prefix`, if it does. The container matches case-insensitively.
 */
export function blobNameInPath(prefix: string, path: string): string | undefined {
  if (path.length <= prefix.length || path.slice(0, prefix.length).toLowerCase() !== prefix) return undefined;
  const rest = path.slice(prefix.length);
  if (!rest.includes('%')) return rest;
  try {
    return decodeURIComponent(rest);
  } catch {
    return undefined; // not a path the SDK built
  }
}

/** The blob name an event's URL names in the listener's container, if it does. */
export function blobNameFromUrl(containerUrl: string, blobUrl: string): string | undefined {
  return blobNameInPath(containerPathPrefix(containerUrl), new URL(blobUrl).pathname);
}

const unquote = (etag: string | undefined) => (etag ?? '').replace(/^"|"$/g, '');

/** The scan's progress: where the pass is, and the watermark a finished pass leaves. */
interface ScanState {
  cursor: string | undefined;
  /** The latest modification seen in the pass under way. */
  latest: number;
  /** The pass under way found something to run. */
  found: boolean;
  /** The last finished pass did. */
  lastFound: boolean;
  /** Blobs modified before this ran before a restart (from the scan-info blob); only after it are receipts checked. */
  watermark: number | undefined;
}

export class BlobTriggerListener {
  readonly functionId: string;
  /** blob name → the ETag already done or queued. */
  readonly #seen = new Map<string, string>();
  /** blob name → the newest version waiting to run (older ones are dropped: newest wins). */
  readonly #pending = new Map<string, WorkItem>();
  readonly #running = new Set<string>();
  readonly #inFlight = new Set<Promise<void>>();
  /** `${etag}\n${blob}` of the versions with a receipt when the listener started (first run only). */
  readonly #receipts = new Set<string>();
  #receiptsLoaded = false;
  /** A whole scan pass has been seen since start: blobs the scan meets now are new or changed. */
  #passDone = false;
  readonly #scan: ScanState = {
    cursor: undefined,
    latest: 0,
    found: false,
    lastFound: true,
    watermark: undefined,
  };
  #scanInfoLoaded = false;
  /** When the storage log last reported a write to a watched blob (epoch ms). */
  #lastLogged = 0;
  #timer: NodeJS.Timeout | undefined;
  readonly #retries = new Set<NodeJS.Timeout>();
  /** Blobs the storage log reported, waiting out the coalescing delay. */
  readonly #logged = new Map<string, NodeJS.Timeout>();
  #unsubscribe: (() => void) | undefined;
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

  /** The blobs waiting to run (diagnostics and tests). */
  get queued(): string[] {
    return [...this.#pending.keys()];
  }

  get #idleMs(): number {
    return this.opts.idleScanMs ?? Math.min(10 * this.opts.pollMs, 10_000);
  }

  /** Watches this process's writes, scans for blobs (not for Event Grid), and takes webhook events and manual runs. */
  start(): void {
    this.acceptManualRuns();
    const prefix = containerPathPrefix(this.data.url);
    this.#unsubscribe = onStorageWrite(({ path, op }) => {
      if (this.opts.eventGrid && !BLOB_CREATED.has(op)) return;
      const blob = blobNameInPath(prefix, path);
      if (blob === undefined || matchBlobPath(this.path, blob) === null) return;
      this.#lastLogged = Date.now();
      if (this.opts.eventGrid) return this.notify(blob);
      // Writes to one blob in quick succession (a create and its first append) make one run, as
      // Azure's logs, read some time after the writes, do.
      if (this.#logged.has(blob)) return;
      const t = setTimeout(
        () => {
          this.#logged.delete(blob);
          this.#enqueue({ blob, etag: '', tries: 0, reason: 'New blob detected(LogsAndContainerScan)' });
        },
        Math.min(250, this.opts.pollMs / 4),
      );
      this.#logged.set(blob, t);
    });
    if (this.opts.eventGrid) return; // Event Grid: no scan
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
      if (this.#stopped) return;
      // A pass that found nothing, with nothing logged meanwhile: the next pages come at the idle pace.
      const s = this.#scan;
      const busy = s.found || s.lastFound || Date.now() - this.#lastLogged < this.#idleMs;
      this.#timer = setTimeout(() => void loop(), busy ? this.opts.pollMs : this.#idleMs);
    };
    void loop();
  }

  /** Takes manual runs only (`runNow`): what a disabled function still allows. */
  acceptManualRuns(): void {
    this.opts.slots.subscribe(() => this.#pump());
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe?.();
    clearTimeout(this.#timer);
    for (const t of [...this.#retries, ...this.#logged.values()]) clearTimeout(t);
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
      }
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
    }
    this.#receiptsLoaded = true;
  }

  get #scanInfo() {
    const account = this.data.accountName;
    return this.host.receipts.getBlockBlobClient(
      `blobscaninfo/${this.opts.hostId}/${account}/${this.path.container}`,
    );
  }

  /** The watermark of the last finished pass before a restart, if any. */
  async #loadScanInfo(): Promise<void> {
    try {
      const text = (await this.#scanInfo.downloadToBuffer()).toString('utf8');
      const latest = Date.parse((JSON.parse(text) as { LatestScan?: string }).LatestScan ?? '');
      if (Number.isFinite(latest)) this.#scan.watermark = latest;
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
    }
    this.#scanInfoLoaded = true;
  }

  /** Records a finished pass's latest modification, unless something is still waiting to run. */
  async #saveScanInfo(latest: number): Promise<void> {
    if (this.#pending.size > 0 || this.#running.size > 0 || this.#retries.size > 0) return;
    const text = JSON.stringify({ LatestScan: new Date(latest).toISOString() });
    try {
      await this.#scanInfo.upload(text, Buffer.byteLength(text));
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
      await this.host.receipts.createIfNotExists();
      await this.#scanInfo.upload(text, Buffer.byteLength(text));
    }
  }

  /** True when a receipt says this version ran (checked blob by blob after a restart). */
  async #hasReceipt(etag: string, blob: string): Promise<boolean> {
    if (this.#receiptsLoaded || this.#passDone) return this.#receipts.has(`${etag}\n${blob}`);
    return this.host.receipts.getBlobClient(this.#receiptName(etag, blob)).exists();
  }

  /**
   * One poll: a page of the container's matching blobs, from where the last poll stopped; queues
   * every blob whose ETag is not done or queued. Before the first pass after a restart completes,
   * blobs older than the watermark are taken as done.
   */
  async scan(): Promise<void> {
    if (!this.#scanInfoLoaded) await this.#loadScanInfo();
    if (this.#scan.watermark === undefined && !this.#receiptsLoaded) await this.#loadReceipts();
    const s = this.#scan;
    let page;
    try {
      const pages = this.data.listBlobsFlat({ prefix: this.path.prefix }).byPage({
        maxPageSize: this.opts.scanPageSize ?? 5000,
        ...(s.cursor !== undefined && { continuationToken: s.cursor }),
      });
      page = (await pages.next()).value as
        | {
            segment: {
              blobItems: {
                name: string;
                properties: { etag?: string; lastModified?: Date; contentLength?: number };
              }[];
            };
            continuationToken?: string;
          }
        | undefined;
    } catch (err) {
      if (!hasStatus(err, 404)) throw err;
      page = undefined;
    }
    for (const b of page?.segment.blobItems ?? []) {
      const etag = unquote(b.properties.etag);
      const modified = b.properties.lastModified?.getTime() ?? 0;
      s.latest = Math.max(s.latest, modified);
      if (this.#seen.get(b.name) === etag || matchBlobPath(this.path, b.name) === null) continue;
      this.#seen.set(b.name, etag);
      const before = s.watermark !== undefined && modified < s.watermark;
      if (before || (await this.#hasReceipt(etag, b.name))) continue;
      s.found = true;
      const reason = 'New blob detected(LogsAndContainerScan)';
      this.#enqueue({ blob: b.name, etag, size: b.properties.contentLength, tries: 0, reason });
    }
    const next = page?.continuationToken;
    s.cursor = next === undefined || next === '' ? undefined : next;
    if (s.cursor !== undefined) return;
    // The pass is over: what it saw is known in memory from now on.
    if (s.latest > 0) await this.#saveScanInfo(s.latest);
    s.watermark = undefined;
    this.#passDone = true;
    s.lastFound = s.found;
    s.found = false;
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
        .catch((err: unknown) => this.opts.log('error', 'system', `blob trigger: ${String(err)}`))
        .finally(() => {
          this.#running.delete(blob);
          this.#inFlight.delete(p);
          this.opts.slots.release(); // offers the slot to every listener in turn, this one too
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
    // The scan skips this version from now on (it runs now, or fails through the retries).
    if (!this.opts.eventGrid) this.#seen.set(item.blob, done.etag);
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

  /** Runs `fn` after `ms`, unless the listener stops first. */
  #later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.#retries.delete(t);
      if (!this.#stopped) fn();
    }, ms);
    this.#retries.add(t);
  }

  /**
   * How long the try after `tries` failures waits: 1, 2, 4, 8 s by default, so the five tries span
   * 15 s and a storage blip of a second or two costs one or two of them, not all.
   */
  #backoff(tries: number): number {
    return Math.min((this.opts.retryBaseMs ?? 1000) * 2 ** (tries - 1), 60_000);
  }

  /** A failed try: runs again later, or after the last try goes to the poison queue. Never throws. */
  async #failed(item: WorkItem, error: unknown, id = '-'): Promise<void> {
    const tries = item.tries + 1;
    const text = error instanceof Error ? error.message : String(error);
    this.opts.log(
      'error',
      'system',
      `Executed 'Functions.${this.fn.metadata.name}' (Failed, Id=${id}, try ${tries} of ${this.opts.maxDequeueCount}): ${text}`,
    );
    if (tries < this.opts.maxDequeueCount) {
      // Waiting between tries keeps a short storage outage from using them all up.
      this.#later(this.#backoff(tries), () => {
        if (!this.#pending.has(item.blob)) this.#enqueue({ ...item, tries });
      });
      return;
    }
    await this.#poison(item);
  }

  /** Moves a version that used its tries to the poison queue; if storage fails, tries that again later. */
  async #poison(item: WorkItem, attempt = 1): Promise<void> {
    const message = {
      Type: 'BlobTrigger',
      FunctionId: this.functionId,
      BlobType: 'Unknown',
      ContainerName: this.path.container,
      BlobName: item.blob,
      ETag: item.etag,
    };
    try {
      const queue = await this.host.poisonQueue();
      await queue.sendMessage(Buffer.from(JSON.stringify(message)).toString('base64'));
      this.opts.log(
        'error',
        'system',
        `Message for blob ${this.path.container}/${item.blob} moved to the poison queue '${queue.name}' after ${this.opts.maxDequeueCount} tries.`,
      );
      await this.#writeReceipt(item);
    } catch (err) {
      const wait = this.#backoff(attempt);
      this.opts.log(
        'warning',
        'system',
        `Could not move blob ${this.path.container}/${item.blob} to the poison queue (${String(err)}); trying again in ${wait} ms.`,
      );
      this.#later(wait, () => void this.#poison(item, attempt + 1));
    }
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

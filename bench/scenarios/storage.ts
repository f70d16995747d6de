/**
 * Storage baselines: raw SDK appends and listing, against the same operations through our storage
 * module. Later scenarios (ingest, query) compare themselves with the raw SDK figures measured here.
 */
import { randomBytes } from 'node:crypto';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { createdContainer, pool, timed, type BenchContext, type Scenario } from '../harness.js';

const MiB = 1024 * 1024;

/** Appends `total` bytes in `chunk`-sized blocks through the raw SDK; returns MiB/s. */
export async function rawSdkAppend(
  ctx: BenchContext,
  container: string,
  chunk: number,
  total: number,
): Promise<number> {
  const blob = ctx.service
    .getContainerClient(container)
    .getAppendBlobClient(`raw-${randomBytes(4).toString('hex')}.log`);
  await blob.create();
  const data = randomBytes(chunk);
  const ms = await timed(async () => {
    for (let at = 0; at < total; at += chunk)
      await blob.appendBlock(data, chunk, { conditions: { appendPosition: at } });
  });
  return total / MiB / (ms / 1000);
}

function appendScenario(chunk: number, total: number, label: string): Scenario {
  return {
    name: `storage append ${label} chunks`,
    unit: 'MiB/s',
    better: 'higher',
    ours: 'AzureBlobStore.appendAt',
    baseline: 'raw SDK appendBlock',
    target: '≈ 1.0×',
    rounds: 5,
    setup: (ctx) => createdContainer(ctx, 'append'),
    async round(ctx, state) {
      const container = state as string;
      const store = new AzureBlobStore(ctx.service, container);
      const name = `ours-${randomBytes(4).toString('hex')}.log`;
      await store.createAppendBlob(name, 'text/plain');
      const data = randomBytes(chunk);
      const ms = await timed(async () => {
        for (let at = 0; at < total; at += chunk) {
          const r = await store.appendAt(name, at, data);
          if (!r.ok) throw new Error(`append failed at ${at}`);
        }
      });
      const baseline = await rawSdkAppend(ctx, container, chunk, total);
      return { ours: total / MiB / (ms / 1000), baseline };
    },
  };
}

/** Flat-lists every blob under `prefix` through the raw SDK; returns ms. */
export async function rawSdkList(
  ctx: BenchContext,
  container: string,
  prefix: string,
): Promise<{ ms: number; count: number }> {
  let count = 0;
  const ms = await timed(async () => {
    for await (const page of ctx.service
      .getContainerClient(container)
      .listBlobsFlat({ prefix })
      .byPage({ maxPageSize: 5000 })) {
      count += page.segment.blobItems.length;
    }
  });
  return { ms, count };
}

/** Uploads `n` tiny blobs named `${prefix}${i}` (for listing scenarios). */
export async function seedBlobs(ctx: BenchContext, container: string, names: string[]): Promise<void> {
  const c = ctx.service.getContainerClient(container);
  await c.createIfNotExists();
  await pool(names, 32, (n) => c.getBlockBlobClient(n).upload('x', 1));
}

const LIST_COUNT = 10_000;

const listScenario: Scenario = {
  name: `storage flat listing of ${LIST_COUNT.toLocaleString('en')} blobs`,
  unit: 'ms',
  better: 'lower',
  ours: 'AzureBlobStore.list pages',
  baseline: 'raw SDK listBlobsFlat',
  target: '≈ 1.0×',
  rounds: 5,
  async setup(ctx) {
    const container = ctx.container('list');
    const names = Array.from({ length: LIST_COUNT }, (_, i) => `p/${String(i).padStart(6, '0')}`);
    ctx.log(`seeding ${LIST_COUNT} blobs…`);
    await seedBlobs(ctx, container, names);
    return container;
  },
  async round(ctx, state) {
    const container = state as string;
    const store = new AzureBlobStore(ctx.service, container);
    let count = 0;
    const ms = await timed(async () => {
      let cursor: string | undefined;
      do {
        const page = await store.list({
          prefix: 'p/',
          pageSize: 5000,
          ...(cursor !== undefined && { cursor }),
        });
        count += page.blobs.length;
        cursor = page.cursor;
      } while (cursor !== undefined);
    });
    const raw = await rawSdkList(ctx, container, 'p/');
    if (count !== LIST_COUNT || raw.count !== LIST_COUNT)
      throw new Error(`listed ${count}/${raw.count}, expected ${LIST_COUNT}`);
    return { ours: ms, baseline: raw.ms };
  },
};

export const storageScenarios: Scenario[] = [
  appendScenario(MiB, 64 * MiB, '1 MiB'),
  appendScenario(64 * 1024, 16 * MiB, '64 KiB'),
  listScenario,
];

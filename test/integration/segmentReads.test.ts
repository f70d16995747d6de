/**
 * Regression (issue 12, defect 4): a file rolled into segments of 45,000 blocks (a batch of 100,000
 * one-byte chunks) could not be read locally: Azurite answered 500 to the download of such a segment.
 * Found: Azurite with its data on disk opens one file (a read stream) per block of the requested
 * range, all at once, so a download covering more blocks than its open-file limit fails (EMFILE);
 * Node raises Azurite's soft limit to the hard one (20,000 on the machine where this was found). In
 * memory it works but slowly (45,000 blocks: 18 s, past the read deadline). The fix is the default
 * segment size: 2,000 blocks. Here Azurite's limit is lowered to 2,050 open files (with prlimit, as
 * a stand-in for 20,000 at a tenth of the scale) and a file of 2,060 one-byte appends is read whole:
 * with the old default it was one segment of 2,060 blocks, which this Azurite cannot serve.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BlobServiceClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendLog, type LogTarget } from '../../src/core/ingest/logs.js';
import { readLogFile } from '../../src/core/query/fileRead.js';
import { startAzurite, type Azurite } from '../../src/host/azurite.js';
import { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { DEFAULT_SEGMENT_MAX_BLOCKS } from '../../src/storage/config.js';
import { uniqueContainer } from '../helpers/storage.js';

// Just past one default segment, so that the old default (one segment) needs more files than this.
const OPEN_FILES = DEFAULT_SEGMENT_MAX_BLOCKS + 50;
const APPENDS = DEFAULT_SEGMENT_MAX_BLOCKS + 60;

let azurite: Azurite;
let location: string;
let service: BlobServiceClient;

beforeAll(async () => {
  location = mkdtempSync(path.join(tmpdir(), 'azurite-fds-'));
  azurite = await startAzurite({ location });
  const r = spawnSync('prlimit', [`--pid=${azurite.pids.blob}`, `--nofile=${OPEN_FILES}:${OPEN_FILES}`]);
  if (r.status !== 0) throw new Error(`prlimit failed: ${r.stderr.toString()}`);
  service = BlobServiceClient.fromConnectionString(azurite.connectionString);
});

afterAll(async () => {
  await azurite?.stop();
  rmSync(location, { recursive: true, force: true });
});

/** Appends `count` one-byte blocks (byte i = i % 251) one after the other. */
async function appendBytes(
  append: (i: number, byte: Buffer) => Promise<unknown>,
  count: number,
): Promise<Buffer> {
  const all = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    all[i] = i % 251;
    await append(i, all.subarray(i, i + 1));
  }
  return all;
}

describe('files of many small appends are readable from Azurite on disk (defect 4)', () => {
  it('Azurite cannot serve one blob of more blocks than it may open files (the limitation found)', async () => {
    const blob = service.getContainerClient(uniqueContainer('fds'));
    await blob.create();
    const one = blob.getAppendBlobClient('one-segment');
    await one.create();
    // Order does not matter here: 16 appends at a time.
    let next = 0;
    const worker = async () => {
      while (next < APPENDS) {
        next += 1;
        await one.appendBlock(Buffer.from('x'), 1);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    const failure = await one.downloadToBuffer().then(
      () => 'served',
      (err: { statusCode?: number }) => err.statusCode,
    );
    expect(failure).toBe(500);
  });

  it(`reads a file of ${APPENDS} one-byte appends whole, in segments of the default size`, async () => {
    expect(DEFAULT_SEGMENT_MAX_BLOCKS).toBeLessThan(OPEN_FILES);
    const store = new AzureBlobStore(service, uniqueContainer('fds'));
    const target: LogTarget = {
      namespace: 'ns',
      cluster: 'many',
      clusterId: 'ns',
      session: 'session_2026-03-03_09-00-00_000001_1',
      node: 'head-1',
      file: 'tiny-appends.log',
    };
    const expected = await appendBytes(
      (i, b) => appendLog(store, target, i, [b], DEFAULT_SEGMENT_MAX_BLOCKS),
      APPENDS,
    );
    const r = await readLogFile(store, {
      session: { namespace: 'ns', cluster: 'many', clusterId: 'ns', session: target.session },
      node: 'head-1',
      file: 'tiny-appends.log',
    });
    expect(r.status).toBe(200);
    const chunks: Buffer[] = [];
    for await (const c of r.body ?? []) chunks.push(c);
    expect(Buffer.concat(chunks).equals(expected)).toBe(true);
  });
});

import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBlobCreated, REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';
import { request } from '../../helpers/http.js';
import {
  azuriteConnectionString,
  azuriteService,
  eventually,
  uniqueContainer,
} from '../../helpers/storage.js';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'blob-app');

interface Invocation {
  content?: string;
  isBuffer?: boolean;
  blobTrigger?: string;
  uri?: string;
  dir?: string;
  name?: string;
  metadata?: { [k: string]: string };
  contentLength?: number;
  arg?: unknown;
}

describe('blob trigger, polling source (fixture app through the local host)', () => {
  const watch = uniqueContainer('watch');
  const fail = uniqueContainer('fail');
  const results = uniqueContainer('results');
  const ref = uniqueContainer('ref');
  const hostId = `h${Date.now().toString(36)}`;
  const service = azuriteService();
  const env = {
    DataStorage: azuriteConnectionString(),
    WATCH_CONTAINER: watch,
    FAIL_CONTAINER: fail,
    RESULTS_CONTAINER: results,
    REF_CONTAINER: ref,
    LOCAL_HOST_BLOB_POLL_MS: '100',
    LOCAL_HOST_BLOB_CONCURRENCY: '1',
    LOCAL_HOST_ID: hostId,
    LOCAL_HOST_BLOB_MAX_CONTENT_BYTES: '1000',
  };
  let host: RunningHost | undefined;

  const put = async (container: string, name: string, text: string, metadata?: { [k: string]: string }) => {
    const c = service.getContainerClient(container);
    await c.createIfNotExists();
    await c
      .getBlockBlobClient(name)
      .upload(text, Buffer.byteLength(text), metadata === undefined ? {} : { metadata });
  };
  const records = async (kind: string): Promise<Invocation[]> => {
    const c = service.getContainerClient(results);
    if (!(await c.exists())) return [];
    const out: Invocation[] = [];
    for await (const b of c.listBlobsFlat({ prefix: `${kind}/` })) {
      out.push(JSON.parse((await c.getBlobClient(b.name).downloadToBuffer()).toString('utf8')) as Invocation);
    }
    return out;
  };
  const recordsFor = async (blobTrigger: string) =>
    (await records('record')).filter((r) => r.blobTrigger === blobTrigger);
  const waitForRecords = (blobTrigger: string, n: number) =>
    eventually(
      async () => {
        const rs = await recordsFor(blobTrigger);
        return rs.length >= n ? rs : undefined;
      },
      20_000,
      `${n} invocation(s) for ${blobTrigger}`,
    );

  beforeAll(async () => {
    // Written before the host starts: the first run's backlog.
    await put(watch, 'early/backlog.txt', 'from before start');
    host = await startHost({ appDir: APP, env });
  });
  afterAll(async () => {
    await host?.stop();
  });

  it('processes the first-run backlog', async () => {
    const [r] = await waitForRecords(`${watch}/early/backlog.txt`, 1);
    expect(r).toMatchObject({
      content: 'from before start',
      isBuffer: true,
      dir: 'early',
      name: 'backlog.txt',
    });
  });

  it('fires on create with the bytes, path parameters (greedy), uri and metadata', async () => {
    await put(watch, 'a/b/c.log', 'hello', { origin: 'test' });
    const [r] = await waitForRecords(`${watch}/a/b/c.log`, 1);
    expect(r).toMatchObject({
      content: 'hello',
      dir: 'a/b',
      name: 'c.log',
      metadata: { origin: 'test' },
      contentLength: 5,
    });
    expect(r?.uri).toMatch(new RegExp(`/${watch}/a/b/c\\.log$`));
  });

  it('hands over an empty Buffer (with full metadata) for a blob over LOCAL_HOST_BLOB_MAX_CONTENT_BYTES', async () => {
    await put(watch, 'big/large.bin', 'z'.repeat(2000));
    const [r] = await waitForRecords(`${watch}/big/large.bin`, 1);
    expect(r).toMatchObject({ content: '', isBuffer: true, name: 'large.bin', contentLength: 2000 });
  });

  it('passes a reference, not the content, to a deferred (sdkBinding) trigger, whatever its size', async () => {
    await put(ref, 'huge.log', 'z'.repeat(5000));
    const r = await eventually(
      async () => (await records('reference')).find((x) => x.name === 'huge.log'),
      20_000,
      'the reference invocation',
    );
    expect(r).toMatchObject({
      isBuffer: false,
      contentLength: 5000,
      arg: {
        source: 'AzureStorageBlobs',
        reference: { Connection: 'DataStorage', ContainerName: ref, BlobName: 'huge.log' },
      },
    });
    // The content limit never applied: nothing was downloaded to be cut.
    expect(host?.output()).not.toMatch(/huge\.log \(5000 bytes\) is over LOCAL_HOST_BLOB_MAX_CONTENT_BYTES/);
  });

  it('fires again on update, with the new content', async () => {
    await put(watch, 'u/file.txt', 'v1');
    await waitForRecords(`${watch}/u/file.txt`, 1);
    await put(watch, 'u/file.txt', 'v2');
    const rs = await waitForRecords(`${watch}/u/file.txt`, 2);
    expect(rs.map((r) => r.content).sort()).toEqual(['v1', 'v2']);
  });

  it('tries an always-failing handler 5 times, 1, 2, 4 and 8 s apart, then moves the blob to the poison queue, while others keep working', async () => {
    await put(fail, 'bad.txt', 'x');
    await put(watch, 'ok/while-failing.txt', 'fine');
    await waitForRecords(`${watch}/ok/while-failing.txt`, 1);
    const poison = QueueServiceClient.fromConnectionString(azuriteConnectionString()).getQueueClient(
      'webjobs-blobtrigger-poison',
    );
    const message = await eventually(
      async () => {
        if (!(await poison.exists())) return undefined;
        const peeked = await poison.peekMessages({ numberOfMessages: 32 });
        return peeked.peekedMessageItems
          .map(
            (m) =>
              JSON.parse(Buffer.from(m.messageText, 'base64').toString('utf8')) as { [k: string]: string },
          )
          .find((m) => m.ContainerName === fail && m.BlobName === 'bad.txt');
      },
      60_000,
      'the poison message',
    );
    expect(message).toMatchObject({ Type: 'BlobTrigger', FunctionId: 'Host.Functions.alwaysFails' });
    // Each try's record is named by its time: the waits between tries double from a second, so a
    // storage blip of a second or two cannot use up the five tries (issue 12, defect 2).
    const c = service.getContainerClient(results);
    const times: number[] = [];
    for await (const b of c.listBlobsFlat({ prefix: 'fail/' }))
      times.push(Number(b.name.slice(5).split('-')[0]));
    times.sort((a, b) => a - b);
    expect(times).toHaveLength(5);
    const gaps = times.slice(1).map((t, i) => t - (times[i] as number));
    gaps.forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(1000 * 2 ** i - 100));
  });

  it('does not reprocess unchanged blobs after a restart (receipts), but does process new ones', async () => {
    const before = (await records('record')).length;
    const failsBefore = (await records('fail')).length;
    await host?.stop();
    host = await startHost({ appDir: APP, env });
    // With one slot, blobs run in listing order: a sentinel that sorts last runs after any old one would.
    await put(watch, 'zzz/sentinel.txt', 'after restart');
    await waitForRecords(`${watch}/zzz/sentinel.txt`, 1);
    expect((await records('record')).length).toBe(before + 1);
    expect((await records('fail')).length).toBe(failsBefore);
  });

  it('runs a function by hand: POST /admin/functions/{name} → 202', async () => {
    await put(watch, 'manual/m.log', 'by hand');
    await waitForRecords(`${watch}/manual/m.log`, 1);
    const base = host?.baseUrl ?? '';
    const res = await fetch(`${base}/admin/functions/record`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ input: `${watch}/manual/m.log` }),
    });
    expect(res.status).toBe(202);
    const runs = await waitForRecords(`${watch}/manual/m.log`, 2);
    expect(runs.map((r) => r.content)).toEqual(['by hand', 'by hand']);
    const missing = await fetch(`${base}/admin/functions/nope`, { method: 'POST', body: '{"input":"x/y"}' });
    expect(missing.status).toBe(404);
  });
});

describe('blob trigger concurrency cap (LOCAL_HOST_BLOB_CONCURRENCY)', () => {
  it('runs at most the cap at once, and does run in parallel up to it', async () => {
    const conc = uniqueContainer('conc');
    const service = azuriteService();
    const c = service.getContainerClient(conc);
    await c.createIfNotExists();
    for (let i = 0; i < 9; i++) await c.getBlockBlobClient(`b${i}`).upload('x', 1);
    const host = await startHost({
      appDir: APP,
      env: {
        DataStorage: azuriteConnectionString(),
        CONC_CONTAINER: conc,
        LOCAL_HOST_BLOB_POLL_MS: '100',
        LOCAL_HOST_BLOB_CONCURRENCY: '3',
      },
    });
    const state = async () =>
      (await request(host.baseUrl, '/api/conc')).json() as { active: number; peak: number; done: number };
    try {
      // Every run waits at the fixture's gate: the cap's worth pile up, and no more start meanwhile.
      await eventually(
        async () => ((await state()).active === 3 ? true : undefined),
        30_000,
        '3 runs at once',
      );
      expect((await request(host.baseUrl, '/api/conc/open', { method: 'POST' })).status).toBe(204);
      const end = await eventually(
        async () => {
          const s = await state();
          return s.done === 9 ? s : undefined;
        },
        30_000,
        'nine invocations',
      );
      expect(end).toEqual({ active: 0, peak: 3, done: 9 });
      // The functions whose settings are missing here are disabled with a message, not crashing the host.
      expect(host.output()).toMatch(/Function 'record' is disabled: .*setting "WATCH_CONTAINER" is not set/);
    } finally {
      await host.stop();
    }
  });
});

describe('blob trigger, Event Grid source (BlobCreated from the app’s writes, and the webhook)', () => {
  it('fires once per append blob however often it is appended, on every block-blob version, never by a scan', async () => {
    const eg = uniqueContainer('eg');
    const results = uniqueContainer('results');
    const service = azuriteService();
    const c = service.getContainerClient(eg);
    await c.createIfNotExists();
    const host = await startHost({
      appDir: APP,
      env: {
        DataStorage: azuriteConnectionString(),
        EG_CONTAINER: eg,
        RESULTS_CONTAINER: results,
        LOCAL_HOST_BLOB_POLL_MS: '100',
        LOCAL_HOST_BLOB_CONCURRENCY: '1',
      },
    });
    const runs = async (name: string) => {
      const rc = service.getContainerClient(results);
      if (!(await rc.exists())) return [];
      const out: { name: string; content: string }[] = [];
      for await (const b of rc.listBlobsFlat({ prefix: 'eg/' })) {
        const r = JSON.parse((await rc.getBlobClient(b.name).downloadToBuffer()).toString('utf8')) as {
          name: string;
          content: string;
        };
        if (r.name === name) out.push(r);
      }
      return out;
    };
    const waitRuns = (name: string, n: number) =>
      eventually(
        async () => {
          const r = await runs(name);
          return r.length >= n ? r : undefined;
        },
        20_000,
        `${n} run(s) for ${name}`,
      );
    // The app writes (so this process's storage log sees it), as ingest does.
    const write = async (op: string, name: string, text = '') => {
      const res = await fetch(`${host.baseUrl}/api/eg-write`, {
        method: 'POST',
        body: JSON.stringify({ op, name, text }),
      });
      expect(res.status).toBe(204);
    };
    try {
      await write('create', 'a.log');
      await waitRuns('a.log', 1);
      for (const part of ['one ', 'two ', 'three']) await write('append', 'a.log', part);
      await write('upload', 'z.txt', 'v1');
      await waitRuns('z.txt', 1);
      await write('upload', 'z.txt', 'v2');
      const z = await waitRuns('z.txt', 2);
      expect(z.map((r) => r.content).sort()).toEqual(['v1', 'v2']);
      // A blob written by another process raises nothing here (no scan), until its event is posted.
      await c.getBlockBlobClient('outside.txt').upload('o', 1);
      await write('upload', 'sentinel.txt', 's');
      await waitRuns('sentinel.txt', 1);
      expect(await runs('outside.txt')).toHaveLength(0);
      // The appends raised nothing: still one run of a.log.
      expect(await runs('a.log')).toHaveLength(1);
      // An event posted to the webhook runs the current version.
      expect(await postBlobCreated(host, 'egRecord', [c.getBlobClient('a.log').url])).toBe(202);
      const a = await waitRuns('a.log', 2);
      expect(a.map((r) => r.content)).toContain('one two three');
      expect(await postBlobCreated(host, 'noSuchFunction', [c.getBlobClient('a.log').url])).toBe(404);
      const validation = await fetch(
        `${host.baseUrl}/runtime/webhooks/blobs?functionName=Host.Functions.egRecord`,
        {
          method: 'POST',
          headers: { 'aeg-event-type': 'SubscriptionValidation' },
          body: JSON.stringify([
            {
              eventType: 'Microsoft.EventGrid.SubscriptionValidationEvent',
              data: { validationCode: 'abc123' },
            },
          ]),
        },
      );
      expect(await validation.json()).toEqual({ validationResponse: 'abc123' });
    } finally {
      await host.stop();
    }
  });
});

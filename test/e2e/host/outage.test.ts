/**
 * Regression (issue 12, defect 2): the host crashed in a storage outage. A blob-trigger message that
 * used its tries goes to the poison queue and then gets its receipt; with host storage down both
 * fail, and that rejection had no handler, so Node ended the process. Now the host logs it, stays
 * up, and moves the message when storage is back.
 */
import path from 'node:path';
import { QueueServiceClient } from '@azure/storage-queue';
import { afterAll, describe, expect, it } from 'vitest';
import { azuriteConnectionString as connectionFor } from '../../../src/host/azurite.js';
import { REPO_ROOT, startHost, type RunningHost } from '../../helpers/host.js';
import {
  azuriteConnectionString,
  azuriteService,
  eventually,
  uniqueContainer,
} from '../../helpers/storage.js';
import { startFaultProxy, type FaultProxy } from '../../helpers/faultProxy.js';
import { inject } from 'vitest';

const APP = path.join(REPO_ROOT, 'test', 'fixtures', 'blob-app');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the host in a storage outage', () => {
  const proxies: FaultProxy[] = [];
  let host: RunningHost | undefined;

  afterAll(async () => {
    await host?.stop();
    await Promise.all(proxies.map((p) => p.close()));
  });

  it(
    'stays up when a poisoned message cannot be written, and writes it once storage is back',
    { timeout: 180_000 },
    async () => {
      const { blobPort, queuePort } = inject('azurite');
      const blob = await startFaultProxy(`http://127.0.0.1:${blobPort}`);
      const queue = await startFaultProxy(`http://127.0.0.1:${queuePort}`);
      proxies.push(blob, queue);
      const fail = uniqueContainer('fail');
      const results = uniqueContainer('results');
      const hostId = `outage${Date.now().toString(36)}`;
      host = await startHost({
        appDir: APP,
        env: {
          // The trigger's data stays reachable; the host's own storage (receipts, poison queue) goes through the proxies.
          DataStorage: azuriteConnectionString(),
          AzureWebJobsStorage: connectionFor(blob.port, queue.port),
          FAIL_CONTAINER: fail,
          RESULTS_CONTAINER: results,
          LOCAL_HOST_BLOB_POLL_MS: '100',
          LOCAL_HOST_ID: hostId,
        },
      });
      const running = host;
      const c = azuriteService().getContainerClient(fail);
      await c.createIfNotExists();
      await c.getBlockBlobClient('bad.txt').upload('x', 1);
      // The first try fails with storage up; then the host's own storage goes down for the other four.
      await eventually(
        () => Promise.resolve(/alwaysFails.*try 1 of 5/.test(running.output()) ? true : undefined),
        30_000,
        'the first failed try',
      );
      blob.setMode('refuse');
      queue.setMode('refuse');
      await eventually(
        () => {
          if (!alive(running.pid)) throw new Error(`the host exited:\n${running.output().slice(-2000)}`);
          const moved = /Could not move blob .*bad\.txt to the poison queue/.test(running.output());
          return Promise.resolve(moved ? true : undefined);
        },
        60_000,
        'the failed move to the poison queue',
      );
      // Still up: the host answers.
      const status = await fetch(`${running.baseUrl}/admin/host/status`);
      expect(status.status).toBe(200);
      blob.setMode('normal');
      queue.setMode('normal');
      const poison = QueueServiceClient.fromConnectionString(azuriteConnectionString()).getQueueClient(
        'webjobs-blobtrigger-poison',
      );
      await eventually(
        async () => {
          if (!(await poison.exists())) return undefined;
          const peeked = await poison.peekMessages({ numberOfMessages: 32 });
          return peeked.peekedMessageItems.some((m) =>
            Buffer.from(m.messageText, 'base64').toString('utf8').includes(fail),
          )
            ? true
            : undefined;
        },
        60_000,
        'the poison message after storage came back',
      );
      expect((await fetch(`${running.baseUrl}/admin/host/status`)).status).toBe(200);
    },
  );
});

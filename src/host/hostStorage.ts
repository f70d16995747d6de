/**
 * The host's own storage (AzureWebJobsStorage): blob-trigger receipts in container
 * `azure-webjobs-hosts` and the poison queue `webjobs-blobtrigger-poison`, resolved by the same
 * connection rules as the app's (src/storage/connection.ts).
 */
import { QueueServiceClient, type QueueClient } from '@azure/storage-queue';
import { clientForConnection, resolveConnection, type NamedConnection } from '../storage/connection.js';

export const RECEIPTS_CONTAINER = 'azure-webjobs-hosts';
export const POISON_QUEUE = 'webjobs-blobtrigger-poison';

export type BlobServiceClient = ReturnType<typeof clientForConnection>;
export type ContainerClient = ReturnType<BlobServiceClient['getContainerClient']>;

function queueService(conn: NamedConnection): QueueServiceClient {
  if (conn.kind === 'identity') {
    if (conn.queueServiceUri === undefined) {
      throw new Error(
        `${conn.setting}__queueServiceUri is not set: the blob trigger needs a queue for poison messages`,
      );
    }
    return new QueueServiceClient(conn.queueServiceUri, conn.credential);
  }
  return QueueServiceClient.fromConnectionString(conn.connectionString);
}

/** True for a storage error with this HTTP status. */
export function hasStatus(err: unknown, status: number): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: unknown }).statusCode === status;
}

export interface HostStorage {
  receipts: ContainerClient;
  /** The poison queue, created on first use. */
  poisonQueue(): Promise<QueueClient>;
}

/** Host storage from AzureWebJobsStorage. */
export function hostStorage(env: Record<string, string | undefined> = process.env): HostStorage {
  const conn = resolveConnection('', env);
  const receipts = clientForConnection(conn).getContainerClient(RECEIPTS_CONTAINER);
  let queue: Promise<QueueClient> | undefined;
  return {
    receipts,
    poisonQueue: () => {
      queue ??= (async () => {
        const q = queueService(conn).getQueueClient(POISON_QUEUE);
        await q.createIfNotExists();
        return q;
      })();
      queue.catch(() => (queue = undefined));
      return queue;
    },
  };
}

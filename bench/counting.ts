/**
 * Storage requests counted at the SDK: a BlobServiceClient whose pipeline counts every HTTP request it
 * sends (each retry too), so that a scenario can report storage operations per request of ours and of
 * its baseline. Clients derived from it (containers, blobs, an AzureBlobStore over it) share the count.
 */
import { BlobServiceClient } from '@azure/storage-blob';

export interface CountingService {
  service: BlobServiceClient;
  /** Requests sent so far. */
  count(): number;
}

interface CorePipeline {
  addPolicy(
    policy: {
      name: string;
      sendRequest(req: unknown, next: (req: unknown) => Promise<unknown>): Promise<unknown>;
    },
    options?: { afterPhase?: string },
  ): void;
}

/** A client on `connectionString` that counts its requests. */
export function countingService(connectionString: string): CountingService {
  const service = BlobServiceClient.fromConnectionString(connectionString);
  // The SDK builds one core pipeline per client pipeline, shared by every client derived from it.
  const core = (service as unknown as { pipeline: { _corePipeline?: CorePipeline } }).pipeline._corePipeline;
  if (core === undefined) throw new Error('the storage SDK changed: no core pipeline to count requests on');
  let n = 0;
  core.addPolicy(
    {
      name: 'benchCountRequests',
      sendRequest: (req, next) => {
        n += 1;
        return next(req);
      },
    },
    { afterPhase: 'Retry' },
  );
  return { service, count: () => n };
}

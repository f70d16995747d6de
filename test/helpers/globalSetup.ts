/**
 * Starts one in-memory Azurite (blob + queue, free ports) for the whole test run and stops it after.
 * With AZURITE_METADATA_DB (a MySQL/MariaDB URL; test/scale/with-mariadb.sh sets it) the blob service keeps its metadata
 * there and its data in a temporary folder: for the 100,000-blob runs, which the in-memory store
 * (linear per write in the blobs it holds) cannot seed in an hour.
 */
import type { TestProject } from 'vitest/node';
import { startAzurite, type Azurite } from '../../src/host/azurite.js';

declare module 'vitest' {
  export interface ProvidedContext {
    azurite: {
      connectionString: string;
      blobPort: number;
      queuePort: number;
      blobEndpoint: string;
      queueEndpoint: string;
    };
  }
}

let azurite: Azurite | undefined;

export async function setup(project: TestProject): Promise<void> {
  const sqlMetadata = process.env.AZURITE_METADATA_DB;
  azurite = await startAzurite(sqlMetadata ? { sqlMetadata } : {});
  const { connectionString, blobPort, queuePort, blobEndpoint, queueEndpoint } = azurite;
  project.provide('azurite', { connectionString, blobPort, queuePort, blobEndpoint, queueEndpoint });
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}

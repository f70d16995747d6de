/** Starts one in-memory Azurite (blob + queue, free ports) for the whole test run and stops it after. */
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
  azurite = await startAzurite();
  const { connectionString, blobPort, queuePort, blobEndpoint, queueEndpoint } = azurite;
  project.provide('azurite', { connectionString, blobPort, queuePort, blobEndpoint, queueEndpoint });
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}

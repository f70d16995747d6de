/**
 * The blob trigger's deferred (SDK-type) binding. With `sdkBinding: true` the Functions host does not
 * read the blob: it sends a reference (ModelBindingData, source `AzureStorageBlobs`, JSON content
 * `{Connection, ContainerName, BlobName}`), and the library asks a registered factory to turn it into
 * the handler's argument. The indexer needs only the name, so the factory returns the parsed
 * reference; the blob's properties are read from storage through the app's own client.
 */
import * as extensionsBase from '@azure/functions-extensions-base';
import type { ModelBindingData, ResourceFactoryResolver } from '@azure/functions-extensions-base';

type BaseModule = { ResourceFactoryResolver?: typeof ResourceFactoryResolver };

/**
 * The library's resolver singleton. The package is a webpack bundle whose named exports an ES module
 * loader (vitest) cannot see, so look under `default` too; compiled CommonJS sees them directly.
 */
export function resourceFactoryResolver(): ResourceFactoryResolver {
  const mod = extensionsBase as BaseModule & { default?: BaseModule };
  const resolver = mod.ResourceFactoryResolver ?? mod.default?.ResourceFactoryResolver;
  if (resolver === undefined)
    throw new Error('@azure/functions-extensions-base has no ResourceFactoryResolver');
  return resolver.getInstance();
}

export const BLOB_BINDING_SOURCE = 'AzureStorageBlobs';

export interface BlobReference {
  /** The trigger's `connection` setting name. */
  connection: string;
  container: string;
  blobName: string;
}

function text(content: ModelBindingData['content']): string {
  if (content === null || content === undefined) throw new Error('blob reference: no content');
  return typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
}

/** Parses a blob ModelBindingData (or the first of a collection) into a reference. */
export function parseBlobReference(data: ModelBindingData | ModelBindingData[]): BlobReference {
  const one = Array.isArray(data) ? data[0] : data;
  if (one === undefined) throw new Error('blob reference: empty collection');
  const parsed = JSON.parse(text(one.content)) as Record<string, unknown>;
  const { Connection, ContainerName, BlobName } = parsed;
  if (typeof ContainerName !== 'string' || typeof BlobName !== 'string') {
    throw new Error('blob reference: ContainerName and BlobName must be strings');
  }
  return {
    connection: typeof Connection === 'string' ? Connection : '',
    container: ContainerName,
    blobName: BlobName,
  };
}

/** Registers the factory once per process (idempotent; another registered blob factory is kept). */
export function registerBlobReferenceFactory(): void {
  const resolver = resourceFactoryResolver();
  if (!resolver.hasResourceFactory(BLOB_BINDING_SOURCE)) {
    resolver.registerResourceFactory(BLOB_BINDING_SOURCE, parseBlobReference);
  }
}

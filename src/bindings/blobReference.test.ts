import { describe, expect, it } from 'vitest';
import {
  BLOB_BINDING_SOURCE,
  parseBlobReference,
  registerBlobReferenceFactory,
  resourceFactoryResolver,
} from './blobReference.js';

const data = (content: unknown) => ({
  version: '1.0',
  source: BLOB_BINDING_SOURCE,
  contentType: 'application/json',
  content: Buffer.from(JSON.stringify(content)),
});

describe('blob reference (deferred binding)', () => {
  it('parses the host reference, single or as a collection', () => {
    const ref = { Connection: 'HistoryStorage', ContainerName: 'ray-historyserver', BlobName: 'log/a_b/x' };
    const want = { connection: 'HistoryStorage', container: 'ray-historyserver', blobName: 'log/a_b/x' };
    expect(parseBlobReference(data(ref))).toEqual(want);
    expect(parseBlobReference([data(ref)])).toEqual(want);
  });

  it('rejects a reference without container or blob name', () => {
    expect(() => parseBlobReference(data({ Connection: 'x', ContainerName: 'c' }))).toThrow(/BlobName/);
    expect(() => parseBlobReference({ source: BLOB_BINDING_SOURCE })).toThrow(/no content/);
  });

  it('is what the library resolves once registered (idempotently)', () => {
    registerBlobReferenceFactory();
    registerBlobReferenceFactory();
    const client = resourceFactoryResolver().createClient(
      BLOB_BINDING_SOURCE,
      data({ Connection: 'c', ContainerName: 'k', BlobName: 'b' }),
    );
    expect(client).toEqual({ connection: 'c', container: 'k', blobName: 'b' });
  });
});

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ensureMetadata } from '../../src/core/ingest/metadata.js';
import { metadataBlob } from '../../src/core/layout.js';
import { postBatch } from '../../src/functions/postBatch.js';
import type { BlobStore } from '../../src/storage/blobStore.js';
import { call, postRequest, readLog, SESSION, target, useFreshApp } from './ingestSupport.js';

async function readDoc(store: BlobStore, name: string): Promise<Record<string, unknown>> {
  return JSON.parse((await store.readText(name))?.text ?? '{}') as Record<string, unknown>;
}

const envelope = { namespace: 'default', cluster: 'raycluster-kuberay', session: SESSION, node: 'head-1' };
const post = (body: unknown) => call(postBatch, postRequest('v1/batch', body));

describe('batch (handler against Azurite)', () => {
  it('answers one result per chunk in request order, with item errors naming the field', async () => {
    const store = useFreshApp();
    const r = await post({
      ...envelope,
      chunks: [
        { file: 'raylet.out', offset: 0, data: 'hello ' },
        { file: 'raylet.out', offset: 6, data: 'world\n' },
        { file: 'dump.bin', offset: 0, data: 'AAEC', encoding: 'base64' },
        { file: '../etc/passwd', offset: 0, data: 'x' },
        { file: 'raylet.out', offset: -1, data: 'x' },
        { file: 'raylet.out', offset: 0, data: 'x', encoding: 'hex' },
        { file: 'dump.bin', offset: 0, data: '***', encoding: 'base64' },
        { file: 'raylet.out', offset: 99, data: 'gap' },
        { file: 'raylet.out', offset: 0, data: 'HELLO' },
        { file: 'raylet.out', offset: 0, data: 'hello ' },
        'not a chunk',
        { file: 'gcs_server.out', offset: 0, data: 7 },
      ],
    });
    expect(r.status).toBe(200);
    expect(r.body.chunks).toEqual([
      { file: 'raylet.out', status: 'appended', offset: 0, nextOffset: 6 },
      { file: 'raylet.out', status: 'appended', offset: 6, nextOffset: 12 },
      { file: 'dump.bin', status: 'appended', offset: 0, nextOffset: 3 },
      // Regression: an invalid file name was answered `"file": null`; the contract's item error echoes
      // the file as sent (JSON-escaped in the answer, so safe).
      expect.objectContaining({ file: '../etc/passwd', error: 'invalid_parameter', field: 'chunks[3].file' }),
      expect.objectContaining({ file: 'raylet.out', error: 'invalid_parameter', field: 'chunks[4].offset' }),
      expect.objectContaining({
        file: 'raylet.out',
        error: 'invalid_parameter',
        field: 'chunks[5].encoding',
      }),
      expect.objectContaining({ file: 'dump.bin', error: 'invalid_parameter', field: 'chunks[6].data' }),
      expect.objectContaining({ file: 'raylet.out', error: 'offset_gap', expectedOffset: 12 }),
      expect.objectContaining({ file: 'raylet.out', error: 'offset_conflict', expectedOffset: 12 }),
      { file: 'raylet.out', status: 'duplicate', offset: 0, nextOffset: 12 },
      expect.objectContaining({ file: null, error: 'invalid_parameter', field: 'chunks[10]' }),
      expect.objectContaining({
        file: 'gcs_server.out',
        error: 'invalid_parameter',
        field: 'chunks[11].data',
      }),
    ]);
    expect((await readLog(store))?.toString()).toBe('hello world\n');
    expect((await readLog(store, { ...target, file: 'dump.bin' }))?.equals(Buffer.from([0, 1, 2]))).toBe(
      true,
    );
    expect(r.body.metadata).toBe('written');
    expect(r.body.events).toEqual({ accepted: 0, duplicates: 0, rejected: 0, errors: [] });
  });

  it('stores events, accepts gzip, and merges metadata with the first value kept', async () => {
    const store = useFreshApp();
    const event = {
      eventId: randomBytes(18).toString('base64'),
      eventType: 'NODE_DEFINITION_EVENT',
      timestamp: '2026-01-27T10:53:00Z',
      sessionName: SESSION,
      nodeDefinitionEvent: { nodeId: 'AQID' },
    };
    const body = { ...envelope, events: [event, { eventId: 'x' }], metadata: { rayVersion: '2.52.1' } };
    const r = await call(
      postBatch,
      postRequest('v1/batch', null, {
        raw: gzipSync(JSON.stringify(body)),
        headers: { 'content-encoding': 'gzip' },
      }),
    );
    expect(r.body).toMatchObject({ metadata: 'written', events: { accepted: 1, rejected: 1 } });
    const same = await post({ ...envelope, metadata: { rayVersion: '2.53.0' } });
    expect(same.body.metadata).toBe('unchanged');
    const more = await post({ ...envelope, metadata: { owner: 'team-a', namespace: 'other' } });
    expect(more.body.metadata).toBe('merged');
    const doc = await readDoc(store, metadataBlob('default', 'raycluster-kuberay', SESSION));
    expect(doc).toMatchObject({
      namespace: 'default',
      rayVersion: '2.52.1',
      owner: 'team-a',
      clusterId: 'default',
    });
  });

  it('writes the metadata even when every item fails', async () => {
    const store = useFreshApp();
    const r = await post({ ...envelope, clusterId: 'c-1', chunks: [{ file: 'a', offset: 5, data: 'x' }] });
    expect(r.body).toMatchObject({ metadata: 'written', chunks: [{ error: 'offset_gap' }] });
    const doc = await readDoc(store, metadataBlob('default', 'raycluster-kuberay', SESSION));
    expect(doc).toMatchObject({ clusterId: 'c-1', session: SESSION, createTime: '2026-01-27T10:52:59Z' });
  });
});

describe('session metadata', () => {
  it('loses nothing when two nodes create it at once', async () => {
    const store = useFreshApp();
    const t = { namespace: 'default', cluster: 'raycluster-kuberay', clusterId: 'default', session: SESSION };
    const outcomes = await Promise.all([
      ensureMetadata(store, t, { headNode: 'head-1' }),
      ensureMetadata(store, t, { workerNode: 'worker-1' }),
      ensureMetadata(store, t, { rayVersion: '2.52.1' }),
    ]);
    expect(outcomes.filter((o) => o === 'written')).toHaveLength(1);
    const doc = await readDoc(store, metadataBlob(t.namespace, t.cluster, t.session));
    expect(doc).toMatchObject({ ...t, headNode: 'head-1', workerNode: 'worker-1', rayVersion: '2.52.1' });
  });
});

import { describe, expect, it } from 'vitest';
import { loadHostConfig } from './hostConfig.js';

describe('loadHostConfig', () => {
  it('defaults to handing streamed requests over in process, and accepts loopback', () => {
    expect(loadHostConfig({}).httpTransport).toBe('inprocess');
    expect(loadHostConfig({ LOCAL_HOST_HTTP_TRANSPORT: ' Loopback ' }).httpTransport).toBe('loopback');
  });

  it("scans idle at Azure's 10 s unless told otherwise, and at most 10 × the busy pace by default", () => {
    expect(loadHostConfig({}).blobIdleScanMs).toBe(10_000);
    expect(loadHostConfig({ LOCAL_HOST_BLOB_POLL_MS: '200' }).blobIdleScanMs).toBe(2_000);
    expect(loadHostConfig({ LOCAL_HOST_BLOB_IDLE_SCAN_MS: '60000' }).blobIdleScanMs).toBe(60_000);
    expect(() => loadHostConfig({ LOCAL_HOST_BLOB_IDLE_SCAN_MS: 'soon' })).toThrow(
      /LOCAL_HOST_BLOB_IDLE_SCAN_MS: must be an integer ≥ 10, got "soon"/,
    );
  });

  it('names the setting at fault', () => {
    expect(() => loadHostConfig({ LOCAL_HOST_HTTP_TRANSPORT: 'grpc' })).toThrow(
      /LOCAL_HOST_HTTP_TRANSPORT: must be "inprocess" or "loopback", got "grpc"/,
    );
    expect(() => loadHostConfig({ LOCAL_HOST_BLOB_POLL_MS: '5' })).toThrow(/LOCAL_HOST_BLOB_POLL_MS/);
    expect(() => loadHostConfig({ LOCAL_HOST_STREAM_BACKPRESSURE: 'yes' })).toThrow(
      /LOCAL_HOST_STREAM_BACKPRESSURE/,
    );
  });
});

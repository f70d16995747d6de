import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { clusterMetadata, timezoneOf } from '../../src/core/logs/clusterMetadata.js';
import { clusterStatus } from '../../src/core/logs/clusterStatus.js';
import { metadataBlob } from '../../src/core/layout.js';
import type { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { freshStore } from '../helpers/storage.js';
import { CLUSTER, NS, SESSION } from './queryFixtures.js';
import {
  AUTOSCALER_STATUS,
  debugStateText,
  HEAD,
  HEAD_ID,
  ingestFile,
  SESSION_REF,
  WORKER,
  WORKER_ID_NODE,
} from './logsFixtures.js';

let store: AzureBlobStore;
beforeAll(() => {
  store = freshStore('logscl');
});

const nodes = [
  {
    nodeId: HEAD_ID,
    nodeName: HEAD,
    state: 'ALIVE' as const,
    isHead: true,
    nodeGroup: 'headgroup',
    resourcesTotal: { CPU: 2 },
  },
  {
    nodeId: WORKER_ID_NODE,
    nodeName: WORKER,
    state: 'ALIVE' as const,
    nodeGroup: 'cpu',
    resourcesTotal: { CPU: 4 },
  },
];

describe('cluster status, metadata and timezone of a dead session', () => {
  it("rebuilds the status from the nodes and each raylet's debug_state.txt when no autoscaler log exists", async () => {
    await ingestFile(store, HEAD, 'raylet.out', 'x\n');
    await ingestFile(store, HEAD, 'debug_state.txt', debugStateText('headgroup', false, 2, 1));
    await ingestFile(store, WORKER, 'debug_state.txt', debugStateText('cpu', true, 4, 4));
    const r = await clusterStatus(store, SESSION_REF, { nodes, lastActivityMs: Date.UTC(2026, 0, 27, 11) });
    expect(r.source).toBe('reconstructed');
    expect(r.clusterStatus).toContain('Active:\n 1 headgroup\nIdle:\n 1 cpu\n');
    expect(r.clusterStatus).toContain('Total Usage:\n 1.0/6.0 CPU\n 0B/3.73GiB memory\n');
    expect(
      r.clusterStatus.startsWith('======== Autoscaler status: 2026-01-27 11:00:00.000000 ========\n'),
    ).toBe(true);
  });

  it("answers the autoscaler's own last status from the head's monitor.log, found reading backwards", async () => {
    const filler = Array.from(
      { length: 40_000 },
      (_, i) => `2026-01-27 10:58:00,000\tINFO autoscaler.py:1 -- tick ${i}`,
    ).join('\n');
    await ingestFile(
      store,
      HEAD,
      'monitor.log',
      `2026-01-27 10:55:00,000\tINFO autoscaler.py:471 -- \n======== Autoscaler status: old ========\nNode status\n${filler}\n2026-01-27 10:59:59,124\tINFO autoscaler.py:471 -- \n${AUTOSCALER_STATUS}\n2026-01-27 10:59:59,125\tINFO autoscaler.py:1200 -- bye\n`,
    );
    const r = await clusterStatus(store, SESSION_REF, { nodes });
    expect(r).toEqual({ clusterStatus: AUTOSCALER_STATUS, source: 'autoscaler_log' });
  });

  it('answers cluster_metadata from what metadata.json recorded, and leaves out what it did not', async () => {
    expect(await clusterMetadata(store, SESSION_REF)).toEqual({ sessionName: SESSION });
    expect(await timezoneOf(store, SESSION_REF)).toEqual({ offset: '', value: '' });
    await store.put(
      metadataBlob(NS, CLUSTER, SESSION),
      JSON.stringify({
        clusterId: NS,
        rayVersion: '2.52.1',
        clusterMetadata: { data: { pythonVersion: '3.11.9', gitCommit: 'abc', rayInitCluster: false } },
        timezone: { offset: '+01:00', value: 'Europe/Berlin' },
      }),
      'application/json',
    );
    expect(await clusterMetadata(store, SESSION_REF)).toEqual({
      sessionName: SESSION,
      rayVersion: '2.52.1',
      pythonVersion: '3.11.9',
      gitCommit: 'abc',
      rayInitCluster: false,
    });
    expect(await timezoneOf(store, SESSION_REF)).toEqual({ offset: '+01:00', value: 'Europe/Berlin' });
  });

  it('answers 404 session_not_found for a session that does not exist', async () => {
    const missing = { ...SESSION_REF, session: 'session_2020-01-01_00-00-00_000000_1' };
    const err = await clusterMetadata(store, missing).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as HttpError).code).toBe('session_not_found');
  });
});

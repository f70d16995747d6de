import { describe, expect, it } from 'vitest';
import { formatClusterStatus, type ClusterNodeState } from './clusterStatus.js';
import { parseDebugState } from './debugState.js';

const head: ClusterNodeState = {
  nodeId: 'a1',
  nodeName: 'head-0',
  state: 'ALIVE',
  isHead: true,
  nodeGroup: 'headgroup',
  ip: '10.0.0.1',
  resourcesTotal: { CPU: 2, memory: 2 * 2 ** 30, 'node:10.0.0.1': 1 },
};
const worker: ClusterNodeState = {
  nodeId: 'b2',
  state: 'ALIVE',
  nodeGroup: 'cpu',
  resourcesTotal: { CPU: 4, GPU: 0.5, 'accelerator_type:T4': 1 },
};
const crashed: ClusterNodeState = {
  nodeId: 'c3',
  state: 'DEAD',
  nodeGroup: 'cpu',
  ip: '10.0.0.3',
  deathReason: 'UNEXPECTED_TERMINATION',
  endTimeMs: 2,
};
const drained: ClusterNodeState = {
  nodeId: 'd4',
  state: 'DEAD',
  nodeGroup: 'cpu',
  ip: '10.0.0.4',
  deathReason: 'AUTOSCALER_DRAIN_IDLE',
  endTimeMs: 3,
};

describe('the rebuilt cluster status text', () => {
  it("follows Ray's layout: nodes alive (active/idle) and dead, unexpected deaths as failures, resources, pending demands", () => {
    const debug = new Map([
      [
        head,
        parseDebugState(
          'cluster_resource_scheduler state:\nLocal resources: {"total":{CPU: [10000, 10000], memory: [21474836480000]}, "available":{CPU: [10000], memory: [21474836480000]}}, "labels":{"ray.io/node-group":"headgroup"} is_idle: 0\n',
        ),
      ],
    ]);
    const text = formatClusterStatus(
      {
        nodes: [head, worker, crashed, drained],
        tasks: [
          { state: 'PENDING_NODE_ASSIGNMENT', requiredResources: { CPU: 1 } },
          { state: 'PENDING_ARGS_AVAIL', requiredResources: { CPU: 1 } },
          { state: 'RUNNING', requiredResources: { CPU: 1 } },
        ],
        actors: [{ state: 'PENDING_CREATION', requiredResources: { GPU: 1, CPU: 0.5 } }],
      },
      debug,
      Date.UTC(2026, 0, 27, 10, 59, 59, 123),
    );
    expect(text).toBe(
      [
        '======== Autoscaler status: 2026-01-27 10:59:59.123000 ========',
        'Node status',
        '---------------------------------------------------------------',
        'Active:',
        ' 1 cpu',
        ' 1 headgroup',
        'Idle:',
        ' (no idle nodes)',
        'Dead:',
        ' 2 cpu',
        'Pending:',
        ' (not recorded for a finished session)',
        'Recent failures:',
        ' cpu: NodeTerminated (ip: 10.0.0.3)',
        '',
        'Resources',
        '---------------------------------------------------------------',
        'Total Usage:',
        ' 1.0/6.0 CPU',
        ' 0.0/0.5 GPU',
        ' 0B/2.00GiB memory',
        '',
        'From request_resources:',
        ' (not recorded for a finished session)',
        'Pending Demands:',
        " {'CPU': 1.0}: 2+ pending tasks/actors",
        " {'CPU': 0.5, 'GPU': 1.0}: 1+ pending tasks/actors",
      ].join('\n'),
    );
    // The dashboard splits the text at "Resources" and "Node status".
    expect(text.split('Resources')[0]?.includes('Node status')).toBe(true);
  });

  it('parses the raylet debug state: idle flag, node group, totals and availability (fixed point / 10000)', () => {
    expect(
      parseDebugState(
        'Node ID: x\ncluster_resource_scheduler state:\nLocal id: 1 Local resources: {"total":{CPU: [10000, 10000, 10000, 10000], object_store_memory: [5000000], node:1.2.3.4: [10000]}, "available":{CPU: [5000]}}, "labels":{"ray.io/node-group":"cpu"} is_draining: 0 is_idle: 1 Cluster resources: {"total":{CPU: [1]}}\n',
      ),
    ).toEqual({
      nodeGroup: 'cpu',
      idle: true,
      total: { CPU: 4, object_store_memory: 500 },
      available: { CPU: 0.5 },
    });
    expect(parseDebugState('no scheduler here')).toBeNull();
  });
});

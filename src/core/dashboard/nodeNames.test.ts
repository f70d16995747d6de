import { describe, expect, it } from 'vitest';
import { EMPTY_EVIDENCE } from './join.js';
import type { NodeEvidence, NodeState } from './model.js';
import { resolveNodeId, storageNames } from './nodeNames.js';

const HEAD = 'aa'.repeat(28);
const W1 = 'bb'.repeat(28);
const W2 = 'cc'.repeat(28);
const head: NodeState = { nodeId: HEAD, def: { labels: { 'ray.io/node-group': 'headgroup' } } };
const w1: NodeState = { nodeId: W1, def: { labels: { 'ray.io/node-group': 'workers' } } };
const w2: NodeState = { nodeId: W2 };
const ev = (e: Partial<NodeEvidence>): NodeEvidence => ({ ...EMPTY_EVIDENCE, ...e });
const gcsPosts = { 'head-pod': [HEAD, W1, W2] };

describe('which storage node a Ray node is', () => {
  it('prefers NODE_DEFINITION hostname/nodeName when events were posted under that name', () => {
    const named: NodeState = { nodeId: W1, def: { hostname: 'worker-pod-1', nodeName: '10.0.0.2' } };
    const names = storageNames(
      [named],
      ev({ executed: { [W1]: ['other'] }, nodePosts: { 'worker-pod-1': [] } }),
    );
    expect(names.get(W1)).toBe('worker-pod-1');
  });

  it('then the name events emitted on the node were posted under (RayEvent.nodeId)', () => {
    const names = storageNames(
      [w1],
      ev({ emitted: { [W1]: ['w1-pod'] }, executed: { [W1]: ['elsewhere'] } }),
    );
    expect(names.get(W1)).toBe('w1-pod');
  });

  it("then the name its tasks' RUNNING transitions were posted under", () => {
    expect(storageNames([w1], ev({ executed: { [W1]: ['w1-pod'] }, nodePosts: gcsPosts })).get(W1)).toBe(
      'w1-pod',
    );
  });

  it('then its own NODE_* events, but only where they cannot be the GCS speaking for every node', () => {
    const names = storageNames([head, w1, w2], ev({ nodePosts: gcsPosts }));
    expect(names.get(HEAD)).toBe('head-pod'); // the only head among the nodes the GCS posted about
    expect(names.get(W1)).toBeNull(); // the head's collector posted it: not the worker's own name
    const alone = storageNames([w2], ev({ nodePosts: { 'w2-pod': [W2] } }));
    expect(alone.get(W2)).toBe('w2-pod');
  });

  it('falls back to hostname even when nothing was posted under it, else unknown', () => {
    expect(storageNames([{ nodeId: W2, def: { nodeName: '10.0.0.3' } }], EMPTY_EVIDENCE).get(W2)).toBe(
      '10.0.0.3',
    );
    expect(storageNames([w2], EMPTY_EVIDENCE).get(W2)).toBeNull();
  });

  it('picks the smallest name when one rule gives several (never arrival order)', () => {
    expect(storageNames([w1], ev({ emitted: { [W1]: ['a-pod', 'b-pod'] } })).get(W1)).toBe('a-pod');
  });

  it('resolves either form: a node id (any case) or a storage name; anything else is null', () => {
    const names = storageNames([head, w1], ev({ emitted: { [HEAD]: ['head-pod'], [W1]: ['w1-pod'] } }));
    expect(resolveNodeId(W1, names)).toBe(W1);
    expect(resolveNodeId(W1.toUpperCase(), names)).toBe(W1);
    expect(resolveNodeId('w1-pod', names)).toBe(W1);
    expect(resolveNodeId('nobody', names)).toBeNull();
    expect(resolveNodeId('', names)).toBeNull();
  });
});

import { describe, expect, it } from 'vitest';
import { HttpError } from './errors.js';
import { clusterIdName, clusterName, fileName, namespaceName, nodeName } from './names.js';

function rejects(fn: () => unknown, field: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).code).toBe('invalid_parameter');
    expect((err as HttpError).extra.field).toBe(field);
    return;
  }
  throw new Error('expected a rejection');
}

describe('namespace', () => {
  it.each(['default', 'a', 'ray-system', 'x'.repeat(63), '0abc'])('accepts %s', (v) =>
    expect(namespaceName(v)).toBe(v),
  );
  it.each(['', 'Default', '-a', 'a-', 'a_b', 'a.b', 'x'.repeat(64), '..', 'a/b', 'a%2fb'])(
    'rejects %j',
    (v) => rejects(() => namespaceName(v), 'namespace'),
  );
});

describe('cluster', () => {
  it.each(['raycluster-kuberay', 'a.b.c', 'x'.repeat(253)])('accepts %s', (v) =>
    expect(clusterName(v)).toBe(v),
  );
  it.each([
    '',
    'ray_cluster',
    'Ray',
    '.a',
    'a..b',
    'x'.repeat(254),
    '..',
    'a/b',
    'a%2fb',
    'a\\b',
    'a\u0000b',
  ])('rejects %j', (v) => rejects(() => clusterName(v), 'cluster'));
});

describe('clusterId and node', () => {
  it.each(['default', 'A.b_c-9', 'x'.repeat(64)])('clusterId accepts %s', (v) =>
    expect(clusterIdName(v)).toBe(v),
  );
  it.each(['', '.', '..', 'x'.repeat(65), 'a/b', 'a b', 'a%2e', 'a\\b'])('clusterId rejects %j', (v) =>
    rejects(() => clusterIdName(v), 'clusterId'),
  );
  it.each(['head-1', 'a'.repeat(56), 'raycluster-kuberay-head-x7b2k'])('node accepts %s', (v) =>
    expect(nodeName(v)).toBe(v),
  );
  it.each(['', '.', '..', 'x'.repeat(129), 'a/b', '%2e%2e', 'n\u0007'])('node rejects %j', (v) =>
    rejects(() => nodeName(v), 'node'),
  );
});

describe('file', () => {
  it.each([
    'raylet.out',
    'events/event_GCS.log',
    'a/b/c.txt',
    'ünïcødé.log',
    '.hidden',
    'a..b',
    'x'.repeat(512),
  ])('accepts %s', (v) => expect(fileName(v)).toBe(v));
  it.each([
    ['dot-dot', '..'],
    ['dot-dot segment', 'a/../b'],
    ['traversal', '../etc/passwd'],
    ['dot', '.'],
    ['dot segment', 'a/./b'],
    ['empty', ''],
    ['empty segment', 'a//b'],
    ['trailing slash', 'a/'],
    ['leading slash', '/etc/passwd'],
    ['backslash', 'a\\b'],
    ['backslash traversal', '..\\..\\secret'],
    ['NUL', 'a\u0000b'],
    ['newline', 'a\nb'],
    ['DEL', 'a\u007fb'],
    ['C1 control', 'a\u0085b'],
    ['encoded dot-dot', '%2e%2e'],
    ['encoded slash', 'a%2fb'],
    ['double encoded', '%252e%252e'],
    ['over-long', 'x'.repeat(513)],
    ['over-long in bytes', 'é'.repeat(257)],
    ['lone surrogate', 'a\ud800b'],
  ])('rejects %s', (_label, v) => rejects(() => fileName(v), 'file'));
});

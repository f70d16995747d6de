import { afterEach, describe, expect, it, vi } from 'vitest';
import { api } from './endpoints';

afterEach(() => vi.unstubAllGlobals());

const session = (name: string) => ({
  sessionName: name,
  clusterId: 'ns',
  createTime: '2026-01-01T00:00:00Z',
  createTimeStamp: 0,
  lastActivity: null,
  nodes: [],
  files: 0,
  bytes: 0,
});

describe('the paged listings the views read', () => {
  it('follows nextCursor to the last page, so a session past the first page is still found', async () => {
    const pages: Record<string, unknown> = {
      '': { namespace: 'ns', name: 'rc', sessions: [session('s3'), session('s2')], nextCursor: 'c1' },
      c1: { namespace: 'ns', name: 'rc', sessions: [session('s1')], nextCursor: 'c/2' },
      'c/2': { namespace: 'ns', name: 'rc', sessions: [session('s0')] },
    };
    const asked: string[] = [];
    vi.stubGlobal('fetch', (path: string) => {
      asked.push(path);
      const cursor = new URL(path, 'http://ui').searchParams.get('cursor') ?? '';
      return Promise.resolve(new Response(JSON.stringify(pages[cursor]), { status: 200 }));
    });
    const list = await api.sessions('ns', 'rc');
    expect(list.sessions.map((s) => s.sessionName)).toEqual(['s3', 's2', 's1', 's0']);
    expect(list.nextCursor).toBeUndefined();
    expect(asked).toEqual([
      '/api/v1/clusters/ns/rc/sessions',
      '/api/v1/clusters/ns/rc/sessions?cursor=c1',
      '/api/v1/clusters/ns/rc/sessions?cursor=c%2F2',
    ]);
  });
});

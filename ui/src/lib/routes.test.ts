import { describe, expect, it } from 'vitest';
import { hrefOf, parseRoute, type Route } from './routes';

const s = {
  namespace: 'default',
  cluster: 'raycluster-kuberay',
  session: 'session_2026-01-27_10-52-59_373533_1',
};

describe('UI routes', () => {
  it('round-trip every view through its URL', () => {
    const routes: Route[] = [
      { view: 'clusters' },
      { view: 'sessions', namespace: 'default', cluster: 'raycluster-kuberay' },
      { view: 'session', ...s },
      { view: 'tasks', ...s },
      { view: 'actors', ...s },
      { view: 'search', ...s },
      { view: 'timeline', ...s },
      { view: 'logs', ...s },
      { view: 'logs', ...s, node: 'head-1' },
      { view: 'logs', ...s, node: 'head-1', file: 'events/event GCS%.log' },
    ];
    for (const r of routes) expect(parseRoute(hrefOf(r))).toEqual(r);
    expect(hrefOf({ view: 'logs', ...s, node: 'head-1', file: 'events/event GCS%.log' })).toBe(
      `/ui/clusters/default/raycluster-kuberay/sessions/${s.session}/logs/head-1/events/event%20GCS%25.log`,
    );
  });

  it('live under /ui/ only, so no API or upstream root path is a UI path', () => {
    for (const p of [
      '/clusters',
      '/nodes',
      '/events',
      '/enter_cluster/default/x',
      '/logical/actors',
      '/api/v1/clusters',
      '/timezone',
      '/readz',
      '/livez',
    ]) {
      expect(parseRoute(p)).toEqual({ view: 'notFound', path: p });
    }
    expect(parseRoute('/ui/')).toEqual({ view: 'clusters' });
    expect(parseRoute('/ui/clusters/default/c/oops')).toEqual({
      view: 'notFound',
      path: '/ui/clusters/default/c/oops',
    });
    expect(parseRoute(`/ui/clusters/default/c/sessions/${s.session}/tasks/more`)).toEqual({
      view: 'notFound',
      path: `/ui/clusters/default/c/sessions/${s.session}/tasks/more`,
    });
    expect(parseRoute('/ui/clusters/%E0%A4%A/c')).toEqual({
      view: 'notFound',
      path: '/ui/clusters/%E0%A4%A/c',
    });
  });
});

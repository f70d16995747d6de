/**
 * The UI's URLs. The app is served at `/` (the clusters) and every view below `/ui/`, mirroring the
 * API's own paths under `/api/v1/` so a URL reads the same in both; `/ui/` is the app's alone, so it
 * never meets an API path or the KubeRay history server's root paths (`/clusters`, `/nodes`,
 * `/events`, `/enter_cluster/…`, `/logical/…`, `/api/…`). Navigation uses the History API: every view
 * has a URL that can be shared, reloaded, and reached with back/forward.
 */

export interface SessionParams {
  namespace: string;
  cluster: string;
  session: string;
}

/** The session's views below its overview, each at `…/sessions/{session}/<view>` (filters in the query). */
export const SESSION_SECTIONS = ['tasks', 'actors', 'search', 'timeline'] as const;
export type SessionSection = (typeof SESSION_SECTIONS)[number];

export type Route =
  | { view: 'clusters' }
  | { view: 'sessions'; namespace: string; cluster: string }
  | ({ view: 'session' } & SessionParams)
  | ({ view: SessionSection } & SessionParams)
  | ({ view: 'logs'; node?: string; file?: string } & SessionParams)
  | { view: 'notFound'; path: string };

const isSection = (s: string): s is SessionSection => (SESSION_SECTIONS as readonly string[]).includes(s);

const seg = encodeURIComponent;
const fileSegs = (file: string) => file.split('/').map(seg).join('/');

/** The URL of a view. */
export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'clusters':
      return '/';
    case 'sessions':
      return `/ui/clusters/${seg(route.namespace)}/${seg(route.cluster)}`;
    case 'session':
      return `${hrefOf({ ...route, view: 'sessions' })}/sessions/${seg(route.session)}`;
    case 'logs': {
      const base = `${hrefOf({ ...route, view: 'session' })}/logs`;
      return route.node === undefined
        ? base
        : `${base}/${seg(route.node)}${route.file === undefined ? '' : `/${fileSegs(route.file)}`}`;
    }
    case 'notFound':
      return route.path;
    default:
      return `${hrefOf({ ...route, view: 'session' })}/${route.view}`;
  }
}

/** The URL of a view with query parameters (empty values left out). */
export function hrefWith(route: Route, query: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, v);
  const text = q.toString();
  return text === '' ? hrefOf(route) : `${hrefOf(route)}?${text}`;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** The view a path names; `notFound` for any other path. */
export function parseRoute(pathname: string): Route {
  const notFound: Route = { view: 'notFound', path: pathname };
  if (pathname === '/' || /^\/ui\/?$/.test(pathname)) return { view: 'clusters' };
  const parts = pathname.replace(/\/+$/, '').split('/').slice(1).map(decode);
  if (parts.some((p) => p === null || p === '')) return notFound;
  const p = parts as string[];
  if (p[0] !== 'ui' || p[1] !== 'clusters') return notFound;
  const [, , namespace, cluster, sessionsWord, session, section, node, ...file] = p;
  if (namespace === undefined || cluster === undefined)
    return p.length === 2 ? { view: 'clusters' } : notFound;
  if (sessionsWord === undefined) return { view: 'sessions', namespace, cluster };
  if (sessionsWord !== 'sessions' || session === undefined) return notFound;
  const s = { namespace, cluster, session };
  if (section === undefined) return { view: 'session', ...s };
  if (isSection(section)) return node === undefined ? { view: section, ...s } : notFound;
  if (section !== 'logs') return notFound;
  if (node === undefined) return { view: 'logs', ...s };
  return file.length === 0
    ? { view: 'logs', ...s, node }
    : { view: 'logs', ...s, node, file: file.join('/') };
}

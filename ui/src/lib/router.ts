/** Navigation with the History API: links, back/forward, and the current location for components. */
import { createStore, useStore } from './store';

export { hrefOf, hrefWith, parseRoute, type Route, type SessionParams, type SessionSection } from './routes';

interface Place {
  pathname: string;
  search: string;
  hash: string;
}

// Outside a browser (unit tests of the views' pure parts) there is no location: the root.
const here = (): Place =>
  typeof location === 'undefined'
    ? { pathname: '/', search: '', hash: '' }
    : { pathname: location.pathname, search: location.search, hash: location.hash };
const place = createStore<Place>(here());

/** Goes to `href` (same origin), adding a history entry unless `replace`. */
export function navigate(href: string, opts: { replace?: boolean } = {}): void {
  const url = new URL(href, location.href);
  if (url.href === location.href) return;
  if (opts.replace === true) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  place.set(here());
}

function isPlainLeftClick(e: MouseEvent): boolean {
  return e.button === 0 && !e.metaKey && !e.ctrlKey && !e.shiftKey && !e.altKey && !e.defaultPrevented;
}

/** Routes clicks on same-origin links through `navigate`, and follows back/forward. Call once. */
export function startRouter(): void {
  addEventListener('popstate', () => place.set(here()));
  addEventListener('hashchange', () => place.set(here()));
  document.addEventListener('click', (e) => {
    const a = (e.target as Element | null)?.closest?.('a');
    if (a === null || a === undefined || !isPlainLeftClick(e)) return;
    if (a.target !== '' || a.hasAttribute('download') || a.origin !== location.origin) return;
    if (a.pathname.startsWith('/api/')) return;
    e.preventDefault();
    navigate(a.href);
  });
}

/** The current path, query and fragment. */
export function useLocation(): Place {
  return useStore(place);
}

/** A query parameter of the current URL, and a setter that replaces the history entry. */
export function useQueryParam(name: string): [string, (value: string) => void] {
  const loc = useLocation();
  const value = new URLSearchParams(loc.search).get(name) ?? '';
  const set = (next: string) => {
    const params = new URLSearchParams(location.search);
    if (next === '') params.delete(name);
    else params.set(name, next);
    const q = params.toString();
    navigate(`${location.pathname}${q === '' ? '' : `?${q}`}${location.hash}`, { replace: true });
  };
  return [value, set];
}

/** The URL of the current path with `changes` applied to its query (empty or null: removed). */
export function withQuery(changes: Record<string, string | null>, search = location.search): string {
  const params = new URLSearchParams(search);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === '') params.delete(k);
    else params.set(k, v);
  }
  const q = params.toString();
  return `${location.pathname}${q === '' ? '' : `?${q}`}`;
}

/**
 * The current query, and a setter for several parameters at once: a discrete choice (a filter, a
 * sort, a page) adds a history entry, so back/forward step through them; `replace` for typing.
 */
export function useQuery(): [
  URLSearchParams,
  (changes: Record<string, string | null>, opts?: { replace?: boolean }) => void,
] {
  const loc = useLocation();
  const params = new URLSearchParams(loc.search);
  const set = (changes: Record<string, string | null>, opts: { replace?: boolean } = {}) =>
    navigate(withQuery(changes), opts);
  return [params, set];
}

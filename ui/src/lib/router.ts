/** Navigation with the History API: links, back/forward, and the current location for components. */
import { createStore, useStore } from './store';

export { hrefOf, parseRoute, type Route, type SessionParams } from './routes';

interface Place {
  pathname: string;
  search: string;
  hash: string;
}

const here = (): Place => ({ pathname: location.pathname, search: location.search, hash: location.hash });
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

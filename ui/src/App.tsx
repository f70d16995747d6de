/** The app's frame and its views, one per URL (lib/router.ts). */
import { useEffect, useRef } from 'preact/hooks';
import { forgetKey, functionKey } from './api/auth';
import { KeyPrompt } from './components/KeyPrompt';
import { NotFoundPage } from './components/states';
import { ThemeToggle } from './components/ThemeToggle';
import { parseRoute, useLocation, type Route } from './lib/router';
import { lazyView } from './lib/lazy';
import { useStore } from './lib/store';
import { ActorsView } from './views/Actors';
import { ClustersView } from './views/Clusters';
import { LogsView } from './views/Logs';
import { SearchView } from './views/Search';
import { SessionOverview } from './views/SessionOverview';
import { SessionsView } from './views/Sessions';
import { TasksView } from './views/Tasks';

/** The timeline's charts are the UI's biggest code: their own chunk, loaded when the view is opened. */
const TimelineView = lazyView(() => import('./views/Timeline').then((m) => m.TimelineView));

function titleOf(r: Route): string {
  switch (r.view) {
    case 'clusters':
      return 'Clusters';
    case 'sessions':
      return `${r.cluster} · ${r.namespace}`;
    case 'session':
      return `${r.session} · ${r.cluster}`;
    case 'logs':
      return `${r.file ?? 'Logs'} · ${r.session}`;
    case 'tasks':
      return `Tasks · ${r.session}`;
    case 'actors':
      return `Actors · ${r.session}`;
    case 'search':
      return `Search · ${r.session}`;
    case 'timeline':
      return `Timeline · ${r.session}`;
    case 'notFound':
      return 'Not found';
  }
}

function View(props: { route: Route }) {
  const r = props.route;
  switch (r.view) {
    case 'clusters':
      return <ClustersView />;
    case 'sessions':
      return <SessionsView namespace={r.namespace} cluster={r.cluster} />;
    case 'session':
      return <SessionOverview namespace={r.namespace} cluster={r.cluster} session={r.session} />;
    case 'logs':
      return <LogsView {...r} />;
    case 'tasks':
      return <TasksView {...r} />;
    case 'actors':
      return <ActorsView {...r} />;
    case 'search':
      return <SearchView {...r} />;
    case 'timeline':
      return <TimelineView {...r} />;
    case 'notFound':
      return <NotFoundPage title="No such page" detail={`Nothing lives at ${r.path}.`} />;
  }
}

export function App() {
  const loc = useLocation();
  const route = parseRoute(loc.pathname);
  const key = useStore(functionKey);
  const first = useRef(true);
  const path = loc.pathname;

  useEffect(() => {
    document.title = `${titleOf(route)} — Ray history`;
    // After a navigation (not the first load), focus the new page's heading, as a page load would.
    if (first.current) first.current = false;
    else document.getElementById('page-title')?.focus({ preventScroll: false });
  }, [path]);

  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href="/">
          Ray history
        </a>
        <div class="top-actions">
          {key !== null && (
            <button
              type="button"
              class="link"
              onClick={forgetKey}
              title="Forget the function key of this tab"
            >
              Forget key
            </button>
          )}
          <ThemeToggle />
        </div>
      </header>
      <main id="main">
        <KeyPrompt />
        <View route={route} />
      </main>
    </>
  );
}

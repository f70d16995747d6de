/**
 * Search across the session's logs (the search route: a literal or an RE2 pattern, by node and glob),
 * each hit a link into the viewer at its line. Pages are read one after another with the route's
 * cursor; when a request's time or byte budget ends a page early the route says `partial`, and the
 * view says so and offers to continue from exactly there.
 */
import type { JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { keyGeneration } from '../api/auth';
import { api, type SearchQuery } from '../api/endpoints';
import type { SearchHit, SearchReply } from '../api/types';
import { ErrorState, Notice } from '../components/states';
import { formatBytes, formatCount } from '../lib/format';
import { hitHref } from '../lib/logLinks';
import { hrefOf, useQuery, type SessionParams } from '../lib/router';
import { useStore } from '../lib/store';
import { useApi } from '../lib/useApi';
import { SessionLayout } from './SessionLayout';

const PAGE_HITS = 100;

/** The search a URL asks for, or null without a query. */
export function searchOf(q: URLSearchParams): SearchQuery | null {
  const text = q.get('q') ?? '';
  if (text === '') return null;
  return {
    q: text,
    regex: q.get('regex') === '1',
    ignoreCase: q.get('case') === 'ignore',
    node: q.get('node') ?? '',
    glob: q.get('glob') ?? '',
    limit: PAGE_HITS,
  };
}

/** Where the query matches in `text`, as [start, end) pairs, for highlighting (none when it cannot tell). */
export function matchSpans(text: string, q: SearchQuery): [number, number][] {
  const spans: [number, number][] = [];
  if (q.regex === true) {
    let re: RegExp;
    try {
      re = new RegExp(q.q, `g${q.ignoreCase === true ? 'i' : ''}u`);
    } catch {
      return []; // RE2 syntax JavaScript does not share: the hit is right, it is just not marked
    }
    for (const m of text.matchAll(re)) {
      if (m[0].length > 0) spans.push([m.index, m.index + m[0].length]);
      if (spans.length >= 50) break;
    }
    return spans;
  }
  const hay = q.ignoreCase === true ? text.toLowerCase() : text;
  const needle = q.ignoreCase === true ? q.q.toLowerCase() : q.q;
  // Lower-casing can change lengths outside ASCII; then mark nothing rather than the wrong letters.
  if (hay.length !== text.length || needle.length !== q.q.length) return [];
  for (let i = hay.indexOf(needle); i >= 0 && spans.length < 50; i = hay.indexOf(needle, i + needle.length)) {
    spans.push([i, i + needle.length]);
  }
  return spans;
}

function Marked(props: { text: string; spans: [number, number][] }) {
  const out: (string | JSX.Element)[] = [];
  let at = 0;
  for (const [a, b] of props.spans) {
    if (a < at) continue;
    out.push(props.text.slice(at, a));
    out.push(<mark key={a}>{props.text.slice(a, b)}</mark>);
    at = b;
  }
  out.push(props.text.slice(at));
  return <>{out}</>;
}

interface Results {
  pages: SearchReply[];
  busy: boolean;
  error: unknown;
}

/** Pages of one search: the first when the query changes, the next on demand. */
function useSearch(s: SessionParams, q: SearchQuery | null) {
  const [r, setR] = useState<Results>({ pages: [], busy: false, error: null });
  const generation = useStore(keyGeneration);
  const ctl = useRef<AbortController | null>(null);
  const key = JSON.stringify(q);
  const load = (cursor: string | undefined, keep: SearchReply[]) => {
    if (q === null) return;
    ctl.current?.abort();
    const c = new AbortController();
    ctl.current = c;
    setR({ pages: keep, busy: true, error: null });
    api.search(s, q, cursor, c.signal).then(
      (page) => c.signal.aborted || setR({ pages: [...keep, page], busy: false, error: null }),
      (error: unknown) => c.signal.aborted || setR({ pages: keep, busy: false, error }),
    );
  };
  useEffect(() => {
    if (q === null) setR({ pages: [], busy: false, error: null });
    else load(undefined, []);
    return () => ctl.current?.abort();
  }, [s.namespace, s.cluster, s.session, key, generation]);
  const last = r.pages.at(-1);
  return {
    ...r,
    next: last?.nextCursor === undefined ? null : () => load(last.nextCursor, r.pages),
    retry: () => load(last?.nextCursor, r.pages),
  };
}

function SearchForm(props: {
  s: SessionParams;
  q: URLSearchParams;
  onSubmit: (v: Record<string, string | null>) => void;
}) {
  const { q } = props;
  const [nodes] = useApi(
    () => api.sessionsShared(props.s.namespace, props.s.cluster),
    [props.s.namespace, props.s.cluster],
  );
  const nodeNames =
    nodes.status === 'ok'
      ? (nodes.data.sessions.find((x) => x.sessionName === props.s.session)?.nodes ?? [])
      : [];
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if ((q.get('q') ?? '') === '') input.current?.focus();
  }, []);
  return (
    <form
      class="search-form"
      role="search"
      aria-label="Search the session's logs"
      onSubmit={(e) => {
        e.preventDefault();
        const f = new FormData(e.currentTarget);
        const v = (k: string) => {
          const value = f.get(k);
          return typeof value === 'string' ? value : '';
        };
        props.onSubmit({
          q: v('q'),
          regex: f.get('regex') === null ? null : '1',
          case: f.get('case') === null ? null : 'ignore',
          node: v('node'),
          glob: v('glob'),
        });
      }}
    >
      <span class="filter grow">
        <label for="s-q">Find</label>
        <input
          id="s-q"
          ref={input}
          name="q"
          type="search"
          required
          maxLength={1000}
          defaultValue={q.get('q') ?? ''}
          placeholder="text, or an RE2 pattern"
          autocomplete="off"
        />
      </span>
      <span class="filter">
        <input id="s-regex" name="regex" type="checkbox" defaultChecked={q.get('regex') === '1'} />
        <label for="s-regex">Regular expression</label>
      </span>
      <span class="filter">
        <input id="s-case" name="case" type="checkbox" defaultChecked={q.get('case') === 'ignore'} />
        <label for="s-case">Ignore case</label>
      </span>
      <span class="filter">
        <label for="s-node">Node</label>
        <select id="s-node" name="node" defaultValue={q.get('node') ?? ''}>
          <option value="">All nodes</option>
          {nodeNames.map((n) => (
            <option key={n} value={n} selected={n === q.get('node')}>
              {n}
            </option>
          ))}
        </select>
      </span>
      <span class="filter">
        <label for="s-glob">Files</label>
        <input
          id="s-glob"
          name="glob"
          type="text"
          defaultValue={q.get('glob') ?? ''}
          placeholder="e.g. worker-*.err"
          size={14}
        />
      </span>
      <button type="submit">Search</button>
    </form>
  );
}

/** Hits in runs of one file, as they come (storage order: node, then file). */
export function byFile(hits: SearchHit[]): { node: string; file: string; hits: SearchHit[] }[] {
  const groups: { node: string; file: string; hits: SearchHit[] }[] = [];
  for (const h of hits) {
    const last = groups.at(-1);
    if (last !== undefined && last.node === h.node && last.file === h.file) last.hits.push(h);
    else groups.push({ node: h.node, file: h.file, hits: [h] });
  }
  return groups;
}

export function SearchView(props: SessionParams) {
  const s = { namespace: props.namespace, cluster: props.cluster, session: props.session };
  const [q, setQuery] = useQuery();
  const search = searchOf(q);
  const r = useSearch(s, search);
  const hits = r.pages.flatMap((p) => p.hits);
  const last = r.pages.at(-1);
  const scanned = r.pages.reduce((n, p) => n + p.scannedBytes, 0);
  const done = last !== undefined && last.nextCursor === undefined;
  return (
    <SessionLayout {...s} current="search">
      <SearchForm key={q.toString()} s={s} q={q} onSubmit={(v) => setQuery(v)} />
      {search === null && (
        <Notice title="Search every log file of the session">
          <p>
            A line matches when it holds the text (or, as a regular expression, the RE2 pattern). Each hit
            opens the file at its line. Long searches come in pages: a page that ran out of time says so and
            continues where it stopped.
          </p>
        </Notice>
      )}
      {search !== null && (
        <div class="search-results" aria-busy={r.busy}>
          <p class="muted count" role="status">
            {r.busy && r.pages.length === 0
              ? 'Searching…'
              : `${formatCount(hits.length)} ${hits.length === 1 ? 'hit' : 'hits'}${done ? '' : ' so far'} · ${formatBytes(scanned)} read`}
          </p>
          {byFile(hits).map((g, i) => (
            <section key={`${i}/${g.node}/${g.file}`} class="hit-file" aria-label={`${g.node}/${g.file}`}>
              <h2 class="hit-file-name mono">
                <span class="muted">{g.node}/</span>
                <a href={hrefOf({ view: 'logs', ...s, node: g.node, file: g.file })}>{g.file}</a>
              </h2>
              <ol class="hits">
                {g.hits.map((h) => (
                  <li key={h.offset}>
                    <a class="hit" href={hitHref(s, h)} aria-label={`line ${h.line} of ${g.file}`}>
                      <span class="ln">{h.line}</span>
                      <span class="lt">
                        <Marked text={h.text} spans={matchSpans(h.text, search)} />
                        {h.truncated === true && <span class="muted"> …</span>}
                      </span>
                    </a>
                  </li>
                ))}
              </ol>
            </section>
          ))}
          {r.error !== null && <ErrorState error={r.error} retry={r.retry} />}
          {r.error === null && last?.partial === true && (
            <Notice title="Partial results — the search stopped early">
              <p>
                This request reached its time or byte budget after reading {formatBytes(last.scannedBytes)};
                the files after that point are not searched yet.{' '}
                <button type="button" onClick={() => r.next?.()} disabled={r.busy}>
                  {r.busy ? 'Continuing…' : 'Continue searching'}
                </button>
              </p>
            </Notice>
          )}
          {r.error === null && last !== undefined && last.partial !== true && r.next !== null && (
            <p>
              <button type="button" onClick={() => r.next?.()} disabled={r.busy}>
                {r.busy ? 'Loading…' : 'More hits'}
              </button>
            </p>
          )}
          {done && hits.length === 0 && (
            <Notice title="No line matches">
              <p>Every log file of the session {search.node ? `on ${search.node} ` : ''}was searched.</p>
            </Notice>
          )}
          {done && hits.length > 0 && <p class="muted">End of the results: every file was searched.</p>}
        </div>
      )}
    </SessionLayout>
  );
}

/**
 * The log viewer: opens a file of any size at its end, reads backwards by byte ranges as one scrolls
 * up, follows a growing file, renders ANSI colours, wraps or not, links lines (`#L…`/`#B…`). It holds
 * a bounded window of pages (log/window.ts), so memory does not grow with how far one scrolls.
 */
import { Component } from 'preact';
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { authHeaders } from '../api/client';
import { apiPaths } from '../api/endpoints';
import { ErrorState, isNotFound, Notice } from '../components/states';
import { formatBytes, formatCount } from '../lib/format';
import { hrefOf, navigate, useLocation, type SessionParams } from '../lib/router';
import { lineEnd, lineStarts, renderAnsi } from './ansi';
import { parseTarget, targetHash, targetSpan, type LogTarget } from './hash';
import { PLAIN, stateKey, type SgrState } from './sgr';
import type { Line } from './lines';
import { countLines, findLine, readAfter, readBefore, readTail, type Chunk } from './reader';
import {
  append,
  atFileEnd,
  atFileStart,
  lineCount,
  openWindow,
  prepend,
  windowEnd,
  windowStart,
  type LogWindow,
  type Page,
} from './window';

/** How often follow mode asks for new bytes. */
export const FOLLOW_INTERVAL_MS = 1000;

interface Props extends SessionParams {
  node: string;
  file: string;
}

type Anchor =
  | { kind: 'line'; off: number; top: number }
  | { kind: 'bottom' }
  /** A target line: a third down the view; the first line of a range: near the top, so the range shows. */
  | { kind: 'target'; off: number; range?: boolean };

const preference = (key: string, fallback: boolean) => {
  try {
    const v = localStorage.getItem(key);
    return v === null ? fallback : v === '1';
  } catch {
    return fallback;
  }
};
const remember = (key: string, v: boolean) => {
  try {
    localStorage.setItem(key, v ? '1' : '0');
  } catch {
    // not kept
  }
};

/** Bytes [from, to) of the file to highlight (a target line, or a failure's range). */
interface Span {
  from: number;
  to: number;
}

const touches = (line: { off: number; end: number }, h: Span | null) =>
  h !== null && line.off < h.to && line.end > h.from;

interface PageProps {
  page: Page;
  firstNo: number | null;
  highlight: Span | null;
  /** The ANSI state the page's first line starts in (carried from the lines above). */
  ansi: SgrState;
}

class PageView extends Component<PageProps> {
  override shouldComponentUpdate(next: PageProps) {
    const p = this.props;
    const end = next.page.lines.at(-1)?.end ?? next.page.end;
    const hl = (h: Span | null) =>
      h !== null && h.from < end && h.to > next.page.start ? `${h.from}-${h.to}` : null;
    return (
      next.page !== p.page ||
      next.firstNo !== p.firstNo ||
      hl(next.highlight) !== hl(p.highlight) ||
      stateKey(next.ansi) !== stateKey(p.ansi)
    );
  }

  override render() {
    const { page, firstNo, highlight, ansi } = this.props;
    const starts = lineStarts(page.lines, ansi);
    return (
      <div class="log-page">
        {page.lines.map((line, i) => (
          <LineView
            key={line.off}
            line={line}
            no={firstNo === null ? null : firstNo + i}
            highlight={touches(line, highlight)}
            ansi={starts[i] ?? PLAIN}
          />
        ))}
      </div>
    );
  }
}

/** The ANSI state each page starts in: carried from the window's first line down. */
function pageStarts(pages: readonly Page[]): SgrState[] {
  const out: SgrState[] = [];
  let s: SgrState = PLAIN;
  for (const p of pages) {
    out.push(s);
    for (const l of p.lines) s = lineEnd(l, s);
  }
  return out;
}

function LineView(props: { line: Line; no: number | null; highlight: boolean; ansi: SgrState }) {
  const { line, no } = props;
  const target: LogTarget = no === null ? { byte: line.off } : { line: no };
  return (
    <div
      class={`log-line${props.highlight ? ' hl' : ''}${line.cut === true ? ' cut' : ''}`}
      data-off={line.off}
    >
      <a
        class="ln"
        href={targetHash(target)}
        tabIndex={-1}
        aria-label={no === null ? `byte ${line.off}` : `line ${no}`}
      >
        {no ?? ''}
      </a>
      <span class="lt">{renderAnsi(line.text, props.ansi)}</span>
    </div>
  );
}

/** The line element at or below the top of the scroller, and how far below the top it is. */
function topLine(scroller: HTMLElement): Anchor | null {
  const lines = scroller.querySelectorAll<HTMLElement>('.log-line');
  let lo = 0;
  let hi = lines.length - 1;
  const y = scroller.scrollTop;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const el = lines[mid]!;
    if (el.offsetTop + el.offsetHeight <= y) lo = mid + 1;
    else hi = mid;
  }
  const el = lines[lo];
  return el === undefined ? null : { kind: 'line', off: Number(el.dataset.off), top: el.offsetTop - y };
}

export function LogViewer(props: Props) {
  const { node, file } = props;
  const url = apiPaths.log(props, node, file);
  const loc = useLocation();
  const target = parseTarget(loc.hash);
  const [win, setWin] = useState<LogWindow | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<'open' | 'before' | 'after' | null>('open');
  const [wrap, setWrapState] = useState(() => preference('ray-history.wrap', false));
  const [follow, setFollow] = useState(false);
  const [counting, setCounting] = useState<number | null>(null);
  const [highlight, setHighlight] = useState<Span | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const anchor = useRef<Anchor | null>(null);
  const winRef = useRef(win);
  winRef.current = win;
  const busyRef = useRef(busy);
  busyRef.current = busy;

  const fail = useCallback((err: unknown) => {
    if (err instanceof DOMException && err.name === 'AbortError') return;
    setError(err);
    setBusy(null);
  }, []);

  /** Opens the window at the file's end, at a line, or at a byte. */
  const open = useCallback(
    async (at: LogTarget | null, signal?: AbortSignal) => {
      setBusy('open');
      setError(null);
      try {
        let chunk: Chunk | null;
        let firstNo: number | null = null;
        if (at === null) {
          chunk = await readTail(url, signal);
          anchor.current = { kind: 'bottom' };
        } else {
          const off = 'byte' in at ? at.byte : await findLine(url, at.line, signal);
          if (off === null) {
            chunk = await readTail(url, signal);
            anchor.current = { kind: 'bottom' };
          } else {
            // The lines before the target too (one more range read), so it opens with context above it.
            const [before, after] = await Promise.all([
              off > 0 ? readBefore(url, off, signal) : null,
              readAfter(url, off, null, signal),
            ]);
            chunk =
              after === null || before === null
                ? after
                : { ...after, lines: [...before.lines, ...after.lines], start: before.start };
            if (at.line !== undefined) firstNo = at.line - (before?.lines.length ?? 0);
            anchor.current = {
              kind: 'target',
              off: after?.lines[0]?.off ?? off,
              range: 'byte' in at && at.end !== undefined,
            };
            setHighlight(targetSpan(at, off));
          }
        }
        if (chunk === null) return;
        const w = openWindow(chunk.lines, chunk.start, chunk.end, chunk);
        setWin(firstNo !== null && w.firstLineNo === null ? { ...w, firstLineNo: firstNo } : w);
        setBusy(null);
      } catch (err) {
        fail(err);
      }
    },
    [url, fail],
  );

  // A new file, or a line link outside what is held: open again.
  const targetKey = target === null ? '' : targetHash(target);
  useEffect(() => {
    const w = winRef.current;
    if (target !== null && w !== null && w.pages.length > 0) {
      const inWindow = findTarget(w, target);
      if (inWindow !== null) {
        setHighlight(targetSpan(target, inWindow));
        anchor.current = {
          kind: 'target',
          off: inWindow,
          range: 'byte' in target && target.end !== undefined,
        };
        setWin({ ...w });
        return;
      }
    }
    if (target === null && w !== null) return; // the hash was cleared: keep the place
    const ctl = new AbortController();
    void open(target, ctl.signal);
    return () => ctl.abort();
    // Opens again only for another file or another target, not for every render.
  }, [url, targetKey]);

  useEffect(() => {
    setWin(null);
    setFollow(false);
    setHighlight(null);
  }, [url]);

  // Put the view where it belongs after the window changed: same line at the same place, the bottom, or a target.
  useLayoutEffect(() => {
    const el = scroller.current;
    const a = anchor.current;
    anchor.current = null;
    if (el === null || a === null) return;
    if (a.kind === 'bottom') el.scrollTop = el.scrollHeight;
    else {
      const line = el.querySelector<HTMLElement>(`.log-line[data-off="${a.off}"]`);
      if (line === null) return;
      el.scrollTop =
        a.kind === 'line'
          ? line.offsetTop - a.top
          : line.offsetTop - (a.range === true ? 2 * line.offsetHeight : el.clientHeight / 3);
    }
  }, [win, wrap]);

  const loadBefore = useCallback(async () => {
    const w = winRef.current;
    if (w === null || busyRef.current !== null || atFileStart(w)) return;
    setBusy('before');
    busyRef.current = 'before';
    try {
      const chunk = await readBefore(url, windowStart(w));
      const current = winRef.current;
      if (current === null || windowStart(current) !== windowStart(w)) return setBusy(null);
      if (scroller.current !== null) anchor.current = topLine(scroller.current);
      setWin(prepend(current, chunk.lines, chunk.start));
      setBusy(null);
    } catch (err) {
      fail(err);
    }
  }, [url, fail]);

  const loadAfter = useCallback(
    async (polling: boolean) => {
      const w = winRef.current;
      if (w === null || busyRef.current !== null || (!polling && atFileEnd(w))) return;
      if (!polling) {
        setBusy('after');
        busyRef.current = 'after';
      }
      try {
        const chunk = await readAfter(url, windowEnd(w), polling ? w.etag : null);
        const current = winRef.current;
        if (current !== w) return polling || setBusy(null);
        if (chunk === null) return; // not modified
        const el = scroller.current;
        if (el !== null) {
          const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 8;
          anchor.current = polling && atBottom ? { kind: 'bottom' } : topLine(el);
        }
        setWin(
          chunk.lines.length === 0
            ? { ...w, size: chunk.size, etag: chunk.etag }
            : append(w, chunk.lines, chunk.end, chunk),
        );
        if (!polling) setBusy(null);
      } catch (err) {
        if (polling) setFollow(false);
        fail(err);
      }
    },
    [url, fail],
  );

  // Follow: poll for appended bytes; the view stays at the bottom while it is there.
  useEffect(() => {
    if (!follow) return;
    let stop = false;
    let timer: ReturnType<typeof setTimeout>;
    const tick = async () => {
      await loadAfter(true);
      if (!stop) timer = setTimeout(() => void tick(), FOLLOW_INTERVAL_MS);
    };
    void tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [follow, loadAfter]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    const w = winRef.current;
    if (el === null || w === null) return;
    const below = el.scrollHeight - el.scrollTop - el.clientHeight;
    if (el.scrollTop < el.clientHeight * 1.5 && !atFileStart(w)) void loadBefore();
    else if (below < el.clientHeight * 1.5 && !atFileEnd(w)) void loadAfter(false);
  }, [loadBefore, loadAfter]);

  const setWrap = (v: boolean) => {
    if (scroller.current !== null) anchor.current = topLine(scroller.current);
    setWrapState(v);
    remember('ray-history.wrap', v);
  };
  const toggleFollow = () => {
    const w = winRef.current;
    if (!follow && w !== null && !atFileEnd(w)) void open(null);
    else if (!follow && scroller.current !== null) scroller.current.scrollTop = scroller.current.scrollHeight;
    setFollow(!follow);
  };
  const goStart = () => {
    setFollow(false);
    navigate(`${location.pathname}${location.search}`, { replace: true });
    void open({ byte: 0 });
  };
  const goEnd = () => {
    navigate(`${location.pathname}${location.search}`, { replace: true });
    void open(null);
  };
  const numberLines = async () => {
    const w = winRef.current;
    if (w === null) return;
    setCounting(0);
    try {
      const n = await countLines(url, windowStart(w), setCounting);
      setWin((cur) =>
        cur !== null && windowStart(cur) === windowStart(w) ? { ...cur, firstLineNo: n + 1 } : cur,
      );
    } catch (err) {
      fail(err);
    } finally {
      setCounting(null);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    if (e.target instanceof HTMLInputElement || e.metaKey || e.ctrlKey || e.altKey) return;
    const keys: Record<string, () => void> = {
      w: () => setWrap(!wrap),
      f: toggleFollow,
      Home: goStart,
      End: goEnd,
    };
    const act = keys[e.key];
    if (act === undefined) return;
    e.preventDefault();
    act();
  };

  const key = authHeaders()['x-functions-key'];
  const download = `${url}?download=1${key === undefined ? '' : `&code=${encodeURIComponent(key)}`}`;
  const name = file.split('/').pop() ?? file;
  const lines = win === null ? 0 : lineCount(win);
  let lineNo = win?.firstLineNo ?? null;
  const ansiStarts = win === null ? [] : pageStarts(win.pages);

  if (error !== null && isNotFound(error)) {
    return (
      <div class="viewer">
        <Notice title="No such file" tone="error">
          <p>
            Node {node} has no file {file} in this session.{' '}
            <a
              href={hrefOf({
                view: 'logs',
                namespace: props.namespace,
                cluster: props.cluster,
                session: props.session,
              })}
            >
              Back to the files
            </a>
          </p>
        </Notice>
      </div>
    );
  }

  return (
    <div class="viewer" onKeyDown={onKey}>
      <div class="viewer-bar" role="toolbar" aria-label="Log viewer">
        <h2 class="viewer-title mono" title={`${node}/${file}`}>
          {name}
        </h2>
        <button type="button" aria-pressed={wrap} onClick={() => setWrap(!wrap)} title="Wrap long lines (w)">
          Wrap
        </button>
        <button
          type="button"
          aria-pressed={follow}
          onClick={toggleFollow}
          title="Show new lines as they arrive (f)"
        >
          Follow
        </button>
        <button type="button" onClick={goStart} title="The file's first lines (Home)">
          Start
        </button>
        <button type="button" onClick={goEnd} title="The file's last lines (End)">
          End
        </button>
        {win !== null && win.firstLineNo === null && (
          <button
            type="button"
            onClick={() => void numberLines()}
            disabled={counting !== null}
            title="Count the lines before these to number them"
          >
            {counting === null ? 'Number lines' : `Counting… ${formatBytes(counting)}`}
          </button>
        )}
        <a class="button" href={download} download={name}>
          Download
        </a>
      </div>
      <p class="viewer-status muted" aria-live="polite">
        {win === null
          ? busy === 'open'
            ? 'Opening…'
            : ''
          : win.size === 0
            ? 'The file is empty.'
            : `${formatCount(lines)} lines held · bytes ${formatCount(windowStart(win))}–${formatCount(heldEnd(win))} of ${formatBytes(win.size)}${
                busy === 'before' || busy === 'after' ? ' · reading…' : ''
              }${follow ? ' · following' : ''}`}
      </p>
      {error !== null && <ErrorState error={error} retry={() => void open(target)} />}
      <div
        ref={scroller}
        class={`log${wrap ? ' wrap' : ''}`}
        tabIndex={0}
        role="region"
        aria-label={`Lines of ${name}`}
        aria-busy={busy !== null}
        onScroll={onScroll}
      >
        {win !== null && atFileStart(win) && win.size > 0 && <div class="log-edge">start of file</div>}
        {win?.pages.map((p, i) => {
          const first = lineNo;
          if (lineNo !== null) lineNo += p.lines.length;
          return (
            <PageView
              key={p.start}
              page={p}
              firstNo={first}
              highlight={highlight}
              ansi={ansiStarts[i] ?? PLAIN}
            />
          );
        })}
      </div>
    </div>
  );
}

/** Offset after the last byte held (an open last line included). */
function heldEnd(w: LogWindow): number {
  return w.pages.at(-1)?.lines.at(-1)?.end ?? windowEnd(w);
}

/** The offset of the held line a target names, or null when it is not held. */
function findTarget(w: LogWindow, t: LogTarget): number | null {
  let no = w.firstLineNo;
  for (const p of w.pages) {
    for (const l of p.lines) {
      if ('byte' in t ? l.off <= t.byte && t.byte < l.end : no === t.line) return l.off;
      if (no !== null) no++;
    }
  }
  return null;
}

/**
 * The part of a log file the viewer holds: a few consecutive pages of lines, by byte offset. Reading
 * further in one direction drops pages at the other end, so what the page holds stays bounded however
 * far a person scrolls (the file may be many GB).
 */
import type { Line } from './lines';

export interface Page {
  lines: Line[];
  /** Offset of the first line. */
  start: number;
  /** Offset after the last complete line (an open last line starts here). */
  end: number;
}

export interface LogWindow {
  pages: Page[];
  /** Line number (1-based) of the first line held; null until the window reaches the file's start. */
  firstLineNo: number | null;
  /** The file's size when last read, and its ETag (for follow polling). */
  size: number;
  etag: string | null;
}

/** Pages held at most, and lines in a page at most: together they bound the page's memory. */
export const MAX_PAGES = 6;
export const MAX_PAGE_LINES = 1000;

export const windowStart = (w: LogWindow) => w.pages[0]?.start ?? 0;
export const windowEnd = (w: LogWindow) => w.pages[w.pages.length - 1]?.end ?? 0;
export const atFileStart = (w: LogWindow) => windowStart(w) === 0;
/** The window holds the file's end (every byte up to `size`, an open last line included). */
export const atFileEnd = (w: LogWindow) => {
  const last = w.pages[w.pages.length - 1]?.lines.at(-1);
  return (last?.open === true ? last.end : windowEnd(w)) >= w.size;
};
export const lineCount = (w: LogWindow) => w.pages.reduce((n, p) => n + p.lines.length, 0);

function pagesOf(lines: Line[], start: number, end: number): Page[] {
  const pages: Page[] = [];
  for (let i = 0; i < lines.length; i += MAX_PAGE_LINES) {
    const part = lines.slice(i, i + MAX_PAGE_LINES);
    const last = part[part.length - 1];
    pages.push({
      lines: part,
      start: part[0]?.off ?? start,
      end: i + MAX_PAGE_LINES >= lines.length ? end : (last?.end ?? end),
    });
  }
  return pages;
}

/** A window of just these lines (the first read). */
export function openWindow(
  lines: Line[],
  start: number,
  end: number,
  file: { size: number; etag: string | null },
): LogWindow {
  const pages = pagesOf(lines, start, end).slice(-MAX_PAGES);
  return { pages, firstLineNo: start === 0 ? 1 : null, size: file.size, etag: file.etag };
}

/** Lines read before the window (ending at its start): kept in front, pages dropped at the end. */
export function prepend(w: LogWindow, lines: Line[], start: number): LogWindow {
  if (lines.length === 0) return w;
  const added = pagesOf(lines, start, windowStart(w));
  const keepAdded = added.slice(-MAX_PAGES);
  const pages = [...keepAdded, ...w.pages].slice(0, MAX_PAGES);
  const addedLines = keepAdded.reduce((n, p) => n + p.lines.length, 0);
  const firstLineNo =
    keepAdded[0]?.start === 0 ? 1 : w.firstLineNo === null ? null : w.firstLineNo - addedLines;
  return { ...w, pages, firstLineNo };
}

/**
 * Lines read after the window's last complete line (so an open last line is replaced by its longer
 * self): kept at the end, pages dropped at the front.
 */
export function append(
  w: LogWindow,
  lines: Line[],
  end: number,
  file: { size: number; etag: string | null },
): LogWindow {
  const pages = w.pages.map((p, i) =>
    i === w.pages.length - 1 && p.lines.at(-1)?.open === true ? { ...p, lines: p.lines.slice(0, -1) } : p,
  );
  const lastPage = pages[pages.length - 1];
  let merged = pages;
  if (lines.length > 0) {
    // Fill the last page before starting new ones, so follow mode does not make a page per poll.
    const room = lastPage === undefined ? 0 : MAX_PAGE_LINES - lastPage.lines.length;
    const head = lines.slice(0, room);
    const rest = lines.slice(room);
    const filled =
      lastPage === undefined || head.length === 0
        ? pages
        : [
            ...pages.slice(0, -1),
            {
              ...lastPage,
              lines: [...lastPage.lines, ...head],
              end: rest.length === 0 ? end : (head.at(-1)?.end ?? end),
            },
          ];
    merged = [...filled, ...pagesOf(rest, head.at(-1)?.end ?? windowEnd(w), end)];
  } else if (lastPage !== undefined) {
    merged = [...pages.slice(0, -1), { ...lastPage, end }];
  }
  const dropped = merged.slice(0, Math.max(0, merged.length - MAX_PAGES));
  const kept = merged.slice(dropped.length);
  const droppedLines = dropped.reduce((n, p) => n + p.lines.length, 0);
  return {
    pages: kept,
    firstLineNo: w.firstLineNo === null ? null : w.firstLineNo + droppedLines,
    size: file.size,
    etag: file.etag,
  };
}

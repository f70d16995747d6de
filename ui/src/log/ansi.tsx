/**
 * ANSI colours and styles of log lines as Preact elements (log/sgr.ts parses them). The 16 basic
 * colours are classes, so each theme picks readable shades; 256-colour and true-colour values are
 * inline colours. Text is never HTML: nothing in a log can inject markup. A style opened on one line
 * carries to the following ones (`lineStarts`), as in a terminal.
 */
import type { JSX } from 'preact';
import type { Line } from './lines';
import { isPlain, parseSgr, PLAIN, stateKey, type Colour, type SgrState } from './sgr';

export { paletteRgb } from './sgr';

const ESC = '\u001b';

function styleOf(s: SgrState): { class?: string; style?: Record<string, string> } {
  const classes: string[] = [];
  const style: Record<string, string> = {};
  const put = (c: Colour | null, side: 'fg' | 'bg') => {
    if (c === null) return;
    if ('cls' in c) classes.push(`ansi-${c.cls}-${side}`);
    else style[side === 'fg' ? 'color' : 'backgroundColor'] = c.css;
  };
  put(s.fg, 'fg');
  put(s.bg, 'bg');
  for (const d of s.decorations) classes.push(`ansi-${d}`);
  return {
    ...(classes.length > 0 && { class: classes.join(' ') }),
    ...(Object.keys(style).length > 0 && { style }),
  };
}

/** The line's text with its ANSI styling, starting in `start`; plain text as it is when unstyled. */
export function renderAnsi(text: string, start: SgrState = PLAIN): string | JSX.Element[] {
  if (!text.includes(ESC) && isPlain(start)) return text;
  return parseSgr(text, start).segments.map((seg, i) => (
    <span key={i} {...styleOf(seg.state)}>
      {seg.text}
    </span>
  ));
}

const ends = new WeakMap<Line, { from: string; end: SgrState }>();

/** The state a line ends in, starting in `start` (kept per line, so scrolling does not parse again). */
export function lineEnd(line: Line, start: SgrState): SgrState {
  if (!line.text.includes(ESC)) return start;
  const from = stateKey(start);
  const kept = ends.get(line);
  if (kept?.from === from) return kept.end;
  const end = parseSgr(line.text, start).end;
  ends.set(line, { from, end });
  return end;
}

/**
 * The state each line starts in, carried from `start` (the window's first line; what came before the
 * window is not read, so it starts plain).
 */
export function lineStarts(lines: readonly Line[], start: SgrState = PLAIN): SgrState[] {
  const out: SgrState[] = [];
  let s = start;
  for (const l of lines) {
    out.push(s);
    s = lineEnd(l, s);
  }
  return out;
}

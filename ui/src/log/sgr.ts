/**
 * ANSI styling (SGR, `ESC [ … m`) as a state that a line starts in and ends in, so a colour opened on
 * one line carries to the next ones, as a terminal shows it. Other control sequences (`ESC [ K`, cursor
 * moves) are dropped: a viewer cannot act on them. Written here (~100 lines) rather than taken from
 * anser: carrying styling across lines needs the parser's state at a line's end and a way to start the
 * next line in it, and anser keeps that state only in undeclared fields.
 */

/** A colour: a class the theme shades (`red`, `bright-red`), or a CSS colour (`rgb(…)`). */
export type Colour = { cls: string } | { css: string };

export interface SgrState {
  fg: Colour | null;
  bg: Colour | null;
  /** bold, dim, italic, underline, blink, reverse, hidden, strikethrough: in the order turned on. */
  decorations: readonly string[];
}

export const PLAIN: SgrState = { fg: null, bg: null, decorations: [] };

export const isPlain = (s: SgrState) => s.fg === null && s.bg === null && s.decorations.length === 0;

/** A stable text form of a state (to compare and memoise). */
export const stateKey = (s: SgrState) => JSON.stringify(s);

const NAMES = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white'];
const DECORATIONS: Record<number, string> = {
  1: 'bold',
  2: 'dim',
  3: 'italic',
  4: 'underline',
  5: 'blink',
  7: 'reverse',
  8: 'hidden',
  9: 'strikethrough',
};
const OFF: Record<number, string[]> = {
  21: ['bold'],
  22: ['bold', 'dim'],
  23: ['italic'],
  24: ['underline'],
  25: ['blink'],
  27: ['reverse'],
  28: ['hidden'],
  29: ['strikethrough'],
};

/** xterm's 256-colour palette, from index 16 (6×6×6 cube, then 24 greys). */
export function paletteRgb(i: number): string {
  if (i >= 232) {
    const v = 8 + (i - 232) * 10;
    return `rgb(${v}, ${v}, ${v})`;
  }
  const n = i - 16;
  const level = (c: number) => (c === 0 ? 0 : 55 + c * 40);
  return `rgb(${level(Math.floor(n / 36))}, ${level(Math.floor(n / 6) % 6)}, ${level(n % 6)})`;
}

const basic = (i: number, bright: boolean): Colour => ({ cls: `${bright ? 'bright-' : ''}${NAMES[i]}` });
const byte = (s: string | undefined) => {
  const n = Number(s);
  return s !== undefined && s !== '' && Number.isInteger(n) && n >= 0 && n <= 255 ? n : null;
};

/** An extended colour (`38;5;n`, `38;2;r;g;b`) from `codes` after the 38/48; null when malformed. */
function extended(codes: string[]): Colour | null {
  const mode = codes.shift();
  if (mode === '5') {
    const n = byte(codes.shift());
    if (n === null) return null;
    return n < 16 ? basic(n % 8, n >= 8) : { css: paletteRgb(n) };
  }
  if (mode === '2') {
    const [r, g, b] = [byte(codes.shift()), byte(codes.shift()), byte(codes.shift())];
    return r === null || g === null || b === null ? null : { css: `rgb(${r}, ${g}, ${b})` };
  }
  return null;
}

/** The state after the SGR parameters `params` (`1;31`, `` = reset). */
export function applySgr(state: SgrState, params: string): SgrState {
  let { fg, bg } = state;
  let decorations = [...state.decorations];
  const codes = params.split(/[;:]/);
  while (codes.length > 0) {
    const c = codes.shift()!;
    const n = c === '' ? 0 : Number(c);
    if (n === 0) [fg, bg, decorations] = [null, null, []];
    else if (DECORATIONS[n] !== undefined) {
      if (!decorations.includes(DECORATIONS[n])) decorations.push(DECORATIONS[n]);
    } else if (OFF[n] !== undefined) decorations = decorations.filter((d) => !OFF[n]!.includes(d));
    else if (n >= 30 && n <= 37) fg = basic(n - 30, false);
    else if (n >= 90 && n <= 97) fg = basic(n - 90, true);
    else if (n >= 40 && n <= 47) bg = basic(n - 40, false);
    else if (n >= 100 && n <= 107) bg = basic(n - 100, true);
    else if (n === 39) fg = null;
    else if (n === 49) bg = null;
    else if (n === 38) fg = extended(codes) ?? fg;
    else if (n === 48) bg = extended(codes) ?? bg;
  }
  return { fg, bg, decorations };
}

export interface Segment {
  text: string;
  state: SgrState;
}

// eslint-disable-next-line no-control-regex
const CSI = /\u001b\[([0-9;:?<=>!]*)([\x20-\x2f]*)([\x40-\x7e])/g;

/** The line's text in runs of one style, starting in `start`, and the state it ends in. */
export function parseSgr(text: string, start: SgrState = PLAIN): { segments: Segment[]; end: SgrState } {
  const segments: Segment[] = [];
  let state = start;
  let at = 0;
  for (const m of text.matchAll(CSI)) {
    if (m.index > at) segments.push({ text: text.slice(at, m.index), state });
    at = m.index + m[0].length;
    if (m[3] === 'm' && m[2] === '' && !/^[?<=>!]/.test(m[1]!)) state = applySgr(state, m[1]!);
  }
  if (at < text.length) segments.push({ text: text.slice(at), state });
  return { segments, end: state };
}

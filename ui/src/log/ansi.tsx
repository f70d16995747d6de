/**
 * ANSI colours and styles (SGR) of a log line as Preact elements, parsed by anser. The 16 basic
 * colours are classes, so each theme picks readable shades; 256-colour and true-colour values are
 * inline colours. Text is never HTML: nothing in a log can inject markup.
 */
import Anser from 'anser';
import type { JSX } from 'preact';

const ESC = '\u001b';

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

function colour(value: string | null, truecolor: string | null): { cls?: string; css?: string } {
  if (value === null || value === '') return {};
  if (value === 'ansi-truecolor') return truecolor === null ? {} : { css: `rgb(${truecolor})` };
  const palette = /^ansi-palette-(\d+)$/.exec(value);
  if (palette !== null) return { css: paletteRgb(Number(palette[1])) };
  return { cls: value };
}

/** The line's text with its ANSI styling; plain text as it is when it has no escape. */
export function renderAnsi(text: string): string | JSX.Element[] {
  if (!text.includes(ESC)) return text;
  return Anser.ansiToJson(text, { use_classes: true, remove_empty: true }).map((part, i) => {
    const fg = colour(part.fg, part.fg_truecolor);
    const bg = colour(part.bg, part.bg_truecolor);
    const classes = [
      fg.cls !== undefined && `${fg.cls}-fg`,
      bg.cls !== undefined && `${bg.cls}-bg`,
      ...part.decorations.map((d) => `ansi-${d}`),
    ].filter(Boolean);
    const style: Record<string, string> = {};
    if (fg.css !== undefined) style.color = fg.css;
    if (bg.css !== undefined) style.backgroundColor = bg.css;
    if (classes.length === 0 && Object.keys(style).length === 0) return <span key={i}>{part.content}</span>;
    return (
      <span key={i} class={classes.join(' ')} style={style}>
        {part.content}
      </span>
    );
  });
}

import { describe, expect, it } from 'vitest';
import type { VNode } from 'preact';
import { lineStarts, paletteRgb, renderAnsi } from './ansi';
import { applySgr, parseSgr, PLAIN } from './sgr';

type Span = VNode<{ class?: string; style?: Record<string, string>; children?: string }>;

const line = (text: string, off = 0) => ({ off, end: off + text.length + 1, text });

describe('renderAnsi', () => {
  it('turns SGR colours into classes the theme colours, and drops the escapes', () => {
    const parts = renderAnsi('\u001b[1;31mERROR\u001b[0m done') as Span[];
    expect(parts.map((p) => p.props.children)).toEqual(['ERROR', ' done']);
    expect(parts[0]?.props.class).toBe('ansi-red-fg ansi-bold');
    expect(parts[1]?.props.class).toBeUndefined();
  });

  it('gives 256-colour and true-colour values as inline colours, the first 16 as classes', () => {
    const [p256] = renderAnsi('\u001b[38;5;196mx') as Span[];
    expect(p256?.props.style).toEqual({ color: paletteRgb(196) });
    expect(paletteRgb(196)).toBe('rgb(255, 0, 0)');
    const [rgb] = renderAnsi('\u001b[48;2;1;2;3my') as Span[];
    expect(rgb?.props.style).toEqual({ backgroundColor: 'rgb(1, 2, 3)' });
    const [bright] = renderAnsi('\u001b[38;5;9mz\u001b[0m') as Span[];
    expect(bright?.props.class).toBe('ansi-bright-red-fg');
  });

  it('leaves text without escapes as it is (markup included: it is text, never HTML)', () => {
    expect(renderAnsi('<b>not bold</b>')).toBe('<b>not bold</b>');
  });

  it('drops control sequences that are not SGR (erase line, cursor moves) and keeps the style', () => {
    const parts = renderAnsi('\u001b[32mok\u001b[K then\u001b[2A') as Span[];
    expect(parts.map((p) => [p.props.children, p.props.class])).toEqual([
      ['ok', 'ansi-green-fg'],
      [' then', 'ansi-green-fg'],
    ]);
  });
});

describe('SGR state', () => {
  it('adds and removes styles as a terminal does', () => {
    let s = applySgr(PLAIN, '1;4;31;42');
    expect(s).toEqual({ fg: { cls: 'red' }, bg: { cls: 'green' }, decorations: ['bold', 'underline'] });
    s = applySgr(s, '22;39');
    expect(s).toEqual({ fg: null, bg: { cls: 'green' }, decorations: ['underline'] });
    expect(applySgr(s, '')).toEqual(PLAIN);
    expect(applySgr(PLAIN, '38;5')).toEqual(PLAIN); // malformed: nothing changes
    expect(applySgr(PLAIN, '97;104')).toEqual({
      fg: { cls: 'bright-white' },
      bg: { cls: 'bright-blue' },
      decorations: [],
    });
  });

  it('ends a line in the state its last sequence left', () => {
    expect(parseSgr('\u001b[33mwarning: ').end).toEqual({ fg: { cls: 'yellow' }, bg: null, decorations: [] });
    expect(parseSgr('plain').end).toBe(PLAIN);
  });

  it('carries a style across lines until it is reset', () => {
    const lines = [
      line('\u001b[31mTraceback:'),
      line('  File "x.py"', 12),
      line('Error\u001b[0m', 26),
      line('after', 40),
    ];
    const starts = lineStarts(lines);
    expect(starts.map((s) => s.fg)).toEqual([null, { cls: 'red' }, { cls: 'red' }, null]);
    const second = renderAnsi(lines[1]!.text, starts[1]) as Span[];
    expect(second.map((p) => [p.props.children, p.props.class])).toEqual([['  File "x.py"', 'ansi-red-fg']]);
    expect(renderAnsi(lines[3]!.text, starts[3])).toBe('after');
  });
});

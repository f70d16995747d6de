import { describe, expect, it } from 'vitest';
import type { VNode } from 'preact';
import { paletteRgb, renderAnsi } from './ansi';

type Span = VNode<{ class?: string; style?: Record<string, string>; children?: string }>;

describe('renderAnsi', () => {
  it('turns SGR colours into classes the theme colours, and drops the escapes', () => {
    const parts = renderAnsi('\u001b[1;31mERROR\u001b[0m done') as Span[];
    expect(parts.map((p) => p.props.children)).toEqual(['ERROR', ' done']);
    expect(parts[0]?.props.class).toBe('ansi-red-fg ansi-bold');
  });

  it('gives 256-colour and true-colour values as inline colours', () => {
    const [p256] = renderAnsi('\u001b[38;5;196mx') as Span[];
    expect(p256?.props.style).toEqual({ color: paletteRgb(196) });
    expect(paletteRgb(196)).toBe('rgb(255, 0, 0)');
    const [rgb] = renderAnsi('\u001b[48;2;1;2;3my') as Span[];
    expect(rgb?.props.style).toEqual({ backgroundColor: 'rgb(1, 2, 3)' });
  });

  it('leaves text without escapes as it is (markup included: it is text, never HTML)', () => {
    expect(renderAnsi('<b>not bold</b>')).toBe('<b>not bold</b>');
  });
});

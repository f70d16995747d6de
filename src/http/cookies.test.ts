import { describe, expect, it } from 'vitest';
import { parseCookies } from './cookies.js';

describe('parseCookies', () => {
  it('reads name=value pairs, unquotes and percent-decodes, first duplicate wins', () => {
    const c = parseCookies(
      'cluster_name=rc; cluster_namespace="default"; session_name=s%5F1; x=1; x=2; bad; =v',
    );
    expect(Object.fromEntries(c)).toEqual({
      cluster_name: 'rc',
      cluster_namespace: 'default',
      session_name: 's_1',
      x: '1',
    });
    expect(parseCookies(null).size).toBe(0);
    expect(parseCookies('a=%E0%A4%A').get('a')).toBe('%E0%A4%A');
  });
});

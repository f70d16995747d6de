import { describe, expect, it } from 'vitest';
import { decodePathSegment, matchRoute, parseRouteTemplate, RouteTemplateError } from './routeTemplate.js';
import { matchBlobPath, parseBlobPath, resolveSettingTokens } from './blobPath.js';
import { parseTimeSpan } from './hostJson.js';

const match = (template: string, path: string) => matchRoute(parseRouteTemplate(template), path.split('/'));

describe('route templates', () => {
  it('matches parameters, literals case-insensitively, and catch-alls (also empty)', () => {
    expect(match('api/items/{id}', 'API/Items/42')).toEqual({ id: '42' });
    expect(match('api/f/{ns}/{*rest}', 'api/f/a/b/c')).toEqual({ ns: 'a', rest: 'b/c' });
    expect(match('api/f/{ns}/{**rest}', 'api/f/a')).toEqual({ ns: 'a' });
    expect(match('api/items/{id}', 'api/items')).toBeNull();
    expect(match('api/items/{id}', 'api/items/1/2')).toBeNull();
  });

  it('handles optional parameters, defaults and complex segments', () => {
    expect(match('a/{x?}', 'a')).toEqual({});
    expect(match('a/{x=dflt}', 'a')).toEqual({ x: 'dflt' });
    expect(match('a/{name}.{ext}', 'a/file.tar.gz')).toEqual({ name: 'file', ext: 'tar.gz' });
  });

  it('applies constraints', () => {
    expect(match('n/{v:int}', 'n/-12')).toEqual({ v: '-12' });
    expect(match('n/{v:int}', 'n/2147483648')).toBeNull();
    expect(match('n/{v:long}', 'n/2147483648')).toEqual({ v: '2147483648' });
    expect(match('n/{v:bool}', 'n/TRUE')).toEqual({ v: 'TRUE' });
    expect(match('n/{v:guid}', 'n/not-a-guid')).toBeNull();
    expect(match('n/{v:alpha:minlength(2)}', 'n/a')).toBeNull();
    expect(match('n/{v:range(1,5)}', 'n/5')).toEqual({ v: '5' });
    expect(match('n/{v:range(1,5)}', 'n/6')).toBeNull();
    expect(match('n/{v:regex(^[a-z]{{2}}\\d$)}', 'n/ab1')).toEqual({ v: 'ab1' });
  });

  it('rejects templates ASP.NET Core refuses', () => {
    expect(() => parseRouteTemplate('a/{*x}/b')).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate('a/{x}/{x}')).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate('a/{x:nosuch}')).toThrow(RouteTemplateError);
    expect(() => parseRouteTemplate('a/{x')).toThrow(RouteTemplateError);
  });

  it('decodes a segment once, keeping %2F encoded and malformed escapes as they are', () => {
    expect(decodePathSegment('a%20b')).toBe('a b');
    expect(decodePathSegment('a%2Fb%2fc')).toBe('a%2Fb%2fc');
    expect(decodePathSegment('%252e')).toBe('%2e');
    expect(decodePathSegment('%zz%')).toBe('%zz%');
    expect(decodePathSegment('%C3%A9')).toBe('é');
  });
});

describe('blob trigger paths', () => {
  it('resolves %SETTING% tokens and names a missing one', () => {
    expect(resolveSettingTokens('%C%/{name}', { C: 'box' })).toBe('box/{name}');
    expect(() => resolveSettingTokens('%MISSING%/x', {})).toThrow(/MISSING/);
  });

  it('matches greedy, anchored, case-sensitive parameters', () => {
    const p = parseBlobPath('c/log/{cluster}/{rest}');
    expect(p).toMatchObject({ container: 'c', prefix: 'log/' });
    expect(matchBlobPath(p, 'log/a/b/c')).toEqual({ cluster: 'a/b', rest: 'c' });
    expect(matchBlobPath(p, 'LOG/a/b')).toBeNull();
    expect(matchBlobPath(parseBlobPath('c/{{x}}/{n}'), '{x}/y')).toEqual({ n: 'y' });
    expect(matchBlobPath(parseBlobPath('c'), 'anything/at/all')).toEqual({});
  });

  it('requires a literal container', () => {
    expect(() => parseBlobPath('{c}/x')).toThrow(/literal/);
  });
});

describe('host.json time spans', () => {
  it('parses hh:mm:ss[.fff] and d.hh:mm:ss, and -1 as unlimited', () => {
    expect(parseTimeSpan('00:10:00')).toBe(600_000);
    expect(parseTimeSpan('1.00:00:01.5')).toBe(86_401_500);
    expect(parseTimeSpan('-1')).toBeUndefined();
    expect(() => parseTimeSpan('10 minutes')).toThrow(/functionTimeout/);
  });
});

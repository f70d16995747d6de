import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { HttpError } from '../errors.js';
import { parseGlob } from './glob.js';

const NAMES = [
  'raylet.out',
  'raylet.err',
  'gcs_server.out',
  '.hidden',
  'worker-0a1b-01000000-123.out',
  'worker-0a1b-01000000-123.err',
  'python-core-worker-0a1b_123.log',
  'events/event_GCS.log',
  'events/event_RAYLET.log',
  'events/deep/x.log',
  'old/raylet.1.out',
  'runtime_env/agent-1.log',
  'a*b',
];

const GLOBS = [
  '*',
  '*.out',
  '*.{out,err}',
  'worker-*-*.out',
  'events/*',
  'events/**',
  '**',
  '**/*.log',
  '**/raylet*',
  '?aylet.out',
  '[a-r]*',
  'raylet.out',
  'events/event_GCS.log',
  '*/*',
];

function expectBad(glob: string): void {
  try {
    parseGlob(glob);
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    expect((err as HttpError).extra).toEqual({ field: 'glob' });
    return;
  }
  throw new Error(`glob ${JSON.stringify(glob)} was accepted`);
}

describe('parseGlob', () => {
  it('matches as picomatch does (dot-files included) for the globs the dashboard and users send', () => {
    for (const g of GLOBS) {
      const ours = parseGlob(g);
      for (const n of NAMES) {
        expect(ours.match(n), `${g} vs ${n}`).toBe(
          picomatch.isMatch(n, g, { dot: true, noextglob: true, nonegate: true }),
        );
      }
    }
  });

  it('splits off the literal directory and says whether deeper names can match', () => {
    expect(parseGlob('*')).toMatchObject({ base: '', deep: false });
    expect(parseGlob('events/*')).toMatchObject({ base: 'events/', deep: false });
    expect(parseGlob('events/event_GCS.log')).toMatchObject({ base: 'events/', deep: false });
    expect(parseGlob('**/*.log')).toMatchObject({ base: '', deep: true });
    expect(parseGlob('events/**')).toMatchObject({ base: 'events/', deep: true });
    expect(parseGlob('*/x')).toMatchObject({ base: '', deep: true });
  });

  it('rejects traversal, absolute paths, backslashes, control characters and overlong globs, naming glob', () => {
    for (const g of ['../*', '..', 'a/../b', './x', '/etc/*', 'a//b', 'a\\*', 'a\nb', '', 'x'.repeat(257)])
      expectBad(g);
  });

  it('answers a pattern that backtracks exponentially in a JavaScript RegExp, in linear time', () => {
    const g = parseGlob('*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b');
    expect(g.match('a'.repeat(500))).toBe(false);
    expect(g.match(`${'a'.repeat(20)}b`)).toBe(true);
  });
});

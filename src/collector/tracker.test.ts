import { describe, expect, it } from 'vitest';
import type { FileState } from './checkpoint.js';
import type { LocalFile, LogRoot } from './discovery.js';
import { planRoot, remoteName, type Note } from './tracker.js';

const S = 'session_2026-01-27_10-52-59_373533_1';
const root: LogRoot = { session: S, dir: '/r/logs', kind: 'live' };
const file = (rel: string, ino: number, size: number): LocalFile => ({
  rel,
  path: `/r/logs/${rel}`,
  ino,
  size,
});

function plan(local: LocalFile[], files: Record<string, FileState>) {
  const notes: Note[] = [];
  return { jobs: planRoot(root, local, files, notes), notes };
}

describe('planRoot', () => {
  it('registers a new file at offset 0 and ships it whole under its own name', () => {
    const files: Record<string, FileState> = {};
    const { jobs } = plan([file('events/event_GCS.log', 7, 100)], files);
    expect(jobs).toMatchObject([
      { remote: 'events/event_GCS.log', from: 0, to: 100, gen: 0, finishing: false },
    ]);
    expect(files[`${S}/events/event_GCS.log`]).toEqual({ gen: 0, ino: 7, offset: 0, tail: '' });
  });

  it('creates an empty file once (an empty append at 0), then waits for bytes', () => {
    const files: Record<string, FileState> = {};
    expect(plan([file('worker.err', 9, 0)], files).jobs).toMatchObject([
      { remote: 'worker.err', from: 0, to: 0 },
    ]);
    files[`${S}/worker.err`] = { gen: 0, ino: 9, offset: 0, tail: '', exists: true };
    expect(plan([file('worker.err', 9, 0)], files).jobs).toEqual([]);
  });

  it('ships only the bytes past the acknowledged offset, and nothing when caught up', () => {
    const files = { [`${S}/raylet.out`]: { gen: 0, ino: 7, offset: 60, tail: 'eA==' } };
    expect(plan([file('raylet.out', 7, 100)], files).jobs).toMatchObject([{ from: 60, to: 100 }]);
    expect(plan([file('raylet.out', 7, 60)], files).jobs).toEqual([]);
  });

  it('a file that shrank starts a new generation stored as <file>.trunc-<n>, from 0', () => {
    const files = { [`${S}/raylet.out`]: { gen: 0, ino: 7, offset: 60, tail: 'eA==' } };
    const { jobs, notes } = plan([file('raylet.out', 7, 10)], files);
    expect(jobs).toMatchObject([{ remote: 'raylet.out.trunc-1', from: 0, to: 10, gen: 1 }]);
    expect(files[`${S}/raylet.out`]).toMatchObject({ gen: 1, offset: 0, tail: '' });
    expect(notes[0]?.msg).toMatch(/shrank/);
  });

  it('after a rotation, first finishes the old generation from the renamed file, then adopts the new one', () => {
    const files = { [`${S}/raylet.out`]: { gen: 0, ino: 7, offset: 60, tail: 'eA==' } };
    const rotated = [file('raylet.out', 8, 5), file('raylet.out.1', 7, 90)];
    const first = plan(rotated, files).jobs;
    expect(first).toContainEqual(
      expect.objectContaining({
        key: `${S}/raylet.out`,
        path: '/r/logs/raylet.out.1',
        remote: 'raylet.out',
        from: 60,
        finishing: true,
      }),
    );
    expect(first).toContainEqual(expect.objectContaining({ remote: 'raylet.out.1', from: 0, to: 90 }));
    // Once the old generation is complete, the path's new file is adopted; shrinking makes it a new generation.
    files[`${S}/raylet.out`].offset = 90;
    const second = plan(rotated, files).jobs.find((j) => j.key === `${S}/raylet.out`);
    expect(second).toMatchObject({
      path: '/r/logs/raylet.out',
      remote: 'raylet.out.trunc-1',
      from: 0,
      to: 5,
    });
  });

  it('finishes a tracked file that vanished (renamed, no new file yet)', () => {
    const files = { [`${S}/worker.err`]: { gen: 0, ino: 3, offset: 10, tail: 'eA==' } };
    const { jobs } = plan([file('worker.err.1', 3, 25)], files);
    expect(jobs).toContainEqual(
      expect.objectContaining({
        key: `${S}/worker.err`,
        remote: 'worker.err',
        from: 10,
        to: 25,
        finishing: true,
      }),
    );
  });

  it('sets aside a file whose name cannot be stored, with the reason', () => {
    const files: Record<string, FileState> = {};
    const { jobs, notes } = plan([file('100%.log', 1, 5)], files);
    expect(jobs).toEqual([]);
    expect(files[`${S}/100%.log`]?.aside).toMatch(/%/);
    expect(notes[0]?.msg).toMatch(/set aside/);
  });

  it('names generations', () => {
    expect(remoteName('a/b.log', 0)).toBe('a/b.log');
    expect(remoteName('a/b.log', 2)).toBe('a/b.log.trunc-2');
  });
});

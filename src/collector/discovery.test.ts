import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { discoverRoots, latestSession, listFiles, NotRayDirError } from './discovery.js';

const A = 'session_2026-01-27_10-52-59_373533_1';
const B = 'session_2026-01-28_08-00-00_000001_7';

function rayDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'ray-'));
  mkdirSync(path.join(d, A, 'logs', 'events'), { recursive: true });
  writeFileSync(path.join(d, A, 'logs', 'raylet.out'), 'r');
  writeFileSync(path.join(d, A, 'logs', 'events', 'event_GCS.log'), 'e');
  mkdirSync(path.join(d, B, 'logs'), { recursive: true });
  symlinkSync(B, path.join(d, 'session_latest'));
  mkdirSync(path.join(d, 'prev-logs', A, 'abc123', 'logs'), { recursive: true });
  mkdirSync(path.join(d, 'session_not-a-session', 'logs'), { recursive: true });
  return d;
}

describe('discovery', () => {
  it('finds every session logs dir and every prev-logs node dir', async () => {
    const d = rayDir();
    expect(await discoverRoots(d)).toEqual([
      { session: A, dir: path.join(d, A, 'logs'), kind: 'live' },
      { session: B, dir: path.join(d, B, 'logs'), kind: 'live' },
      {
        session: A,
        dir: path.join(d, 'prev-logs', A, 'abc123', 'logs'),
        kind: 'prev',
        doneDir: path.join(d, 'prev-logs', A, 'abc123'),
      },
    ]);
    expect(await latestSession(d)).toBe(B);
  });

  it('lists files recursively with /-separated relative paths', async () => {
    const d = rayDir();
    const { files, unreadable } = await listFiles(path.join(d, A, 'logs'));
    expect(files.map((f) => [f.rel, f.size])).toEqual([
      ['events/event_GCS.log', 1],
      ['raylet.out', 1],
    ]);
    expect(unreadable).toEqual([]);
  });

  it('says clearly when a path is not a Ray temp dir', async () => {
    const empty = mkdtempSync(path.join(tmpdir(), 'notray-'));
    await expect(discoverRoots(empty)).rejects.toThrow(NotRayDirError);
    await expect(discoverRoots(empty)).rejects.toThrow(/is not a Ray temp dir: it has no session_latest/);
    await expect(discoverRoots(path.join(empty, 'nope'))).rejects.toThrow(/does not exist \(ENOENT\)/);
    writeFileSync(path.join(empty, 'f'), '');
    await expect(discoverRoots(path.join(empty, 'f'))).rejects.toThrow(/not a directory/);
  });
});

import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CheckpointStore } from './checkpoint.js';

const dir = () => path.join(mkdtempSync(path.join(tmpdir(), 'ckpt-')), 'state');

describe('CheckpointStore', () => {
  it('round-trips the state and leaves no temp file behind', async () => {
    const store = new CheckpointStore(dir());
    const data = {
      version: 1 as const,
      target: 't',
      files: { 's/a': { gen: 1, ino: 2, offset: 3, tail: 'eA==' } },
      done: ['/d'],
    };
    await store.save(data);
    expect((await store.load('t')).data).toEqual(data);
    expect(readdirSync(store.dir)).toEqual(['checkpoint.json']);
  });

  it('starts fresh when the checkpoint is missing or was written for another target', async () => {
    const store = new CheckpointStore(dir());
    expect(await store.load('t')).toEqual({ data: { version: 1, target: 't', files: {}, done: [] } });
    await store.save({
      version: 1,
      target: 'other',
      files: { 's/a': { gen: 0, ino: 1, offset: 5, tail: '' } },
      done: [],
    });
    const loaded = await store.load('t');
    expect(loaded.data.files).toEqual({});
    expect(loaded.note).toMatch(/another endpoint/);
  });

  it('names the directory and the option when it cannot write', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'ckpt-')), 'a-file');
    writeFileSync(file, '');
    const store = new CheckpointStore(path.join(file, 'sub'));
    await expect(store.save({ version: 1, target: 't', files: {}, done: [] })).rejects.toThrow(
      /cannot write the checkpoint in .*a-file\/sub \(ENOTDIR\): set --checkpoint-dir/,
    );
  });

  it('keeps an unparseable checkpoint aside and starts fresh, saying so', async () => {
    const store = new CheckpointStore(dir());
    await store.save({ version: 1, target: 't', files: {}, done: [] });
    writeFileSync(path.join(store.dir, 'checkpoint.json'), '{"version":1,"fil');
    const loaded = await store.load('t');
    expect(loaded.note).toMatch(/not valid JSON/);
    expect(readdirSync(store.dir).some((f) => f.startsWith('checkpoint.json.corrupt-'))).toBe(true);
  });
});

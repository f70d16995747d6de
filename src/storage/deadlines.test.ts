import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { CLIENT_TIMEOUT, deadline, idleGuarded, uploadMs, DEFAULT_DEADLINES } from './deadlines.js';
import { StorageError, toStorageError } from './errors.js';

const asStorage = (err: unknown, idle: boolean) =>
  idle ? new StorageError('unavailable', 'idle', 5, CLIENT_TIMEOUT) : toStorageError(err, 'read');

describe('storage deadlines', () => {
  it('gives an upload more time per MiB', () => {
    expect(uploadMs(DEFAULT_DEADLINES, 0)).toBe(10_000);
    expect(uploadMs(DEFAULT_DEADLINES, 4 * 1024 * 1024)).toBe(26_000);
  });

  it('aborts when its own time is up or when the outer signal is', async () => {
    const own = deadline(20);
    await new Promise((r) => setTimeout(r, 60));
    expect(own.aborted).toBe(true);
    const outer = new AbortController();
    const both = deadline(60_000, outer.signal);
    outer.abort();
    expect(both.aborted).toBe(true);
  });

  it('cuts a download whose source stops sending, with a timeout error', async () => {
    const source = new PassThrough();
    let aborted = false;
    const body = idleGuarded(
      source,
      50,
      () => {
        aborted = true;
        source.destroy(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      },
      asStorage,
    );
    source.write(Buffer.from('first'));
    const got: Buffer[] = [];
    const err = await (async () => {
      try {
        for await (const c of body) got.push(c as Buffer);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(aborted).toBe(true);
    expect(Buffer.concat(got).toString()).toBe('first');
    expect(err).toMatchObject({ kind: 'unavailable', code: CLIENT_TIMEOUT });
  });

  it('does not count the time a slow consumer takes', async () => {
    const source = new PassThrough();
    const body = idleGuarded(source, 50, () => source.destroy(new Error('should not be cut')), asStorage);
    source.end(Buffer.from('abc'));
    const got: Buffer[] = [];
    for await (const c of body) {
      got.push(c as Buffer);
      await new Promise((r) => setTimeout(r, 150)); // the consumer dawdles, well past the idle limit
    }
    expect(Buffer.concat(got).toString()).toBe('abc');
  });

  it('passes a source error through as a storage error', async () => {
    const source = new PassThrough();
    const body = idleGuarded(source, 5_000, () => undefined, asStorage);
    setImmediate(() => source.destroy(Object.assign(new Error('reset'), { code: 'ECONNRESET' })));
    await expect(
      (async () => {
        for await (const c of body) void c;
      })(),
    ).rejects.toMatchObject({ kind: 'unavailable' });
  });
});

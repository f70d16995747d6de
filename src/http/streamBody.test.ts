import { EventEmitter } from 'node:events';
import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { proxyResponse, responseBody, watchProxyResponses } from './streamBody.js';

/** A proxy response whose drain state the test controls. */
class FakeResponse extends EventEmitter {
  writableNeedDrain = false;
  destroyed = false;
  destroy() {
    this.destroyed = true;
  }
}

/** A source that counts how many chunks were asked of it and whether it was stopped. */
function counted(chunks: number) {
  const state = { asked: 0, stopped: false };
  function* gen() {
    try {
      for (let i = 0; i < chunks; i++) {
        state.asked += 1;
        yield Buffer.alloc(10, i);
      }
    } finally {
      state.stopped = true;
    }
  }
  return { state, source: gen() };
}

/** Lets pending promise callbacks run. */
const settle = () => new Promise((r) => setImmediate(r));

describe('responseBody with the proxy response watched', () => {
  watchProxyResponses();
  const proxy = http.createServer(); // the first server after watching: the library's proxy
  const other = http.createServer();
  const open = (id: string, server = proxy) => {
    const res = new FakeResponse();
    server.emit('request', { headers: { 'x-ms-invocation-id': id } }, res);
    return res;
  };

  it('notes responses of the first server by invocation id, and forgets them on close', () => {
    const res = open('inv-1');
    expect(proxyResponse('inv-1')).toBe(res);
    res.emit('close');
    expect(proxyResponse('inv-1')).toBeUndefined();
    open('inv-2', other);
    expect(proxyResponse('inv-2')).toBeUndefined();
  });

  it('produces the next chunk only once the response has drained', async () => {
    const res = open('inv-3');
    const { state, source } = counted(3);
    const reader = responseBody(source, 'inv-3').getReader();
    expect((await reader.read()).value?.length).toBe(10);
    expect(state.asked).toBe(1);
    res.writableNeedDrain = true;
    let second: unknown;
    void reader.read().then((r) => (second = r));
    await settle();
    expect(second).toBeUndefined();
    expect(state.asked).toBe(1);
    res.writableNeedDrain = false;
    res.emit('drain');
    await settle();
    expect(second).toMatchObject({ done: false });
    expect(state.asked).toBe(2);
  });

  it('stops the source and reports the bytes when the client is gone', async () => {
    const res = open('inv-4');
    const { state, source } = counted(100);
    let gone: number | undefined;
    const reader = responseBody(source, 'inv-4', (n) => (gone = n)).getReader();
    await reader.read();
    await reader.read();
    res.destroyed = true;
    expect(await reader.read()).toEqual({ done: true, value: undefined });
    expect(state.stopped).toBe(true);
    expect(state.asked).toBe(2);
    expect(gone).toBe(20);
  });

  it('cuts the proxy response when the source fails after bytes were sent (issue 12, defect 4)', async () => {
    // On Azure the library would leave the response open (the client hangs) or end it short.
    const res = open('inv-5');
    async function* failing() {
      yield Buffer.alloc(10, 1);
      await Promise.resolve();
      throw new Error('storage failed mid-read');
    }
    let failed: [unknown, number] | undefined;
    const reader = responseBody(failing(), 'inv-5', undefined, (err, n) => (failed = [err, n])).getReader();
    expect((await reader.read()).value?.length).toBe(10);
    await expect(reader.read()).rejects.toThrow('storage failed mid-read');
    expect(res.destroyed).toBe(true);
    expect(failed?.[1]).toBe(10);
  });

  it('streams everything when no proxy response is known (buffered mode, tests)', async () => {
    const { source } = counted(3);
    const chunks: Uint8Array[] = [];
    for await (const c of responseBody(source, 'unknown')) chunks.push(c);
    expect(chunks).toHaveLength(3);
  });
});

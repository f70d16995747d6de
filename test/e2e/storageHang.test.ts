/**
 * Regression (issue 12, defect 3): with storage hung (Azurite stopped with SIGSTOP: connections are
 * accepted, nothing is answered) only the health route answered; metadata, file, sessions, append and
 * events requests got no answer at all. Every storage call now has a client-side deadline
 * (docs/reliability.md "Deadlines"), after which the route answers 503 with Retry-After.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzurite, type Azurite } from '../../src/host/azurite.js';
import { DEFAULT_DEADLINES } from '../../src/storage/deadlines.js';
import { startHost, type RunningHost } from '../helpers/host.js';
import { request, type Reply } from '../helpers/http.js';
import { eventually } from '../helpers/storage.js';

const SESSION = 'session_2026-03-01_09-00-00_000001_1';
const LOG = `/api/v1/logs/ns/hang/${SESSION}/head-1/raylet.out`;
const Q = `/api/v1/clusters/ns/hang/sessions/${SESSION}`;
/** Time a loaded 2-core machine may add to a deadline before the answer reaches the client. */
const SLACK_MS = 5_000;

let azurite: Azurite;
let host: RunningHost;
let paused = false;

function pause(on: boolean): void {
  for (const pid of [azurite.pids.blob, azurite.pids.queue]) process.kill(pid, on ? 'SIGSTOP' : 'SIGCONT');
  paused = on;
}

function event(id: string) {
  return {
    eventId: Buffer.from(id).toString('base64'),
    eventType: 'NODE_DEFINITION_EVENT',
    timestamp: '2026-03-01T09:00:01.000000001Z',
    sessionName: SESSION,
  };
}

beforeAll(async () => {
  azurite = await startAzurite();
  const cs = azurite.connectionString;
  host = await startHost({
    env: { AZURE_STORAGE_CONNECTION_STRING: cs, HistoryStorage: cs, AzureWebJobsStorage: cs },
  });
  const put = await request(host.baseUrl, `${LOG}?offset=0`, { method: 'PUT', body: 'line 1\n' });
  expect(put.status).toBe(200);
  const ev = await request(host.baseUrl, '/api/v1/events?namespace=ns&cluster=hang&node=head-1', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([event('before-the-hang')]),
  });
  expect(ev.status).toBe(200);
});

afterAll(async () => {
  if (paused) pause(false);
  await host?.stop();
  await azurite?.stop();
});

interface Timed {
  what: string;
  ms: number;
  reply: Reply | undefined;
}

/** Sends a request and waits at most `giveUpMs` for its answer. */
async function timed(
  what: string,
  path: string,
  opts: Parameters<typeof request>[2],
  giveUpMs: number,
): Promise<Timed> {
  const started = Date.now();
  const reply = await Promise.race([
    request(host.baseUrl, path, opts),
    new Promise<undefined>((r) => setTimeout(() => r(undefined), giveUpMs).unref()),
  ]);
  return { what, ms: Date.now() - started, reply };
}

describe('storage hangs (defect 3)', () => {
  it('answers every route 503 with Retry-After within its deadline, and recovers', async () => {
    pause(true);
    const giveUp = 3 * DEFAULT_DEADLINES.operationMs;
    const json = { 'Content-Type': 'application/json' };
    const results = await Promise.all([
      timed('health', '/api/v1/health', {}, giveUp),
      timed('metadata', `${Q}/metadata?clusterId=ns`, {}, giveUp),
      timed('file read', `${Q}/logs/head-1/raylet.out?clusterId=ns`, {}, giveUp),
      timed('sessions', '/api/v1/clusters/ns/hang/sessions', {}, giveUp),
      timed('append', `${LOG}?offset=7`, { method: 'PUT', body: 'line 2\n' }, giveUp),
      timed(
        'events',
        '/api/v1/events?namespace=ns&cluster=hang&node=head-1',
        { method: 'POST', headers: json, body: JSON.stringify([event('during-the-hang')]) },
        giveUp,
      ),
    ]);
    const seen = results.map((r) => ({
      what: r.what,
      status: r.reply?.status,
      error: r.reply === undefined ? undefined : r.reply.json().error,
      retryAfter: r.reply?.headers['retry-after'],
      withinDeadline: r.ms <= (r.what === 'health' ? 5_000 : DEFAULT_DEADLINES.operationMs) + SLACK_MS,
    }));
    expect(seen).toEqual(
      results.map((r) => ({
        what: r.what,
        status: 503,
        // Health has its own 5 s ping; every other route is cut by the storage call's deadline.
        error: r.what === 'health' ? 'storage_unavailable' : 'storage_timeout',
        retryAfter: expect.any(String) as unknown,
        withinDeadline: true,
      })),
    );
    pause(false);
    // Storage is back: the same requests succeed (the append and the events are not lost).
    await eventually(
      async () => ((await request(host.baseUrl, '/api/v1/health')).status === 200 ? true : undefined),
      30_000,
      'health to recover',
    );
    const again = await request(host.baseUrl, `${LOG}?offset=7`, { method: 'PUT', body: 'line 2\n' });
    expect(again.status).toBe(200);
    const file = await request(host.baseUrl, `${Q}/logs/head-1/raylet.out?clusterId=ns`);
    expect(file.text).toBe('line 1\nline 2\n');
  });
});

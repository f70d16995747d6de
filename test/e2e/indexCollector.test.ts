/**
 * Issue 15's end-to-end check of exactness: the collector ships a session with `--once` through the
 * local host; within the documented freshness bound, the session's `files` and `bytes` in
 * `…/sessions` equal what is on disk — with the polling source and with the Event Grid source
 * (which raises nothing for appends: the trailing re-read ingest asks for brings the bytes).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { startHost, type RunningHost } from '../helpers/host.js';
import { eventually } from '../helpers/storage.js';
import { RayTree, S1 } from '../integration/collectorFixtures.js';
import { runCollector } from './collectorProcess.js';

/** docs/indexer.md's bound for bytes after the last write (about 25 s), with room for a slow machine. */
const BOUND_MS = 60_000;

interface Listed {
  sessionName: string;
  files: number;
  bytes: number;
}

describe.each(['LogsAndContainerScan', 'EventGrid'])(
  'collector --once, then …/sessions (%s source)',
  (source) => {
    let host: RunningHost | undefined;
    afterAll(async () => {
      await host?.stop();
    });

    it('lists the files and bytes on disk within the freshness bound', { timeout: 180_000 }, async () => {
      host = await startHost({ env: { INDEXER_TRIGGER_SOURCE: source } });
      const tree = new RayTree();
      tree.startSession(S1);
      // A 3.6 MiB log (shipped in 1 MiB batches, so several appends), small files, an empty one.
      tree.append(S1, 'raylet.out', tree.text(3_774_873, 'raylet'));
      tree.append(S1, 'gcs_server.out', tree.text(10_000, 'gcs'));
      tree.append(S1, 'events/event_GCS.log', tree.text(700, 'events'));
      tree.append(S1, 'worker-01000000-0.err', Buffer.alloc(0));
      const cluster = `rc-${source.toLowerCase()}`;
      const shipped = await runCollector(['--once'], {
        RAY_HISTORY_ENDPOINT: host.baseUrl,
        RAY_HISTORY_NAMESPACE: 'default',
        RAY_HISTORY_CLUSTER: cluster,
        RAY_HISTORY_RAY_DIR: tree.dir,
      });
      expect(shipped.code, shipped.output).toBe(0);
      const disk = [...(tree.expected.get(S1)?.values() ?? [])];
      const want = { files: disk.length, bytes: disk.reduce((n, b) => n + b.length, 0) };
      expect(want).toEqual({ files: 4, bytes: 3_774_873 + 10_000 + 700 });
      const running = host;
      const listed = await eventually(
        async () => {
          const res = await fetch(`${running.baseUrl}/api/v1/clusters/default/${cluster}/sessions`);
          if (res.status !== 200) return undefined;
          const s = ((await res.json()) as { sessions: Listed[] }).sessions.find((x) => x.sessionName === S1);
          return s !== undefined && s.files === want.files && s.bytes === want.bytes ? s : undefined;
        },
        BOUND_MS,
        `${S1} listed with ${want.files} files and ${want.bytes} bytes`,
      );
      expect(listed).toMatchObject(want);
    });
  },
);

/**
 * A session's status summary in the sessions table: how many jobs, task attempts, actors and nodes
 * failed. Loaded only once its row is on screen (a cluster may have hundreds of sessions), at most
 * four at a time, and kept briefly (lib/cache.ts).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { keyGeneration } from '../api/auth';
import { api } from '../api/endpoints';
import type { FailuresResponse } from '../api/types';
import { hrefOf, type SessionParams } from '../lib/router';
import { useStore } from '../lib/store';
import { limiter, useSeen } from '../lib/visible';
import { failureCounts } from './overview/Failures';

const oneAtATime = limiter(4);

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/** "1 job · 15 tasks · 1 actor · 1 node", leaving out kinds with none; null when nothing failed. */
export function summaryText(f: FailuresResponse): string | null {
  const c = failureCounts(f);
  const parts = [
    c.jobs > 0 && plural(c.jobs, 'job'),
    c.tasks > 0 && plural(c.tasks, 'task'),
    c.actors > 0 && plural(c.actors, 'actor'),
    c.nodes > 0 && plural(c.nodes, 'node'),
  ].filter((p): p is string => p !== false);
  return parts.length === 0 ? null : parts.join(' · ');
}

export function FailureSummary(props: SessionParams) {
  const { namespace, cluster, session } = props;
  const ref = useRef<HTMLSpanElement>(null);
  const seen = useSeen(ref);
  const generation = useStore(keyGeneration);
  const [state, setState] = useState<{ ok: FailuresResponse } | { error: unknown } | null>(null);
  useEffect(() => {
    if (!seen) return;
    let live = true;
    oneAtATime(() => api.failures(props)).then(
      (ok) => live && setState({ ok }),
      (error: unknown) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [seen, namespace, cluster, session, generation]);

  if (state === null) {
    return (
      <span ref={ref} class="summary" aria-busy="true">
        {/* aria-label is not allowed on a plain span: the word is in the text, for screen readers. */}
        <span class="bone" aria-hidden="true" />
        <span class="visually-hidden">loading</span>
      </span>
    );
  }
  if ('error' in state) {
    const why = state.error instanceof Error ? state.error.message : String(state.error);
    return (
      <span class="summary muted" title={`Not known: ${why}`}>
        ?
      </span>
    );
  }
  const text = summaryText(state.ok);
  if (text === null) {
    return (
      <span class="summary muted" title="No failed job, task, actor or node in the session's events">
        none
      </span>
    );
  }
  return (
    <a
      class="summary failed"
      href={hrefOf({ view: 'session', ...props })}
      title="What failed, and the log lines"
    >
      {text}
    </a>
  );
}

/** Loads data for a view: loading, the data, or the error; loads again when a key is entered. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { keyGeneration } from '../api/auth';
import { useStore } from './store';

export type Loaded<T> =
  { status: 'loading' } | { status: 'ok'; data: T } | { status: 'error'; error: unknown };

export function useApi<T>(
  load: (signal: AbortSignal) => Promise<T>,
  deps: unknown[],
): [Loaded<T>, () => void] {
  const [state, setState] = useState<Loaded<T>>({ status: 'loading' });
  const [attempt, setAttempt] = useState(0);
  const generation = useStore(keyGeneration);
  useEffect(() => {
    const ctl = new AbortController();
    setState({ status: 'loading' });
    load(ctl.signal).then(
      (data) => ctl.signal.aborted || setState({ status: 'ok', data }),
      (error: unknown) => ctl.signal.aborted || setState({ status: 'error', error }),
    );
    return () => ctl.abort();
    // `deps` name what `load` reads.
  }, [...deps, attempt, generation]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  return [state, retry];
}

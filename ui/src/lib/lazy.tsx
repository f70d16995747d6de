/** A view whose code is loaded when first shown (its own chunk), so the first load stays small. */
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ErrorState } from '../components/states';

export function lazyView<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [, setTick] = useState(0);
    const [error, setError] = useState<unknown>(null);
    useEffect(() => {
      if (loaded !== null) return;
      pending ??= load();
      pending.then(
        (c) => {
          loaded = c;
          setTick((n) => n + 1);
        },
        (err: unknown) => {
          pending = null; // a later visit tries again (a new deployment may have replaced the chunk)
          setError(err);
        },
      );
    }, []);
    if (loaded !== null) {
      const View = loaded;
      return <View {...props} />;
    }
    if (error !== null)
      return (
        <ErrorState
          error={
            new Error(
              `This view's code could not be loaded; reload the page. (${error instanceof Error ? error.message : 'unknown error'})`,
            )
          }
        />
      );
    return <div class="chart-placeholder" aria-busy="true" />;
  };
}

/** Loading only what is on screen: a hook that turns true once an element is scrolled into view, and a limit on loads at once. */
import { useEffect, useState } from 'preact/hooks';

/** True once the element has come within `margin` of the viewport (and stays true). */
export function useSeen(ref: { current: Element | null }, margin = '200px'): boolean {
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    const el = ref.current;
    if (seen || el === null) return;
    if (typeof IntersectionObserver === 'undefined') return setSeen(true);
    const io = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setSeen(true);
      },
      { rootMargin: margin },
    );
    io.observe(el);
    return () => io.disconnect();
  }, [seen]);
  return seen;
}

/** Runs the tasks given to it at most `n` at a time, in order. */
export function limiter(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  const next = () => {
    if (running >= n) return;
    const go = waiting.shift();
    if (go !== undefined) go();
  };
  return (task) =>
    new Promise((resolve, reject) => {
      waiting.push(() => {
        running++;
        task()
          .then(resolve, reject)
          .finally(() => {
            running--;
            next();
          });
      });
      next();
    });
}

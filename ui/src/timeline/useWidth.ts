/** The width of an element, kept current as it resizes (charts draw to it). */
import { useLayoutEffect, useState } from 'preact/hooks';

export function useWidth(ref: { current: HTMLElement | null }, fallback = 900): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (el === null) return;
    setWidth(el.clientWidth || fallback);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth || fallback));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return width;
}

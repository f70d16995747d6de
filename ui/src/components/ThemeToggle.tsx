/** Light, dark, or the system's choice (the default), remembered in this browser. */
import { useState } from 'preact/hooks';

export type Theme = 'auto' | 'light' | 'dark';
const KEY = 'ray-history.theme';
const NEXT: Record<Theme, Theme> = { auto: 'light', light: 'dark', dark: 'auto' };

export function storedTheme(): Theme {
  try {
    const v = localStorage.getItem(KEY);
    return v === 'light' || v === 'dark' ? v : 'auto';
  } catch {
    return 'auto';
  }
}

export function applyTheme(t: Theme): void {
  if (t === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
}

export function ThemeToggle() {
  const [theme, setTheme] = useState(storedTheme);
  const next = NEXT[theme];
  return (
    <button
      type="button"
      class="link"
      title={`Theme: ${theme}. Switch to ${next}.`}
      onClick={() => {
        setTheme(next);
        applyTheme(next);
        try {
          localStorage.setItem(KEY, next);
        } catch {
          // not kept
        }
      }}
    >
      Theme: {theme}
    </button>
  );
}

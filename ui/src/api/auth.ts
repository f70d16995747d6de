/**
 * The function key, when the query routes need one (QUERY_AUTH_LEVEL=function): asked for once, after
 * the first 401, kept for the browser session (sessionStorage), sent as `x-functions-key`. With keys
 * off no request is refused, so nobody is asked.
 */
import { createStore } from '../lib/store';

const STORAGE_KEY = 'ray-history.function-key';

function stored(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null; // storage blocked: the key lives only in this page
  }
}

/** The key in use, or null. */
export const functionKey = createStore<string | null>(stored());

/** 'none' until a request is refused; then 'missing' (no key yet) or 'refused' (the key was wrong). */
export const keyPrompt = createStore<'none' | 'missing' | 'refused'>('none');

/** Bumped when a new key is entered, so that views load again with it. */
export const keyGeneration = createStore(0);

export function enterKey(key: string): void {
  try {
    sessionStorage.setItem(STORAGE_KEY, key);
  } catch {
    // kept in memory only
  }
  functionKey.set(key);
  keyPrompt.set('none');
  keyGeneration.set(keyGeneration.get() + 1);
}

export function forgetKey(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing stored
  }
  functionKey.set(null);
}

/** Called on a 401. */
export function keyRefused(): void {
  keyPrompt.set(functionKey.get() === null ? 'missing' : 'refused');
}

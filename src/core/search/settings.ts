/**
 * The limits of one search request, from `SEARCH_*` settings. Pure: the caller passes the
 * environment (read once at start-up by the app's configuration module).
 */

export interface SearchSettings {
  /** Wall time one request may scan before it answers `partial` with a cursor (`SEARCH_DEADLINE_MS`). */
  deadlineMs: number;
  /** Bytes one request may read from storage before it answers `partial` (`SEARCH_MAX_BYTES`). */
  maxBytes: number;
  /** Files read at once (`SEARCH_CONCURRENCY`). */
  concurrency: number;
  /** A longer line is matched on its first this many bytes (`SEARCH_MAX_LINE_BYTES`). */
  maxLineBytes: number;
}

/** Defaults: 10 s, 1 GiB, 4 files at once, 64 KiB lines. */
export const DEFAULT_SEARCH_SETTINGS: SearchSettings = {
  deadlineMs: 10_000,
  maxBytes: 1024 * 1024 * 1024,
  concurrency: 4,
  maxLineBytes: 64 * 1024,
};

/** A `SEARCH_*` setting that is not an integer in its range; the message names the setting. */
export class SearchSettingError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(message);
    this.name = 'SearchSettingError';
  }
}

function integer(
  env: Record<string, string | undefined>,
  name: string,
  min: number,
  max: number,
  dflt: number,
) {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return dflt;
  const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new SearchSettingError(
      name,
      `${name} must be an integer from ${min} to ${max} (is ${JSON.stringify(raw)})`,
    );
  }
  return n;
}

/** Reads `SEARCH_DEADLINE_MS`, `SEARCH_MAX_BYTES`, `SEARCH_CONCURRENCY` and `SEARCH_MAX_LINE_BYTES`. */
export function searchSettingsFrom(env: Record<string, string | undefined>): SearchSettings {
  const d = DEFAULT_SEARCH_SETTINGS;
  return {
    deadlineMs: integer(env, 'SEARCH_DEADLINE_MS', 100, 600_000, d.deadlineMs),
    maxBytes: integer(env, 'SEARCH_MAX_BYTES', 64 * 1024, 2 ** 40, d.maxBytes),
    concurrency: integer(env, 'SEARCH_CONCURRENCY', 1, 64, d.concurrency),
    maxLineBytes: integer(env, 'SEARCH_MAX_LINE_BYTES', 1024, 16 * 1024 * 1024, d.maxLineBytes),
  };
}

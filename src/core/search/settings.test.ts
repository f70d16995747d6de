import { describe, expect, it } from 'vitest';
import { DEFAULT_SEARCH_SETTINGS, SearchSettingError, searchSettingsFrom } from './settings.js';

describe('SEARCH_* settings', () => {
  it('defaults to 10 s, 1 GiB, 4 files at once and 64 KiB lines', () => {
    expect(searchSettingsFrom({})).toEqual({
      deadlineMs: 10_000,
      maxBytes: 1024 ** 3,
      concurrency: 4,
      maxLineBytes: 65_536,
    });
    expect(searchSettingsFrom({})).toEqual(DEFAULT_SEARCH_SETTINGS);
  });

  it('reads each setting and refuses a bad one naming it', () => {
    expect(
      searchSettingsFrom({
        SEARCH_DEADLINE_MS: '2500',
        SEARCH_MAX_BYTES: '1048576',
        SEARCH_CONCURRENCY: '8',
        SEARCH_MAX_LINE_BYTES: '4096',
      }),
    ).toEqual({ deadlineMs: 2500, maxBytes: 1_048_576, concurrency: 8, maxLineBytes: 4096 });
    for (const [name, value] of [
      ['SEARCH_DEADLINE_MS', '0'],
      ['SEARCH_MAX_BYTES', '1e9'],
      ['SEARCH_CONCURRENCY', '65'],
      ['SEARCH_MAX_LINE_BYTES', 'abc'],
    ] as const) {
      expect(() => searchSettingsFrom({ [name]: value })).toThrow(SearchSettingError);
      expect(() => searchSettingsFrom({ [name]: value })).toThrow(name);
    }
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { HttpError } from '../../src/core/errors.js';
import { compareNames } from '../../src/core/logs/names.js';
import { readLogFile } from '../../src/core/query/fileRead.js';
import { compileMatcher, type SearchPattern } from '../../src/core/search/matcher.js';
import { searchSession, type SearchHit, type SearchQuery } from '../../src/core/search/search.js';
import { DEFAULT_SEARCH_SETTINGS, type SearchSettings } from '../../src/core/search/settings.js';
import type { AzureBlobStore } from '../../src/storage/azureBlobStore.js';
import { freshStore } from '../helpers/storage.js';
import {
  BIG_LINES,
  HEAD,
  HEAD_FILES,
  HEAD_ID,
  ingestFile,
  ingestRaySession,
  SESSION_REF,
  WORKER,
  WORKER_FILES,
} from './logsFixtures.js';

const CATASTROPHIC = `${'a'.repeat(60_000)}b\n${'a'.repeat(30)}\nplain line\n`;
const FILES: [string, Record<string, string>][] = [
  [HEAD, HEAD_FILES],
  [WORKER, { ...WORKER_FILES, 'aaa.log': CATASTROPHIC }],
];

let store: AzureBlobStore;
beforeAll(async () => {
  store = freshStore('search');
  await ingestRaySession(store);
  await ingestFile(store, WORKER, 'aaa.log', CATASTROPHIC);
}, 180_000);

type Plain = Pick<SearchHit, 'node' | 'file' | 'line' | 'offset' | 'text'>;

/** The obvious search: every file whole, split into lines, in storage order. */
function reference(p: SearchPattern, opts: { cap?: number; node?: string; glob?: RegExp } = {}): Plain[] {
  const cap = opts.cap ?? DEFAULT_SEARCH_SETTINGS.maxLineBytes;
  const m = compileMatcher(p);
  const out: Plain[] = [];
  for (const [node, files] of FILES) {
    if (opts.node !== undefined && node !== opts.node) continue;
    for (const file of Object.keys(files).sort(compareNames)) {
      if (opts.glob !== undefined && !opts.glob.test(file)) continue;
      const data = Buffer.from(files[file] as string, 'utf8');
      let start = 0;
      for (let line = 1; start < data.length; line++) {
        const nl = data.indexOf(0x0a, start);
        const end = nl < 0 ? data.length : nl;
        const capped = data.subarray(start, Math.min(end, start + cap));
        const whole = end - start <= cap;
        const body = whole && capped[capped.length - 1] === 0x0d ? capped.subarray(0, -1) : capped;
        const ok =
          m.kind === 'line' ? m.test(body.toString('utf8')) : m.prepare(capped).indexOf(m.needle) >= 0;
        if (ok) out.push({ node, file, line, offset: start, text: body.subarray(0, 2048).toString('utf8') });
        start = end + 1;
      }
    }
  }
  return out;
}

const plain = (h: SearchHit): Plain => ({
  node: h.node,
  file: h.file,
  line: h.line,
  offset: h.offset,
  text: h.text,
});

/** Follows cursors to the end; returns every hit and how many pages were partial. */
async function all(q: SearchQuery, settings: Partial<SearchSettings> = {}, now?: () => number) {
  const hits: SearchHit[] = [];
  let cursor: string | undefined;
  let partial = 0;
  let pages = 0;
  do {
    const page = await searchSession(
      store,
      SESSION_REF,
      { ...q, ...(cursor && { cursor }) },
      { settings: { ...DEFAULT_SEARCH_SETTINGS, ...settings }, ...(now && { now }) },
    );
    hits.push(...page.hits);
    if (page.partial === true) partial++;
    cursor = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(5000);
  } while (cursor !== undefined);
  return { hits, partial, pages };
}

async function rejects(q: SearchQuery, field: string): Promise<void> {
  const err = await searchSession(store, SESSION_REF, q, { settings: DEFAULT_SEARCH_SETTINGS }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, JSON.stringify(q)).toBeInstanceOf(HttpError);
  expect((err as HttpError).status).toBe(400);
  expect((err as HttpError).extra.field).toBe(field);
}

describe('search across a session', () => {
  it('finds a rare literal with exact line numbers and byte offsets, and a hit reads from its line', async () => {
    const { hits } = await all({ q: 'RARE-NEEDLE' });
    expect(hits.map(plain)).toEqual(reference({ q: 'RARE-NEEDLE' }));
    const big = hits.find((h) => h.file === 'big.log');
    expect(big).toMatchObject({ node: WORKER, line: 149_991, text: BIG_LINES[149_990] });
    const raylet = hits.find((h) => h.node === HEAD);
    expect(raylet).toMatchObject({
      file: 'raylet.out',
      line: 301,
      read: `logs/${HEAD}/raylet.out?offset=${raylet?.offset}`,
    });
    // The link's offset reads the file from the hit's line.
    const r = await readLogFile(store, {
      session: SESSION_REF,
      node: WORKER,
      file: 'big.log',
      offset: big?.offset ?? -1,
      length: 200,
    });
    const parts: Buffer[] = [];
    for await (const c of r.body ?? []) parts.push(Buffer.from(c));
    expect(Buffer.concat(parts).toString().startsWith(`${BIG_LINES[149_990]}\n`)).toBe(true);
  });

  it('matches RE2 regular expressions and case-insensitively, as a whole-file scan does', async () => {
    for (const p of [
      { q: 'ERROR big\\.cc:9[0-9]\\]', regex: true },
      { q: '^task [AB]: .*hello', regex: true },
      { q: 'rare-needle', ignoreCase: true },
      { q: 'É', ignoreCase: true },
      { q: 'big\\.cc:1[0-9]\\] LINE 1', regex: true, ignoreCase: true },
      { q: 'x\\d+$', regex: true },
    ] satisfies SearchPattern[]) {
      const { hits } = await all(p);
      expect(hits.map(plain), JSON.stringify(p)).toEqual(reference(p));
    }
  });

  it('keeps to one node, or to the files a glob selects, and adds Ray node ids the caller knows', async () => {
    const q = { q: 'line 1' };
    expect((await all({ ...q, node: HEAD })).hits.map(plain)).toEqual(reference(q, { node: HEAD }));
    expect((await all({ ...q, glob: '*.out' })).hits.map(plain)).toEqual(
      reference(q, { glob: /^[^/]*\.out$/ }),
    );
    expect((await all({ ...q, glob: 'events/**' })).hits).toEqual([]);
    const page = await searchSession(
      store,
      SESSION_REF,
      { q: 'RARE-NEEDLE', node: HEAD },
      {
        settings: DEFAULT_SEARCH_SETTINGS,
        nodeIds: new Map([[HEAD, HEAD_ID]]),
      },
    );
    expect(page.hits[0]?.nodeId).toBe(HEAD_ID);
  });

  it('pages by limit with a cursor: the pages add up to the full answer', async () => {
    const q = { q: 'WARNING (raylet|gcs_server)', regex: true };
    const full = reference(q);
    expect(full.length).toBeGreaterThan(30);
    const paged = await all({ ...q, limit: 7 });
    expect(paged.hits.map(plain)).toEqual(full);
    expect(paged.partial).toBe(0);
    expect(paged.pages).toBe(Math.ceil(full.length / 7) + (full.length % 7 === 0 ? 1 : 0));
  });

  it('stops at the deadline with partial and a cursor that continues exactly (line numbers included)', async () => {
    let t = 0;
    const clock = () => (t += 1); // every reading of the clock is a millisecond later
    const q = { q: 'line 14999', glob: '{big,raylet}.*' };
    for (const concurrency of [1, 4]) {
      const r = await all(q, { deadlineMs: 20, concurrency }, clock);
      expect(r.partial).toBeGreaterThan(3);
      expect(r.hits.map(plain)).toEqual(reference({ q: 'line 14999' }, { glob: /^(big|raylet)\./ }));
      expect(r.hits.length).toBeGreaterThan(5);
    }
  });

  it('stops at the byte budget with partial pages that add up exactly; a line longer than the cap is matched on its first cap bytes', async () => {
    const q = { q: 'needle' };
    const r = await all(q, { maxBytes: 256 * 1024, maxLineBytes: 1024 });
    expect(r.partial).toBeGreaterThan(10);
    expect(r.hits.map(plain)).toEqual(reference(q, { cap: 1024 }));
    expect(r.hits.some((h) => h.line === 1235)).toBe(false); // its needle lies past the first 1 KiB
    const wide = await all({ q: 'needle-after-the-cap' }, { maxLineBytes: 1024 * 1024 });
    expect(wide.hits.map((h) => [h.file, h.line, h.truncated])).toEqual([['big.log', 1235, true]]);
    expect(wide.hits[0]?.text.length).toBe(2048);
  });

  it('runs a catastrophic pattern like (a+)+$ in linear time', async () => {
    const p = { q: '(a+)+$', regex: true };
    const { hits } = await all({ ...p, glob: 'aaa.log' });
    expect(hits.map((h) => h.line)).toEqual([2]);
    expect(hits.map(plain)).toEqual(reference(p, { glob: /^aaa\.log$/ }));
  });

  it('refuses bad input with 400 naming the field, before reading anything', async () => {
    await rejects({ q: '' }, 'q');
    await rejects({ q: '(unclosed', regex: true }, 'q');
    await rejects({ q: '(?<=look)behind', regex: true }, 'q');
    await rejects({ q: 'two\nlines' }, 'q');
    await rejects({ q: 'x'.repeat(1001) }, 'q');
    await rejects({ q: 'x', limit: 0 }, 'limit');
    await rejects({ q: 'x', limit: 1001 }, 'limit');
    await rejects({ q: 'x', node: '../etc' }, 'node');
    await rejects({ q: 'x', glob: '../*' }, 'glob');
    await rejects({ q: 'x', cursor: 'not-a-cursor' }, 'cursor');
    const page = await searchSession(
      store,
      SESSION_REF,
      { q: 'ERROR', limit: 1 },
      { settings: DEFAULT_SEARCH_SETTINGS },
    );
    await rejects({ q: 'WARNING', cursor: page.nextCursor }, 'cursor');
  });

  it('answers 404 session_not_found for a session that does not exist', async () => {
    const missing = { ...SESSION_REF, session: 'session_2020-01-01_00-00-00_000000_1' };
    const err = await searchSession(store, missing, { q: 'x' }, { settings: DEFAULT_SEARCH_SETTINGS }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as HttpError).code).toBe('session_not_found');
  });
});

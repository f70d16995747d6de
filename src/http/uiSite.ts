/**
 * Serves the built history UI (`dist/ui`, from the deployed package, never from blob storage):
 * `index.html` for every app path, revalidated by its ETag; hashed files under `assets/` cached for
 * a year as immutable; the `.br`/`.gz` variants the build writes beside each file when the client
 * accepts them. Bodies are streamed from disk.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** One file of the site, with its precompressed variants. */
interface SiteFile {
  file: string;
  size: number;
  type: string;
  etag: string;
  variants: { encoding: 'br' | 'gzip'; file: string; size: number }[];
}

/** The built site: its files by path relative to the site root (`assets/index-abc123.js`). */
export interface Site {
  files: Map<string, SiteFile>;
}

export interface SiteRequest {
  method: string;
  /** The path below the site root, without a leading `/` (`''` for the root). */
  path: string;
  acceptEncoding?: string | undefined;
  ifNoneMatch?: string | undefined;
}

export interface SiteResponse {
  status: number;
  headers: Record<string, string>;
  /** A stream of the file; absent for HEAD, 304 and errors with a small JSON body. */
  body?: AsyncIterable<Uint8Array> | string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The page may load only its own scripts, styles and data: no CDN, no inline script. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const IMMUTABLE = 'public, max-age=31536000, immutable';
const COMPRESSED = ['.br', '.gz'];

function walk(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const name = rel === '' ? e.name : `${rel}/${e.name}`;
    return e.isDirectory() ? walk(dir, name) : e.isFile() ? [name] : [];
  });
}

/** Reads the list of files of a built site; null when `dir` has no `index.html` (not built). */
export function loadSite(dir: string): Site | null {
  if (!existsSync(path.join(dir, 'index.html'))) return null;
  const files = new Map<string, SiteFile>();
  const names = new Set(walk(dir));
  for (const name of names) {
    if (COMPRESSED.includes(path.extname(name))) continue;
    const file = path.join(dir, name);
    const size = statSync(file).size;
    const variants = (['br', 'gzip'] as const).flatMap((encoding) => {
      const v = `${name}.${encoding === 'br' ? 'br' : 'gz'}`;
      if (!names.has(v)) return [];
      const vsize = statSync(path.join(dir, v)).size;
      return vsize < size ? [{ encoding, file: path.join(dir, v), size: vsize }] : [];
    });
    // Files are small and read once per process: their content hash is a strong ETag.
    const etag = `"${createHash('sha256').update(readFileSync(file)).digest('base64url').slice(0, 27)}"`;
    files.set(name, {
      file,
      size,
      type: TYPES[path.extname(name)] ?? 'application/octet-stream',
      etag,
      variants,
    });
  }
  return { files };
}

/** The encodings a client accepts (`Accept-Encoding`), q=0 excluded. */
function accepted(header: string | undefined): Set<string> {
  const out = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [token = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    if (token !== '' && (q === undefined || Number(q) > 0)) out.add(token);
  }
  return out;
}

function etagMatches(header: string | undefined, etag: string): boolean {
  return (header ?? '').split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

function notFound(what: string): SiteResponse {
  return {
    status: 404,
    headers: { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-cache' },
    body: JSON.stringify({ error: 'not_found', message: `no file ${what} in the UI build` }),
  };
}

/** True for paths the app's own router handles (every path that is not a built file). */
function isAppPath(p: string): boolean {
  return !p.startsWith('assets/');
}

/** Answers one request for the site: a file, `index.html` for an app path, or 404. */
export function serveSite(site: Site, req: SiteRequest): SiteResponse {
  const hit = site.files.get(req.path) ?? (isAppPath(req.path) ? site.files.get('index.html') : undefined);
  if (hit === undefined) return notFound(req.path);
  const isIndex = hit === site.files.get('index.html');
  const ok = accepted(req.acceptEncoding);
  const variant = hit.variants.find((v) => ok.has(v.encoding));
  // Each encoding is its own representation, so it has its own ETag.
  const etag = variant === undefined ? hit.etag : `${hit.etag.slice(0, -1)}-${variant.encoding}"`;
  const headers: Record<string, string> = {
    'Content-Type': hit.type,
    'X-Content-Type-Options': 'nosniff',
    ETag: etag,
    'Cache-Control': req.path.startsWith('assets/') ? IMMUTABLE : 'no-cache',
    ...(isIndex && { 'Content-Security-Policy': CONTENT_SECURITY_POLICY, 'Referrer-Policy': 'no-referrer' }),
    ...(hit.variants.length > 0 && { Vary: 'Accept-Encoding' }),
  };
  if (etagMatches(req.ifNoneMatch, etag)) return { status: 304, headers };
  headers['Content-Length'] = String(variant?.size ?? hit.size);
  if (variant !== undefined) headers['Content-Encoding'] = variant.encoding;
  if (req.method === 'HEAD') return { status: 200, headers };
  return { status: 200, headers, body: createReadStream(variant?.file ?? hit.file) };
}

/** Reading the deployable zip in tests (yauzl: the reader that pairs with yazl, which writes it). */
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import yauzl from 'yauzl';

/** Every entry of a zip: its name, and its text when `wanted` says so. */
export async function readZip(
  file: string,
  wanted: (name: string) => boolean = () => false,
): Promise<{ names: string[]; texts: Map<string, string> }> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  const names: string[] = [];
  const texts = new Map<string, string>();
  try {
    for await (const entry of zip.eachEntry()) {
      names.push(entry.fileName);
      if (!wanted(entry.fileName)) continue;
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      texts.set(entry.fileName, Buffer.concat(chunks).toString('utf8'));
    }
  } finally {
    zip.close();
  }
  return { names, texts };
}

/** Unpacks a zip into `dir`, file by file. */
export async function extractZip(file: string, dir: string): Promise<void> {
  const zip = await yauzl.openPromise(file, { lazyEntries: true });
  try {
    for await (const entry of zip.eachEntry()) {
      if (entry.fileName.endsWith('/')) continue;
      const target = path.join(dir, entry.fileName);
      if (!target.startsWith(path.resolve(dir) + path.sep)) throw new Error(`unsafe entry ${entry.fileName}`);
      mkdirSync(path.dirname(target), { recursive: true });
      await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target));
    }
  } finally {
    zip.close();
  }
}

/**
 * Finds the matching lines of a byte stream fed chunk by chunk, with exact 1-based line numbers and
 * byte offsets, in memory bounded by one chunk plus `cap` bytes of a line that crosses chunks. Pure:
 * the caller reads the bytes and decides when to stop.
 *
 * A line is what lies between two `\n` (the last one may lack it); a line longer than `cap` bytes is
 * matched on its first `cap` bytes only, the same wherever the chunk boundaries fall.
 */
import type { LineMatcher } from './matcher.js';

const NL = 0x0a;
const CR = 0x0d;

/**
 * Where a scan stands: the start of line `line` at byte `offset`; or, with `skip`, byte `offset`
 * inside line `line`, which was already matched (a line longer than the cap): scanning resumes at
 * the next `\n`.
 */
export interface Position {
  offset: number;
  line: number;
  skip?: true;
}

export interface LineHit {
  line: number;
  /** Byte offset of the line's start. */
  offset: number;
  /** The line's first `cap` bytes, without its `\n`. */
  bytes: Buffer;
  /** Where a scan continues after this hit. */
  next: Position;
}

function countLines(buf: Buffer, from: number, to: number): number {
  let n = 0;
  for (let i = buf.indexOf(NL, from); i >= 0 && i < to; i = buf.indexOf(NL, i + 1)) n++;
  return n;
}

/** The line's text for matching: its capped bytes, less a `\r` that ends the whole line. */
function lineText(buf: Buffer, start: number, end: number, cap: number): string {
  const capped = Math.min(end, start + cap);
  const stop = capped === end && end > start && buf[end - 1] === CR ? end - 1 : capped;
  return buf.toString('utf8', start, stop);
}

export class LineScanner {
  /** Matching lines found so far, in order. */
  readonly hits: LineHit[] = [];
  /** Absolute offset of the next byte to be pushed. */
  private at: number;
  private lineOffset: number;
  private lineNo: number;
  private skipping: boolean;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private carryTotal = 0;
  /** The verdict on an overlong line once its first `cap` bytes are in: a hit, none (null), or not yet. */
  private pending: LineHit | null | undefined;
  private moved = false;

  constructor(
    private readonly matcher: LineMatcher,
    private readonly cap: number,
    start: Position,
    private readonly maxHits: number,
  ) {
    this.at = start.offset;
    this.lineOffset = start.offset;
    this.lineNo = start.line;
    this.skipping = start.skip === true;
  }

  /** True once the position has advanced (a line ended, or an overlong line was matched). */
  get progressed(): boolean {
    return this.moved;
  }

  /** Feeds the next bytes; false once `maxHits` hits are found (the last hit's `next` is where to go on). */
  push(chunk: Buffer): boolean {
    const base = this.at;
    this.at += chunk.length;
    let i = 0;
    if (this.skipping) {
      this.moved = true;
      const nl = chunk.indexOf(NL);
      if (nl < 0) return true;
      this.skipping = false;
      this.lineNo++;
      this.lineOffset = base + nl + 1;
      i = nl + 1;
    }
    if (this.carryTotal > 0) {
      const nl = chunk.indexOf(NL, i);
      if (nl < 0) {
        this.addCarry(chunk.subarray(i));
        return true;
      }
      this.addCarry(chunk.subarray(i, nl));
      if (!this.finishCarry(base + nl + 1)) return false;
      i = nl + 1;
    }
    const last = chunk.lastIndexOf(NL);
    if (last >= i) {
      if (!this.region(chunk, base, i, last + 1)) return false;
      i = last + 1;
    }
    if (i < chunk.length) this.addCarry(chunk.subarray(i));
    return true;
  }

  /** The end of the file: its last line may lack a `\n`. */
  end(): void {
    if (!this.skipping && this.carryTotal > 0) this.finishCarry(this.at);
  }

  /**
   * Where to resume after stopping between chunks. Stopping inside an overlong line emits its hit
   * (if any) now and resumes in `skip` mode, so that every stop makes progress.
   */
  stop(): Position {
    if (this.skipping) return { offset: this.at, line: this.lineNo, skip: true };
    if (this.pending !== undefined) {
      const next: Position = { offset: this.at, line: this.lineNo, skip: true };
      if (this.pending !== null) this.hits.push({ ...this.pending, next });
      return next;
    }
    return { offset: this.lineOffset, line: this.lineNo };
  }

  private addCarry(part: Buffer): void {
    this.carryTotal += part.length;
    const keep = Math.min(part.length, this.cap - this.carryBytes);
    if (keep > 0) {
      this.carry.push(Buffer.from(part.subarray(0, keep)));
      this.carryBytes += keep;
    }
    if (this.carryTotal > this.cap && this.pending === undefined) {
      // Only the first `cap` bytes count: the verdict is in, whatever follows.
      this.pending = this.evaluate(Buffer.concat(this.carry, this.carryBytes), false);
      this.moved = true;
    }
  }

  private evaluate(bytes: Buffer, wholeLine: boolean): LineHit | null {
    const text = wholeLine ? lineText(bytes, 0, bytes.length, this.cap) : bytes.toString('utf8');
    const m = this.matcher;
    const hit =
      m.kind === 'line'
        ? m.test(text)
        : m.prepare(bytes.subarray(0, Math.min(bytes.length, this.cap))).indexOf(m.needle) >= 0;
    if (!hit) return null;
    return { line: this.lineNo, offset: this.lineOffset, bytes, next: { offset: 0, line: 0 } };
  }

  /** Ends the line kept in `carry`; the next line starts at absolute offset `next`. */
  private finishCarry(next: number): boolean {
    const verdict =
      this.pending !== undefined
        ? this.pending
        : this.evaluate(Buffer.concat(this.carry, this.carryBytes), true);
    if (verdict !== null) this.hits.push({ ...verdict, next: { offset: next, line: this.lineNo + 1 } });
    this.lineNo++;
    this.lineOffset = next;
    this.carry = [];
    this.carryBytes = 0;
    this.carryTotal = 0;
    this.pending = undefined;
    this.moved = true;
    return this.hits.length < this.maxHits;
  }

  /** Complete lines `chunk[from, to)` (`to` just past a `\n`); `base` is the chunk's absolute offset. */
  private region(chunk: Buffer, base: number, from: number, to: number): boolean {
    this.moved = true;
    const m = this.matcher;
    if (m.kind === 'line') {
      for (let s = from; s < to;) {
        const e = chunk.indexOf(NL, s);
        if (m.test(lineText(chunk, s, e, this.cap)) && !this.hit(chunk, base, s, e)) return false;
        this.lineNo++;
        s = e + 1;
        this.lineOffset = base + s;
      }
      return true;
    }
    const searchable = m.prepare(chunk.subarray(from, to));
    let s = from;
    for (;;) {
      const found = searchable.indexOf(m.needle, s - from);
      if (found < 0) break;
      const p = found + from;
      const ls = p === s ? s : Math.max(s, chunk.lastIndexOf(NL, p - 1) + 1);
      this.lineNo += countLines(chunk, s, ls);
      const e = chunk.indexOf(NL, p);
      this.lineOffset = base + ls;
      const inCap = p + m.needle.length <= ls + this.cap;
      if (inCap && !this.hit(chunk, base, ls, e)) return false;
      this.lineNo++;
      s = e + 1;
    }
    this.lineNo += countLines(chunk, s, to);
    this.lineOffset = base + to;
    return true;
  }

  private hit(chunk: Buffer, base: number, s: number, e: number): boolean {
    const bytes = Buffer.from(chunk.subarray(s, Math.min(e, s + this.cap)));
    this.hits.push({
      line: this.lineNo,
      offset: base + s,
      bytes,
      next: { offset: base + e + 1, line: this.lineNo + 1 },
    });
    if (this.hits.length < this.maxHits) return true;
    this.lineNo++;
    this.lineOffset = base + e + 1;
    return false;
  }
}

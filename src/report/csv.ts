import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { csvFormatBody, csvFormatRows, csvParse } from 'd3-dsv';

/** A CSV cell before formatting; null/undefined are written as empty. */
export type Cell = number | string | boolean | null | undefined;

/**
 * Deterministic number text: integers exactly (ns times, seeds, counts up to 2^53), other numbers
 * rounded to 10 significant digits then printed shortest (so 0.1+0.2 is "0.3", not float noise);
 * NaN, Infinity, -Infinity as NaN, Inf, -Inf, which pandas reads as floats.
 */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Inf';
  if (x === -Infinity) return '-Inf';
  return String(Number(x.toPrecision(10)));
}

export function formatCell(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** Inverse of formatCell for numeric columns: '' (or null/undefined) is absent (null); non-numeric text is absent too. */
export function parseNumber(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (s === '') return null;
  if (s === 'Inf' || s === 'inf' || s === 'Infinity') return Infinity;
  if (s === '-Inf' || s === '-inf' || s === '-Infinity') return -Infinity;
  if (s === 'NaN') return NaN;
  const x = Number(s);
  return Number.isNaN(x) ? null : x;
}

/** `<path>.<pid>.tmp`: same directory, so the final rename is atomic on one file system. */
export function tempPath(path: string): string {
  return `${path}.${process.pid}.tmp`;
}

/**
 * Writes a header line and one line per row (columns in the given order, cells via formatCell,
 * quoting by d3-dsv), to a temporary file renamed to `path` when complete; readers never see a
 * half-written file. Creates the directory; removes the temporary file on error.
 */
export function writeCsvAtomic(path: string, columns: readonly string[], rows: Iterable<Readonly<Record<string, Cell>>>): void {
  const cols = [...columns];
  const body: Record<string, string>[] = [];
  for (const row of rows) {
    const out: Record<string, string> = {};
    for (const c of cols) out[c] = formatCell(row[c]);
    body.push(out);
  }
  writeTextAtomic(path, csvFormatRows([cols]) + '\n' + (body.length ? csvFormatBody(body, cols) + '\n' : ''));
}

/** Writes text to a temporary name beside `path` and renames it; removes the temporary file on failure. */
export function writeTextAtomic(path: string, text: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempPath(path);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Rows of a CSV file as strings keyed by header (d3-dsv csvParse); `columns` keeps the header order. */
export function readCsv(path: string): Record<string, string>[] & { columns: string[] } {
  return csvParse(readFileSync(path, 'utf8')) as unknown as Record<string, string>[] & { columns: string[] };
}

/** Same contract as TraceSink in src/engine/trace.ts (copied so report/ does not depend on engine/). */
export interface TraceSink {
  record(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void;
}

export const TRACE_COLUMNS = ['time_ns', 'node', 'layer', 'event', 'flow', 'seq', 'bytes', 'queue'] as const;

const NEEDS_QUOTES = /[",\n\r]/;

/** CSV quoting as d3-dsv does it: only when the field holds a delimiter, quote or line break. */
function quote(s: string): string {
  return NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Streams trace rows to `<path>.<pid>.tmp`, buffering about `chunkBytes` characters in memory and
 * writing them with fs.writeSync (memory stays bounded however many rows; sync because the
 * simulation loop is synchronous). close() renames to `path`; abort() deletes the temporary file.
 */
export class TraceCsvWriter implements TraceSink {
  /** Data rows recorded so far. */
  rows = 0;
  private readonly tmp: string;
  private fd: number | null;
  private parts: string[] = [];
  private pendingChars = 0;

  constructor(
    readonly path: string,
    private readonly chunkBytes = 64 * 1024,
  ) {
    mkdirSync(dirname(path), { recursive: true });
    this.tmp = tempPath(path);
    this.fd = openSync(this.tmp, 'w');
    this.push(TRACE_COLUMNS.join(',') + '\n');
  }

  record(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void {
    this.push(
      `${formatNumber(timeNs)},${quote(node)},${quote(layer)},${quote(event)},${quote(flow)},${formatNumber(seq)},${formatNumber(bytes)},${formatNumber(queue)}\n`,
    );
    this.rows++;
  }

  /** Flushes, closes and renames to the final path. */
  close(): void {
    const fd = this.openFd();
    try {
      this.flush(fd);
      closeSync(fd);
      this.fd = null;
      renameSync(this.tmp, this.path);
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  /** Drops everything: closes the file if open and deletes the temporary file. Safe to call twice. */
  abort(): void {
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // Already unusable; deleting the file below is all that matters.
      }
      this.fd = null;
    }
    this.parts = [];
    this.pendingChars = 0;
    rmSync(this.tmp, { force: true });
  }

  private push(line: string): void {
    const fd = this.openFd();
    this.parts.push(line);
    this.pendingChars += line.length;
    if (this.pendingChars >= this.chunkBytes) this.flush(fd);
  }

  private flush(fd: number): void {
    if (this.parts.length === 0) return;
    const buf = Buffer.from(this.parts.join(''), 'utf8');
    // writeSync may write less than asked; loop until the chunk is out.
    for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
    this.parts = [];
    this.pendingChars = 0;
  }

  private openFd(): number {
    if (this.fd === null) throw new Error(`trace ${this.path} is already closed`);
    return this.fd;
  }
}

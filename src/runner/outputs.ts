/**
 * The report files of a complete run: results.csv, summary.csv, compare.csv and SVG figures,
 * each written to a temporary name and renamed.
 */
import { FINGERPRINT_COLUMN } from './fingerprint.js';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './errors.js';
import {
  COMPARE_COLUMNS, FIGURE_KINDS, RESULT_COLUMNS, SUMMARY_COLUMNS, compareRows, figureSvg, summaryRows, writeCsvAtomic,
  type CompareRow, type FigureKind, type SummaryRow,
} from './report-lite.js';
import type { OutputsConfig } from '../scenario/types.js';
import type { TextRow } from './points.js';
import { writeTextAtomic } from './results-io.js';
import { findWorkload } from '../workloads/registry.js';

export interface WrittenFile {
  kind: 'results' | 'summary' | 'compare' | 'figure' | 'trace' | 'shard' | 'partial' | 'manifest';
  path: string;
  /** Data rows (CSV), data points (figures), or the results rows a manifest describes. */
  rows: number;
}

function kindOf(path: string): 'dir' | 'file' | 'none' {
  try {
    return statSync(path).isDirectory() ? 'dir' : 'file';
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return 'none'; // ENOTDIR: an ancestor is a file, found by the walk up
    throw e;
  }
}

/**
 * Checks, before anything runs, that `dir` can be the output directory: it is a directory or does
 * not exist yet, no ancestor is a file, and the nearest existing ancestor is writable. `flag`
 * names the source in the message (`--out`, or the scenario's outputs.dir).
 */
export function checkOutputDir(dir: string, flag: string): void {
  if (dir.trim() === '') throw new InputError(flag, '', 'empty path', 'a directory path');
  if (dir.includes('\0')) throw new InputError(flag, '', 'path holds a NUL character', 'a directory path');
  const abs = resolve(dir);
  let p = abs;
  while (kindOf(p) === 'none' && dirname(p) !== p) p = dirname(p);
  const kind = kindOf(p);
  if (kind === 'file') throw new InputError(flag, '', p === abs ? `${dir} is an existing file, not a directory` : `${dir} lies below ${p}, which is a file`, 'a directory, or a path that does not exist yet');
  try {
    accessSync(p, constants.W_OK);
  } catch {
    throw new InputError(flag, '', `${p} is not writable`, 'a directory you can write to');
  }
}

/** Like checkOutputDir, for a file the run writes: not a directory, and its directory usable. */
export function checkOutputFile(path: string, flag: string): void {
  if (path.trim() === '') throw new InputError(flag, '', 'empty path', 'a file path');
  if (/[/\\]$/.test(path) || kindOf(resolve(path)) === 'dir') throw new InputError(flag, '', `${path} is a directory`, 'a file path (e.g. trace.csv)');
  const dir = dirname(path);
  const abs = resolve(dir);
  let p = abs;
  while (kindOf(p) === 'none' && dirname(p) !== p) p = dirname(p);
  if (kindOf(p) === 'file') throw new InputError(flag, '', `${path} lies below ${p}, which is a file`, 'a file path in a directory');
  checkOutputDir(dir, flag);
}

/**
 * Which metric a figure kind draws and, for the best-run figure, which mode (mirrors
 * src/report/figures.ts), to skip empty figures. Which workloads' rows a figure takes is each
 * workload module's `figures` list.
 */
const FIGURE_DATA: Record<FigureKind, { metric: string; modes: string[] | null }> = {
  bandwidth: { metric: 'bandwidth_MBps', modes: null },
  'max-bandwidth': { metric: 'bandwidth_MBps', modes: ['bi'] },
  optime: { metric: 'optime_us', modes: null },
  latency: { metric: 'latency_us', modes: null },
  linpack: { metric: 'mflops', modes: null },
};

/** Summary rows a figure of this kind would draw. */
export function figurePoints(kind: FigureKind, summary: readonly SummaryRow[]): number {
  const d = FIGURE_DATA[kind];
  const fits = (r: SummaryRow) => findWorkload(String(r.workload))?.figures.includes(kind) ?? false;
  return summary.filter((r) => r.metric === d.metric && (d.modes === null || d.modes.includes(String(r.mode))) && fits(r)).length;
}

export function isFigureKind(s: string): s is FigureKind {
  return (FIGURE_KINDS as readonly string[]).includes(s);
}

/** Writes each figure with data as `<dir>/<kind>.svg`; figures without data are skipped (reported in `skipped`). */
export async function writeFigures(dir: string, kinds: readonly FigureKind[], summary: readonly SummaryRow[]): Promise<{ files: WrittenFile[]; skipped: FigureKind[] }> {
  const files: WrittenFile[] = [];
  const skipped: FigureKind[] = [];
  for (const kind of kinds) {
    const n = figurePoints(kind, summary);
    if (n === 0) {
      skipped.push(kind);
      continue;
    }
    const svg = await figureSvg(kind, summary);
    const path = join(dir, `${kind}.svg`);
    writeTextAtomic(path, svg);
    files.push({ kind: 'figure', path, rows: n });
  }
  return { files, skipped };
}

/**
 * results.csv: the result columns, then (when known) the scenario's fingerprint in every row, so a
 * results file names the scenario that made it and merge can refuse one of another scenario.
 */
export function writeResultsCsv(path: string, rows: readonly TextRow[], fingerprint: string | undefined): void {
  if (fingerprint === undefined) writeCsvAtomic(path, RESULT_COLUMNS, rows);
  else writeCsvAtomic(path, [...RESULT_COLUMNS, FINGERPRINT_COLUMN], rows.map((r) => ({ ...r, [FINGERPRINT_COLUMN]: fingerprint })));
}

export interface Reports {
  summary: SummaryRow[];
  compare: CompareRow[];
  files: WrittenFile[];
  skippedFigures: FigureKind[];
}

/** Computes summary and compare from the rows (text form) and writes what `outputs` asks for. */
export async function writeReports(dir: string, outputs: Pick<OutputsConfig, 'results' | 'summary' | 'compare' | 'figures'>, rows: readonly TextRow[], write = true, fingerprint?: string): Promise<Reports> {
  const summary = summaryRows(rows);
  const compare = compareRows(rows);
  const files: WrittenFile[] = [];
  let skippedFigures: FigureKind[] = [];
  if (!write) return { summary, compare, files, skippedFigures };
  if (outputs.results) {
    const path = join(dir, 'results.csv');
    writeResultsCsv(path, rows, fingerprint);
    files.push({ kind: 'results', path, rows: rows.length });
  }
  if (outputs.summary) {
    const path = join(dir, 'summary.csv');
    writeCsvAtomic(path, SUMMARY_COLUMNS, summary);
    files.push({ kind: 'summary', path, rows: summary.length });
  }
  if (outputs.compare) {
    const path = join(dir, 'compare.csv');
    writeCsvAtomic(path, COMPARE_COLUMNS, compare);
    files.push({ kind: 'compare', path, rows: compare.length });
  }
  if (outputs.figures.length) {
    const f = await writeFigures(dir, outputs.figures, summary);
    files.push(...f.files);
    skippedFigures = f.skipped;
  }
  return { summary, compare, files, skippedFigures };
}

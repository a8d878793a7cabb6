/**
 * The report files of a complete run: results.csv, summary.csv, compare.csv and SVG figures,
 * each written to a temporary name and renamed.
 */
import { FINGERPRINT_COLUMN } from './fingerprint.js';
import { accessSync, constants, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from './errors.js';
import {
  withParamColumns, paramColumns, COMPARE_COLUMNS, FIGURE_FORMATS, FIGURE_KINDS, RESULT_COLUMNS, SUMMARY_COLUMNS, compareRows, figureFiles, reportPage, summaryRows, writeCsvAtomic,
  type CompareRow, type FigureFormat, type FigureKind, type SummaryRow,
} from './report-lite.js';
import { baselinePoints, figureRows } from '../report/figure-data.js';
import type { ReportClaim } from '../report/html.js';
import type { OutputsConfig } from '../scenario/types.js';
import type { TextRow } from './points.js';
import { writeTextAtomic } from './results-io.js';
import { findWorkload } from '../workloads/registry.js';

export interface WrittenFile {
  kind: 'results' | 'summary' | 'compare' | 'figure' | 'trace' | 'shard' | 'partial' | 'manifest' | 'report';
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

/** The summary rows of workloads that declare figures of this kind (each module's `figures`). */
function declaringRows(kind: FigureKind, summary: readonly SummaryRow[]): SummaryRow[] {
  return summary.filter((r) => findWorkload(String(r.workload))?.figures.includes(kind) ?? false);
}

/**
 * Summary rows a figure of this kind draws: rows of workloads that declare the figure, chosen
 * by the data's shape (src/report/figure-data.ts).
 */
export function figurePoints(kind: FigureKind, summary: readonly SummaryRow[]): number {
  return figureRows(kind, declaringRows(kind, summary)).length;
}

export function isFigureKind(s: string): s is FigureKind {
  return (FIGURE_KINDS as readonly string[]).includes(s);
}

/** What figures to draw and how. */
export interface FigureRequest {
  /** Kinds asked for; empty: every kind that fits the data (the scenario lists no figures). */
  kinds: readonly FigureKind[];
  /** File formats, each figure in each (default svg). */
  formats?: readonly FigureFormat[];
  /** Draw `baseline.<format>`: every kernel in % difference from this profile. */
  baseline?: string | undefined;
  /** Profile order for colours and markers (the scenario's). */
  profiles?: readonly string[] | undefined;
}

/** A figure that was drawn: its file stem and the files written. */
export interface DrawnFigure {
  name: string;
  kind: FigureKind | 'baseline';
  files: string[];
}

/** The file names a figure request may write, for the check before a run. */
export function figureFileNames(req: FigureRequest): string[] {
  const stems: string[] = [...(req.kinds.length ? req.kinds : FIGURE_KINDS), ...(req.baseline !== undefined ? ['baseline'] : [])];
  return stems.flatMap((k) => (req.formats?.length ? req.formats : ['svg']).map((f) => `${k}.${f}`));
}

/** Checks a --figure-format list; `flag` names it in the error. */
export function parseFigureFormats(list: readonly string[], flag = '--figure-format'): FigureFormat[] {
  const out: FigureFormat[] = [];
  for (const f of list) {
    const x = f.trim().toLowerCase();
    if (!(FIGURE_FORMATS as readonly string[]).includes(x)) throw new InputError(flag, '', `unknown figure format ${JSON.stringify(f)}`, FIGURE_FORMATS.join(', '));
    if (!out.includes(x as FigureFormat)) out.push(x as FigureFormat);
  }
  return out.length ? out : ['svg'];
}

/** Checks that --baseline names one of `profiles`. */
export function checkBaseline(baseline: string | undefined, profiles: readonly string[], where: string): void {
  if (baseline === undefined) return;
  if (!profiles.includes(baseline)) throw new InputError('--baseline', '', `${JSON.stringify(baseline)} is not a profile of ${where}`, profiles.join(', '));
}

/**
 * Writes each figure with data as `<dir>/<kind>.<format>`; asked-for figures without data are
 * skipped (reported in `skipped`; figures chosen because they fit never are).
 */
export async function writeFigures(dir: string, req: FigureRequest, summary: readonly SummaryRow[]): Promise<{ files: WrittenFile[]; skipped: FigureKind[]; drawn: DrawnFigure[] }> {
  const files: WrittenFile[] = [];
  const skipped: FigureKind[] = [];
  const drawn: DrawnFigure[] = [];
  const formats = req.formats?.length ? req.formats : (['svg'] as const);
  const asked = req.kinds.length ? req.kinds : FIGURE_KINDS;
  const opts = req.profiles ? { profiles: req.profiles } : {};
  const jobs: { name: string; kind: FigureKind | 'baseline'; n: number }[] = [];
  for (const kind of asked) {
    const n = figurePoints(kind, summary);
    if (n === 0) {
      if (req.kinds.length) skipped.push(kind);
      continue;
    }
    jobs.push({ name: kind, kind, n });
  }
  if (req.baseline !== undefined) {
    const n = baselinePoints(summary, req.baseline).length;
    if (n > 0) jobs.push({ name: 'baseline', kind: 'baseline', n });
  }
  for (const j of jobs) {
    const rendered = await figureFiles(j.kind, j.kind === 'baseline' ? summary : declaringRows(j.kind, summary), formats, { ...opts, ...(req.baseline !== undefined ? { baseline: req.baseline } : {}) });
    const names: string[] = [];
    for (const [format, content] of rendered) {
      const path = join(dir, `${j.name}.${format}`);
      writeTextAtomic(path, content);
      files.push({ kind: 'figure', path, rows: j.n });
      names.push(`${j.name}.${format}`);
    }
    drawn.push({ name: j.name, kind: j.kind, files: names });
  }
  return { files, skipped, drawn };
}

export interface ReportPageInput {
  name: string;
  description?: string | undefined;
  manifest?: Readonly<Record<string, unknown>> | undefined;
  summary: readonly SummaryRow[];
  compare: readonly CompareRow[];
  figures: readonly DrawnFigure[];
  baseline?: string | undefined;
  profiles?: readonly string[] | undefined;
  claims?: readonly ReportClaim[] | undefined;
  notes?: readonly string[] | undefined;
}

/** Writes `<dir>/report.html` by rename (src/report/html.ts). */
export async function writeReportHtml(dir: string, r: ReportPageInput): Promise<WrittenFile> {
  const path = join(dir, 'report.html');
  // Each figure on the page draws the rows its file draws: those of the workloads that declare it.
  writeTextAtomic(path, await reportPage({ ...r, rowsOf: (kind) => declaringRows(kind, r.summary) }));
  return { kind: 'report', path, rows: r.figures.length };
}

/**
 * results.csv: the result columns, then (when known) the scenario's fingerprint in every row, so a
 * results file names the scenario that made it and merge can refuse one of another scenario.
 */
export function writeResultsCsv(path: string, rows: readonly TextRow[], fingerprint: string | undefined): void {
  const columns = withParamColumns(RESULT_COLUMNS, paramColumns(rows));
  if (fingerprint === undefined) writeCsvAtomic(path, columns, rows);
  else writeCsvAtomic(path, [...columns, FINGERPRINT_COLUMN], rows.map((r) => ({ ...r, [FINGERPRINT_COLUMN]: fingerprint })));
}

export interface Reports {
  summary: SummaryRow[];
  compare: CompareRow[];
  files: WrittenFile[];
  skippedFigures: FigureKind[];
  /** Figures drawn, for report.html. */
  figures: DrawnFigure[];
}

/** Computes summary and compare from the rows (text form) and writes what `outputs` asks for. */
export async function writeReports(
  dir: string, outputs: Pick<OutputsConfig, 'results' | 'summary' | 'compare' | 'figures'>, rows: readonly TextRow[], write = true, fingerprint?: string,
  figures: Omit<FigureRequest, 'kinds'> & { draw?: boolean } = {},
): Promise<Reports> {
  const summary = summaryRows(rows);
  const compare = compareRows(rows);
  const files: WrittenFile[] = [];
  let skippedFigures: FigureKind[] = [];
  let drawn: DrawnFigure[] = [];
  if (!write) return { summary, compare, files, skippedFigures, figures: drawn };
  if (outputs.results) {
    const path = join(dir, 'results.csv');
    writeResultsCsv(path, rows, fingerprint);
    files.push({ kind: 'results', path, rows: rows.length });
  }
  if (outputs.summary) {
    const path = join(dir, 'summary.csv');
    writeCsvAtomic(path, withParamColumns(SUMMARY_COLUMNS, paramColumns(rows)), summary);
    files.push({ kind: 'summary', path, rows: summary.length });
  }
  if (outputs.compare) {
    const path = join(dir, 'compare.csv');
    writeCsvAtomic(path, withParamColumns(COMPARE_COLUMNS, paramColumns(rows)), compare);
    files.push({ kind: 'compare', path, rows: compare.length });
  }
  // A scenario without an outputs.figures list gets the figures that fit its data.
  if (figures.draw !== false) {
    const f = await writeFigures(dir, { ...figures, kinds: outputs.figures }, summary);
    files.push(...f.files);
    skippedFigures = f.skipped;
    drawn = f.drawn;
  }
  return { summary, compare, files, skippedFigures, figures: drawn };
}

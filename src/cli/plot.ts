/** `xenhpc plot`: figures and report.html from a results file. */
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FIGURE_KINDS, compareRows, summaryRows, type FigureKind } from '../runner/report-lite.js';
import { InputError } from '../runner/errors.js';
import { checkBaseline, checkOutputDir, isFigureKind, parseFigureFormats, writeFigures, writeReportHtml } from '../runner/outputs.js';
import { readResultsFile } from '../runner/results-io.js';
import { EXIT, csvList, UsageError } from './common.js';
import { describeFile, type Io } from './run.js';

export interface PlotFlags {
  results: string;
  quiet?: boolean;
  figures?: string | string[];
  out?: string;
  'figure-format'?: string | string[];
  baseline?: string;
}

export async function plotCommand(flags: PlotFlags, io: Io): Promise<number> {
  const asked = csvList(flags.figures);
  for (const f of asked) if (!isFigureKind(f)) throw new UsageError(`--figures: unknown figure ${JSON.stringify(f)}; allowed: ${FIGURE_KINDS.join(', ')}`);
  const formats = parseFigureFormats(csvList(flags['figure-format']));
  const dir = flags.out ?? dirname(flags.results);
  checkOutputDir(dir, flags.out !== undefined ? '--out' : flags.results);
  const { rows } = readResultsFile(flags.results);
  if (rows.length === 0) throw new InputError(flags.results, '', 'no result rows to plot');
  const profiles = [...new Set(rows.map((r) => String(r.profile)))];
  checkBaseline(flags.baseline, profiles, flags.results);
  const summary = summaryRows(rows);
  const kinds = asked as FigureKind[];
  const { files, skipped, drawn } = await writeFigures(dir, { kinds, formats, baseline: flags.baseline, profiles }, summary);
  if (files.length === 0) throw new InputError(flags.results, 'metric', `no data for figure${kinds.length !== 1 ? 's' : ''} ${(kinds.length ? kinds : FIGURE_KINDS).join(', ')}`);
  // The page beside the figures, with the directory's manifest when the results came with one.
  const manifestPath = join(dirname(flags.results), 'manifest.json');
  let manifest: Record<string, unknown> | undefined;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, unknown>;
  } catch {
    manifest = undefined; // none, or unreadable: the page says so
  }
  const scen = manifest?.scenario as { name?: string; description?: string } | undefined;
  const report = await writeReportHtml(dir, {
    name: scen?.name ?? basename(flags.results), description: scen?.description, manifest, summary, compare: compareRows(rows), figures: drawn,
    baseline: flags.baseline, profiles, notes: [`Drawn by xenhpc plot from ${flags.results}.`],
  });
  for (const f of [...files, report]) io.stdout.write(`${describeFile(f)}\n`);
  if (skipped.length && !flags.quiet) io.stderr.write(`note: no data for ${skipped.join(', ')} in ${flags.results}; not drawn\n`);
  return EXIT.ok;
}

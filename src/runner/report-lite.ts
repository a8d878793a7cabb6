/**
 * The parts of src/report the runner and CLI use, without loading vega at start-up (about 0.2 s
 * per process, which every command and worker thread would pay): figures are imported on first use.
 */
import type { FigureKind, FigureOptions } from '../report/figures.js';
export { RESULT_COLUMNS, SUMMARY_COLUMNS, COMPARE_COLUMNS, summaryRows, compareRows, type ResultColumn, type SummaryRow, type CompareRow } from '../report/tables.js';
export { writeCsvAtomic, readCsv, TraceCsvWriter, formatCell } from '../report/csv.js';
export type { FigureKind };

/** Same list as src/report/figures.ts FIGURE_KINDS (a test keeps them equal). */
export const FIGURE_KINDS: readonly FigureKind[] = ['bandwidth', 'max-bandwidth', 'optime', 'latency'];

export async function figureSvg(kind: FigureKind, summary: readonly Readonly<Record<string, number | string | undefined>>[], opts: FigureOptions = {}): Promise<string> {
  const m = await import('../report/figures.js');
  return m.figureSvg(kind, summary, opts);
}

/**
 * The parts of src/report the runner and CLI use, without loading vega at start-up (about 0.2 s
 * per process, which every command and worker thread would pay): figures are imported on first use.
 */
import type { FigureOptions } from '../report/figures.js';
import type { FigureKind } from '../report/figure-kinds.js';
export { RESULT_COLUMNS, RUN_KEY_COLUMNS, COUNT_COLUMNS, MEASURED_COLUMNS, SUMMARY_COLUMNS, COMPARE_COLUMNS, summaryRows, compareRows, typedRow, isParamColumn, paramColumns, withParamColumns, type ResultColumn, type RunKeyColumn, type SummaryRow, type CompareRow, type TypedResultRow } from '../report/tables.js';
export { writeCsvAtomic, readCsv, TraceCsvWriter, formatCell } from '../report/csv.js';
export { FIGURE_KINDS, type FigureKind } from '../report/figure-kinds.js';

export async function figureSvg(kind: FigureKind, summary: readonly Readonly<Record<string, number | string | undefined>>[], opts: FigureOptions = {}): Promise<string> {
  const m = await import('../report/figures.js');
  return m.figureSvg(kind, summary, opts);
}

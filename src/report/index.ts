export { summarize, tCdf, tQuantile, tTwoSidedP, regIncBeta, logGamma, mean, sampleVariance, type Summary } from './stats.js';
export { welch, type WelchResult } from './ttest.js';
export {
  RESULT_COLUMNS, SUMMARY_COLUMNS, COMPARE_COLUMNS, METRICS, TEXT_COLUMNS, summaryRows, compareRows, typedRow,
  type TypedResultRow, type ResultRow, type ResultColumn, type SummaryRow, type CompareRow, type Metric, type LooseRow,
} from './tables.js';
export {
  writeCsvAtomic, readCsv, TraceCsvWriter, TRACE_COLUMNS, formatNumber, formatCell, parseNumber,
  type Cell, type TraceSink,
} from './csv.js';
export { figureSvg, figureSpec, FIGURE_KINDS, type FigureKind, type FigureOptions } from './figures.js';

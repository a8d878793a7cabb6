/**
 * xenhpc as a library: load a scenario, change it in code, run it (on worker threads), and get
 * the rows and statistics back; or run single points yourself. docs/library.md has an example.
 *
 *   import { loadScenario, simulate } from 'xenhpc';
 *   const s = loadScenario('scenarios/quickstart.yaml', ['replications=5']);
 *   const r = await simulate(s, { jobs: 4, write: false });
 */
export * from './scenario/index.js';
export { WORKLOADS, findWorkload } from './workloads/registry.js';
export { defineWorkload, defineFields, withDefaults, type WorkloadModule, type FieldDecl, type SpecOf, type RunContext } from './workloads/module.js';
export { runPoint, pointColumns, type ResultRow } from './runner/run-point.js';
export { RESULT_COLUMNS } from './report/tables.js';
export { simulate, defaultJobs, type SimulateOptions, type SimulateResult, type Progress } from './runner/simulate.js';
export { mergeShardFiles, type MergeResult } from './runner/merge.js';
export { runTracedPoint, TRACE_LAYERS, type TraceRequest, type TracedRun } from './runner/trace-run.js';
export { writeReports, writeFigures, type WrittenFile, type Reports } from './runner/outputs.js';
export { readResultsFile } from './runner/results-io.js';
export { InputError } from './runner/errors.js';
export { PointError } from './runner/pool.js';
export { textRow, pointKey, rowKey, describePoint, resultsFileName, partialFileName, POINT_COLUMN, type TextRow } from './runner/points.js';
export {
  summaryRows, compareRows, writeCsvAtomic, readCsv, TraceCsvWriter, figureSvg, figureSpec, FIGURE_KINDS,
  SUMMARY_COLUMNS, COMPARE_COLUMNS, TRACE_COLUMNS, METRICS, welch, summarize,
  type SummaryRow, type CompareRow, type FigureKind, type Metric,
} from './report/index.js';
export { checkClaims, type ClaimResult, type ClaimOptions } from './report/claims.js';
export { TraceBus, MemoryTraceSink, type TraceSink, type TraceFilter } from './engine/trace.js';

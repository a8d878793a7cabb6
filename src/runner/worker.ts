/**
 * Worker thread entry: receives the scenario once (plain data, checked by the pool), expands its
 * points and jobs (src/runner/jobs.ts), then runs, for each point index it is sent, the job that
 * holds that point, and posts back one message with the job's rows (one per point).
 * Protocol (both directions are plain objects):
 *   main -> worker  { type: 'run', index }            | { type: 'trace', index, req, path }
 *   worker -> main  { type: 'rows', index, rows }     | { type: 'traced', index, rows, traceRows, path }
 *                   { type: 'error', index, name, message, stack }
 * where rows is [{ index, row }, ...] in the job's order.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expandPoints } from '../scenario/sweep.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { JobTable } from './jobs.js';
import { runJob, type ResultRow } from './run-point.js';
import { runTracedJob, type TraceRequest } from './trace-run.js';

export type ToWorker = { type: 'run'; index: number } | { type: 'trace'; index: number; req: TraceRequest; path: string };
export type IndexedRow = { index: number; row: Record<string, unknown> };
export type FromWorker =
  | { type: 'rows'; index: number; rows: IndexedRow[] }
  | { type: 'traced'; index: number; rows: IndexedRow[]; traceRows: number; path: string }
  | { type: 'error'; index: number; name: string; message: string; stack: string };

/** The points of the job holding point `index`; throws for an index the scenario lacks. */
export function jobPoints(points: readonly RunPoint[], table: JobTable, index: number): RunPoint[] {
  const job = table.jobOf(index);
  if (!job) throw new Error(`no point ${index} (scenario has ${points.length})`);
  return job.map((i) => points[i]!);
}

/** Rows of one task: its job run (or traced), each row with its point's index. */
export type TaskRows = Exclude<FromWorker, { type: 'error' }>;

/** Runs the job holding the task's point, in a worker or in the calling thread alike. */
export function runTask(scenario: Scenario, points: readonly RunPoint[], table: JobTable, msg: ToWorker): TaskRows {
  const job = jobPoints(points, table, msg.index);
  // Plain copies: rows cross to the main thread by structured clone.
  const indexed = (rows: readonly ResultRow[]): IndexedRow[] => rows.map((row, k) => ({ index: job[k]!.index, row: { ...row } }));
  if (msg.type === 'run') return { type: 'rows', index: msg.index, rows: indexed(runJob(scenario, job)) };
  const t = runTracedJob(scenario, job, msg.req, msg.path);
  return { type: 'traced', index: msg.index, rows: indexed(t.rows), traceRows: t.traceRows, path: t.path };
}

if (parentPort) {
  const port = parentPort;
  const scenario = (workerData as { scenario: Scenario }).scenario;
  const points: RunPoint[] = expandPoints(scenario);
  const table = new JobTable(points);
  port.on('message', (msg: ToWorker) => {
    try {
      port.postMessage(runTask(scenario, points, table, msg) satisfies FromWorker);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', index: msg.index, name: err.name, message: err.message, stack: err.stack ?? '' } satisfies FromWorker);
    }
  });
}

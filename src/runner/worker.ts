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
import { runJob } from './run-point.js';
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

if (parentPort) {
  const port = parentPort;
  const scenario = (workerData as { scenario: Scenario }).scenario;
  const points: RunPoint[] = expandPoints(scenario);
  const table = new JobTable(points);
  port.on('message', (msg: ToWorker) => {
    try {
      const job = jobPoints(points, table, msg.index);
      if (msg.type === 'run') {
        const rows = runJob(scenario, job).map((row, k) => ({ index: job[k]!.index, row: { ...row } }));
        port.postMessage({ type: 'rows', index: msg.index, rows } satisfies FromWorker);
      } else {
        const t = runTracedJob(scenario, job, msg.req, msg.path);
        const rows = t.rows.map((row, k) => ({ index: job[k]!.index, row: { ...row } }));
        port.postMessage({ type: 'traced', index: msg.index, rows, traceRows: t.traceRows, path: t.path } satisfies FromWorker);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', index: msg.index, name: err.name, message: err.message, stack: err.stack ?? '' } satisfies FromWorker);
    }
  });
}

/**
 * Worker thread entry: receives the scenario once (plain data, checked by the pool), expands its
 * points, then runs the point indices it is sent, one message per point, and posts each row back.
 * Protocol (both directions are plain objects):
 *   main -> worker  { type: 'run', index }            | { type: 'trace', index, req, path }
 *   worker -> main  { type: 'row', index, row }       | { type: 'traced', index, row, rows, path }
 *                   { type: 'error', index, name, message, stack }
 */
import { parentPort, workerData } from 'node:worker_threads';
import { expandPoints } from '../scenario/sweep.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { runPoint } from './run-point.js';
import { runTracedPoint, type TraceRequest } from './trace-run.js';

export type ToWorker = { type: 'run'; index: number } | { type: 'trace'; index: number; req: TraceRequest; path: string };
export type FromWorker =
  | { type: 'row'; index: number; row: Record<string, unknown> }
  | { type: 'traced'; index: number; row: Record<string, unknown>; rows: number; path: string }
  | { type: 'error'; index: number; name: string; message: string; stack: string };

if (parentPort) {
  const port = parentPort;
  const scenario = (workerData as { scenario: Scenario }).scenario;
  const points: RunPoint[] = expandPoints(scenario);
  port.on('message', (msg: ToWorker) => {
    try {
      const point = points[msg.index];
      if (!point) throw new Error(`worker: no point ${msg.index} (scenario has ${points.length})`);
      if (msg.type === 'run') {
        const row = runPoint(scenario, point);
        port.postMessage({ type: 'row', index: msg.index, row: { ...row } } satisfies FromWorker);
      } else {
        const t = runTracedPoint(scenario, point, msg.req, msg.path);
        port.postMessage({ type: 'traced', index: msg.index, row: { ...t.row }, rows: t.rows, path: t.path } satisfies FromWorker);
      }
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      port.postMessage({ type: 'error', index: msg.index, name: err.name, message: err.message, stack: err.stack ?? '' } satisfies FromWorker);
    }
  });
}

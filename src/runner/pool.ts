/**
 * Runs tasks in this thread (jobs = 1) or on worker threads (jobs > 1), handing out one task at
 * a time to whichever worker is idle. A task names a point; what runs is the job holding it
 * (src/runner/jobs.ts), which yields a row for each of its points. Rows come back through
 * `onResult` in completion order; callers order them by point index. Aborting stops handing out
 * tasks and terminates the workers, abandoning the jobs they were running.
 */
import { Worker } from 'node:worker_threads';
import { expandPoints } from '../scenario/sweep.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { describePoint } from './points.js';
import { JobTable } from './jobs.js';
import type { ResultRow } from './run-point.js';
import { runTask, type FromWorker, type TaskRows, type ToWorker } from './worker.js';

export type Task = ToWorker;

export interface TaskResult {
  index: number;
  row: ResultRow;
  /** For trace tasks: trace rows written and the file. */
  trace?: { rows: number; path: string };
}

/** An error thrown while running a point, with the point named in the message. */
export class PointError extends Error {
  override readonly name: string = 'PointError';
  constructor(
    readonly index: number,
    message: string,
    readonly causeName: string,
    readonly causeStack: string,
  ) {
    super(message);
    this.stack = causeStack || this.stack;
  }
}

/**
 * Throws unless `v` is plain data (objects, arrays, strings, numbers, booleans, null), which is
 * what crosses to a worker unchanged. A class instance or function in a Scenario would arrive
 * stripped of its prototype, and the worker would compute something else; refuse it loudly.
 */
export function assertPlainData(v: unknown, path = 'scenario'): void {
  if (v === null || v === undefined) return;
  const t = typeof v;
  if (t === 'string' || t === 'number' || t === 'boolean') return;
  if (t !== 'object') throw new Error(`${path} is a ${t}; a scenario sent to worker threads must be plain data`);
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== Array.prototype && proto !== null) {
    throw new Error(`${path} is a ${(proto as { constructor?: { name?: string } }).constructor?.name ?? 'class'} instance; a scenario sent to worker threads must be plain data`);
  }
  for (const [k, x] of Object.entries(v as object)) assertPlainData(x, `${path}.${k}`);
}

/** A point that ran past the --point-timeout wall-clock limit; its worker was stopped. */
export class PointTimeoutError extends PointError {
  override readonly name = 'PointTimeoutError';
}

export interface RunTasksOptions {
  signal?: AbortSignal;
  /** Called as a point is handed out (before it runs), with its index. */
  onStart?: (index: number) => void;
  /** Wall-clock limit per point (ms); a point past it stops the run with a PointTimeoutError. Runs on a worker even for jobs 1, so the point can be stopped. */
  pointTimeoutMs?: number;
  /** Tasks for which this says true when their turn comes are not run (--precision: beyond a group's stop). */
  skip?: (index: number) => boolean;
}

function pointError(points: readonly RunPoint[], index: number, name: string, message: string, stack: string): PointError {
  const p = points[index];
  return new PointError(index, `point ${p ? describePoint(p) : `#${index}`} failed: ${name === 'Error' ? '' : `${name}: `}${message}`, name, stack);
}

const WORKER_URL = new URL('./worker.js', import.meta.url);

/** Runs the tasks; resolves with aborted = true if the signal stopped it, rejects on a point error. */
export function runTasks(scenario: Scenario, tasks: readonly Task[], jobs: number, onResult: (r: TaskResult) => void, opts: RunTasksOptions = {}): Promise<{ aborted: boolean }> {
  const { signal, onStart, pointTimeoutMs, skip } = opts;
  const points = expandPoints(scenario);
  if (tasks.length === 0) return Promise.resolve({ aborted: signal?.aborted ?? false });
  if (jobs <= 1 && pointTimeoutMs === undefined) return runInProcess(scenario, points, new JobTable(points), tasks, onResult, signal, onStart, skip);
  assertPlainData(scenario);
  const n = Math.min(jobs, tasks.length);
  return new Promise((resolve, reject) => {
    const workers: Worker[] = [];
    let next = 0;
    let running = 0;
    let finished = false;
    const finish = (err?: unknown, aborted = false): void => {
      if (finished) return;
      finished = true;
      for (const t of timers.values()) clearTimeout(t);
      signal?.removeEventListener('abort', onAbort);
      void Promise.allSettled(workers.map((w) => w.terminate())).then(() => (err !== undefined ? reject(err) : resolve({ aborted })));
    };
    const onAbort = (): void => finish(undefined, true);
    const timers = new Map<Worker, NodeJS.Timeout>();
    const feed = (w: Worker): void => {
      if (finished) return;
      if (signal?.aborted) return finish(undefined, true);
      while (skip && next < tasks.length && skip(tasks[next]!.index)) next++;
      if (next >= tasks.length) {
        if (running === 0) finish();
        return;
      }
      running++;
      const task = tasks[next++]!;
      onStart?.(task.index);
      if (pointTimeoutMs !== undefined) {
        timers.set(w, setTimeout(() => {
          const p = points[task.index];
          finish(new PointTimeoutError(task.index, `point ${p ? describePoint(p) : `#${task.index}`} did not finish within ${pointTimeoutMs / 1000} s wall clock (--point-timeout); stopped (the limit is per job: a com program counts as one)`, 'PointTimeoutError', ''));
        }, pointTimeoutMs));
      }
      w.postMessage(task);
    };
    signal?.addEventListener('abort', onAbort);
    for (let i = 0; i < n; i++) {
      const w = new Worker(WORKER_URL, { workerData: { scenario } });
      workers.push(w);
      w.on('message', (m: FromWorker) => {
        if (finished) return;
        running--;
        clearTimeout(timers.get(w));
        if (m.type === 'error') return finish(pointError(points, m.index, m.name, m.message, m.stack));
        try {
          deliver(m, onResult);
        } catch (e) {
          return finish(e);
        }
        feed(w);
      });
      w.on('error', (e) => finish(e));
      w.on('exit', (code) => finish(new Error(`worker thread exited unexpectedly (code ${code})`)));
      feed(w);
    }
    if (signal?.aborted) finish(undefined, true);
  });
}

/** Hands a task's rows to onResult, each with the trace it belongs to (a traced job's trace covers all its rows). */
function deliver(m: TaskRows, onResult: (r: TaskResult) => void): void {
  const trace = m.type === 'traced' ? { rows: m.traceRows, path: m.path } : undefined;
  for (const r of m.rows) {
    const out: TaskResult = { index: r.index, row: r.row as unknown as ResultRow };
    if (trace) out.trace = trace;
    onResult(out);
  }
}

async function runInProcess(scenario: Scenario, points: readonly RunPoint[], table: JobTable, tasks: readonly Task[], onResult: (r: TaskResult) => void, signal?: AbortSignal, onStart?: (index: number) => void, skip?: (index: number) => boolean): Promise<{ aborted: boolean }> {
  for (const t of tasks) {
    if (skip?.(t.index)) continue;
    // Let signal handlers and timers run between jobs (a job itself is synchronous).
    await new Promise<void>((r) => setImmediate(r));
    if (signal?.aborted) return { aborted: true };
    onStart?.(t.index);
    // Once more, so the progress line naming this point reaches the terminal before it runs.
    await new Promise<void>((r) => setImmediate(r));
    if (signal?.aborted) return { aborted: true };
    let rows: TaskRows;
    try {
      rows = runTask(scenario, points, table, t);
    } catch (e) {
      const err = e instanceof Error ? e : new Error(String(e));
      throw pointError(points, t.index, err.name, err.message, err.stack ?? '');
    }
    deliver(rows, onResult);
  }
  return { aborted: false };
}

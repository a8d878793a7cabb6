/**
 * Running a scenario: its points (or one shard of them), on worker threads, with partial results
 * flushed as it goes so an interrupted run can be resumed, and the report files at the end.
 *
 * Determinism: a point's row depends only on the scenario and the point, rows are ordered by
 * point index before anything is written, and summaries are computed from the rows' CSV text. So
 * any --jobs, any interruption followed by --resume, and any set of shards merged give the same
 * bytes as one uninterrupted run.
 */
import { availableParallelism } from 'node:os';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { typedRow, writeCsvAtomic, type CompareRow, type SummaryRow, type TypedResultRow } from './report-lite.js';
import { expandPoints } from '../scenario/sweep.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { InputError } from './errors.js';
import { checkOutputDir, checkOutputFile, writeReports, type WrittenFile } from './outputs.js';
import { indexedColumnsFor, POINT_COLUMN, describePoint, partialFileName, resultsFileName, textRow, type ShardSpec, type TextRow } from './points.js';
import { expandJobs, shardJobPoints } from './jobs.js';
import { runTasks, type RunTasksOptions, type Task, type TaskResult } from './pool.js';
import { checkFingerprints, matchRows, readResultsFile, tempPathFor } from './results-io.js';
import { FINGERPRINT_COLUMN, scenarioFingerprint } from './fingerprint.js';
import { checkTraceRequest, type TraceRequest } from './trace-run.js';
import { manifestFileName, writeManifest } from './manifest.js';

export interface Progress {
  /** Points finished, including those taken from an earlier run (--resume). */
  done: number;
  /** Points this run (or shard) has in all. */
  total: number;
  /** Points taken from an earlier run. */
  skipped: number;
  /** Wall time since simulate() started (ms). */
  elapsedMs: number;
  /** The point running now (the lowest-numbered one, with jobs > 1), e.g. `#12 rhel-2.6.9 com bi 1024 B rep 3`. */
  running?: string;
}

export interface SimulateOptions {
  /** Worker threads; 1 runs in this thread. Default: os.availableParallelism(). */
  jobs?: number;
  /** Run only shard index/count (1-based) of the points; writes results.shard-i-of-n.csv and manifest.shard-i-of-n.json only. */
  shard?: ShardSpec;
  /** Take rows from an earlier run's results or partial file in the output directory and run only the rest. */
  resume?: boolean;
  onProgress?: (p: Progress) => void;
  /** Aborting stops starting points, abandons running ones and writes the partial file. */
  signal?: AbortSignal;
  /** Output directory. Default: the scenario's outputs.dir. */
  outDir?: string;
  /** Write files (default true). false: only return the rows and tables. */
  write?: boolean;
  /** Least time between two partial-file flushes (ms). Default 5000. */
  flushEveryMs?: number;
  /** Wall-clock limit per point (ms): a point past it stops the run (PointTimeoutError) and the finished rows are kept. */
  pointTimeoutMs?: number;
  /** The command line manifest.json records. Default: process.argv. */
  command?: readonly string[];
}

export interface SimulateResult {
  /** Finished rows in point order, as results.csv holds them (text). */
  rows: TextRow[];
  /** The same rows typed by column: numbers (null where a cell is empty) and text (profile, mode, ...). */
  records: TypedResultRow[];
  /** Point index of each row. */
  points: number[];
  /** Replication statistics and t-tests (unsharded, complete runs; otherwise empty). */
  summary: SummaryRow[];
  compare: CompareRow[];
  files: WrittenFile[];
  total: number;
  ran: number;
  skipped: number;
  /** True when the signal stopped the run; `files` then holds the partial file. */
  aborted: boolean;
  /** Figures asked for that had no data. */
  skippedFigures: string[];
  /** Rows of an earlier run (--resume) that were cut short or damaged, so their points ran again. */
  damaged: { path: string; line: number; problem: string }[];
}

export function defaultJobs(): number {
  return availableParallelism();
}

/** The trace an `outputs.trace` block asks for, checked (layer and node names) before anything runs. */
function scenarioTrace(scenario: Scenario): TraceRequest | undefined {
  const t = scenario.outputs.trace;
  if (!t) return undefined;
  const req: TraceRequest = { layers: t.layers, nodes: t.nodes };
  if (t.fromNs !== undefined) req.fromNs = t.fromNs;
  if (t.toNs !== undefined) req.toNs = t.toNs;
  checkTraceRequest(req, scenario.cluster.nodes, { layers: `${scenario.file}: outputs.trace`, nodes: `${scenario.file}: outputs.trace` });
  return req;
}

export async function simulate(scenario: Scenario, opts: SimulateOptions = {}): Promise<SimulateResult> {
  const t0 = performance.now();
  const startedAt = new Date();
  const write = opts.write ?? true;
  const jobs = opts.jobs ?? defaultJobs();
  if (!Number.isInteger(jobs) || jobs < 1) throw new InputError('--jobs', 'jobs', `${jobs} is not a positive integer`, 'integer >= 1');
  const shard = opts.shard;
  const all = expandPoints(scenario);
  // A shard is made of whole jobs, so a program is simulated once (src/runner/jobs.ts).
  const selected: RunPoint[] = shard ? shardJobPoints(all, shard.index, shard.count) : all;
  const outDir = opts.outDir ?? scenario.outputs.dir;
  const resultsPath = join(outDir, resultsFileName(shard));
  const partialPath = join(outDir, partialFileName(shard));
  const traceReq = write ? scenarioTrace(scenario) : undefined;
  if (write) {
    // Where the files go is checked before any point runs: a run must not fail at its end.
    const flag = opts.outDir !== undefined ? '--out' : `${scenario.file}: outputs.dir`;
    checkOutputDir(outDir, flag);
    const names = [resultsFileName(shard), partialFileName(shard), manifestFileName(shard), 'summary.csv', 'compare.csv', ...scenario.outputs.figures.map((f) => `${f}.svg`)];
    if (scenario.outputs.trace) names.push(scenario.outputs.trace.file);
    for (const n of names) checkOutputFile(join(outDir, n), flag);
  }

  const fingerprint = scenarioFingerprint(scenario);
  // Rows of an earlier run: all reading and checking happens before anything is written. A row
  // of another scenario is refused; a row cut short or damaged (a partial file written when the
  // machine died) is dropped and its point recomputed, never copied.
  const done = new Map<number, TextRow>();
  const damaged: { path: string; line: number; problem: string }[] = [];
  if (opts.resume) {
    for (const path of [resultsPath, partialPath]) {
      if (!existsSync(path)) continue;
      const file = readResultsFile(path);
      checkFingerprints(path, file, fingerprint, `${scenario.file} as given now`);
      const keep = file.rows.map((_, i) => file.damage[i] === undefined);
      file.damage.forEach((d, i) => d !== undefined && damaged.push({ path, line: i + 2, problem: d }));
      const usable = { rows: file.rows.filter((_, i) => keep[i]), points: file.points.filter((_, i) => keep[i]) };
      for (const [i, row] of matchRows(path, usable, scenario, selected)) done.set(i, row);
    }
  }
  const skipped = done.size;
  // A job (src/runner/jobs.ts) runs if any of its selected rows is missing; rows it yields that
  // this run (or shard) does not need are dropped.
  const wanted = new Set(selected.filter((p) => !done.has(p.index)).map((p) => p.index));
  const tasks: Task[] = expandJobs(all)
    .filter((job) => job.some((i) => wanted.has(i)))
    .map((job) => ({ type: 'run', index: job[0]! }));
  // A scenario trace covers the first point, run with the trace on instead of plainly.
  const tracePath = traceReq && scenario.outputs.trace ? join(outDir, scenario.outputs.trace.file) : undefined;
  if (traceReq && tracePath && tasks[0]?.index === 0) tasks[0] = { type: 'trace', index: 0, req: traceReq, path: tracePath };

  const files: WrittenFile[] = [];
  let lastFlush = performance.now();
  const flushEvery = opts.flushEveryMs ?? 5000;
  const sortedDone = (): [number, TextRow][] => [...done].sort((a, b) => a[0] - b[0]);
  const flushPartial = (): WrittenFile => {
    const rows = sortedDone().map(([i, r]) => ({ [POINT_COLUMN]: i, ...r, [FINGERPRINT_COLUMN]: fingerprint }));
    writeCsvAtomic(partialPath, indexedColumnsFor(rows), rows);
    lastFlush = performance.now();
    return { kind: 'partial', path: partialPath, rows: rows.length };
  };
  const running = new Set<number>();
  const progress = (): void => {
    const p: Progress = { done: done.size, total: selected.length, skipped, elapsedMs: performance.now() - t0 };
    if (running.size) {
      const first = Math.min(...running);
      p.running = describePoint(all[first]!) + (running.size > 1 ? ` (+${running.size - 1} more)` : '');
    }
    opts.onProgress?.(p);
  };

  let ran = 0;
  let traceFile: WrittenFile | undefined;
  const onResult = (r: TaskResult): void => {
    running.delete(r.index); // before the filter: a program's first point may be one resume skips
    if (!wanted.has(r.index)) return;
    done.set(r.index, textRow(r.row));
    ran++;
    if (r.trace) traceFile = { kind: 'trace', path: r.trace.path, rows: r.trace.rows };
    if (write && performance.now() - lastFlush >= flushEvery && done.size < selected.length) flushPartial();
    progress();
  };

  progress();
  let aborted = false;
  try {
    const runOpts: RunTasksOptions = {
      onStart: (i) => {
        running.add(i);
        progress();
      },
    };
    if (opts.signal) runOpts.signal = opts.signal;
    if (opts.pointTimeoutMs !== undefined) runOpts.pointTimeoutMs = opts.pointTimeoutMs;
    ({ aborted } = await runTasks(scenario, tasks, jobs, onResult, runOpts));
  } catch (e) {
    // Keep what finished, even nothing (the file then says which run to --resume): a failed point
    // should not cost the others, and docs/cli.md promises the partial file.
    if (write) {
      const f = flushPartial();
      if (e instanceof Error) (e as Error & { partial?: WrittenFile }).partial = f;
    }
    throw e;
  } finally {
    // An abandoned traced point leaves its temporary file (TraceCsvWriter names it <path>.<pid>.tmp).
    if (tracePath) rmSync(tempPathFor(tracePath), { force: true });
  }
  if (traceFile) files.push(traceFile);

  const ordered = sortedDone();
  const rows = ordered.map(([, r]) => r);
  const points = ordered.map(([i]) => i);
  const base = { rows, records: rows.map(typedRow), points, total: selected.length, ran, skipped, damaged, files, skippedFigures: [] as string[] };
  // Provenance, written last beside the final files (not for an aborted run: its directory holds
  // only the partial file, and the manifest of the finished run comes with --resume).
  const manifest = (): WrittenFile => {
    const m = writeManifest(outDir, { scenario, fingerprint, madeBy: 'run', points: rows.length, totalPoints: all.length, shard, command: opts.command, startedAt, endedAt: new Date() });
    return { kind: 'manifest', path: m.path, rows: rows.length };
  };

  if (aborted) {
    if (write && done.size > 0) files.push(flushPartial());
    return { ...base, summary: [], compare: [], aborted: true };
  }
  if (shard) {
    if (write) {
      writeCsvAtomic(resultsPath, indexedColumnsFor(rows), ordered.map(([i, r]) => ({ [POINT_COLUMN]: i, ...r, [FINGERPRINT_COLUMN]: fingerprint })));
      files.push({ kind: 'shard', path: resultsPath, rows: rows.length });
      files.push(manifest());
      rmSync(partialPath, { force: true });
    }
    return { ...base, summary: [], compare: [], aborted: false };
  }
  const rep = await writeReports(outDir, scenario.outputs, rows, write, fingerprint);
  files.push(...rep.files);
  if (write) {
    files.push(manifest());
    rmSync(partialPath, { force: true });
  }
  return { ...base, summary: rep.summary, compare: rep.compare, skippedFigures: rep.skippedFigures, aborted: false };
}

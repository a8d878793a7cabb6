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
import { checkBaseline, checkOutputDir, checkOutputFile, figureFileNames, writeReportHtml, writeReports, type WrittenFile } from './outputs.js';
import type { ClaimResult, CompareLike, SummaryLike } from '../report/claims.js';
import { CLAIM_SETS, DEFAULT_CLAIM_SET } from '../report/claim-sets.js';
import type { FigureFormat } from '../report/figure-kinds.js';
import { indexedColumnsFor, POINT_COLUMN, describePoint, partialFileName, resultsFileName, textRow, type ShardSpec, type TextRow } from './points.js';
import { expandJobs, longestFirst, shardJobPoints } from './jobs.js';
import { estimateEvents } from './cost.js';
import { runTasks, type RunTasksOptions, type Task, type TaskResult } from './pool.js';
import { checkFingerprints, matchRows, readResultsFile, tempPathFor } from './results-io.js';
import { FINGERPRINT_COLUMN, scenarioFingerprint } from './fingerprint.js';
import { checkTraceRequest, type TraceRequest } from './trace-run.js';
import { manifestFileName, writeManifest, type ManifestPrecision, type Manifest } from './manifest.js';
import { StoppingRule, precisionTaskOrder, type PrecisionSpec } from './precision.js';

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
  /**
   * The same counts weighed by each point's estimated events (src/runner/cost.ts), so an 8 MiB
   * com point counts for more than a 32 B one: done (resumed rows included), in all, and computed
   * in this session (rows dropped beyond a --precision stop included: they took time too).
   */
  work?: { done: number; total: number; ran: number };
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
  /**
   * Stop each replication group once every measured figure's 95 % CI half-width is within
   * relHalfWidth of its mean (src/runner/precision.ts); results then hold the replications each
   * point needed. Not with shard (merge needs every point).
   */
  precision?: PrecisionSpec;
  /** Figure file formats (default svg). */
  figureFormats?: readonly FigureFormat[];
  /** Also draw every kernel in % difference from this profile (must be one of the scenario's). */
  baseline?: string;
  /** Check the paper's claims on the tables (validate); they go into the result and report.html. */
  claims?: boolean;
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
  /** With options.precision: the settings and, per replication group, where it stopped. */
  precision?: ManifestPrecision;
  /** The claims checked (only with the `claims` option, on a complete unsharded run). */
  claims?: ClaimResult[];
}

/** Checks a precision request against the scenario and the other options (InputError naming the flag). */
export function checkPrecision(spec: PrecisionSpec, scenario: Scenario, shard: ShardSpec | undefined): void {
  const r = spec.relHalfWidth;
  if (typeof r !== 'number' || !Number.isFinite(r) || r <= 0 || r > 1) throw new InputError('--precision', 'precision', `${String(r)} is not a fraction in (0, 1]`, 'e.g. 1% or 0.01');
  if (scenario.replications < 2) throw new InputError('--precision', 'precision', `the scenario has ${scenario.replications} replication; a confidence interval needs at least 2`, '--reps >= 2 (or replications in the scenario)');
  const m = spec.minReps;
  if (!Number.isInteger(m) || m < 2) throw new InputError('--min-reps', 'min-reps', `${String(m)}: a confidence interval needs at least 2 replications`, 'integer >= 2');
  if (m > scenario.replications) throw new InputError('--min-reps', 'min-reps', `${m} is more than the scenario's ${scenario.replications} replications (--reps / replications)`, `integer in [2, ${scenario.replications}]`);
  if (shard) throw new InputError('--precision with --shard', 'shard', 'a shard cannot know when its replication groups stop across shards, and merge needs every point; run --precision unsharded (it already skips the replications a point does not need)', 'one of --precision, --shard');
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
  if (opts.precision) checkPrecision(opts.precision, scenario, shard);
  checkBaseline(opts.baseline, scenario.profiles.map((p) => p.name), scenario.file);
  const all = expandPoints(scenario);
  // A shard is made of whole jobs, so a program is simulated once (src/runner/jobs.ts).
  const selected: RunPoint[] = shard ? shardJobPoints(all, shard.index, shard.count) : all;
  const outDir = opts.outDir ?? scenario.outputs.dir;
  const resultsPath = join(outDir, resultsFileName(shard));
  const partialPath = join(outDir, partialFileName(shard));
  const traceReq = write ? scenarioTrace(scenario) : undefined;
  if (write) checkOutputsWritable(scenario, opts, outDir);

  const fingerprint = scenarioFingerprint(scenario);
  // Rows of an earlier run: all reading and checking happens before anything is written. A row
  // of another scenario is refused; a row cut short or damaged (a partial file written when the
  // machine died) is dropped and its point recomputed, never copied.
  const { done, damaged } = opts.resume ? readEarlierRows(scenario, fingerprint, selected, [resultsPath, partialPath]) : { done: new Map<number, TextRow>(), damaged: [] };
  const skipped = done.size;
  // --precision: which replications each group needs, decided from the first rows in replication
  // order only (rows of an earlier run count too, as they are the same bytes).
  const rule = opts.precision ? new StoppingRule(all, opts.precision, (i) => done.get(i)) : undefined;
  rule?.updateAll();
  // A job (src/runner/jobs.ts) runs if any of its selected rows is missing; rows it yields that
  // this run (or shard) does not need are dropped.
  const wanted = new Set(selected.filter((p) => !done.has(p.index)).map((p) => p.index));
  // Several workers take the longest jobs first, so none starts last and runs alone; one thread
  // keeps the scenario's order (what its progress line then shows).
  const order = (js: number[][]): number[][] => (jobs > 1 ? longestFirst(js, all) : js);
  const tasks: Task[] = (rule ? precisionTaskOrder(rule.groups, rule.spec.minReps, order) : order(expandJobs(all)))
    .filter((job) => job.some((i) => wanted.has(i)))
    .map((job) => ({ type: 'run', index: job[0]! }));
  // A scenario trace covers the first point, run with the trace on instead of plainly.
  const tracePath = traceReq && scenario.outputs.trace ? join(outDir, scenario.outputs.trace.file) : undefined;
  const firstTask = tasks.findIndex((t) => t.index === 0);
  if (traceReq && tracePath && firstTask >= 0) tasks[firstTask] = { type: 'trace', index: 0, req: traceReq, path: tracePath };

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
  // With --precision, rows beyond a group's stop are not counted, and the total shrinks as groups stop.
  const doneCount = (): number => (rule ? [...done.keys()].filter((i) => !rule.beyondStop(i)).length : done.size);
  const estimated = new Map(selected.map((p) => [p.index, estimateEvents(p)]));
  const needed = (i: number): boolean => !rule || !rule.beyondStop(i);
  const sumEstimated = (indices: Iterable<number>): number => {
    let sum = 0;
    for (const i of indices) if (needed(i)) sum += estimated.get(i) ?? 0;
    return sum;
  };
  let workRan = 0;
  const progress = (): void => {
    const p: Progress = { done: doneCount(), total: rule ? rule.neededRows() : selected.length, skipped, elapsedMs: performance.now() - t0 };
    p.work = { done: sumEstimated(done.keys()), total: sumEstimated(estimated.keys()), ran: workRan };
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
    rule?.update(r.index);
    ran++;
    workRan += estimated.get(r.index) ?? 0;
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
    if (rule) runOpts.skip = (i) => rule.beyondStop(i);
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

  // Rows a worker computed beyond its group's stop are dropped: the bytes do not depend on --jobs.
  const ordered = rule ? sortedDone().filter(([i]) => !rule.beyondStop(i)) : sortedDone();
  const rows = ordered.map(([, r]) => r);
  const points = ordered.map(([i]) => i);
  const base: Omit<SimulateResult, 'summary' | 'compare' | 'aborted'> = { rows, records: rows.map(typedRow), points, total: rule ? rule.neededRows() : selected.length, ran, skipped, damaged, files, skippedFigures: [] as string[] };
  if (rule && opts.precision) base.precision = precisionRecord(rule, opts.precision, scenario, all);
  // Provenance, written last beside the final files (not for an aborted run: its directory holds
  // only the partial file, and the manifest of the finished run comes with --resume).
  let written: Manifest | undefined;
  const manifest = (): WrittenFile => {
    const m = writeManifest(outDir, { scenario, fingerprint, madeBy: 'run', points: rows.length, totalPoints: all.length, shard, command: opts.command, startedAt, endedAt: new Date(), precision: base.precision });
    written = m.manifest;
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
  const profiles = scenario.profiles.map((p) => p.name);
  const rep = await writeReports(outDir, scenario.outputs, rows, write, fingerprint, { formats: opts.figureFormats ?? ['svg'], baseline: opts.baseline, profiles });
  files.push(...rep.files);
  const claimSet = CLAIM_SETS[scenario.claims?.set ?? DEFAULT_CLAIM_SET]!;
  const claims = opts.claims ? claimSet.check(rep.summary as unknown as SummaryLike[], rep.compare as unknown as CompareLike[], scenario.claims?.roles ?? {}) : undefined;
  if (write) {
    files.push(manifest());
    files.push(await writeReportHtml(outDir, {
      name: scenario.name, description: scenario.description, manifest: written as unknown as Record<string, unknown>,
      summary: rep.summary, compare: rep.compare, figures: rep.figures, baseline: opts.baseline, profiles, claims,
    }));
    rmSync(partialPath, { force: true });
  }
  return { ...base, summary: rep.summary, compare: rep.compare, skippedFigures: rep.skippedFigures, aborted: false, ...(claims ? { claims } : {}) };
}

/** Where the files go is checked before any point runs: a run must not fail at its end. */
function checkOutputsWritable(scenario: Scenario, opts: SimulateOptions, outDir: string): void {
  const shard = opts.shard;
  const flag = opts.outDir !== undefined ? '--out' : `${scenario.file}: outputs.dir`;
  checkOutputDir(outDir, flag);
  const figureNames = figureFileNames({ kinds: scenario.outputs.figures, formats: opts.figureFormats ?? ['svg'], baseline: opts.baseline });
  const names = [resultsFileName(shard), partialFileName(shard), manifestFileName(shard), 'summary.csv', 'compare.csv', 'report.html', ...figureNames];
  if (scenario.outputs.trace) names.push(scenario.outputs.trace.file);
  for (const n of names) checkOutputFile(join(outDir, n), flag);
}

/** --resume: the usable rows of the run's results and partial files, and the damaged ones (dropped, their points run again). */
function readEarlierRows(scenario: Scenario, fingerprint: string, selected: readonly RunPoint[], paths: readonly string[]): { done: Map<number, TextRow>; damaged: SimulateResult['damaged'] } {
  const done = new Map<number, TextRow>();
  const damaged: SimulateResult['damaged'] = [];
  for (const path of paths) {
    if (!existsSync(path)) continue;
    const file = readResultsFile(path);
    checkFingerprints(path, file, fingerprint, `${scenario.file} as given now`);
    const keep = file.rows.map((_, i) => file.damage[i] === undefined);
    file.damage.forEach((d, i) => d !== undefined && damaged.push({ path, line: i + 2, problem: d }));
    const usable = { rows: file.rows.filter((_, i) => keep[i]), points: file.points.filter((_, i) => keep[i]) };
    for (const [i, row] of matchRows(path, usable, scenario, selected)) done.set(i, row);
  }
  return { done, damaged };
}

/** What manifest.json records of a --precision run: the settings, then each group's stop. */
function precisionRecord(rule: StoppingRule, spec: PrecisionSpec, scenario: Scenario, all: readonly RunPoint[]): ManifestPrecision {
  const groups = rule.outcomes().map(({ group, outcome }) => {
    const first = all[group.reps[0]![0]!]!;
    const w = first.workload;
    const sizes = group.reps[0]!.map((i) => all[i]!.workload.sizeBytes).filter((x) => x !== undefined);
    return {
      profile: first.profile.name,
      workload: [w.type, w.mode, w.procs !== undefined ? `${w.procs} procs` : undefined, sizes.length > 1 ? `${sizes.length} sizes ${sizes[0]}..${sizes[sizes.length - 1]} B` : sizes.length ? `${sizes[0]} B` : undefined].filter((x) => x !== undefined).join(' '),
      points: group.reps[0]!.length,
      replications: outcome?.replications ?? null,
      met: outcome?.met ?? null,
      worstMetric: outcome?.worstMetric ?? null,
      worstRelHalfWidth: outcome ? Number(outcome.worstRelHalfWidth.toPrecision(4)) : null,
      projectedReplications: outcome && Number.isFinite(outcome.projectedReplications) ? outcome.projectedReplications : null,
    };
  });
  return { relHalfWidth: spec.relHalfWidth, confidence: 0.95, minReps: Math.min(spec.minReps, scenario.replications), maxReps: scenario.replications, groups };
}

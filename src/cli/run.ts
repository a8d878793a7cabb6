/** `xenhpc run` and `xenhpc validate`. */
import { relative } from 'node:path';
import { CLAIM_SETS, DEFAULT_CLAIM_SET } from '../report/claim-sets.js';
import type { CompareLike, SummaryLike } from '../report/claims.js';
import { parseShard } from '../scenario/sweep.js';
import type { Scenario } from '../scenario/types.js';
import { InputError } from '../runner/errors.js';
import { checkBaseline, parseFigureFormats, type WrittenFile } from '../runner/outputs.js';
import { DEFAULT_MIN_REPS, parsePrecision, type PrecisionSpec } from '../runner/precision.js';
import type { ManifestPrecision } from '../runner/manifest.js';
import { checkPrecision, defaultJobs, simulate, type Progress, type SimulateResult } from '../runner/simulate.js';
import { PointError } from '../runner/pool.js';
import { EXIT, UsageError, csvList, loadWithFlags, positiveInt, type ScenarioFlags } from './common.js';
import { ProgressReporter } from './progress.js';

export interface RunFlags extends ScenarioFlags {
  scenario: string;
  out?: string;
  jobs?: number | string;
  shard?: string;
  resume?: boolean;
  quiet?: boolean;
  'point-timeout'?: string;
  precision?: string;
  'min-reps'?: string;
  'figure-format'?: string | string[];
  baseline?: string;
}

/** Where SIGINT/SIGTERM come from: the process, or (tests) an emitter. */
export interface SignalSource {
  once(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  removeListener(event: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
}

export interface Io {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): boolean; isTTY?: boolean };
  /** Default: process. */
  signals?: SignalSource;
  /** Called after each progress update (tests use it to signal at an exact point). */
  onProgress?: (p: Progress) => void;
}

export function describeFile(f: WrittenFile): string {
  const p = relative(process.cwd(), f.path) || f.path;
  const unit = f.kind === 'figure' ? 'points' : f.kind === 'manifest' ? 'result rows' : f.kind === 'report' ? 'figures' : 'rows';
  const what: Record<WrittenFile['kind'], string> = {
    results: 'results', summary: 'summary', compare: 'compare', figure: 'figure', report: 'report', trace: 'trace of point #0', shard: 'shard results', partial: 'partial results', manifest: 'provenance',
  };
  return `wrote ${p} (${what[f.kind]}, ${f.rows} ${unit})`;
}

/**
 * Runs the scenario with progress and Ctrl-C handling; returns the result, or an exit code when
 * interrupted (130 for SIGINT, 143 for SIGTERM, which is what Slurm sends at a time limit).
 */
export async function runWithUi(flags: RunFlags, io: Io, allowShard = true, claims = false): Promise<{ scenario: Scenario; result: SimulateResult } | number> {
  // Everything that can be refused is checked before anything runs or is written.
  const shard = flags.shard !== undefined ? parseShard(String(flags.shard)) : undefined;
  if (shard && !allowShard) throw new InputError(`--shard ${flags.shard}`, 'shard', 'validate needs every point; run shards with `run` and merge them', 'no --shard');
  const jobs = flags.jobs === undefined ? defaultJobs() : positiveInt('jobs', flags.jobs);
  const timeoutText = flags['point-timeout'];
  let pointTimeoutMs: number | undefined;
  if (timeoutText !== undefined) {
    const sec = Number(String(timeoutText).trim());
    if (String(timeoutText).trim() === '' || !Number.isFinite(sec) || sec <= 0 || sec > 1e7) throw new UsageError(`--point-timeout: expected seconds > 0 (at most 1e7), got ${JSON.stringify(timeoutText)}`);
    pointTimeoutMs = Math.ceil(sec * 1000);
  }
  const precisionText = flags.precision;
  let precision: PrecisionSpec | undefined;
  if (precisionText !== undefined) {
    const v = parsePrecision(String(precisionText));
    if (typeof v === 'string') throw new UsageError(`--precision: ${v}`);
    precision = { relHalfWidth: v, minReps: DEFAULT_MIN_REPS };
  }
  if (flags['min-reps'] !== undefined) {
    if (!precision) throw new UsageError('--min-reps: only with --precision (without it every point runs all --reps replications)');
    const m = Number(String(flags['min-reps']).trim());
    if (String(flags['min-reps']).trim() === '' || !Number.isInteger(m) || m < 2) throw new UsageError(`--min-reps: expected an integer >= 2 (a confidence interval needs two replications), got ${JSON.stringify(flags['min-reps'])}`);
    precision.minReps = m;
  }
  const figureFormats = parseFigureFormats(csvList(flags['figure-format']));
  if (flags.baseline !== undefined && String(flags.baseline).trim() === '') throw new UsageError('--baseline: give a profile name of the scenario');
  const { scenario } = loadWithFlags(flags.scenario, flags);
  // Before anything runs: the baseline must be one of the scenario's profiles.
  checkBaseline(flags.baseline, scenario.profiles.map((p) => p.name), flags.scenario);
  // The default --min-reps never exceeds the scenario's replications; a value given does (an error).
  if (precision && flags['min-reps'] === undefined) precision.minReps = Math.max(2, Math.min(DEFAULT_MIN_REPS, scenario.replications));
  if (precision) checkPrecision(precision, scenario, shard);
  const controller = new AbortController();
  const signals: SignalSource = io.signals ?? process;
  let signalCode: number = EXIT.interrupted;
  // Contract: once every point has finished, a signal no longer stops the run. The final files
  // are written (each complete, by rename) and the run exits 0, saying the signal came too late.
  let allDone = false;
  let lateSignal = '';
  const onSignal = (code: number, name: string) => (): void => {
    if (allDone) {
      lateSignal = name;
      return;
    }
    signalCode = code;
    io.stderr.write(`\n${name}: stopping; running points are abandoned, finished ones are kept\n`);
    controller.abort();
  };
  const onInt = onSignal(EXIT.interrupted, 'interrupted');
  const onTerm = onSignal(EXIT.terminated, 'terminated');
  signals.once('SIGINT', onInt);
  signals.once('SIGTERM', onTerm);
  const progress = ProgressReporter.for(io.stderr, !!flags.quiet);
  let result: SimulateResult;
  try {
    const opts: Parameters<typeof simulate>[1] = {
      jobs,
      figureFormats,
      claims,
      resume: !!flags.resume,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.done >= p.total) allDone = true;
        progress.update(p);
        io.onProgress?.(p);
      },
    };
    if (shard) opts.shard = shard;
    if (flags.baseline !== undefined) opts.baseline = String(flags.baseline);
    if (flags.out !== undefined) opts.outDir = flags.out;
    if (pointTimeoutMs !== undefined) opts.pointTimeoutMs = pointTimeoutMs;
    if (precision) opts.precision = precision;
    result = await simulate(scenario, opts);
  } catch (e) {
    progress.end();
    const partial = (e as { partial?: WrittenFile }).partial;
    if (e instanceof PointError) {
      io.stderr.write(`error: ${e.message.replace(/\s*\r?\n\s*/g, ' ')}\n`);
      if (partial) io.stderr.write(`kept ${partial.rows} finished point${partial.rows === 1 ? '' : 's'} in ${relative(process.cwd(), partial.path) || partial.path}; fix the cause and rerun with --resume\n`);
      if (process.env.XENHPC_DEBUG && process.env.XENHPC_DEBUG !== '0' && e.stack) io.stderr.write(`${e.stack}\n`);
      return e.name === 'PointTimeoutError' ? EXIT.pointTimeout : EXIT.internal;
    }
    throw e;
  } finally {
    progress.end();
    signals.removeListener('SIGINT', onInt);
    signals.removeListener('SIGTERM', onTerm);
  }
  for (const f of result.files) io.stdout.write(`${describeFile(f)}\n`);
  if (lateSignal && !result.aborted) io.stderr.write(`${lateSignal} after every point had finished: the run completed and its files are complete\n`);
  if (result.aborted) {
    const partial = result.files.find((f) => f.kind === 'partial');
    io.stderr.write(`stopped after ${result.rows.length}/${result.total} points${partial ? `; rerun with --resume to continue from ${relative(process.cwd(), partial.path)}` : ''}\n`);
    return signalCode;
  }
  if (result.damaged.length) {
    const d = result.damaged[0]!;
    io.stderr.write(`resume: ${result.damaged.length} damaged row${result.damaged.length > 1 ? 's' : ''} recomputed, not copied (first: ${relative(process.cwd(), d.path) || d.path}:${d.line}: ${d.problem})\n`);
  }
  if (!flags.quiet && result.precision) io.stderr.write(`${precisionLine(result.precision)}\n`);
  if (!flags.quiet && result.skipped) io.stderr.write(`resumed: ${result.skipped} points taken from the earlier run, ${result.ran} run now\n`);
  if (result.skippedFigures.length && !flags.quiet) io.stderr.write(`note: no data for figure${result.skippedFigures.length > 1 ? 's' : ''} ${result.skippedFigures.join(', ')}; not drawn\n`);
  return { scenario, result };
}

/** One line: how many replications the groups needed, e.g. `precision 1%: 8 groups stopped at 5-12 replications (median 6); 1 ran to --reps 50 without meeting it`. */
export function precisionLine(p: ManifestPrecision): string {
  const reps = p.groups.map((g) => g.replications ?? p.maxReps).sort((a, b) => a - b);
  const missed = p.groups.filter((g) => g.met === false);
  const pct = `${Number((p.relHalfWidth * 100).toPrecision(6))}%`;
  const median = reps.length ? reps[(reps.length - 1) >> 1]! : 0;
  const needs = missed.map((g) => g.projectedReplications ?? Infinity);
  const most = Math.max(...needs);
  const count = (n: number): string => (Number.isFinite(n) ? n.toLocaleString('en-US') : 'unbounded');
  const need = missed.length ? `; at their stop they would need about ${count(Math.min(...needs))}-${count(most)} replications (Law & Kelton)` : '';
  const worst = missed.length ? `; ${missed.length} ran to --reps ${p.maxReps} without meeting it (first: ${missed[0]!.profile} ${missed[0]!.workload}, ${missed[0]!.worstMetric} +-${((missed[0]!.worstRelHalfWidth ?? 0) * 100).toPrecision(3)}%)${need}` : '';
  return `precision ${pct}: ${p.groups.length} replication group${p.groups.length === 1 ? '' : 's'} used ${reps[0] ?? 0}-${reps[reps.length - 1] ?? 0} of ${p.maxReps} replications (median ${median}, min ${p.minReps})${worst}; see manifest.json precision`;
}

export async function runCommand(flags: RunFlags, io: Io): Promise<number> {
  const r = await runWithUi(flags, io);
  return typeof r === 'number' ? r : EXIT.ok;
}

/** Runs the scenario, then checks the paper's claims on its summary and compare tables. */
export async function validateCommand(flags: RunFlags, io: Io): Promise<number> {
  const r = await runWithUi(flags, io, false, true);
  if (typeof r === 'number') return r;
  // simulate checked them (they are in report.html too).
  const set = CLAIM_SETS[r.scenario.claims?.set ?? DEFAULT_CLAIM_SET]!;
  const claims = r.result.claims ?? set.check(r.result.summary as unknown as SummaryLike[], r.result.compare as unknown as CompareLike[], r.scenario.claims?.roles ?? {});
  let failed = 0;
  for (const c of claims) {
    if (!c.pass) failed++;
    io.stdout.write(`${c.pass ? 'PASS' : 'FAIL'} ${c.id}. ${c.title}: ${c.detail}\n`);
  }
  io.stdout.write(`${claims.length - failed}/${claims.length} claims pass\n`);
  return failed === 0 ? EXIT.ok : EXIT.checkFailed;
}

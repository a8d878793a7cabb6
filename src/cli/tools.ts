/** `xenhpc trace`, `plot`, `merge` and `profiles`. */
import { rmSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { FIGURE_KINDS, summaryRows, type FigureKind } from '../runner/report-lite.js';
import { findPath } from '../paths/registry.js';
import { ScenarioError } from '../scenario/errors.js';
import { listProfiles, loadProfile, profileSections } from '../scenario/profiles.js';
import type { KernelProfile } from '../scenario/types.js';
import { expandPoints } from '../scenario/sweep.js';
import { InputError } from '../runner/errors.js';
import { mergeShardFiles } from '../runner/merge.js';
import { checkOutputDir, checkOutputFile, isFigureKind, writeFigures, writeReports, writeResultsCsv } from '../runner/outputs.js';
import { describePoint } from '../runner/points.js';
import { manifestFileName, writeManifest } from '../runner/manifest.js';
import { scenarioFingerprint } from '../runner/fingerprint.js';
import { JobTable } from '../runner/jobs.js';
import { runTasks, type TaskResult } from '../runner/pool.js';
import { readResultsFile, tempPathFor } from '../runner/results-io.js';
import { checkTraceRequest, TRACE_LAYERS, type TraceRequest } from '../runner/trace-run.js';
import { EXIT, csvList, loadWithFlags, nonNegInt, UsageError, type ScenarioFlags } from './common.js';
import { describeFile, type Io } from './run.js';

const rel = (p: string): string => relative(process.cwd(), p) || p;

export interface TraceFlags extends ScenarioFlags {
  scenario: string;
  point?: string | number;
  layers?: string | string[];
  nodes?: string | string[];
  from?: string | number;
  to?: string | number;
  out: string;
}

function humanBytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let x = n;
  while (x >= 1000 && i < units.length - 1) {
    x /= 1000;
    i++;
  }
  return `${i ? x.toFixed(1) : x} ${units[i]}`;
}

/** Runs one point with a streamed trace, on a worker thread so Ctrl-C can stop it cleanly. */
export async function traceCommand(flags: TraceFlags, io: Io): Promise<number> {
  const { scenario } = loadWithFlags(flags.scenario, flags);
  const points = expandPoints(scenario);
  const index = flags.point === undefined ? 0 : nonNegInt('point', flags.point);
  const point = points[index];
  if (!point) throw new UsageError(`--point ${flags.point}: the scenario has points 0..${points.length - 1}`);
  const req: TraceRequest = { layers: csvList(flags.layers), nodes: csvList(flags.nodes).map((n) => (/^\d+$/.test(n) ? `n${n}` : n)) };
  if (flags.from !== undefined) req.fromNs = nonNegInt('from', flags.from);
  if (flags.to !== undefined) req.toNs = nonNegInt('to', flags.to);
  checkTraceRequest(req, scenario.cluster.nodes, { layers: '--layers', nodes: '--nodes' });
  checkOutputFile(flags.out, '--out');
  const path = resolve(flags.out);
  const controller = new AbortController();
  const onInt = (): void => controller.abort();
  process.once('SIGINT', onInt);
  let got: TaskResult | undefined;
  let aborted: boolean;
  try {
    ({ aborted } = await runTasks(scenario, [{ type: 'trace', index, req, path }], 2, (r) => (got = r), { signal: controller.signal }));
  } finally {
    process.removeListener('SIGINT', onInt);
    rmSync(tempPathFor(path), { force: true }); // left by an abandoned trace (TraceCsvWriter's <path>.<pid>.tmp)
  }
  if (aborted || !got?.trace) {
    io.stderr.write('interrupted: no trace written\n');
    return EXIT.interrupted;
  }
  const size = statSync(path).size;
  const program = new JobTable(points).jobOf(index)?.length ?? 1;
  const whole = program > 1 ? ` (its whole program of ${program} sizes)` : '';
  io.stdout.write(`wrote ${rel(path)} (${got.trace.rows} rows, ${humanBytes(size)}) for point ${describePoint(point)}${whole}; layers ${req.layers?.length ? req.layers.join(',') : 'all'}\n`);
  return EXIT.ok;
}

export interface PlotFlags {
  results: string;
  figures?: string | string[];
  out?: string;
}

export async function plotCommand(flags: PlotFlags, io: Io): Promise<number> {
  const asked = csvList(flags.figures);
  for (const f of asked) if (!isFigureKind(f)) throw new UsageError(`--figures: unknown figure ${JSON.stringify(f)}; allowed: ${FIGURE_KINDS.join(', ')}`);
  const dir = flags.out ?? dirname(flags.results);
  checkOutputDir(dir, flags.out !== undefined ? '--out' : flags.results);
  const { rows } = readResultsFile(flags.results);
  if (rows.length === 0) throw new InputError(flags.results, '', 'no result rows to plot');
  const summary = summaryRows(rows);
  const kinds = (asked.length ? asked : FIGURE_KINDS) as FigureKind[];
  const { files, skipped } = await writeFigures(dir, kinds, summary);
  for (const f of files) io.stdout.write(`${describeFile(f)}\n`);
  if (skipped.length) io.stderr.write(`note: no data for ${skipped.join(', ')} in ${flags.results}; not drawn\n`);
  if (files.length === 0) throw new InputError(flags.results, 'metric', `no data for figure${kinds.length > 1 ? 's' : ''} ${kinds.join(', ')}`);
  return EXIT.ok;
}

export interface MergeFlags extends ScenarioFlags {
  files: string[];
  out?: string;
  scenario?: string;
}

/**
 * Joins shard files. `--out` is a directory (results.csv inside) or a file name ending in .csv.
 * With --scenario: rows are checked against the scenario's points, and summary, compare and
 * figures are written as its `outputs` asks, exactly as an unsharded run writes them.
 */
export async function mergeCommand(flags: MergeFlags, io: Io): Promise<number> {
  const startedAt = new Date();
  const scenario = flags.scenario !== undefined ? loadWithFlags(flags.scenario, flags).scenario : undefined;
  if (scenario === undefined && (flags.set !== undefined || flags.reps !== undefined || flags.ops !== undefined)) {
    throw new UsageError('--set, --reps and --ops need --scenario');
  }
  const out = flags.out ?? dirname(flags.files[0]!);
  const dir = /\.csv$/i.test(out) ? dirname(out) : out;
  const resultsName = /\.csv$/i.test(out) ? out : join(out, 'results.csv');
  checkOutputDir(dir, flags.out !== undefined ? '--out' : flags.files[0]!);
  checkOutputFile(resultsName, flags.out !== undefined ? '--out' : flags.files[0]!);
  if (scenario) checkOutputFile(join(dir, manifestFileName()), flags.out !== undefined ? '--out' : flags.files[0]!);
  const merged = mergeShardFiles(flags.files, scenario);
  const outputs = scenario ? { ...scenario.outputs, results: false } : { results: false, summary: false, compare: false, figures: [] };
  // results first (always: it is what merge is for), then the reports the scenario asks for.
  writeResultsCsv(resultsName, merged.rows, merged.fingerprint);
  io.stdout.write(`${describeFile({ kind: 'results', path: resultsName, rows: merged.rows.length })}\n`);
  const rep = await writeReports(dir, outputs, merged.rows);
  for (const f of rep.files) io.stdout.write(`${describeFile(f)}\n`);
  if (scenario) {
    // With the scenario known, the merged directory gets the provenance an unsharded run writes.
    const n = merged.rows.length;
    const m = writeManifest(dir, { scenario, fingerprint: scenarioFingerprint(scenario), madeBy: 'merge', points: n, totalPoints: n, startedAt, endedAt: new Date() });
    io.stdout.write(`${describeFile({ kind: 'manifest', path: m.path, rows: n })}\n`);
  }
  return EXIT.ok;
}

function fmtValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

export function profilesListCommand(io: Io): number {
  const list = listProfiles();
  const w = Math.max(4, ...list.map((p) => p.name.length));
  for (const p of list) io.stdout.write(`${p.name.padEnd(w)}  ${p.description}\n`);
  return EXIT.ok;
}

export function profilesShowCommand(ref: string, io: Io): number {
  const anchor = join(process.cwd(), 'command-line');
  let p: ReturnType<typeof loadProfile>;
  try {
    p = loadProfile(ref, anchor);
  } catch (e) {
    // The loader names the (here imaginary) scenario file; name the command instead.
    if (e instanceof ScenarioError && e.where === anchor) throw new InputError(`profiles show ${ref}`, 'name', e.problem, e.allowed);
    throw e;
  }
  const source = relative(process.cwd(), p.source);
  const path = findPath(p.path)!; // the loader accepted it, so it is registered
  io.stdout.write(`${p.name}: ${p.description}\npath: ${p.path} (${path.doc})\nsource: ${source.startsWith('..') ? p.source : source}\n`);
  // With a base, every value is shown (the run uses them all); a * marks one that differs from the base's.
  const base = p.extends ? loadProfile(p.extends.source, anchor) : undefined;
  if (p.extends) io.stdout.write(`extends: ${p.extends.name} (a * before a parameter: its value differs from the base's)\n`);
  for (const [name, schema] of profileSections(path)) {
    const values = sectionValues(p, name);
    const baseValues = base ? sectionValues(base, name) : undefined;
    io.stdout.write(`\n${name}:\n`);
    const keys = Object.keys(schema);
    const kw = Math.max(...keys.map((k) => k.length));
    const vals = keys.map((k) => fmtValue(values[k]!));
    const vw = Math.max(...vals.map((v) => v.length));
    const uw = Math.max(...keys.map((k) => schema[k]!.unit.length));
    const indent = (k: string): string => (baseValues !== undefined && baseValues[k] !== values[k] ? '* ' : '  ');
    keys.forEach((k, i) => io.stdout.write(`${indent(k)}${k.padEnd(kw)}  ${vals[i]!.padStart(vw)} ${schema[k]!.unit.padEnd(uw)}  ${schema[k]!.doc}\n`));
  }
  return EXIT.ok;
}

/** One section's values of a loaded profile, by section name. */
function sectionValues(p: KernelProfile, section: string): Readonly<Record<string, number>> {
  if (section === 'host') return p.host as unknown as Record<string, number>;
  if (section === 'nic') return p.nic as unknown as Record<string, number>;
  return p.sections[section] ?? {};
}

export { TRACE_LAYERS };

export interface PointsFlags extends ScenarioFlags {
  scenario: string;
}

/**
 * `xenhpc points`: the expanded points, numbered as `trace --point K` and the `point` column of
 * shard files number them, with the job that computes each (a com program runs all its sizes in
 * one simulation, so tracing one of its points simulates the whole program). Workload fields are
 * shown when they differ between points: those are what tells two points apart.
 */
export function pointsCommand(flags: PointsFlags, io: Io): number {
  const { scenario } = loadWithFlags(flags.scenario, flags);
  const points = expandPoints(scenario);
  const jobs = new JobTable(points).jobs;
  const jobOf: number[] = [];
  jobs.forEach((j, k) => j.forEach((i) => (jobOf[i] = k)));
  const fieldValues = new Map<string, Set<string>>();
  for (const p of points) {
    for (const [k, v] of Object.entries(p.workload)) {
      if (k === 'type' || v === undefined) continue;
      const set = fieldValues.get(k) ?? new Set<string>();
      set.add(String(v));
      fieldValues.set(k, set);
    }
  }
  // A field that varies, or that some points have and others lack (mixed workload blocks).
  const shown = [...fieldValues].filter(([k, vs]) => vs.size > 1 || points.some((p) => (p.workload as unknown as Record<string, unknown>)[k] === undefined)).map(([k]) => k);
  const table = points.map((p) => {
    const job = jobs[jobOf[p.index]!]!;
    const w = p.workload as unknown as Record<string, unknown>;
    return [
      String(p.index),
      String(jobOf[p.index]),
      job.length > 1 ? `program of ${job.length}` : 'alone',
      p.profile.name,
      String(p.replication),
      [p.workload.type, ...shown.filter((k) => w[k] !== undefined).map((k) => `${k}=${String(w[k])}`)].join(' '),
    ];
  });
  const head = ['point', 'job', 'runs', 'profile', 'rep', 'workload'];
  const widths = head.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((x, c) => (c === r.length - 1 ? x : c <= 1 || c === 4 ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ').trimEnd();
  io.stdout.write(`${line(head)}\n`);
  for (const r of table) io.stdout.write(`${line(r)}\n`);
  const programs = jobs.filter((j) => j.length > 1).length;
  io.stdout.write(`${points.length} point${points.length === 1 ? '' : 's'} in ${jobs.length} job${jobs.length === 1 ? '' : 's'}${programs ? ` (${programs} multi-size program${programs === 1 ? '' : 's'})` : ''}\n`);
  return EXIT.ok;
}

/** `xenhpc trace`: one point with a streamed event trace (CSV). */
import { rmSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { expandPoints } from '../scenario/sweep.js';
import { checkOutputFile } from '../runner/outputs.js';
import { describePoint } from '../runner/points.js';
import { JobTable } from '../runner/jobs.js';
import { runTasks, type TaskResult } from '../runner/pool.js';
import { tempPathFor } from '../runner/results-io.js';
import { checkTraceRequest, TRACE_LAYERS, type TraceRequest } from '../runner/trace-run.js';
import { EXIT, csvList, loadWithFlags, nonNegInt, UsageError, type ScenarioFlags } from './common.js';
import { type Io } from './run.js';

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
  // The scenario's outputs.trace (layers, nodes, window) is the default; each flag replaces its part.
  const t = scenario.outputs.trace;
  const layers = csvList(flags.layers);
  const nodes = csvList(flags.nodes).map((n) => (/^\d+$/.test(n) ? `n${n}` : n));
  const req: TraceRequest = { layers: layers.length ? layers : [...(t?.layers ?? [])], nodes: nodes.length ? nodes : [...(t?.nodes ?? [])] };
  if (flags.from !== undefined) req.fromNs = nonNegInt('from', flags.from);
  else if (t?.fromNs !== undefined) req.fromNs = t.fromNs;
  if (flags.to !== undefined) req.toNs = nonNegInt('to', flags.to);
  else if (t?.toNs !== undefined) req.toNs = t.toNs;
  const fromFile = `${scenario.file}: outputs.trace`;
  checkTraceRequest(req, scenario.cluster.nodes, { layers: layers.length ? '--layers' : fromFile, nodes: nodes.length ? '--nodes' : fromFile });
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
  io.stdout.write(`wrote ${rel(path)} (${got.trace.rows} rows, ${humanBytes(size)}) for point ${describePoint(point)}${whole}; layers ${req.layers?.length ? req.layers.join(',') : 'all'}${!layers.length && t?.layers.length ? ' (from the scenario\'s outputs.trace)' : ''}\n`);
  return EXIT.ok;
}


export { TRACE_LAYERS };

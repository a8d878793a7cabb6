/** `xenhpc points`: the expanded points, their jobs and estimated cost. */
import { expandPoints } from '../scenario/sweep.js';
import { NOMINAL_EVENTS_PER_S, estimateEvents, humanCount, humanSeconds } from '../runner/cost.js';
import { JobTable } from '../runner/jobs.js';
import { EXIT, loadWithFlags, type ScenarioFlags } from './common.js';
import { type Io } from './run.js';

export interface PointsFlags extends ScenarioFlags {
  scenario: string;
  quiet?: boolean;
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
  const estimates = points.map(estimateEvents);
  const table = points.map((p) => {
    const job = jobs[jobOf[p.index]!]!;
    const w = p.workload as unknown as Record<string, unknown>;
    return [
      String(p.index),
      String(jobOf[p.index]),
      job.length > 1 ? `program of ${job.length}` : 'alone',
      p.profile.name,
      String(p.replication),
      humanCount(estimates[p.index]!),
      [p.workload.type, ...shown.filter((k) => w[k] !== undefined).map((k) => `${k}=${String(w[k])}`), ...Object.entries(p.params ?? {}).map(([k, v]) => `${k}=${String(v)}`)].join(' '),
    ];
  });
  const head = ['point', 'job', 'runs', 'profile', 'rep', 'est_events', 'workload'];
  const right = new Set([0, 1, 4, 5]);
  const widths = head.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const line = (r: string[]): string => r.map((x, c) => (c === r.length - 1 ? x : right.has(c) ? x.padStart(widths[c]!) : x.padEnd(widths[c]!))).join('  ').trimEnd();
  if (!flags.quiet) {
    io.stdout.write(`${line(head)}\n`);
    for (const r of table) io.stdout.write(`${line(r)}\n`);
  }
  const programs = jobs.filter((j) => j.length > 1).length;
  const total = estimates.reduce((a, b) => a + b, 0);
  // A job is the unit a worker runs: the longest job bounds the wall time however many threads.
  const longest = Math.max(...jobs.map((j) => j.reduce((a, i) => a + estimates[i]!, 0)));
  io.stdout.write(
    `${points.length} point${points.length === 1 ? '' : 's'} in ${jobs.length} job${jobs.length === 1 ? '' : 's'}${programs ? ` (${programs} multi-size program${programs === 1 ? '' : 's'})` : ''}; ` +
      `estimated ${humanCount(total)} events, about ${humanSeconds(total / NOMINAL_EVENTS_PER_S)} on one thread (longest job ${humanSeconds(longest / NOMINAL_EVENTS_PER_S)}) at ${humanCount(NOMINAL_EVENTS_PER_S)} events/s\n`,
  );
  return EXIT.ok;
}

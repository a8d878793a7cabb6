/**
 * The runner's unit of work. A job is one simulation: for a workload whose module has a program
 * that applies (Presta com with `sequence: program`), one (profile, workload block, fields other
 * than the program's axis, replication) whose axis values (sizes) run in sweep order in one
 * execution; otherwise one point. A job yields one
 * results row per point, so rows, resume and merge stay per point; a job runs if any of its rows
 * is missing. Jobs depend only on the scenario, so every thread computes the same ones.
 */
import { shardPoints } from '../scenario/sweep.js';
import type { RunPoint } from '../scenario/types.js';
import { workloadModule } from '../workloads/registry.js';
import { estimateEvents } from './cost.js';

/** What a program job shares: everything but the program's axis. The seed depends on the replication only. */
function jobKey(p: RunPoint): string {
  const program = workloadModule(p.workload.type).program;
  if (!program?.applies(p.workload)) return `point ${p.index}`;
  const fields = Object.keys(p.workload)
    .filter((k) => k !== program.axis)
    .sort()
    .map((k) => `${k}=${String(p.workload[k])}`)
    .join(',');
  // A sweep over scenario fields: a program runs within one variant (its cluster and profiles).
  const params = p.params ? ` params ${JSON.stringify(p.params)}` : '';
  return `program ${p.profile.name} part ${p.part} rep ${p.replication} ${fields}${params}`;
}

/**
 * The jobs of a scenario's points (all of them, in expandPoints order): lists of point indices,
 * each in the order its program runs them (sweep order), jobs ordered by their first point.
 */
export function expandJobs(points: readonly RunPoint[]): number[][] {
  const byKey = new Map<string, number[]>();
  for (const p of points) {
    const key = jobKey(p);
    const job = byKey.get(key);
    if (job) job.push(p.index);
    else byKey.set(key, [p.index]);
  }
  return [...byKey.values()];
}

/**
 * The jobs longest first (estimated events, src/runner/cost.ts), ties in their given order: the
 * order a pool of workers should take them in. Handing out the longest jobs first (LPT) keeps a
 * long job from starting last and running alone while the other workers idle: on the paper's
 * scenario the Xen com programs are the longest and come last in scenario order. Only the order
 * of work changes; rows are written by point index, so the bytes do not.
 */
export function longestFirst(jobs: readonly number[][], points: readonly RunPoint[]): number[][] {
  const cost = jobs.map((job) => job.reduce((sum, i) => sum + estimateEvents(points[i]!), 0));
  return jobs
    .map((job, k) => ({ job, k }))
    .sort((a, b) => cost[b.k]! - cost[a.k]! || a.k - b.k)
    .map((x) => x.job);
}

/** Maps a point index to the job that computes it. */
export class JobTable {
  readonly jobs: readonly number[][];
  private readonly of: number[][] = [];
  constructor(points: readonly RunPoint[]) {
    this.jobs = expandJobs(points);
    for (const j of this.jobs) for (const i of j) this.of[i] = j;
  }
  /** The job holding point `index`; undefined for an index the scenario does not have. */
  jobOf(index: number): readonly number[] | undefined {
    return this.of[index];
  }
}

/**
 * The points shard i of n (1-based) runs: those of the jobs whose position in expandJobs order
 * has (position mod n) + 1 == i. Shards partition the points, a program is simulated in one shard
 * only, and with one point per job (independent) this is shardPoints' point-index rule.
 */
export function shardJobPoints(points: readonly RunPoint[], i: number, n: number): RunPoint[] {
  shardPoints([], i, n); // the same checks and errors as a shard of points
  const keep = new Set<number>();
  expandJobs(points).forEach((job, k) => {
    if (k % n === i - 1) for (const p of job) keep.add(p);
  });
  return points.filter((p) => keep.has(p.index));
}

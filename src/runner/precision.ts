/**
 * Replications that stop when the answer is known (`--precision`): the sequential procedure of
 * Law & Kelton (Simulation Modeling and Analysis, 3rd ed., 9.4.1, "obtaining a specified
 * precision"), the criterion Akaroa-2 applies (and OMNeT++ through it). A point's replications run until the 95 % Student-t
 * confidence interval of each of its measured figures has a half-width within the given fraction
 * of its mean, at least `minReps` and at most the scenario's replications.
 *
 * The runner's unit is a job (src/runner/jobs.ts): a com program runs every size of one
 * replication in one simulation. So the decision is taken per replication group: the jobs that
 * differ only in their replication. A group stops after the first k replications (k >= minReps)
 * for which every point of the job meets the precision; the decision reads those k rows only, in
 * replication order, as results.csv text. Rows computed beyond k (by a worker running ahead) are
 * dropped. So the stopping point and every byte written depend on the scenario and the precision
 * settings only, never on --jobs, timing, or which rows an earlier run (--resume) left.
 */
import { MEASURED_COLUMNS } from './report-lite.js';
import { summarize, tQuantile } from '../report/stats.js';
import type { RunPoint } from '../scenario/types.js';
import { expandJobs } from './jobs.js';
import type { TextRow } from './points.js';

export interface PrecisionSpec {
  /** Target: 95 % CI half-width <= relHalfWidth x |mean|, for every measured figure; 0 < x <= 1. */
  relHalfWidth: number;
  /** Replications every group runs before the rule is checked (>= 2; at most the scenario's). */
  minReps: number;
}

/** The default --min-reps (issue 13): fewer gives a t interval too unreliable to stop on. */
export const DEFAULT_MIN_REPS = 5;

/** One replication group: its jobs indexed by replication (each a list of point indices, in job order). */
export interface RepGroup {
  id: number;
  reps: number[][];
}

export interface GroupOutcome {
  /** Replications the group needed (its points' rows in results.csv). */
  replications: number;
  /** Whether every figure met the precision (false: it ran to the scenario's replications). */
  met: boolean;
  /** The figure farthest from the target at the stop, and its relative half-width. */
  worstMetric: string;
  worstRelHalfWidth: number;
  /**
   * Replications every figure would need at the stop's means and spreads (replicationsNeeded,
   * the largest over the figures): the stop itself when it met the target; how far off a group
   * that ran to the scenario's replications was.
   */
  projectedReplications: number;
}

/** Parses `1%`, `0.5 %` or `0.01`: a fraction in (0, 1]. Returns a problem text for a bad value. */
export function parsePrecision(text: string): number | string {
  const s = String(text).trim();
  const m = /^([0-9]*\.?[0-9]+(?:e[+-]?\d+)?)\s*(%?)$/i.exec(s);
  if (!m) return `expected a fraction such as 0.01 or a percentage such as 1%, got ${JSON.stringify(text)}`;
  const v = Number(m[1]) / (m[2] ? 100 : 1);
  if (!Number.isFinite(v) || v <= 0 || v > 1) return `expected a value in (0, 1] (0 % < P <= 100 %), got ${JSON.stringify(text)}`;
  return v;
}

/** The relative half-width of the 95 % CI of values (0 for a constant sample; Infinity for mean 0 with spread). */
export function relHalfWidth(values: readonly number[]): number {
  const s = summarize(values);
  const half = s.ci95High - s.mean;
  if (half === 0) return 0;
  return Math.abs(s.mean) === 0 ? Infinity : half / Math.abs(s.mean);
}

/**
 * Law & Kelton's approximate number of replications for a relative precision (section 9.4.1):
 * the smallest n, at least the sample's size, with t(0.975, n-1) x s / sqrt(n) <= P x |mean|,
 * taking the sample's mean and standard deviation s as the population's. Infinity for a mean of 0
 * with spread. A figure with two modes (a run that locks into one of two states for all its
 * operations) has a large s and needs many replications whatever the simulator's speed.
 */
export function replicationsNeeded(values: readonly number[], relHalfWidthTarget: number): number {
  const k = values.length;
  const s = summarize(values);
  if (k < 2 || s.sd === 0) return k;
  if (s.mean === 0) return Infinity;
  const allowed = relHalfWidthTarget * Math.abs(s.mean);
  const fits = (n: number): boolean => (tQuantile(0.975, n - 1) * s.sd) / Math.sqrt(n) <= allowed;
  if (fits(k)) return k;
  // t(0.975, n-1) <= t(0.975, k-1) for n >= k, so hi fits; lo does not.
  let hi = Math.ceil(((tQuantile(0.975, k - 1) * s.sd) / allowed) ** 2);
  let lo = k;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Groups the scenario's jobs by everything but the replication, in job order. */
export function replicationGroups(points: readonly RunPoint[]): RepGroup[] {
  const byKey = new Map<string, RepGroup>();
  for (const job of expandJobs(points)) {
    const p = points[job[0]!]!;
    // A job's points differ from another replication's only in replication and seed.
    const key = `${p.profile.name}\u0001${p.part}\u0001${job.length}\u0001${JSON.stringify(p.workload)}`;
    let g = byKey.get(key);
    if (!g) byKey.set(key, (g = { id: byKey.size, reps: [] }));
    g.reps[p.replication] = job;
  }
  return [...byKey.values()];
}

/**
 * Tracks each group's rows as they arrive and decides its stop. `rowOf(i)` gives the row of point
 * i if it has one (computed now or taken from an earlier run).
 */
export class StoppingRule {
  readonly groups: RepGroup[];
  private readonly groupOf: RepGroup[] = [];
  private readonly repOf: number[] = [];
  /** Per group: replications checked so far (the rule at k = checked has been evaluated and failed). */
  private readonly checked: number[];
  private readonly outcome: (GroupOutcome | undefined)[];

  constructor(
    points: readonly RunPoint[],
    readonly spec: PrecisionSpec,
    private readonly rowOf: (index: number) => TextRow | undefined,
  ) {
    this.groups = replicationGroups(points);
    for (const g of this.groups) g.reps.forEach((job, r) => job.forEach((i) => ((this.groupOf[i] = g), (this.repOf[i] = r))));
    this.checked = this.groups.map(() => 0);
    this.outcome = this.groups.map(() => undefined);
  }

  /** Re-evaluates the group of point i (call after its row arrived). */
  update(index: number): void {
    const g = this.groupOf[index];
    if (g) this.evaluate(g);
  }

  /** Evaluates every group (after rows of an earlier run were loaded). */
  updateAll(): void {
    for (const g of this.groups) this.evaluate(g);
  }

  private evaluate(g: RepGroup): void {
    if (this.outcome[g.id]) return;
    const max = g.reps.length;
    const min = Math.min(this.spec.minReps, max);
    // Replications whose rows are all present, counted from 0 without a gap.
    let have = 0;
    while (have < max && g.reps[have]!.every((i) => this.rowOf(i) !== undefined)) have++;
    for (let k = Math.max(min, this.checked[g.id]! + 1); k <= have; k++) {
      this.checked[g.id] = k;
      const w = this.worst(g, k);
      if (w.rel <= this.spec.relHalfWidth || k === max) {
        const met = w.rel <= this.spec.relHalfWidth;
        this.outcome[g.id] = { replications: k, met, worstMetric: w.metric, worstRelHalfWidth: w.rel, projectedReplications: met ? k : this.projected(g, k) };
        return;
      }
    }
  }

  /** Each measured figure of each of the job's points over the first k replications (figures no replication has are left out). */
  private *figures(g: RepGroup, k: number): Generator<{ metric: string; values: number[] }> {
    for (let pos = 0; pos < g.reps[0]!.length; pos++) {
      for (const c of MEASURED_COLUMNS) {
        const values: number[] = [];
        for (let r = 0; r < k; r++) {
          const cell = this.rowOf(g.reps[r]![pos]!)![c];
          if (cell !== '') values.push(Number(cell));
        }
        if (values.length > 0) yield { metric: c, values };
      }
    }
  }

  /** The figure with the widest relative CI over the first k replications, across the job's points. */
  private worst(g: RepGroup, k: number): { metric: string; rel: number } {
    let out = { metric: '', rel: 0 };
    for (const { metric, values } of this.figures(g, k)) {
      // A figure some replications lack cannot be judged: it runs on (never seen in practice).
      const rel = values.length < k ? Infinity : relHalfWidth(values);
      if (rel > out.rel || out.metric === '') out = { metric, rel };
    }
    return out;
  }

  /** The replications the group's figures would need, from the first k (the largest over its figures). */
  private projected(g: RepGroup, k: number): number {
    let most = k;
    for (const { values } of this.figures(g, k)) most = Math.max(most, values.length < k ? Infinity : replicationsNeeded(values, this.spec.relHalfWidth));
    return most;
  }

  /** Whether point i lies beyond its group's decided stop (it is not run, or its row is dropped). */
  beyondStop(index: number): boolean {
    const g = this.groupOf[index];
    const o = g && this.outcome[g.id];
    return !!o && this.repOf[index]! >= o.replications;
  }

  /** Rows still needed: decided groups' stops, and every replication of undecided ones. */
  neededRows(): number {
    let n = 0;
    for (const g of this.groups) n += (this.outcome[g.id]?.replications ?? g.reps.length) * g.reps[0]!.length;
    return n;
  }

  outcomes(): { group: RepGroup; outcome: GroupOutcome | undefined }[] {
    return this.groups.map((group) => ({ group, outcome: this.outcome[group.id] }));
  }
}

/**
 * The order to run tasks in with --precision: every group's first minReps replications, then the
 * rest replication by replication across groups, so a worker rarely runs a replication ahead of its
 * group's decision (the bytes written do not depend on this order). `order` arranges the jobs of
 * each of these rounds (e.g. longestFirst for a pool of workers); by default they stay in group order.
 */
export function precisionTaskOrder(groups: readonly RepGroup[], minReps: number, order: (jobs: number[][]) => number[][] = (jobs) => jobs): number[][] {
  const out: number[][] = [];
  out.push(...order(groups.flatMap((g) => g.reps.slice(0, minReps))));
  const most = Math.max(0, ...groups.map((g) => g.reps.length));
  for (let r = minReps; r < most; r++) out.push(...order(groups.flatMap((g) => (g.reps[r] ? [g.reps[r]!] : []))));
  return out;
}

/**
 * Sweep ranges, expansion of a scenario into run points, and sharding for job arrays.
 */
import { replicationSeed } from '../engine/rng.js';
import { ScenarioError, ValueError, fmtNum, isPlainObject, show, toNumber } from './errors.js';
import type { RunPoint, Scenario, WorkloadSpec } from './types.js';

/** Most values one range may expand to; checked before any array is built. */
export const MAX_RANGE_VALUES = 1_000_000;

const RANGE_ALLOWED = '"A..B" (factor 2, e.g. 2^5..2^23), a list [a, b, ...], {from, to, factor} or {from, to, step}';

function endpoint(v: unknown, what: string): number {
  const n = toNumber(v);
  if (n === undefined || !Number.isFinite(n)) throw new ValueError(`range ${what} ${show(v)} is not a number`, RANGE_ALLOWED);
  return n;
}

/** Geometric range from..to by factor; `to` included when hit (within rounding). */
function geometric(from: number, to: number, factor: number): number[] {
  if (!(factor > 1)) throw new ValueError(`range factor must be > 1, got ${fmtNum(factor)}`, RANGE_ALLOWED);
  if (!(from > 0)) throw new ValueError(`a range with a factor must start above 0, got ${fmtNum(from)}`, RANGE_ALLOWED);
  checkOrder(from, to);
  const count = Math.floor(Math.log(to / from) / Math.log(factor) + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) throw new ValueError(`range has ${count} values, more than ${fmtNum(MAX_RANGE_VALUES)}`, RANGE_ALLOWED);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const v = from * factor ** i;
    out.push(Number.isInteger(from) && Number.isInteger(factor) ? Math.round(v) : v);
  }
  return out;
}

function arithmetic(from: number, to: number, step: number): number[] {
  if (!(step > 0)) throw new ValueError(`range step must be > 0, got ${fmtNum(step)}`, RANGE_ALLOWED);
  checkOrder(from, to);
  const count = Math.floor((to - from) / step + 1e-9) + 1;
  if (count > MAX_RANGE_VALUES) throw new ValueError(`range has ${count} values, more than ${fmtNum(MAX_RANGE_VALUES)}`, RANGE_ALLOWED);
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(from + i * step);
  return out;
}

function checkOrder(from: number, to: number): void {
  if (to < from) throw new ValueError(`descending range ${fmtNum(from)}..${fmtNum(to)}`, 'from <= to');
}

/**
 * The values of a sweep field: `"2^5..2^23"` and `"32..1024"` (factor 2), `{from, to, factor}`,
 * `{from, to, step}`, a list (passed through), or a single scalar (one value). Throws ValueError.
 */
export function parseRange(value: unknown): Array<number | string | boolean> {
  if (Array.isArray(value)) {
    if (value.length === 0) throw new ValueError('empty list', RANGE_ALLOWED);
    for (const v of value) {
      if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') throw new ValueError(`list items must be numbers, strings or true/false, got ${show(v)}`, RANGE_ALLOWED);
    }
    return value as Array<number | string | boolean>;
  }
  if (isPlainObject(value)) {
    const keys = Object.keys(value);
    const bad = keys.find((k) => !['from', 'to', 'factor', 'step'].includes(k));
    if (bad !== undefined) throw new ValueError(`unknown range key ${show(bad)}`, RANGE_ALLOWED);
    if (!('from' in value) || !('to' in value)) throw new ValueError('a range needs from and to', RANGE_ALLOWED);
    if ('factor' in value && 'step' in value) throw new ValueError('give factor or step, not both', RANGE_ALLOWED);
    const from = endpoint(value.from, 'from');
    const to = endpoint(value.to, 'to');
    if ('step' in value) return arithmetic(from, to, endpoint(value.step, 'step'));
    return geometric(from, to, 'factor' in value ? endpoint(value.factor, 'factor') : 2);
  }
  if (typeof value === 'string' && value.includes('..')) {
    const parts = value.split('..');
    if (parts.length !== 2) throw new ValueError(`bad range ${show(value)}`, RANGE_ALLOWED);
    return geometric(endpoint(parts[0], 'start'), endpoint(parts[1], 'end'), 2);
  }
  if (typeof value === 'number' || typeof value === 'string') return [value];
  throw new ValueError(`expected a range, got ${show(value)}`, RANGE_ALLOWED);
}

/** How many workloads a sweep expands to, without building them. */
export function countWorkloads(sweep: Scenario['sweep']): number {
  const lens = Object.values(sweep.fields).map((v) => v.length);
  if (lens.length === 0) return 1;
  return sweep.combine === 'zip' ? lens[0]! : lens.reduce((a, b) => a * b, 1);
}

/**
 * The concrete workloads: the base workload with each combination of swept values, first sweep
 * key outermost (cross) or position by position (zip).
 */
export function expandWorkloads(base: WorkloadSpec, sweep: Scenario['sweep']): WorkloadSpec[] {
  const keys = Object.keys(sweep.fields);
  const lists = keys.map((k) => sweep.fields[k]!);
  const out: WorkloadSpec[] = [];
  const make = (vals: Array<number | string | boolean>): WorkloadSpec => {
    const w = { ...base } as Record<string, unknown>;
    keys.forEach((k, i) => (w[k] = vals[i]));
    return w as unknown as WorkloadSpec;
  };
  if (keys.length === 0) return [{ ...base }];
  if (sweep.combine === 'zip') {
    for (let i = 0; i < lists[0]!.length; i++) out.push(make(lists.map((l) => l[i]!)));
    return out;
  }
  const idx = new Array<number>(keys.length).fill(0);
  for (;;) {
    out.push(make(idx.map((j, i) => lists[i]![j]!)));
    // Odometer: the last key varies fastest, so the first key is outermost.
    let d = keys.length - 1;
    while (d >= 0 && ++idx[d]! === lists[d]!.length) idx[d--] = 0;
    if (d < 0) return out;
  }
}

/**
 * Every run of a scenario: for each profile (in order), each workload, each replication. The
 * seed depends only on the scenario seed and the replication index, never on the profile or the
 * point: replication r of every kernel sees the same random streams (common random numbers), so
 * differences between kernels are not noise from different draws, and any run can be redone alone.
 */
export function expandPoints(scenario: Scenario): RunPoint[] {
  const workloads = scenario.parts.flatMap((p, part) => expandWorkloads(p.workload, p.sweep).map((w) => ({ w, part })));
  const points: RunPoint[] = [];
  // A sweep over scenario fields is the outermost loop: each variant is a whole scenario's points.
  const variants = scenario.params?.variants ?? [undefined];
  for (const v of variants) {
    for (const profile of v ? v.profiles : scenario.profiles) {
      for (const { w: workload, part } of workloads) {
        const only = scenario.parts[part]!.profiles;
        if (only !== undefined && !only.includes(profile.name)) continue;
        for (let r = 0; r < scenario.replications; r++) {
          const p: RunPoint = { index: points.length, profile, workload: { ...workload }, replication: r, seed: replicationSeed(scenario.seed, r), part };
          if (v) {
            p.params = { ...v.values };
            p.cluster = v.cluster;
          }
          points.push(p);
        }
      }
    }
  }
  return points;
}

export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parse `--shard i/n` ("3/16"); 1 <= i <= n <= 100000. */
export function parseShard(expr: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(expr);
  const where = `--shard ${expr}`;
  if (!m) throw new ScenarioError(where, 'shard', 'expected i/n', 'i/n with 1 <= i <= n, e.g. 3/16');
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || count > 100000) throw new ScenarioError(where, 'shard', `shard count ${count} out of range`, 'n in [1, 100000]');
  if (index < 1 || index > count) throw new ScenarioError(where, 'shard', `shard ${index} out of range`, `i in [1, ${count}]`);
  return { index, count };
}

/** The points shard i of n runs: those with (index mod n) + 1 == i. Shards partition the points. */
export function shardPoints(points: readonly RunPoint[], i: number, n: number): RunPoint[] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(i) || i < 1 || i > n) {
    throw new ScenarioError(`--shard ${i}/${n}`, 'shard', 'shard out of range', 'i/n with 1 <= i <= n');
  }
  return points.filter((p) => (p.index % n) + 1 === i);
}

/**
 * What a workload is to the rest of xenhpc: one module that declares its scenario fields (kind,
 * unit, range, default, meaning, sweepable), the run-key and measured result columns it fills,
 * the figures that fit its rows, and how to run it. The scenario loader, the runner and the docs
 * test read these declarations from src/workloads/registry.ts instead of switching on names.
 *
 * A module is written with defineWorkload, which derives the spec type from the field
 * declarations, so `run(cluster, w)` sees `w.sizeBytes: number` and `w.mode: 'uni' | 'bi'`
 * without a cast. This file holds types and pure helpers only (no runtime imports above it), so
 * the scenario layer can read declarations without an import cycle. A module must not import
 * src/scenario/load.ts (ranges use src/scenario/limits.ts; shared fields are in ./fields.ts).
 *
 *   export const barrier = defineWorkload({
 *     type: 'barrier', doc: 'one line',
 *     fields: { procs: procsField, ops: opsField },
 *     columns: ['latency_us'], figures: ['latency'],
 *     key: (w) => ({ procs: w.procs, ops: w.ops }),            // every sweepable field must be in the key
 *     run: (cluster, w, ctx) => ({ latencyUs: ..., elapsedNs: ... }),
 *   });
 * then one line in registry.ts, and its fields' rows in docs/scenarios.md (a test checks them).
 */
import type { Cluster } from '../cluster/cluster.js';
import type { Placement } from '../cluster/placement.js';
import type { MpiOptions } from '../mpi/device.js';
import type { FigureKind } from '../report/figure-kinds.js';
import type { ResultColumn } from '../report/tables.js';
import type { NumberRule } from '../scenario/errors.js';
import type { ClusterConfig } from '../scenario/types.js';
import type { WorkloadMetrics } from './metrics.js';

interface FieldBase {
  /** Unit as docs/scenarios.md writes it (`bytes`, `ranks`, `Mflop/s`, `1` for a ratio, `` for an enum). */
  unit: string;
  /** One line: what the field means to this workload. */
  doc: string;
  /** Whether `sweep:` may vary it. Default true. A field that is not part of the run key must say false. */
  sweepable?: boolean;
}

/** A numeric field; `integer` kind adds the integer check to `range`. */
export interface NumberFieldDecl extends FieldBase {
  kind: 'number' | 'integer';
  default: number;
  /** Allowed values; may depend on the cluster (procs, node indices). `integer` is implied by kind. */
  range: NumberRule | ((cluster: ClusterConfig) => NumberRule);
  /** An extra check on a value already in range: a problem, or undefined. `rangeText` describes the range. */
  check?(value: number, rangeText: string): FieldProblem | undefined;
}

export interface EnumFieldDecl<V extends string = string> extends FieldBase {
  kind: 'enum';
  values: readonly V[];
  default: V;
  /** The `allowed:` text of an error; default the values joined by ', '. */
  allowedText?: string;
}

/** A yes/no field (`bidirectional: true`); YAML's true and false only. */
export interface BooleanFieldDecl extends FieldBase {
  kind: 'boolean';
  default: boolean;
}

export type FieldDecl = NumberFieldDecl | EnumFieldDecl | BooleanFieldDecl;
export type FieldDecls = { readonly [name: string]: FieldDecl };

/** A problem with a value or a combination of values (becomes a located ScenarioError). */
export interface FieldProblem {
  problem: string;
  allowed: string;
}

/** The value type of one declared field. */
export type FieldValue<F> = F extends { kind: 'enum'; values: readonly (infer V)[] } ? V : F extends { kind: 'boolean' } ? boolean : number;

/** A concrete workload of a module: its type name and one value per declared field. */
export type SpecOf<Fs extends FieldDecls> = { type: string } & { -readonly [K in keyof Fs]: FieldValue<Fs[K]> };

/** What the runner passes to a run besides the cluster and the spec. */
export interface RunContext {
  /** Rank placement; the runner passes the scenario's cluster.placement. Default 'cyclic' (docs/mpi.md). */
  placement?: Placement;
  mpi?: MpiOptions;
}

/** The run-key columns a workload fills (results.csv; every other key column is written empty). */
export interface PointKey {
  mode?: string;
  size_bytes?: number;
  procs?: number;
  ops?: number;
  sock_buf_bytes?: number;
  from_node?: number;
  to_node?: number;
}
export type PointKeyColumn = keyof PointKey;

/** A cross-field problem; the loader places it at the first of `fields` that is swept, else at fields[0]. */
export interface CombinationProblem extends FieldProblem {
  fields: readonly string[];
}

/**
 * Several points of one job run in one simulation (com's `sequence: program`, which runs every
 * swept size in sweep order, as one Presta execution does). The points of a job differ in `axis`
 * only; `applies` says whether a concrete workload runs this way.
 */
export interface WorkloadProgram<S> {
  axis: string;
  applies(w: S): boolean;
  /** One metrics entry per value of `axis`, in order; `onPoint(k)` is called as point k ends. */
  run(cluster: Cluster, w: S, values: readonly number[], ctx: RunContext, onPoint?: (k: number) => void): WorkloadMetrics[];
}

/** Messages one point sends and their size, for a cost estimate before it runs. */
export interface WorkloadTraffic {
  messages: number;
  bytesPerMessage: number;
  computeEvents?: number;
}

export interface WorkloadModule<Fs extends FieldDecls = FieldDecls> {
  /** The `type:` of a workload block. */
  type: string;
  /** One line for docs and help. */
  doc: string;
  /** The fields a block of this type accepts, in documentation order. */
  fields: Fs;
  /** The measured result columns it fills (from RESULT_COLUMNS); the counts every run has are not listed. */
  columns: readonly ResultColumn[];
  /** The figures that may draw its rows (each draws those of the shape it plots: src/report/figure-data.ts). */
  figures: readonly FigureKind[];
  /** The run-key columns of a concrete workload (mode holds the variant: com's uni/bi). */
  key(w: SpecOf<Fs>): PointKey;
  /** Rules across fields, checked on every concrete workload of a sweep; first problem or undefined. */
  check?(w: SpecOf<Fs>): CombinationProblem | undefined;
  run(cluster: Cluster, w: SpecOf<Fs>, ctx: RunContext): WorkloadMetrics;
  /**
   * What one point moves, for `xenhpc points`' cost estimate (src/runner/cost.ts): messages and
   * the bytes of each; `computeEvents` for work that is not messages (LINPACK's columns).
   * Absent: no messages.
   */
  traffic?(w: SpecOf<Fs>): WorkloadTraffic;
  /** A feature the nodes' path must offer (PathModule.features); the loader refuses other profiles. */
  needsPathFeature?: string;
  program?: WorkloadProgram<SpecOf<Fs>>;
}

/** Declares a workload module; infers the spec type of `key`, `check`, `run` from `fields`. */
export function defineWorkload<const Fs extends FieldDecls>(m: WorkloadModule<Fs>): WorkloadModule<Fs> {
  return m;
}

/**
 * Declares a module's field table with its literal types kept, for a module whose helpers name
 * its spec type (`type ComSpec = SpecOf<typeof COM_FIELDS>`) before defineWorkload sees it.
 */
export function defineFields<const Fs extends FieldDecls>(fs: Fs): Fs {
  return fs;
}

/** Declares one field with its literal types kept (for field tables shared between modules). */
export function defineField<const F extends FieldDecl>(f: F): F {
  return f;
}

export function fieldSweepable(f: FieldDecl): boolean {
  return f.sweepable ?? true;
}

/** A field's range on a cluster, with the integer flag of its kind. */
export function fieldRange(f: NumberFieldDecl, cluster: ClusterConfig): NumberRule {
  const r = typeof f.range === 'function' ? f.range(cluster) : f.range;
  return f.kind === 'integer' ? { ...r, integer: true } : r;
}

/**
 * A spec with every field the caller left out set to its declared default: what a library caller
 * gets from `runCom(cluster, { procs: 4 })`, and the same defaults the scenario loader fills.
 */
export function withDefaults<Fs extends FieldDecls>(m: WorkloadModule<Fs>, partial: Partial<SpecOf<Fs>>): SpecOf<Fs> {
  const out: Record<string, unknown> = { type: m.type };
  for (const [name, f] of Object.entries(m.fields)) out[name] = (partial as Record<string, unknown>)[name] ?? f.default;
  return out as SpecOf<Fs>;
}

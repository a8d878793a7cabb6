/**
 * Serial LINPACK (the 2006 paper's Figure 5): LU factorisation with partial pivoting of an n x n
 * double matrix (DGEFA) and the solve that uses it (DGESL), one process on one CPU of node 0.
 *
 * The work is submitted to the CPU as one block per column step, so whatever else the model runs
 * on that CPU (timer ticks, daemon and interrupt detours, the hypervisor's tick, another domain's
 * VCPU) stretches the blocks it lands in, and a scheduler can interleave other work between
 * blocks. The time of a block is its flops divided by the sustained rate
 * (peakMflops x flopEfficiency); nothing else differs between kernels, so Xen, CHAOS and RHEL can
 * only differ here through what their profiles take from the CPU.
 *
 * Flops per step, as DGEFA/DGESL do them (column-oriented, LINPACK's DAXPY loops):
 *   factor step k (m = n-k-1 rows below the pivot): IDAMAX over m+1, DSCAL of m, m DAXPYs of m
 *     -> 2 m^2 + m flops (the pivot search compares, it does not add or multiply);
 *   solve: forward step k: a DAXPY of m -> 2 m; back step k: one divide and a DAXPY of k -> 2k + 1.
 * The factor phase sums to 2/3 n^3 - n^2/2 - n/6 and the solve to 2 n^2 - n; LINPACK reports
 * Mflops as (2/3 n^3 + 2 n^2) / total time, and so do we.
 */
import { spawn, type ProcessBody } from '../engine/process.js';
import type { Cluster } from '../cluster/cluster.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { WorkloadMetrics } from './metrics.js';
import { defineFields, defineWorkload, withDefaults, type SpecOf } from './module.js';
import { MAX_RUN_NS } from './presta.js';

/** The paper's matrix order. */
export const DEFAULT_MATRIX_ORDER = 3000;
/** Peak of the paper's 3.4 GHz Xeon (Nocona/Irwindale): 2 double flops per cycle (SSE2). docs/model.md. */
export const DEFAULT_PEAK_MFLOPS = 6800;
/** Fraction of peak the serial Fortran DGEFA sustains on a 72 MB matrix (Est; docs/model.md). */
export const DEFAULT_FLOP_EFFICIENCY = 0.2;

/** LINPACK's nominal operation count: 2/3 n^3 + 2 n^2. */
export function linpackFlops(n: number): number {
  return (2 / 3) * n ** 3 + 2 * n ** 2;
}

/** Flops of factor step k (0-based) of an n x n DGEFA. */
export function factorStepFlops(n: number, k: number): number {
  const m = n - k - 1;
  return 2 * m * m + m;
}

/** Flops of solve step j of 2n (forward elimination steps first, then back substitution). */
export function solveStepFlops(n: number, j: number): number {
  if (j < n) return 2 * (n - j - 1);
  const k = 2 * n - 1 - j; // back substitution from the last row up
  return 2 * k + 1;
}

export interface LinpackResult extends WorkloadMetrics {
  factorNs: number;
  solveNs: number;
  mflops: number;
}

function* linpackProcess(sim: Cluster['sim'], cpu: ExecUnit, n: number, nsPerFlop: number, out: { factorNs: number; solveNs: number }): ProcessBody<void> {
  const t0 = sim.now;
  for (let k = 0; k < n - 1; k++) yield cpu.wait(factorStepFlops(n, k) * nsPerFlop);
  const t1 = sim.now;
  for (let j = 0; j < 2 * n; j++) {
    const f = solveStepFlops(n, j);
    if (f > 0) yield cpu.wait(f * nsPerFlop);
  }
  out.factorNs = t1 - t0;
  out.solveNs = sim.now - t1;
  sim.stop(); // noise streams never end: the run ends with the program
}

const LINPACK_FIELDS = defineFields({
  // 20000^2 doubles = 3.2 GB; about n events per run.
  matrixOrder: { kind: 'integer', unit: 'n', default: DEFAULT_MATRIX_ORDER, range: { min: 2, max: 20000 }, doc: 'order n of the n x n double matrix (the paper: 3000)' },
  // Not in the run key: a sweep over them would pool different values in one summary point.
  peakMflops: { kind: 'number', unit: 'Mflop/s', default: DEFAULT_PEAK_MFLOPS, range: { min: 1, max: 1e9 }, sweepable: false, doc: 'the CPU\'s peak double-precision rate (3.4 GHz x 2, docs/model.md)' },
  flopEfficiency: { kind: 'number', unit: 'fraction', default: DEFAULT_FLOP_EFFICIENCY, range: { min: 1e-6, max: 1 }, sweepable: false, doc: 'fraction of peak the serial code sustains (Est, docs/model.md)' },
});

export type LinpackSpec = SpecOf<typeof LINPACK_FIELDS>;

export const linpack = defineWorkload({
  type: 'linpack',
  doc: 'serial LINPACK (DGEFA + DGESL) on one CPU of node 0: factor and solve times, Mflop/s',
  fields: LINPACK_FIELDS,
  columns: ['factor_s', 'solve_s', 'total_s', 'mflops'],
  figures: ['linpack'],
  // size_bytes: the matrix's bytes (8 n^2), so each matrix order is its own point.
  // About one event per matrix column (the LU's panel steps), no messages.
  traffic: (w) => ({ messages: 0, bytesPerMessage: 0, computeEvents: w.matrixOrder }),
  key: (w) => ({ size_bytes: 8 * w.matrixOrder ** 2, procs: 1 }),
  run: (cluster, w) => runLinpackSpec(cluster, w),
});

/** Library form; fields left out take their declared defaults. */
export function runLinpack(cluster: Cluster, w: Partial<LinpackSpec>): LinpackResult {
  return runLinpackSpec(cluster, withDefaults(linpack, w));
}

function runLinpackSpec(cluster: Cluster, w: LinpackSpec): LinpackResult {
  const n = w.matrixOrder;
  const mflopsSustained = w.peakMflops * w.flopEfficiency;
  const nsPerFlop = 1e3 / mflopsSustained;
  const cpu = cluster.nodes[0]!.cpus[0]!;
  const out = { factorNs: -1, solveNs: -1 };
  const sim = cluster.sim;
  const p = spawn(sim, linpackProcess(sim, cpu, n, nsPerFlop, out), 'linpack');
  sim.run(sim.now + MAX_RUN_NS);
  if (!p.isDone) throw new Error(`linpack: n=${n} did not finish within ${MAX_RUN_NS / 1e9} s simulated`);
  const elapsedNs = out.factorNs + out.solveNs;
  return { factorNs: out.factorNs, solveNs: out.solveNs, elapsedNs, mflops: linpackFlops(n) / elapsedNs * 1e3 };
}

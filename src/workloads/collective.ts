/**
 * `type: collective`: the time of one MPI collective operation (MPICH 1.2.7p1's algorithms,
 * src/mpi/collectives.ts) over a world of `procs` ranks, timed as Presta times com and laten
 * (research/presta-mpich.md §2-3, prestaSample): one untimed operation, two barriers, `ops` timed
 * operations and a trailing barrier inside the timed region; each rank's elapsed time is reduced
 * (MAX) to rank 0. latency_us = maxtime/ops, us per operation (it includes 1/ops of a barrier, as
 * Presta's figures do). bcast and reduce use root 0; reduce and allreduce sum doubles.
 */
import { COLLECTIVE_OPS, DOUBLE_BYTES, collectiveOp, reduceMax, type CollectiveOp } from '../mpi/collectives.js';
import type { MpiRank } from '../mpi/device.js';
import type { ProcessBody } from '../engine/process.js';
import { LIMITS } from '../scenario/limits.js';
import { DEFAULT_PLACEMENT } from './com.js';
import { messageSizeField, opsField, opsTimesProcs, payloadLimit } from './fields.js';
import { defineWorkload } from './module.js';
import { prestaSample, runWorld, worldSlots } from './presta.js';

function* collectiveRank(r: MpiRank, op: CollectiveOp, sizeBytes: number, ops: number, report: (maxNs: number) => void): ProcessBody<void> {
  const group: number[] = [];
  for (let i = 0; i < r.size; i++) group.push(i);
  const value = r.rank + 1;
  function* once(): ProcessBody<void> {
    yield* collectiveOp(r, op, group, sizeBytes, value);
  }
  // The untimed operation opens the connections the timed ones use.
  const diffNs = yield* prestaSample(r, group, ops, once, once);
  const maxNs = yield* reduceMax(r, diffNs);
  if (r.rank === 0) report(maxNs);
}

export const collective = defineWorkload({
  type: 'collective',
  doc: "one MPI collective (barrier, bcast, reduce, allreduce, alltoall) with MPICH 1.2.7p1's algorithms, timed like Presta: us per operation, slowest rank",
  fields: {
    op: { kind: 'enum', values: COLLECTIVE_OPS, default: 'allreduce', unit: '', doc: 'the MPI collective timed (results: the mode column)' },
    procs: {
      kind: 'integer', unit: 'processes', default: 4,
      range: (c) => ({ min: 2, max: c.nodes * c.cpusPerNode * LIMITS.procsPerCpu }),
      doc: 'ranks in the world; all take part (any count: MPICH folds the ranks above a power of two)',
    },
    sizeBytes: messageSizeField('bytes per rank (bcast, reduce, allreduce: the buffer, whole doubles for the reductions; alltoall: per destination); barrier ignores it'),
    ops: opsField,
  },
  columns: ['latency_us'],
  figures: ['latency', 'latency-size'],
  // Binomial and recursive-doubling rounds: about procs messages per round, log2(procs) rounds.
  traffic: (w) => ({ messages: w.ops * w.procs * Math.max(1, Math.ceil(Math.log2(w.procs))), bytesPerMessage: w.sizeBytes }),
  key: (w) => ({ mode: w.op, procs: w.procs, size_bytes: w.sizeBytes, ops: w.ops }),
  check: (w) => {
    if ((w.op === 'reduce' || w.op === 'allreduce') && w.sizeBytes % DOUBLE_BYTES !== 0) {
      return { fields: ['sizeBytes', 'op'], problem: `${w.op} sums doubles: sizeBytes ${w.sizeBytes} is not a whole number of 8-byte elements`, allowed: 'a multiple of 8' };
    }
    // Alltoall moves the most: sizeBytes from every rank to every other.
    return opsTimesProcs(w) ?? payloadLimit(w.ops, w.sizeBytes, w.procs, w.procs - 1);
  },
  run: (cluster, w, opts) => {
    const slots = worldSlots(cluster, w.procs, opts.placement ?? DEFAULT_PLACEMENT);
    const { value: maxNs } = runWorld(cluster, slots, (r, report) => collectiveRank(r, w.op, w.sizeBytes, w.ops, report), opts.mpi);
    return { latencyUs: maxNs / w.ops / 1000, elapsedNs: maxNs };
  },
});

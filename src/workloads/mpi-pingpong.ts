/**
 * A plain two-rank MPI ping-pong: rank 0 on fromNode sends sizeBytes, rank 1 on toNode sends them
 * back, `ops` times after WARMUP_OPS untimed exchanges (as the raw-TCP ping-pong, so the two
 * are comparable: the difference is what MPICH adds). Both ranks run on CPU 1 where there is one,
 * as the raw ping-pong. Latency = half the mean round trip, in us, from the simulated clock.
 */
import type { Cluster } from '../cluster/cluster.js';
import type { RankSlot } from '../cluster/placement.js';
import type { ProcessBody } from '../engine/process.js';
import type { MpiRank } from '../mpi/device.js';
import type { MpiRunOptions } from './com.js';
import { messageSizeField, opsField, payloadLimit } from './fields.js';
import type { WorkloadMetrics } from './metrics.js';
import { defineFields, defineWorkload, withDefaults, type RunContext, type SpecOf } from './module.js';
import { WARMUP_OPS } from './pingpong.js';
import { runWorld } from './presta.js';

function* pingpongRank(r: MpiRank, size: number, ops: number, report: (x: number) => void): ProcessBody<void> {
  const peer = 1 - r.rank;
  let startNs = 0;
  for (let i = 0; i < WARMUP_OPS + ops; i++) {
    if (i === WARMUP_OPS) startNs = r.ctx.sim.now;
    if (r.rank === 0) {
      yield* r.send(peer, size, 0);
      yield* r.recv(peer, size, 0);
    } else {
      yield* r.recv(peer, size, 0);
      yield* r.send(peer, size, 0);
    }
  }
  if (r.rank === 0) report(r.ctx.sim.now - startNs);
}

const MPI_PINGPONG_FIELDS = defineFields({
  sizeBytes: messageSizeField('message size'),
  ops: opsField,
});

export type MpiPingpongSpec = SpecOf<typeof MPI_PINGPONG_FIELDS>;

export const mpiPingpong = defineWorkload({
  type: 'mpi-pingpong',
  doc: 'a plain two-rank MPI ping-pong (rank 0 on node 0, rank 1 on node 1): half the mean round trip',
  fields: MPI_PINGPONG_FIELDS,
  columns: ['latency_us'],
  figures: ['latency', 'latency-size'],
  traffic: (w) => ({ messages: 2 * w.ops, bytesPerMessage: w.sizeBytes }),
  key: (w) => ({ size_bytes: w.sizeBytes, procs: 2, ops: w.ops }),
  // Each message goes both ways.
  check: (w) => payloadLimit(w.ops, w.sizeBytes, 1, 2),
  run: (cluster, w, ctx) => runMpiPingpongSpec(cluster, w, ctx, 0, 1),
});

/**
 * Library form; fields left out take their declared defaults. The two ranks run on nodes
 * fromNode and toNode (default 0 and 1); a socket-buffer request goes in opts.mpi.
 */
export function runMpiPingpong(cluster: Cluster, w: Partial<MpiPingpongSpec>, opts: MpiRunOptions & { fromNode?: number; toNode?: number } = {}): WorkloadMetrics {
  return runMpiPingpongSpec(cluster, withDefaults(mpiPingpong, w), opts, opts.fromNode ?? 0, opts.toNode ?? 1);
}

function runMpiPingpongSpec(cluster: Cluster, w: MpiPingpongSpec, opts: RunContext, fromNode: number, toNode: number): WorkloadMetrics {
  const size = w.sizeBytes;
  const ops = w.ops;
  const slot = (n: number): RankSlot => ({ node: n, cpu: Math.min(1, cluster.nodes[n]!.cpus.length - 1) });
  const slots = [slot(fromNode), slot(toNode)];
  const { value: elapsedNs } = runWorld(cluster, slots, (r, report) => pingpongRank(r, size, ops, report), opts.mpi);
  return { latencyUs: elapsedNs / ops / 2 / 1000, elapsedNs };
}

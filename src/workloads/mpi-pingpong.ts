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
import type { WorkloadSpec } from '../scenario/types.js';
import type { MpiRunOptions } from './com.js';
import type { WorkloadMetrics } from './metrics.js';
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

export function runMpiPingpong(cluster: Cluster, w: WorkloadSpec, opts: MpiRunOptions = {}): WorkloadMetrics {
  const size = w.sizeBytes ?? 0;
  const ops = w.ops ?? 100;
  const slot = (n: number): RankSlot => ({ node: n, cpu: Math.min(1, cluster.nodes[n]!.cpus.length - 1) });
  const slots = [slot(w.fromNode ?? 0), slot(w.toNode ?? 1)];
  const mpi = { ...opts.mpi, ...(w.sockBufBytes ? { sockBufBytes: w.sockBufBytes } : {}) };
  const { value: elapsedNs } = runWorld(cluster, slots, (r, report) => pingpongRank(r, size, ops, report), mpi);
  return { latencyUs: elapsedNs / ops / 2 / 1000, elapsedNs };
}

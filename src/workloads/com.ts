/**
 * Presta 1.2 `com` (research/presta-mpich.md §2.1): one (procs, size) point, unidirectional
 * (the lower rank of each pair MPI_Sends, the upper MPI_Recvs) or bidirectional (MPI_Sendrecv).
 * A warm-up message, two barriers on the active communicator, `ops` timed operations and a
 * trailing barrier inside the timed region; maxtime = the slowest rank's sample, reduced to rank 0.
 *   uni: BW = ops*(procs/2)*size/maxtime/1e6, OpTime = maxtime/ops/2 (us; the /2 is Presta's)
 *   bi:  BW = ops*procs*size/maxtime/1e6,     OpTime = maxtime/ops (us)
 * The world has `procs` ranks (the paper ran one pair); ranks are placed by `placement`.
 */
import type { Cluster } from '../cluster/cluster.js';
import type { Placement } from '../cluster/placement.js';
import type { ProcessBody } from '../engine/process.js';
import { COMM_WORLD, type MpiOptions, type MpiRank } from '../mpi/device.js';
import type { WorkloadSpec } from '../scenario/types.js';
import { megabytesPerSecond, type WorkloadMetrics } from './metrics.js';
import { activeGroup, prestaPartner, runWorld, worldSlots } from './presta.js';

export interface MpiRunOptions {
  /** Rank placement; the runner passes the scenario's cluster.placement. Default 'cyclic' (docs/mpi.md). */
  placement?: Placement;
  mpi?: MpiOptions;
}

export const DEFAULT_PLACEMENT: Placement = 'cyclic';

function* comRank(r: MpiRank, mode: 'uni' | 'bi', procs: number, size: number, ops: number, report: (x: number) => void): ProcessBody<void> {
  const wsize = r.size;
  const group = activeGroup(procs, wsize);
  const partner = prestaPartner(r.rank, wsize);
  let diffNs = 0;
  if (group.includes(r.rank)) {
    const sender = r.rank < partner;
    if (mode === 'uni') {
      if (sender) yield* r.send(partner, size, 0);
      else yield* r.recv(partner, size, 0);
    } else yield* r.sendrecv(partner, size, 0, partner, size, 0);
    yield* r.barrier(group);
    yield* r.barrier(group);
    const start = r.wtimeNs();
    if (mode === 'uni') {
      if (sender) for (let i = 0; i < ops; i++) yield* r.send(partner, size, 0);
      else for (let i = 0; i < ops; i++) yield* r.recv(partner, size, 0);
    } else for (let i = 0; i < ops; i++) yield* r.sendrecv(partner, size, 0, partner, size, 0);
    yield* r.barrier(group);
    diffNs = r.wtimeNs() - start;
  }
  const all: number[] = [];
  for (let i = 0; i < wsize; i++) all.push(i);
  yield* r.barrier(all, COMM_WORLD);
  const maxNs = yield* r.reduceMax(diffNs);
  if (r.rank === 0) report(maxNs);
}

export function runCom(cluster: Cluster, w: WorkloadSpec, opts: MpiRunOptions = {}): WorkloadMetrics {
  const mode = w.mode ?? 'uni';
  const procs = w.procs ?? 2;
  const size = w.sizeBytes ?? 32;
  const ops = w.ops ?? 1000;
  const slots = worldSlots(cluster, procs, opts.placement ?? DEFAULT_PLACEMENT);
  const mpi = { ...opts.mpi, ...(w.sockBufBytes ? { sockBufBytes: w.sockBufBytes } : {}) };
  const { value: maxNs } = runWorld(cluster, slots, (r, report) => comRank(r, mode, procs, size, ops, report), mpi);
  const bytes = mode === 'uni' ? ops * (procs / 2) * size : ops * procs * size;
  const optimeUs = mode === 'uni' ? maxNs / ops / 2 / 1000 : maxNs / ops / 1000;
  return { bandwidthMBps: megabytesPerSecond(bytes, maxNs), optimeUs, elapsedNs: maxNs };
}

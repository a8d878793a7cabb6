/**
 * Presta 1.2 `laten` (research/presta-mpich.md §3): every active pair ping-pongs 0-byte messages
 * `ops` times after one warm-up exchange and two barriers; the timed region ends with a barrier.
 * Max latency = maxtime/ops/2 in us, maxtime being the slowest rank's sample. World = procs ranks.
 */
import type { Cluster } from '../cluster/cluster.js';
import type { ProcessBody } from '../engine/process.js';
import type { MpiRank } from '../mpi/device.js';
import { barrier, reduceMax } from '../mpi/collectives.js';
import type { WorkloadSpec } from '../scenario/types.js';
import { DEFAULT_PLACEMENT, type MpiRunOptions } from './com.js';
import type { WorkloadMetrics } from './metrics.js';
import { activeGroup, prestaPartner, runWorld, worldSlots } from './presta.js';

function* latenRank(r: MpiRank, procs: number, ops: number, report: (x: number) => void): ProcessBody<void> {
  const group = activeGroup(procs, r.size);
  const partner = prestaPartner(r.rank, r.size);
  let diffNs = 0;
  if (group.includes(r.rank)) {
    const ping = r.rank < partner;
    if (ping) {
      yield* r.recv(partner, 0, 0);
      yield* r.send(partner, 0, 0);
    } else {
      yield* r.send(partner, 0, 0);
      yield* r.recv(partner, 0, 0);
    }
    yield* barrier(r, group);
    yield* barrier(r, group);
    const start = r.wtimeNs();
    for (let i = 0; i < ops; i++) {
      if (ping) {
        yield* r.send(partner, 0, 0);
        yield* r.recv(partner, 0, 0);
      } else {
        yield* r.recv(partner, 0, 0);
        yield* r.send(partner, 0, 0);
      }
    }
    yield* barrier(r, group);
    diffNs = r.wtimeNs() - start;
  }
  // laten reduces without a WORLD barrier first.
  const maxNs = yield* reduceMax(r, diffNs);
  if (r.rank === 0) report(maxNs);
}

export function runLaten(cluster: Cluster, w: WorkloadSpec, opts: MpiRunOptions = {}): WorkloadMetrics {
  const procs = w.procs ?? 2;
  const ops = w.ops ?? 1000;
  const slots = worldSlots(cluster, procs, opts.placement ?? DEFAULT_PLACEMENT);
  const mpi = { ...opts.mpi, ...(w.sockBufBytes ? { sockBufBytes: w.sockBufBytes } : {}) };
  const { value: maxNs } = runWorld(cluster, slots, (r, report) => latenRank(r, procs, ops, report), mpi);
  return { latencyUs: maxNs / ops / 2 / 1000, elapsedNs: maxNs };
}

/**
 * Presta 1.2 `com` (research/presta-mpich.md §2.1): one (procs, size) point, unidirectional
 * (the lower rank of each pair MPI_Sends, the upper MPI_Recvs) or bidirectional (MPI_Sendrecv).
 * A warm-up message, two barriers on the active communicator, `ops` timed operations and a
 * trailing barrier inside the timed region; maxtime = the slowest rank's sample, reduced to rank 0.
 *   uni: BW = ops*(procs/2)*size/maxtime/1e6, OpTime = maxtime/ops/2 (us; the /2 is Presta's)
 *   bi:  BW = ops*procs*size/maxtime/1e6,     OpTime = maxtime/ops (us)
 * The world has `procs` ranks (the paper ran one pair); ranks are placed by `placement`.
 * runComProgram runs several sizes in one execution, as Presta's own loop does (docs/mpi.md).
 */
import type { Cluster } from '../cluster/cluster.js';
import type { Placement } from '../cluster/placement.js';
import type { ProcessBody } from '../engine/process.js';
import { COMM_WORLD, type MpiOptions, type MpiRank } from '../mpi/device.js';
import { barrier, reduceMax } from '../mpi/collectives.js';
import type { WorkloadSpec } from '../scenario/types.js';
import { megabytesPerSecond, type WorkloadMetrics } from './metrics.js';
import { activeGroup, prestaPartner, runWorld, worldSlots } from './presta.js';

/** Message size of a com workload that gives none (bytes). */
export const DEFAULT_COM_SIZE_BYTES = 32;

export interface MpiRunOptions {
  /** Rank placement; the runner passes the scenario's cluster.placement. Default 'cyclic' (docs/mpi.md). */
  placement?: Placement;
  mpi?: MpiOptions;
}

export const DEFAULT_PLACEMENT: Placement = 'cyclic';

/** One size of Presta's runUnicomTest / runBicomTest, ending with the WORLD barrier and the reduce. */
function* comSize(r: MpiRank, mode: 'uni' | 'bi', group: readonly number[], world: readonly number[], size: number, ops: number): ProcessBody<number> {
  const partner = prestaPartner(r.rank, r.size);
  let diffNs = 0;
  if (group.includes(r.rank)) {
    const sender = r.rank < partner;
    if (mode === 'uni') {
      if (sender) yield* r.send(partner, size, 0);
      else yield* r.recv(partner, size, 0);
    } else yield* r.sendrecv(partner, size, 0, partner, size, 0);
    yield* barrier(r, group);
    yield* barrier(r, group);
    const start = r.wtimeNs();
    if (mode === 'uni') {
      if (sender) for (let i = 0; i < ops; i++) yield* r.send(partner, size, 0);
      else for (let i = 0; i < ops; i++) yield* r.recv(partner, size, 0);
    } else for (let i = 0; i < ops; i++) yield* r.sendrecv(partner, size, 0, partner, size, 0);
    yield* barrier(r, group);
    diffNs = r.wtimeNs() - start;
  }
  yield* barrier(r, world, COMM_WORLD);
  return yield* reduceMax(r, diffNs);
}

/**
 * com's main loop for one (mode, procs): every size in turn in the same MPI execution, so the
 * connections, their cwnd and receive windows, and the Xen rings carry over from one size to the
 * next; the WORLD barrier and reduce that end each size are the only separation, as in Presta.
 */
function* comProgram(r: MpiRank, mode: 'uni' | 'bi', procs: number, sizes: readonly number[], ops: number, report: (sizeIndex: number, maxNs: number) => void): ProcessBody<void> {
  const group = activeGroup(procs, r.size);
  const world: number[] = [];
  for (let i = 0; i < r.size; i++) world.push(i);
  for (let k = 0; k < sizes.length; k++) {
    const maxNs = yield* comSize(r, mode, group, world, sizes[k]!, ops);
    if (r.rank === 0) report(k, maxNs);
  }
}

function comMetrics(mode: 'uni' | 'bi', procs: number, size: number, ops: number, maxNs: number): WorkloadMetrics {
  const bytes = mode === 'uni' ? ops * (procs / 2) * size : ops * procs * size;
  const optimeUs = mode === 'uni' ? maxNs / ops / 2 / 1000 : maxNs / ops / 1000;
  return { bandwidthMBps: megabytesPerSecond(bytes, maxNs), optimeUs, elapsedNs: maxNs };
}

/**
 * Presta com over `sizes` (in this order) in one simulation: one metrics entry per size. `onSize`
 * is called as rank 0 learns each size's result (the simulated clock is then at that size's end),
 * so a caller can read per-size counters.
 */
export function runComProgram(cluster: Cluster, w: WorkloadSpec, sizes: readonly number[], opts: MpiRunOptions = {}, onSize?: (sizeIndex: number) => void): WorkloadMetrics[] {
  const mode = w.mode ?? 'uni';
  const procs = w.procs ?? 2;
  const ops = w.ops ?? 1000;
  const slots = worldSlots(cluster, procs, opts.placement ?? DEFAULT_PLACEMENT);
  const mpi = { ...opts.mpi, ...(w.sockBufBytes ? { sockBufBytes: w.sockBufBytes } : {}) };
  const out: WorkloadMetrics[] = [];
  const report = (k: number, maxNs: number): void => {
    out[k] = comMetrics(mode, procs, sizes[k]!, ops, maxNs);
    onSize?.(k);
  };
  runWorld(cluster, slots, (r) => comProgram(r, mode, procs, sizes, ops, report), mpi);
  if (out.length !== sizes.length) throw new Error(`com: rank 0 reported ${out.length} of ${sizes.length} sizes`);
  return out;
}

/** One com point: a program of one size. */
export function runCom(cluster: Cluster, w: WorkloadSpec, opts: MpiRunOptions = {}): WorkloadMetrics {
  return runComProgram(cluster, w, [w.sizeBytes ?? DEFAULT_COM_SIZE_BYTES], opts)[0]!;
}

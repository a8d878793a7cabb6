/**
 * Presta 1.2 `com` (shared/research/presta-mpich.md §2.1): one (procs, size) point, unidirectional
 * (the lower rank of each pair MPI_Sends, the upper MPI_Recvs) or bidirectional (MPI_Sendrecv).
 * A warm-up message, two barriers on the active communicator, `ops` timed operations and a
 * trailing barrier inside the timed region; maxtime = the slowest rank's sample, reduced to rank 0.
 *   uni: BW = ops*(procs/2)*size/maxtime/1e6, OpTime = maxtime/ops/2 (us; the /2 is Presta's)
 *   bi:  BW = ops*procs*size/maxtime/1e6,     OpTime = maxtime/ops (us)
 * The world has `procs` ranks (the paper ran one pair); ranks are placed by `placement`.
 * The module's program runs several sizes in one execution, as Presta's own loop does (docs/mpi.md).
 */
import type { Cluster } from '../cluster/cluster.js';
import type { Placement } from '../cluster/placement.js';
import type { ProcessBody } from '../engine/process.js';
import { COMM_WORLD, type MpiRank } from '../mpi/device.js';
import { barrier, reduceMax } from '../mpi/collectives.js';
import { messageSizeField, opsField, opsTimesProcs, payloadLimit, procsField } from './fields.js';
import { megabytesPerSecond, type WorkloadMetrics } from './metrics.js';
import { defineFields, defineWorkload, withDefaults, type RunContext, type SpecOf } from './module.js';
import { activeGroup, prestaPartner, prestaSample, runWorld, worldSlots } from './presta.js';

/** Run options of the MPI workloads (the runner's RunContext). */
export type MpiRunOptions = RunContext;

export const DEFAULT_PLACEMENT: Placement = 'cyclic';

type Mode = 'uni' | 'bi';

/** One size of Presta's runUnicomTest / runBicomTest, ending with the WORLD barrier and the reduce. */
function* comSize(r: MpiRank, mode: Mode, group: readonly number[], world: readonly number[], size: number, ops: number): ProcessBody<number> {
  const partner = prestaPartner(r.rank, r.size);
  const sender = r.rank < partner;
  function* exchange(): ProcessBody<void> {
    if (mode === 'bi') yield* r.sendrecv(partner, size, 0, partner, size, 0);
    else if (sender) yield* r.send(partner, size, 0);
    else yield* r.recv(partner, size, 0);
  }
  const diffNs = yield* prestaSample(r, group, ops, exchange, exchange);
  yield* barrier(r, world, COMM_WORLD);
  return yield* reduceMax(r, diffNs);
}

/**
 * com's main loop for one (mode, procs): every size in turn in the same MPI execution, so the
 * connections, their cwnd and receive windows, and the Xen rings carry over from one size to the
 * next; the WORLD barrier and reduce that end each size are the only separation, as in Presta.
 */
function* comProgram(r: MpiRank, mode: Mode, procs: number, sizes: readonly number[], ops: number, report: (sizeIndex: number, maxNs: number) => void): ProcessBody<void> {
  const group = activeGroup(procs, r.size);
  const world: number[] = [];
  for (let i = 0; i < r.size; i++) world.push(i);
  for (let k = 0; k < sizes.length; k++) {
    const maxNs = yield* comSize(r, mode, group, world, sizes[k]!, ops);
    if (r.rank === 0) report(k, maxNs);
  }
}

function comMetrics(mode: Mode, procs: number, size: number, ops: number, maxNs: number): WorkloadMetrics {
  const bytes = mode === 'uni' ? ops * (procs / 2) * size : ops * procs * size;
  const optimeUs = mode === 'uni' ? maxNs / ops / 2 / 1000 : maxNs / ops / 1000;
  return { bandwidthMBps: megabytesPerSecond(bytes, maxNs), optimeUs, elapsedNs: maxNs };
}

const COM_FIELDS = defineFields({
  mode: { kind: 'enum', values: ['uni', 'bi'], default: 'uni', unit: '', doc: 'uni: the lower rank of each pair sends; bi: both send at once (MPI_Sendrecv)' },
  sizeBytes: messageSizeField('message size'),
  procs: procsField,
  ops: opsField,
  sequence: {
    kind: 'enum', values: ['program', 'independent'], default: 'program', unit: '', sweepable: false,
    allowedText: 'program (one simulation runs every size in order), independent (one simulation per size)',
    doc: 'program: every swept size of a (profile, other fields, replication) in one simulation, as one Presta execution; independent: one simulation per size',
  },
});

export type ComSpec = SpecOf<typeof COM_FIELDS>;

export const com = defineWorkload({
  type: 'com',
  doc: 'Presta com: procs/2 pairs exchange messages, one-way (uni) or both ways (bi); bandwidth and OpTime',
  fields: COM_FIELDS,
  columns: ['bandwidth_MBps', 'optime_us'],
  figures: ['bandwidth', 'max-bandwidth', 'optime'],
  traffic: (w) => ({ messages: w.ops * (w.procs / 2) * (w.mode === 'bi' ? 2 : 1), bytesPerMessage: w.sizeBytes }),
  key: (w) => ({ mode: w.mode, size_bytes: w.sizeBytes, procs: w.procs, ops: w.ops }),
  check: (w) => opsTimesProcs(w) ?? payloadLimit(w.ops, w.sizeBytes, w.procs / 2, w.mode === 'bi' ? 2 : 1),
  run: (cluster, w, ctx) => runComSizes(cluster, w, [w.sizeBytes], ctx)[0]!,
  program: {
    axis: 'sizeBytes',
    applies: (w) => w.sequence === 'program',
    run: (cluster, w, sizes, ctx, onPoint) => runComSizes(cluster, w, sizes, ctx, onPoint),
  },
});

/**
 * Presta com over `sizes` (in this order) in one simulation: one metrics entry per size. `onSize`
 * is called as rank 0 learns each size's result (the simulated clock is then at that size's end),
 * so a caller can read per-size counters.
 */
function runComSizes(cluster: Cluster, w: ComSpec, sizes: readonly number[], opts: RunContext, onSize?: (sizeIndex: number) => void): WorkloadMetrics[] {
  const { mode, procs, ops } = w;
  const slots = worldSlots(cluster, procs, opts.placement ?? DEFAULT_PLACEMENT);
  const out: WorkloadMetrics[] = [];
  const report = (k: number, maxNs: number): void => {
    out[k] = comMetrics(mode, procs, sizes[k]!, ops, maxNs);
    onSize?.(k);
  };
  runWorld(cluster, slots, (r) => comProgram(r, mode, procs, sizes, ops, report), opts.mpi);
  if (out.length !== sizes.length) throw new Error(`com: rank 0 reported ${out.length} of ${sizes.length} sizes`);
  return out;
}

/** Library form (a socket-buffer request goes in opts.mpi): com over `sizes` in one simulation; fields left out take their declared defaults. */
export function runComProgram(cluster: Cluster, w: Partial<ComSpec>, sizes: readonly number[], opts: MpiRunOptions = {}, onSize?: (sizeIndex: number) => void): WorkloadMetrics[] {
  return runComSizes(cluster, withDefaults(com, w), sizes, opts, onSize);
}

/** Library form: one com point; fields left out take their declared defaults. */
export function runCom(cluster: Cluster, w: Partial<ComSpec>, opts: MpiRunOptions = {}): WorkloadMetrics {
  return com.run(cluster, withDefaults(com, w), opts);
}

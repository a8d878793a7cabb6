/**
 * Presta 1.2 `laten` (shared/research/presta-mpich.md §3): every active pair ping-pongs messages of
 * sizeBytes (Presta's -s; 0 by default, as the paper's runs) `ops` times after one warm-up
 * exchange and two barriers; the timed region ends with a barrier. Max latency =
 * maxtime/ops/2 in us, maxtime being the slowest rank's sample. World = procs ranks.
 */
import type { Cluster } from '../cluster/cluster.js';
import type { ProcessBody } from '../engine/process.js';
import type { MpiRank } from '../mpi/device.js';
import { reduceMax } from '../mpi/collectives.js';
import { DEFAULT_PLACEMENT, type MpiRunOptions } from './com.js';
import { messageSizeField, opsField, opsTimesProcs, payloadLimit, procsField } from './fields.js';
import type { WorkloadMetrics } from './metrics.js';
import { defineWorkload, withDefaults, type SpecOf } from './module.js';
import { activeGroup, prestaPartner, prestaSample, runWorld, worldSlots } from './presta.js';

function* latenRank(r: MpiRank, procs: number, size: number, ops: number, report: (x: number) => void): ProcessBody<void> {
  const group = activeGroup(procs, r.size);
  const partner = prestaPartner(r.rank, r.size);
  const ping = r.rank < partner;
  // The warm-up exchange starts at the upper rank; the timed ones at the lower.
  function* warmup(): ProcessBody<void> {
    if (ping) {
      yield* r.recv(partner, size, 0);
      yield* r.send(partner, size, 0);
    } else {
      yield* r.send(partner, size, 0);
      yield* r.recv(partner, size, 0);
    }
  }
  function* roundTrip(): ProcessBody<void> {
    if (ping) {
      yield* r.send(partner, size, 0);
      yield* r.recv(partner, size, 0);
    } else {
      yield* r.recv(partner, size, 0);
      yield* r.send(partner, size, 0);
    }
  }
  const diffNs = yield* prestaSample(r, group, ops, warmup, roundTrip);
  // laten reduces without a WORLD barrier first.
  const maxNs = yield* reduceMax(r, diffNs);
  if (r.rank === 0) report(maxNs);
}

export const laten = defineWorkload({
  type: 'laten',
  doc: 'Presta laten: procs/2 pairs ping-pong at once; the slowest pair\'s half round trip (max latency)',
  fields: {
    sizeBytes: { ...messageSizeField('message size of each ping and pong (Presta laten -s)'), default: 0 },
    procs: procsField,
    ops: opsField,
  },
  columns: ['latency_us'],
  figures: ['latency', 'latency-size'],
  traffic: (w) => ({ messages: w.ops * w.procs, bytesPerMessage: w.sizeBytes }),
  key: (w) => ({ size_bytes: w.sizeBytes, procs: w.procs, ops: w.ops }),
  // Every pair sends each message both ways.
  check: (w) => opsTimesProcs(w) ?? payloadLimit(w.ops, w.sizeBytes, w.procs / 2, 2),
  run: (cluster, w, opts) => {
    const { procs, ops, sizeBytes } = w;
    const slots = worldSlots(cluster, procs, opts.placement ?? DEFAULT_PLACEMENT);
    const { value: maxNs } = runWorld(cluster, slots, (r, report) => latenRank(r, procs, sizeBytes, ops, report), opts.mpi);
    return { latencyUs: maxNs / ops / 2 / 1000, elapsedNs: maxNs };
  },
});

export type LatenSpec = SpecOf<typeof laten.fields>;

/** Library form (a socket-buffer request goes in opts.mpi); fields left out take their declared defaults. */
export function runLaten(cluster: Cluster, w: Partial<LatenSpec>, opts: MpiRunOptions = {}): WorkloadMetrics {
  return laten.run(cluster, withDefaults(laten, w), opts);
}

/**
 * The 2008 paper's `inb` latency (Figure 5, first bar pair): a process in an HVM guest reads an
 * I/O port that the device model emulates, `ops` times; the latency is the mean round trip from
 * the instruction to its result (VM exit, ioreq, the device model's main loop, the notification
 * back, VM entry). `dom0LoadProcs` CPU-bound processes run in dom0 meanwhile (nice
 * dom0Linux.loadNice), competing with qemu-dm under dom0's O(1) scheduler when the device model
 * is a dom0 process. Runs on node 0, whose path must be an HVM path (xen-hvm, xen-hvm-stubdom).
 * Results: latency_us; the procs column holds dom0LoadProcs (docs/outputs.md).
 */
import { spawn, type ProcessBody } from '../engine/process.js';
import type { Cluster } from '../cluster/cluster.js';
import { HVM_DEVICE_MODEL, hvmPartsOf, type HvmNodeParts } from '../xen/hvm/node.js';
import { opsField } from './fields.js';
import type { WorkloadMetrics } from './metrics.js';
import { defineFields, defineWorkload, withDefaults, type SpecOf } from './module.js';

/** Untimed accesses first: the first wakes every VCPU and process on the way from a cold start. */
export const IOPORT_WARMUP_OPS = 5;
/** Simulated time after which a run that has not finished is reported as stuck. */
export const IOPORT_LIMIT_NS = 3600e9;

const IOPORT_FIELDS = defineFields({
  ops: opsField,
  dom0LoadProcs: {
    kind: 'integer', unit: 'processes', default: 0, range: { min: 0, max: 64 },
    doc: 'CPU-bound background processes in dom0 during the run (the paper\'s "dom0 loaded with other tasks")',
  },
});

export type IoportSpec = SpecOf<typeof IOPORT_FIELDS>;

function* prober(parts: HvmNodeParts, ops: number, out: { sumNs: number; done: boolean }): ProcessBody<void> {
  const sim = parts.dm.sim;
  for (let i = 0; i < IOPORT_WARMUP_OPS + ops; i++) {
    const t0 = sim.now;
    yield parts.inb();
    if (i >= IOPORT_WARMUP_OPS) out.sumNs += sim.now - t0;
  }
  out.done = true;
  sim.stop();
}

export const ioport = defineWorkload({
  type: 'ioport',
  doc: "an HVM guest's inb round trip to its device model (2008 paper, Figure 5), under dom0 load",
  fields: IOPORT_FIELDS,
  columns: ['latency_us'],
  // The latency figure against processes: here dom0's load processes (a linear axis, as 0 is one).
  figures: ['latency'],
  // No network messages: each inb is a VM exit, an ioreq, the device model's loop and the resume,
  // about 16 events (measured on both HVM paths).
  traffic: (w) => ({ messages: 0, bytesPerMessage: 0, computeEvents: 16 * w.ops }),
  key: (w) => ({ procs: w.dom0LoadProcs, ops: w.ops }),
  needsPathFeature: HVM_DEVICE_MODEL,
  run: (cluster, w) => runIoportSpec(cluster, w),
});

/** Library form; fields left out take their declared defaults. */
export function runIoport(cluster: Cluster, w: Partial<IoportSpec>): WorkloadMetrics {
  return runIoportSpec(cluster, withDefaults(ioport, w));
}

function runIoportSpec(cluster: Cluster, w: IoportSpec): WorkloadMetrics {
  const sim = cluster.sim;
  const node = cluster.nodes[0]!;
  const parts = hvmPartsOf(node.kernel);
  if (parts === undefined) throw new Error(`ioport: node ${node.name} runs no HVM guest (its profile's path must be xen-hvm or xen-hvm-stubdom)`);
  parts.addDom0Load(w.dom0LoadProcs);
  const out = { sumNs: 0, done: false };
  const start = sim.now;
  spawn(sim, prober(parts, w.ops, out), `${node.name}/inb`);
  sim.run(start + IOPORT_LIMIT_NS);
  if (!out.done) throw new Error(`ioport: ${w.ops} accesses did not finish within ${IOPORT_LIMIT_NS / 1e9} s of simulated time`);
  return { latencyUs: out.sumNs / w.ops / 1000, elapsedNs: sim.now - start };
}

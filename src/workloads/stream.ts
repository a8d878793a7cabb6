/**
 * Raw TCP bulk transfer without MPI: `streams` senders (nodes fromNode, fromNode+1, ... skipping
 * toNode) each write sizeBytes over one connection into a receiver process on toNode. With
 * `bidirectional: true` each sender's host also receives sizeBytes from toNode over a second
 * connection at the same time (two flows in opposite directions between the same hosts, as
 * `netperf` TCP_STREAM run both ways at once). The bandwidth is the payload of all flows over the
 * time from the first write to the last byte read, in MB/s (10^6 bytes): both directions count.
 */
import { spawn, type ProcessBody } from '../engine/process.js';
import { kernelOfCpu, type Cluster } from '../cluster/cluster.js';
import { ProcCtx, readOnce, waitForEvent, writeAll } from '../os/syscalls.js';
import type { StreamSocket } from '../os/socket.js';
import { LIMITS } from '../scenario/limits.js';
import { distinctNodes, fromNodeField, sockBufField, toNodeField } from './fields.js';
import { megabytesPerSecond, type WorkloadMetrics } from './metrics.js';
import { defineFields, defineWorkload, withDefaults, type SpecOf } from './module.js';

/** Bytes per write() and read() call, as netperf's default send size on Linux (16 KiB). */
export const STREAM_CALL_BYTES = 16384;
/** Simulated time after which a transfer that has not finished is reported as stuck. */
export const STREAM_LIMIT_NS = 3600e9;

function* sender(ctx: ProcCtx, sock: StreamSocket, bytes: number): ProcessBody<void> {
  let left = bytes;
  while (left > 0) {
    const n = Math.min(STREAM_CALL_BYTES, left);
    yield* writeAll(ctx, sock, n);
    left -= n;
  }
}

function* receiver(ctx: ProcCtx, sock: StreamSocket, bytes: number, done: (t: number) => void): ProcessBody<void> {
  let got = 0;
  while (got < bytes) {
    if (sock.readableBytes === 0) {
      yield* waitForEvent(ctx);
      continue;
    }
    got += yield* readOnce(ctx, sock, Math.min(STREAM_CALL_BYTES, bytes - got));
  }
  done(ctx.sim.now);
}

const STREAM_FIELDS = defineFields({
  sizeBytes: { kind: 'integer', unit: 'bytes', default: 1048576, range: { min: 1, max: LIMITS.maxStreamBytes }, doc: 'bytes each stream transfers' },
  fromNode: { ...fromNodeField, doc: 'node of the first sender; further streams start on the next nodes, skipping toNode' },
  toNode: { ...toNodeField, doc: 'node of the receiver' },
  streams: { kind: 'integer', unit: 'streams', default: 1, range: (c) => ({ min: 1, max: c.nodes - 1 }), doc: 'parallel streams, each from a distinct sender' },
  sockBufBytes: sockBufField,
  bidirectional: { kind: 'boolean', unit: '', default: false, doc: 'true: each stream also runs from toNode back to its sender at the same time (two flows in opposite directions)' },
});

export type StreamSpec = SpecOf<typeof STREAM_FIELDS>;

export const stream = defineWorkload({
  type: 'stream',
  doc: 'raw TCP bulk transfer without MPI from one or more senders into toNode: bandwidth',
  fields: STREAM_FIELDS,
  columns: ['bandwidth_MBps'],
  figures: ['stream-bandwidth'],
  // procs: the hosts taking part (senders and the receiver). mode 'bi' marks a bidirectional run
  // (empty otherwise, as before the field existed), so the two never pool in a summary.
  traffic: (w) => ({ messages: w.streams * (w.bidirectional ? 2 : 1), bytesPerMessage: w.sizeBytes }),
  key: (w) => ({ ...(w.bidirectional ? { mode: 'bi' } : {}), size_bytes: w.sizeBytes, procs: w.streams + 1, sock_buf_bytes: w.sockBufBytes, from_node: w.fromNode, to_node: w.toNode }),
  check: (w) => distinctNodes(w),
  run: (cluster, w) => runStreamSpec(cluster, w),
});

/** Library form; fields left out take their declared defaults. */
export function runStream(cluster: Cluster, w: Partial<StreamSpec>): WorkloadMetrics {
  return runStreamSpec(cluster, withDefaults(stream, w));
}

function runStreamSpec(cluster: Cluster, w: StreamSpec): WorkloadMetrics {
  const sim = cluster.sim;
  const bytes = w.sizeBytes;
  const to = cluster.nodes[w.toNode]!;
  const streams = w.streams;
  const senders = cluster.nodes.filter((n) => n.index !== to.index);
  const from = w.fromNode;
  const start = sim.now;
  const flows = w.bidirectional ? 2 * streams : streams;
  let remaining = flows;
  let lastNs = start;
  const finished = (t: number): void => {
    lastNs = Math.max(lastNs, t);
    if (--remaining === 0) sim.stop();
  };
  for (let k = 0; k < streams; k++) {
    const src = senders[(senders.findIndex((n) => n.index === from) + k) % senders.length]!;
    // Processes run on CPU 1 where there is one, leaving CPU 0 to the NIC's softirq; each on its
    // CPU's kernel (a node of several domains has one per domain).
    const sCpu = Math.min(1, src.cpus.length - 1);
    const rCpu = (1 + k) % to.cpus.length;
    const [a, b] = kernelOfCpu(src, sCpu).open(kernelOfCpu(to, rCpu), { sockBufBytes: w.sockBufBytes });
    const sctx = new ProcCtx(sim, src.cpus[sCpu]!, kernelOfCpu(src, sCpu).params, `${src.name}/stream${k}`);
    const rctx = new ProcCtx(sim, to.cpus[rCpu]!, kernelOfCpu(to, rCpu).params, `${to.name}/sink${k}`);
    sctx.own(a);
    rctx.own(b);
    spawn(sim, sender(sctx, a, bytes), sctx.name);
    spawn(sim, receiver(rctx, b, bytes, finished), rctx.name);
    if (w.bidirectional) {
      // The opposite flow: its own connection (as a second netperf), its own processes, on the
      // CPU after each end's first process where the host has one.
      const bsCpu = (1 + streams + k) % to.cpus.length;
      const brCpu = Math.min(2, src.cpus.length - 1);
      const [c, d] = kernelOfCpu(to, bsCpu).open(kernelOfCpu(src, brCpu), { sockBufBytes: w.sockBufBytes });
      const bsctx = new ProcCtx(sim, to.cpus[bsCpu]!, kernelOfCpu(to, bsCpu).params, `${to.name}/stream-back${k}`);
      const brctx = new ProcCtx(sim, src.cpus[brCpu]!, kernelOfCpu(src, brCpu).params, `${src.name}/sink-back${k}`);
      bsctx.own(c);
      brctx.own(d);
      spawn(sim, sender(bsctx, c, bytes), bsctx.name);
      spawn(sim, receiver(brctx, d, bytes, finished), brctx.name);
    }
  }
  // Timers and OS noise keep the event queue busy forever: a stream that cannot finish must
  // end the run at a simulated-time limit instead of spinning.
  sim.run(start + STREAM_LIMIT_NS);
  if (remaining > 0) throw new Error(`stream: ${remaining} of ${flows} flows did not finish within ${STREAM_LIMIT_NS / 1e9} s of simulated time`);
  const elapsedNs = lastNs - start;
  return { bandwidthMBps: megabytesPerSecond(bytes * flows, elapsedNs), elapsedNs };
}

/**
 * Raw TCP ping-pong without MPI: a client on fromNode writes sizeBytes, a server on toNode reads
 * them and writes them back, `ops` times after WARMUP_OPS untimed exchanges (which also spend
 * the connection's quick-ACKs). Latency is half the mean round trip, in microseconds.
 */
import { spawn, type ProcessBody } from '../engine/process.js';
import { kernelOfCpu, type Cluster } from '../cluster/cluster.js';
import { ProcCtx, readExactly, writeAll } from '../os/syscalls.js';
import type { StreamSocket } from '../os/socket.js';
import { distinctNodes, fromNodeField, messageSizeField, opsField, payloadLimit, sockBufField, toNodeField } from './fields.js';
import type { WorkloadMetrics } from './metrics.js';
import { defineFields, defineWorkload, withDefaults, type SpecOf } from './module.js';

export const WARMUP_OPS = 20;
/** Simulated time after which an exchange that has not finished is reported as stuck. */
export const PINGPONG_LIMIT_NS = 3600e9;

function* client(ctx: ProcCtx, sock: StreamSocket, size: number, ops: number, out: { startNs: number; endNs: number }): ProcessBody<void> {
  for (let i = 0; i < WARMUP_OPS + ops; i++) {
    if (i === WARMUP_OPS) out.startNs = ctx.sim.now;
    yield* writeAll(ctx, sock, size);
    yield* readExactly(ctx, sock, size);
  }
  out.endNs = ctx.sim.now;
  ctx.sim.stop();
}

function* server(ctx: ProcCtx, sock: StreamSocket, size: number, ops: number): ProcessBody<void> {
  for (let i = 0; i < WARMUP_OPS + ops; i++) {
    yield* readExactly(ctx, sock, size);
    yield* writeAll(ctx, sock, size);
  }
}

const PINGPONG_FIELDS = defineFields({
  sizeBytes: messageSizeField('message size (0 sends 1 byte)'),
  ops: opsField,
  fromNode: fromNodeField,
  toNode: toNodeField,
  sockBufBytes: sockBufField,
});

export type PingpongSpec = SpecOf<typeof PINGPONG_FIELDS>;

export const pingpong = defineWorkload({
  type: 'pingpong',
  doc: 'raw TCP ping-pong without MPI between two nodes: half the mean round trip',
  fields: PINGPONG_FIELDS,
  columns: ['latency_us'],
  figures: ['latency', 'latency-size'],
  traffic: (w) => ({ messages: 2 * w.ops, bytesPerMessage: w.sizeBytes }),
  key: (w) => ({ size_bytes: w.sizeBytes, procs: 2, ops: w.ops, sock_buf_bytes: w.sockBufBytes, from_node: w.fromNode, to_node: w.toNode }),
  // Each message goes both ways.
  check: (w) => distinctNodes(w) ?? payloadLimit(w.ops, w.sizeBytes, 1, 2),
  run: (cluster, w) => runPingpongSpec(cluster, w),
});

/** Library form; fields left out take their declared defaults. */
export function runPingpong(cluster: Cluster, w: Partial<PingpongSpec>): WorkloadMetrics {
  return runPingpongSpec(cluster, withDefaults(pingpong, w));
}

function runPingpongSpec(cluster: Cluster, w: PingpongSpec): WorkloadMetrics {
  const sim = cluster.sim;
  const size = Math.max(1, w.sizeBytes);
  const ops = w.ops;
  const a = cluster.nodes[w.fromNode]!;
  const b = cluster.nodes[w.toNode]!;
  // CPU 1 where there is one; each process on its CPU's kernel (its domain's, on a node of several).
  const aCpu = Math.min(1, a.cpus.length - 1);
  const bCpu = Math.min(1, b.cpus.length - 1);
  const [sa, sb] = kernelOfCpu(a, aCpu).open(kernelOfCpu(b, bCpu), { sockBufBytes: w.sockBufBytes, nodelay: true });
  const ca = new ProcCtx(sim, a.cpus[aCpu]!, kernelOfCpu(a, aCpu).params, `${a.name}/ping`);
  const cb = new ProcCtx(sim, b.cpus[bCpu]!, kernelOfCpu(b, bCpu).params, `${b.name}/pong`);
  ca.own(sa);
  cb.own(sb);
  const out = { startNs: 0, endNs: -1 };
  spawn(sim, client(ca, sa, size, ops, out), ca.name);
  spawn(sim, server(cb, sb, size, ops), cb.name);
  sim.run(PINGPONG_LIMIT_NS);
  if (out.endNs < 0) throw new Error(`pingpong: the exchange did not finish within ${PINGPONG_LIMIT_NS / 1e9} s of simulated time`);
  const elapsedNs = out.endNs - out.startNs;
  return { latencyUs: elapsedNs / ops / 2 / 1000, elapsedNs };
}

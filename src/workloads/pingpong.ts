/**
 * Raw TCP ping-pong without MPI: a client on fromNode writes sizeBytes, a server on toNode reads
 * them and writes them back, `ops` times after WARMUP_OPS untimed exchanges (which also spend
 * the connection's quick-ACKs). Latency is half the mean round trip, in microseconds.
 */
import { spawn, type ProcessBody } from '../engine/process.js';
import type { Cluster } from '../cluster/cluster.js';
import { ProcCtx, readExactly, writeAll } from '../os/syscalls.js';
import type { StreamSocket } from '../os/socket.js';
import type { WorkloadSpec } from '../scenario/types.js';
import type { WorkloadMetrics } from './metrics.js';

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

export function runPingpong(cluster: Cluster, w: WorkloadSpec): WorkloadMetrics {
  const sim = cluster.sim;
  const size = Math.max(1, w.sizeBytes ?? 32);
  const ops = w.ops ?? 100;
  const a = cluster.nodes[w.fromNode ?? 0]!;
  const b = cluster.nodes[w.toNode ?? 1]!;
  const [sa, sb] = a.kernel.connect(b.kernel, { sockBufBytes: w.sockBufBytes ?? 0, nodelay: true });
  const ca = new ProcCtx(sim, a.cpus[Math.min(1, a.cpus.length - 1)]!, a.kernel.params, `${a.name}/ping`);
  const cb = new ProcCtx(sim, b.cpus[Math.min(1, b.cpus.length - 1)]!, b.kernel.params, `${b.name}/pong`);
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

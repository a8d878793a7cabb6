/**
 * Every MPI workload completes and delivers what was sent: each message once, in order per
 * (source, tag, communicator), and every byte written to a connection read off it. The 16-rank
 * Presta com reproducer of issue 10 first: on loopback (MSS 16384) the sender's segments did not
 * fit the receiver's window and the connection stalled for good.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import type { Placement } from '../../src/cluster/placement.js';
import type { ProcessBody } from '../../src/engine/process.js';
import { COMM_COLL, MpiRank, MpiWorld, type Request } from '../../src/mpi/device.js';
import { runCom } from '../../src/workloads/com.js';
import { runLaten } from '../../src/workloads/laten.js';
import { runMpiPingpong } from '../../src/workloads/mpi-pingpong.js';
import { clusterConfig, profile } from '../support/profiles.js';

const PROFILES = ['rhel-2.6.12', 'rhel-2.6.9', 'xen-3.0.1'] as const;

function cluster(prof: string, placement: Placement, rateBps: number, seed = 1): Cluster {
  const sim = new Simulator({ seed });
  return buildCluster(sim, clusterConfig({ placement, link: { rateBps, propagationNs: 500 } }), profile(prof));
}

/**
 * Run `fn` with every point-to-point send numbered per (source, dest, tag, comm) and every
 * receive told the number it must get (MPI's non-overtaking rule); the collective reduction
 * keeps its payload. Afterwards: every receive matched the next message of its stream, and every
 * connection's bytes were all read.
 */
function checkedRun(fn: () => void): void {
  const sent = new Map<string, number>();
  const expect = new Map<string, number>();
  const recvs: { req: Request; want: number; what: string }[] = [];
  let world: MpiWorld | null = null;
  const proto = MpiRank.prototype;
  const { isend, irecv } = proto;
  const spawnAll = MpiWorld.prototype.spawnAll;
  const next = (m: Map<string, number>, k: string): number => {
    const v = m.get(k) ?? 0;
    m.set(k, v + 1);
    return v;
  };
  proto.isend = function* (this: MpiRank, dest: number, size: number, tag: number, comm = 0, value = 0): ProcessBody<Request> {
    const v = comm === COMM_COLL ? value : next(sent, `${this.rank}>${dest}/${tag}/${comm}`);
    return yield* isend.call(this, dest, size, tag, comm, v);
  };
  proto.irecv = function* (this: MpiRank, src: number, size: number, tag: number, comm = 0): ProcessBody<Request> {
    const req = yield* irecv.call(this, src, size, tag, comm);
    const k = `${src}>${this.rank}/${tag}/${comm}`;
    if (comm !== COMM_COLL) recvs.push({ req, want: next(expect, k), what: k });
    return req;
  };
  MpiWorld.prototype.spawnAll = function (this: MpiWorld, body: (r: MpiRank) => ProcessBody<void>): void {
    world = this;
    spawnAll.call(this, body);
  };
  try {
    fn();
  } finally {
    proto.isend = isend;
    proto.irecv = irecv;
    MpiWorld.prototype.spawnAll = spawnAll;
  }
  for (const r of recvs) {
    assert.ok(r.req.done, `receive ${r.what} #${r.want} not complete`);
    assert.equal(r.req.value, r.want, `receive ${r.what}: got message #${r.req.value}, want #${r.want}`);
  }
  for (const [k, n] of sent) assert.equal(expect.get(k), n, `stream ${k}: ${n} sent, ${expect.get(k) ?? 0} received`);
  const w = world as MpiWorld | null;
  assert.ok(w !== null);
  for (const rank of w.ranks) {
    rank.openChannels().forEach((ch) => {
      if (ch === null) return;
      // What this rank wrote is on ch.out; the peer consumed all of it (its inq is the same Fifo).
      assert.equal(ch.out.length, 0, `rank ${rank.rank}>${ch.peer}: ${ch.out.length} messages never read`);
      const peerSock = w.ranks[ch.peer]!.socketTo(rank.rank);
      assert.equal(peerSock.readableBytes, 0, `rank ${ch.peer}: bytes from ${rank.rank} left unread`);
      assert.equal(peerSock.stats.bytesDelivered, ch.sock.stats.bytesWritten, `${rank.rank}>${ch.peer}: bytes the application wrote != bytes the peer read`);
    });
  }
}

for (const prof of ['rhel-2.6.12', 'xen-3.0.1']) {
  for (const mode of ['uni', 'bi'] as const) {
    test(`issue 10 reproducer: Presta com ${mode}, 16 ranks cyclic, 2048 B, on ${prof}, completes with every message in order`, () => {
      checkedRun(() => {
        const m = runCom(cluster(prof, 'cyclic', 1e8), { mode, procs: 16, sizeBytes: 2048, ops: 40 }, { placement: 'cyclic' });
        assert.ok(m.elapsedNs! > 0 && m.elapsedNs! < 10e9, `elapsed ${m.elapsedNs} ns`);
      });
    });
  }
}

/** Total payload bound per case, so that 64 ranks with 1 MiB stay quick. */
const MAX_TOTAL_BYTES = 4 << 20;

test(`random MPI workloads (com uni/bi, laten, mpi-pingpong; 2-64 ranks; cyclic and block; 0-2^20 B; native and Xen) complete and deliver every message once, in order`, () => {
  fc.assert(
    fc.property(
      fc.record({
        kind: fc.constantFrom('com-uni', 'com-bi', 'laten', 'mpi-pingpong'),
        halfProcs: fc.integer({ min: 1, max: 32 }),
        placement: fc.constantFrom<Placement>('cyclic', 'block'),
        sizeBytes: fc.oneof(fc.integer({ min: 0, max: 1 << 20 }), fc.constantFrom(0, 16383, 16384, 127999, 128000, 1 << 20)),
        prof: fc.constantFrom(...PROFILES),
        ops: fc.integer({ min: 1, max: 3 }),
        rateBps: fc.constantFrom(1e8, 1e9),
        fromNode: fc.integer({ min: 0, max: 3 }),
        // P4_SOCKBUFSIZE: 0 is p4's default request (16384).
        sockBufBytes: fc.constantFrom(0, 0, 4096, 65536),
        seed: fc.integer({ min: 1, max: 1e6 }),
      }),
      (k) => {
        const procs = k.kind === 'mpi-pingpong' ? 2 : 2 * k.halfProcs;
        const sizeBytes = Math.min(k.sizeBytes, Math.floor(MAX_TOTAL_BYTES / (k.ops * procs)));
        const c = cluster(k.prof, k.placement, k.rateBps, k.seed);
        const mpi = k.sockBufBytes > 0 ? { sockBufBytes: k.sockBufBytes } : {};
        checkedRun(() => {
          if (k.kind === 'laten') runLaten(c, { procs, ops: k.ops, sizeBytes }, { placement: k.placement, mpi });
          else if (k.kind === 'mpi-pingpong') runMpiPingpong(c, { sizeBytes, ops: k.ops }, { fromNode: k.fromNode, toNode: (k.fromNode + 1) % 4, mpi });
          else runCom(c, { mode: k.kind === 'com-uni' ? 'uni' : 'bi', procs, sizeBytes, ops: k.ops }, { placement: k.placement, mpi });
        });
      },
    ),
    // 200 cases take about 5 s on the project machine, so the suite runs all of them.
    { numRuns: Number(process.env.XENHPC_CASES ?? 200), seed: Number(process.env.XENHPC_SEED ?? 10) },
  );
});

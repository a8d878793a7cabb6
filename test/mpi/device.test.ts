import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compute } from '../../src/os/syscalls.js';
import { COMM_ACTIVE, COMM_WORLD, MpiWorld, type MpiOptions, type MpiRank, type Request } from '../../src/mpi/device.js';
import { ACK_PROTO, LONG, LONG_DATA, OK_TO_SEND, PROTO_ACK, REQUEST_SEND, RNDV_DATA, SHORT, wireBytesPerMessage } from '../../src/mpi/protocol.js';
import type { ProcessBody } from '../../src/engine/process.js';
import { makeCluster } from './helpers.js';

/** Two ranks on nodes 0 and 1 (CPU 1), running `body`; returns the world after the run. */
function runPair(body: (r: MpiRank) => ProcessBody<void>, opts: MpiOptions = {}, limitNs = 60e9): MpiWorld {
  const c = makeCluster();
  const w = new MpiWorld(c, [{ node: 0, cpu: 1 }, { node: 1, cpu: 1 }], opts);
  w.spawnAll(body);
  c.sim.run(limitNs);
  return w;
}

test('bytes on the wire per protocol: short 32+44+L, eager 32+44 then 32+L, rendezvous 32+48 and 32+L, 32+44 back', () => {
  const cases = [
    { sizeBytes: 1000, fwd: 32 + 44 + 1000, back: 0 },
    { sizeBytes: 16383, fwd: 32 + 44 + 16383, back: 0 },
    { sizeBytes: 16384, fwd: 32 + 44 + 32 + 16384, back: 0 },
    { sizeBytes: 127999, fwd: 32 + 44 + 32 + 127999, back: 0 },
    { sizeBytes: 128000, fwd: 32 + 48 + 32 + 128000, back: 32 + 44 },
  ];
  for (const k of cases) {
    assert.deepEqual(wireBytesPerMessage(k.sizeBytes), { forwardBytes: k.fwd, backwardBytes: k.back });
    const w = runPair(function* (r) {
      if (r.rank === 0) yield* r.send(1, k.sizeBytes, 3);
      else yield* r.recv(0, k.sizeBytes, 3);
    });
    assert.equal(w.unfinished, 0);
    const s0 = w.ranks[0]!.socketTo(1).stats;
    const s1 = w.ranks[1]!.socketTo(0).stats;
    assert.equal(s0.retransmits + s1.retransmits, 0);
    assert.equal(s0.bytesSent, k.fwd, `forward bytes for ${k.sizeBytes}`);
    assert.equal(s1.bytesSent, k.back, `backward bytes for ${k.sizeBytes}`);
  }
});

test('flow control: a stream of 100 short messages draws a PROTO_ACK per 25 and stalls the sender at 40 unacknowledged', () => {
  const n = 100;
  const size = 100;
  const w = runPair(function* (r) {
    if (r.rank === 0) for (let i = 0; i < n; i++) yield* r.send(1, size, 0);
    else for (let i = 0; i < n; i++) yield* r.recv(0, size, 0);
  });
  assert.equal(w.unfinished, 0);
  const [s, d] = [w.ranks[0]!, w.ranks[1]!];
  // Receiver: PROTO_ACK after messages 25, 50, 75, 100.
  assert.equal(d.stats.protoAcksSent, 4);
  assert.equal(d.stats.sentByKind[PROTO_ACK], 4);
  // Sender: sends 41, 66 and 91 find 40 unacknowledged and wait for a PROTO_ACK; it reads
  // only those three (it never calls into MPI after the last send) and answers each.
  assert.equal(s.stats.flowStalls, 3);
  assert.equal(s.stats.ackProtosSent, 3);
  assert.equal(s.stats.sentByKind[ACK_PROTO], 3);
  assert.equal(s.packetsUnacked(1), n - 3 * 25);
  // The streams carry exactly that: 100 short packets + 3 ACK_PROTO one way, 4 PROTO_ACK back.
  assert.equal(s.socketTo(1).stats.bytesSent, n * (32 + 44 + size) + 3 * (32 + 36));
  assert.equal(d.socketTo(0).stats.bytesSent, 4 * (32 + 36));
});

test('lower-rank drain: bidirectional 1 MiB rendezvous with 32 KiB buffers completes; without the rule it deadlocks', () => {
  const size = 1 << 20;
  const body = function* (r: MpiRank): ProcessBody<void> {
    const p = 1 - r.rank;
    yield* r.sendrecv(p, size, 0, p, size, 0);
  };
  const w = runPair(body, { sockBufBytes: 16384 });
  assert.equal(w.unfinished, 0);
  // Each end read the peer's REQUEST_SEND (80), OK_TO_SEND (76) and the data (32 + 1 MiB).
  for (const r of w.ranks) assert.equal(r.socketTo(1 - r.rank).stats.bytesDelivered, 80 + 76 + 32 + size);
  // Only the lower rank read ahead while its own write was blocked.
  assert.ok(w.ranks[0]!.stats.drained >= 1);
  assert.equal(w.ranks[1]!.stats.drained, 0);
  // Without the rule both ranks sit in select() waiting for send space: each has filled its
  // 32 KiB send buffer and the peer's receive buffer, and neither reads, so no ACK ever opens
  // the window. The run reaches its time limit with both ranks inside MPI_Sendrecv.
  const stuck = runPair(body, { sockBufBytes: 16384, drain: 'none' }, 2e9);
  assert.equal(stuck.unfinished, 2);
  for (const r of stuck.ranks) assert.ok(r.socketTo(1 - r.rank).stats.bytesDelivered < size);
});

test('matching by source, tag and communicator; early arrivals wait in the unexpected queue', () => {
  const got: Record<string, number> = {};
  const w = runPair(function* (r) {
    if (r.rank === 0) {
      yield* r.send(1, 100, 5, COMM_ACTIVE, 55); // same tag, other communicator
      yield* r.send(1, 100, 5, COMM_WORLD, 5); // short
      yield* r.send(1, 20000, 7, COMM_WORLD, 7); // eager
      yield* r.send(1, 200000, 9, COMM_WORLD, 9); // rendezvous
    } else {
      // Receive in another order than sent: tag 7 first finds both tag-5 shorts unexpected.
      const r7: Request = yield* r.recv(0, 20000, 7);
      got.r7 = r7.value;
      const r9 = yield* r.recv(0, 200000, 9);
      got.r9 = r9.value;
      const r5 = yield* r.recv(0, 100, 5);
      got.r5 = r5.value;
      const r55 = yield* r.recv(0, 100, 5, COMM_ACTIVE);
      got.r55 = r55.value;
    }
  });
  assert.equal(w.unfinished, 0);
  assert.deepEqual(got, { r7: 7, r9: 9, r5: 5, r55: 55 });
  const d = w.ranks[1]!;
  assert.equal(d.stats.unexpected, 2);
  assert.deepEqual(
    [SHORT, LONG, LONG_DATA, REQUEST_SEND, RNDV_DATA].map((k) => d.stats.readByKind[k]),
    [2, 1, 1, 1, 1],
  );
  assert.equal(w.ranks[0]!.stats.readByKind[OK_TO_SEND], 1);
});

test('unexpected rendezvous: OK_TO_SEND goes out only when the receive is posted', () => {
  let okAtNs = -1;
  let postNs = -1;
  const w = runPair(function* (r) {
    if (r.rank === 0) {
      yield* r.send(1, 200000, 1);
      okAtNs = r.ctx.sim.now;
    } else {
      yield* compute(r.ctx, 5e6); // busy for 5 ms: no progress, the request waits
      postNs = r.ctx.sim.now;
      yield* r.recv(0, 200000, 1);
    }
  });
  assert.equal(w.unfinished, 0);
  assert.ok(postNs >= 5e6);
  // The sender cannot finish before the receiver posts and answers.
  assert.ok(okAtNs > postNs, `send completed at ${okAtNs}, receive posted at ${postNs}`);
});

test('wtime has microsecond resolution', () => {
  const w = runPair(function* (r) {
    yield* compute(r.ctx, 1234567);
    assert.equal(r.wtimeNs() % 1000, 0);
    assert.ok(r.ctx.sim.now - r.wtimeNs() < 1000);
  });
  assert.equal(w.unfinished, 0);
});

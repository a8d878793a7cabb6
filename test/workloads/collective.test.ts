import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCluster } from '../mpi/helpers.js';
import { collective } from '../../src/workloads/collective.js';
import { runMpiPingpong } from '../../src/workloads/mpi-pingpong.js';
import { DEFAULT_CALL_NS, DEFAULT_REDUCE_OP_NS_PER_BYTE } from '../../src/mpi/device.js';

/** One MPI message one way (0 or 8 bytes), from the two-rank ping-pong: noise off, e1000 unmoderated. */
function oneWayNs(sizeBytes: number): number {
  return runMpiPingpong(makeCluster(), { type: 'mpi-pingpong', sizeBytes, ops: 100 }).latencyUs! * 1000;
}

/** Elapsed ns of `ops` timed operations (the trailing barrier included), and latency_us. */
function run(op: 'barrier' | 'allreduce', ops: number): { elapsedNs: number; latencyUs: number } {
  const m = collective.run(makeCluster(), { type: 'collective', op, procs: 4, sizeBytes: 8, ops }, {});
  return { elapsedNs: m.elapsedNs, latencyUs: m.latencyUs! };
}

/**
 * Both collectives at 4 ranks (cyclic: one rank per node) are lg 4 = 2 rounds of MPI_Sendrecv
 * with the partner rank ^ 2^k. A round is one message one way (both partners send at once) plus
 * one MPI call more than a ping-pong puts on the critical path: the Irecv that Sendrecv posts
 * before its Isend (a ping-pong posts its receive while the previous message flies; Waitall's
 * call overlaps the flight). Allreduce adds its local Sendrecv (Irecv, Isend, Waitall and an
 * 8-byte copy) and MPIR_SUM over 8 bytes per round.
 * Left out of the sum: the kernel work of the two directions meeting on each node (each rank's
 * own transmit and the partner's arriving segment share the node), which a ping-pong never has.
 * The tolerance allows 0.7 us (one syscallNs) per round for it: below one MPI call (1 us) and far
 * below one message (23 us), so a wrong round count, a missing Irecv or a linear algorithm fails.
 */
test('barrier and allreduce (8 B) at 4 ranks: the per-operation time summed from the parameters', () => {
  // The resolved profile parameters of the cluster the runs use (rhel-2.6.12).
  const host = makeCluster().nodes[0]!.kernel.params;
  const rounds = 2;
  const tolNs = rounds * host.syscallNs;
  const barrierHand = rounds * (oneWayNs(0) + DEFAULT_CALL_NS);
  const selfSendrecvNs = 3 * DEFAULT_CALL_NS + 8 * host.copyNsPerByte;
  const allreduceHand = selfSendrecvNs + rounds * (oneWayNs(8) + DEFAULT_CALL_NS + 8 * DEFAULT_REDUCE_OP_NS_PER_BYTE);
  for (const [op, hand] of [['barrier', barrierHand], ['allreduce', allreduceHand]] as const) {
    // The slope between two run lengths is one operation, free of the warm-up and trailing barrier.
    const a = run(op, 50);
    const b = run(op, 100);
    const perOpNs = (b.elapsedNs - a.elapsedNs) / 50;
    assert.ok(Math.abs(perOpNs - hand) <= tolNs, `${op}: ${perOpNs} ns per operation, hand sum ${hand.toFixed(0)} ns +- ${tolNs}`);
    // latency_us (what results.csv shows) adds 1/ops of the trailing barrier (and the start skew,
    // under one barrier): between the per-operation time and that plus one barrier/ops.
    assert.ok(b.latencyUs * 1000 >= perOpNs - 1000 && b.latencyUs * 1000 <= perOpNs + (barrierHand + tolNs) / 100 + 1000, `${op}: latency_us ${b.latencyUs}`);
  }
});

test('the collective workload rejects a reduce of a size that is not whole doubles, names its column', () => {
  const w = { type: 'collective', op: 'allreduce' as const, procs: 4, sizeBytes: 12, ops: 1 };
  assert.match(collective.check!(w)?.problem ?? '', /not a whole number of 8-byte elements/);
  assert.equal(collective.check!({ ...w, op: 'alltoall' }), undefined);
  assert.deepEqual(collective.key({ ...w, op: 'bcast', sizeBytes: 64 }), { mode: 'bcast', procs: 4, size_bytes: 64, ops: 1 });
});

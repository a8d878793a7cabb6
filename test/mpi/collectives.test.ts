import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MpiRank, MpiWorld } from '../../src/mpi/device.js';
import { collectiveOp, type CollectiveOp } from '../../src/mpi/collectives.js';
import { placeRanks } from '../../src/cluster/placement.js';
import type { ProcessBody } from '../../src/engine/process.js';
import { makeCluster } from './helpers.js';

interface Sent {
  /** Messages each rank sent to another rank (self-copies excluded: they never reach isend). */
  msgs: number[];
  /** Their MPI payload bytes. */
  bytes: number[];
  /** The value each rank ended the operation with. */
  values: number[];
}

/**
 * Runs one collective on `np` ranks (cyclic over 4 nodes x 4 CPUs), each contributing rank+1, and
 * records every MPI send by wrapping MpiRank.isend (restored afterwards).
 */
function runOnce(op: CollectiveOp, np: number, nbytes: number): Sent {
  const c = makeCluster();
  const w = new MpiWorld(c, placeRanks(np, 4, 4, 'cyclic'));
  const out: Sent = { msgs: new Array(np).fill(0), bytes: new Array(np).fill(0), values: new Array(np).fill(NaN) };
  const orig = MpiRank.prototype.isend;
  MpiRank.prototype.isend = function (this: MpiRank, dest: number, sizeBytes: number, ...rest: [number, number?, number?]) {
    out.msgs[this.rank]!++;
    out.bytes[this.rank]! += sizeBytes;
    return orig.call(this, dest, sizeBytes, ...rest);
  };
  const group = Array.from({ length: np }, (_, i) => i);
  try {
    w.spawnAll(function* (r): ProcessBody<void> {
      out.values[r.rank] = yield* collectiveOp(r, op, group, nbytes, r.rank + 1);
    });
    c.sim.run(60e9);
  } finally {
    MpiRank.prototype.isend = orig;
  }
  assert.equal(w.unfinished, 0, `${op} np=${np} ${nbytes} B did not finish`);
  return out;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

test('reduced and broadcast data: every rank ends with the sum (allreduce), the root with it (reduce), every rank with the root value (bcast)', () => {
  // Short and long algorithms, power-of-two and not (the fold of the extra ranks), 2..8 ranks.
  for (const np of [2, 3, 4, 5, 6, 8]) {
    const total = (np * (np + 1)) / 2;
    for (const nbytes of [8, 4096, 65536]) {
      const ar = runOnce('allreduce', np, nbytes);
      assert.deepEqual(ar.values, new Array(np).fill(total), `allreduce np=${np} ${nbytes} B`);
      const rd = runOnce('reduce', np, nbytes);
      assert.equal(rd.values[0], total, `reduce np=${np} ${nbytes} B at the root`);
    }
    for (const nbytes of [8, 16384, 65536, 600000]) {
      const bc = runOnce('bcast', np, nbytes);
      assert.deepEqual(bc.values, new Array(np).fill(1), `bcast np=${np} ${nbytes} B`);
    }
  }
});

test('message pattern per rank equals MPICH 1.2.7 intra_fns_new.c: binomial, recursive doubling, Rabenseifner, Bruck, pairwise', () => {
  const lg = Math.log2;
  // Barrier at 6: four ranks do 2 butterfly rounds, ranks 0 and 1 also release 4 and 5, which
  // send one fan-in message each.
  assert.deepEqual(runOnce('barrier', 6, 0).msgs, [3, 3, 2, 2, 1, 1]);
  // Binomial bcast at 4 (short): rank 0 sends to 2 then 1, rank 2 to 3.
  assert.deepEqual(runOnce('bcast', 4, 1024).msgs, [2, 0, 1, 0]);
  // Binomial reduce at 4 (8 B): 1 -> 0, 3 -> 2, 2 -> 0.
  assert.deepEqual(runOnce('reduce', 4, 8).msgs, [0, 1, 1, 1]);
  // Recursive doubling allreduce at 8 (short): lg 8 = 3 exchanges of the whole vector each.
  const rd = runOnce('allreduce', 8, 2048);
  assert.deepEqual(rd.msgs, new Array(8).fill(3));
  assert.deepEqual(rd.bytes, new Array(8).fill(3 * 2048));
  // Rabenseifner allreduce at 8, n = 64 KiB: each rank sends 2 n (p-1)/p bytes in 2 lg p messages.
  const n = 65536;
  const ra = runOnce('allreduce', 8, n);
  assert.deepEqual(ra.msgs, new Array(8).fill(2 * lg(8)));
  assert.deepEqual(ra.bytes, new Array(8).fill((2 * n * 7) / 8));
  // Rabenseifner reduce at 8: reduce-scatter n (p-1)/p per rank, binomial gather n/2 per level.
  const rr = runOnce('reduce', 8, n);
  assert.equal(sum(rr.bytes), n * 7 + (n / 2) * lg(8));
  assert.equal(rr.msgs[0], lg(8), 'the root only exchanges in the reduce-scatter');
  // Long bcast at 8 (scatter + recursive-doubling allgather): scatter n/2 per level, allgather
  // n (p-1)/p per rank. At 600000 B (>= MPIR_BCAST_LONG_MSG) the allgather is a ring of p-1 steps.
  const bl = runOnce('bcast', 8, n);
  assert.equal(sum(bl.bytes), (n / 2) * lg(8) + n * 7);
  // Scatter: 0 sends to 4, 2, 1; 4 to 6, 5; 2 to 3; 6 to 7 (odd ranks are leaves). Then 7 ring steps each.
  assert.deepEqual(runOnce('bcast', 8, 600000).msgs, [3, 0, 1, 0, 2, 0, 1, 0].map((m) => m + 7));
  // Alltoall: Bruck at 8 ranks and 64 B (lg p steps of p/2 blocks), one message per peer at
  // 4 KiB (Isend/Irecv) and 64 KiB (pairwise).
  const br = runOnce('alltoall', 8, 64);
  assert.deepEqual(br.msgs, new Array(8).fill(3));
  assert.deepEqual(br.bytes, new Array(8).fill(3 * 4 * 64));
  for (const nb of [4096, 65536]) {
    const a = runOnce('alltoall', 5, nb);
    assert.deepEqual(a.msgs, new Array(5).fill(4));
    assert.deepEqual(a.bytes, new Array(5).fill(4 * nb));
  }
});

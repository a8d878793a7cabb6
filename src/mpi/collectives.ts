/**
 * MPI collective operations on top of the ch_p4-like device (device.ts), with the algorithms of
 * MPICH 1.2.7p1's default intra-communicator functions: src/coll/intra_fns_new.c (configure.in
 * sets MPI_INTRA=intra_fns_new unless --with-coll says otherwise, and ch_p4 defines none of the
 * MPID_Barrier/MPID_Bcast/... hooks, so the `intra_collops` table points at these functions).
 * Source: GitHub matthiasdiener/mpich, commit 8c5903e7 ("1.2.7p1"). docs/mpi.md lists each
 * algorithm and its thresholds.
 *
 * A communicator is `group` (world ranks in communicator-rank order) plus a context id; MPICH
 * runs collectives on the communicator's hidden collective context (comm->comm_coll) with the
 * tags of src/coll/coll.h.
 *
 * Data: the model carries one number per message (`value`). A reduction is MPI_SUM over doubles
 * whose elements on one rank are all equal to that rank's `value`, so every piece of a vector
 * holds one number and a reduce-scatter can track it; the op's CPU cost is charged per byte
 * combined (reduceOpNsPerByte). A rank's messages to itself (MPICH's MPI_Sendrecv to `rank`)
 * never touch a socket: they cost the MPI calls and one memcpy (docs/mpi.md, Choices).
 */
import type { ProcessBody } from '../engine/process.js';
import { compute } from '../os/syscalls.js';
import { COMM_ACTIVE, COMM_COLL, type MpiRank, type Request } from './device.js';

/** Tags of src/coll/coll.h. */
export const MPIR_BARRIER_TAG = 1;
export const MPIR_BCAST_TAG = 2;
export const MPIR_ALLTOALL_TAG = 9;
export const MPIR_REDUCE_TAG = 11;
export const MPIR_ALLREDUCE_TAG = 14;

/** Thresholds of intra_fns_new.c (bytes, processes). */
export const MPIR_BCAST_SHORT_MSG = 12288;
export const MPIR_BCAST_LONG_MSG = 524288;
export const MPIR_BCAST_MIN_PROCS = 8;
export const MPIR_ALLTOALL_SHORT_MSG = 256;
export const MPIR_ALLTOALL_MEDIUM_MSG = 32768;
export const MPIR_REDUCE_SHORT_MSG = 2048;
export const MPIR_ALLREDUCE_SHORT_MSG = 2048;

/** Size of one reduced element (MPI_DOUBLE). */
export const DOUBLE_BYTES = 8;

export const COLLECTIVE_OPS = ['barrier', 'bcast', 'reduce', 'allreduce', 'alltoall'] as const;
export type CollectiveOp = (typeof COLLECTIVE_OPS)[number];

function position(r: MpiRank, group: readonly number[]): number {
  const me = group.indexOf(r.rank);
  if (me < 0) throw new Error(`rank ${r.rank} is not in the collective's group`);
  return me;
}

/** Largest power of two <= n. */
function pof2Floor(n: number): number {
  let p = 1;
  while (p * 2 <= n) p *= 2;
  return p;
}

/** MPI_Sendrecv with itself as both peers: Irecv, Isend, Waitall and one copy, no socket. */
function* selfSendrecv(r: MpiRank, bytes: number): ProcessBody<void> {
  yield* compute(r.ctx, 3 * r.world.callNs + bytes * r.world.memcpyNsPerByte);
}

/** The op applied to `bytes` of received data (MPIR_SUM's loop over doubles, global_ops.c). */
function* combine(r: MpiRank, bytes: number): ProcessBody<void> {
  if (bytes > 0) yield* compute(r.ctx, bytes * r.world.reduceOpNsPerByte);
}

/**
 * MPI_Barrier: intra_Barrier's butterfly (recursive doubling over the largest power-of-two
 * subset; the ranks above it fan in before and out after). Presta's generic_barrier is the same
 * algorithm ("based directly on the MPICH barrier", research/presta-mpich.md §4.3), with tag 1 on
 * the communicator it is given; both use this function.
 */
export function* barrier(r: MpiRank, group: readonly number[], comm = COMM_ACTIVE): ProcessBody<void> {
  const me = group.indexOf(r.rank);
  if (me < 0) throw new Error(`rank ${r.rank} is not in the barrier group`);
  const size = group.length;
  let n2 = 1;
  while (n2 * 2 <= size) n2 *= 2;
  const surfeit = size - n2;
  if (me < n2) {
    if (me < surfeit) yield* r.recv(group[n2 + me]!, 0, MPIR_BARRIER_TAG, comm);
    for (let d = 1; d < n2; d <<= 1) {
      const p = group[me ^ d]!;
      yield* r.sendrecv(p, 0, MPIR_BARRIER_TAG, p, 0, MPIR_BARRIER_TAG, comm);
    }
    if (me < surfeit) yield* r.send(group[n2 + me]!, 0, MPIR_BARRIER_TAG, comm);
  } else {
    const p = group[me - n2]!;
    yield* r.sendrecv(p, 0, MPIR_BARRIER_TAG, p, 0, MPIR_BARRIER_TAG, comm);
  }
}

/**
 * Presta's MPI_Reduce(MAX) of one double to rank 0 over WORLD, as the first model wrote it: linear
 * (every rank sends to 0, which receives in rank order). MPICH's intra_Reduce would use its
 * binomial tree for 8 bytes; this stays linear so that Presta's results do not change (it runs
 * outside the timed region). Returns the max on rank 0, `value` elsewhere.
 */
export function* reduceMax(r: MpiRank, value: number): ProcessBody<number> {
  if (r.rank !== 0) {
    yield* r.send(0, 8, 2, COMM_COLL, value);
    return value;
  }
  let max = value;
  for (let q = 1; q < r.size; q++) {
    const req = yield* r.recv(q, 8, 2, COMM_COLL);
    if (req.value > max) max = req.value;
  }
  return max;
}

/**
 * MPI_Bcast (intra_Bcast) of `nbytes` from group position `root`. Short messages
 * (nbytes < MPIR_BCAST_SHORT_MSG) or fewer than MPIR_BCAST_MIN_PROCS processes: binomial tree.
 * Otherwise a binomial scatter of ceil(nbytes/size)-byte pieces, then an allgather: recursive
 * doubling when nbytes < MPIR_BCAST_LONG_MSG and size is a power of two, else a ring.
 * Returns the root's value as this rank received it.
 */
export function* bcast(r: MpiRank, group: readonly number[], root: number, nbytes: number, value: number, comm = COMM_COLL): ProcessBody<number> {
  const size = group.length;
  const me = position(r, group);
  if (nbytes === 0 || size === 1) return value;
  const rel = (me - root + size) % size;
  const at = (relRank: number): number => group[(relRank + root) % size]!;
  let got = me === root ? value : NaN;
  if (nbytes < MPIR_BCAST_SHORT_MSG || size < MPIR_BCAST_MIN_PROCS) {
    let mask = 1;
    while (mask < size) {
      if (rel & mask) {
        got = (yield* r.recv(at(rel - mask), nbytes, MPIR_BCAST_TAG, comm)).value;
        break;
      }
      mask <<= 1;
    }
    for (mask >>= 1; mask > 0; mask >>= 1) {
      if (rel + mask < size) yield* r.send(at(rel + mask), nbytes, MPIR_BCAST_TAG, comm, got);
    }
    return got;
  }
  // Scatter: the piece of relative rank k is bytes [k*ss, (k+1)*ss) of the buffer.
  const ss = Math.ceil(nbytes / size);
  const piecesBytes = (from: number, count: number): number => Math.max(0, Math.min(count * ss, nbytes - from * ss));
  let curr = me === root ? nbytes : 0;
  let mask = 1;
  while (mask < size) {
    if (rel & mask) {
      // This rank's subtree is rel .. rel+mask-1: the sender sends exactly those pieces (none
      // at all when uneven division leaves them empty).
      curr = piecesBytes(rel, mask);
      if (curr > 0) got = (yield* r.recv(at(rel - mask), curr, MPIR_BCAST_TAG, comm)).value;
      break;
    }
    mask <<= 1;
  }
  for (mask >>= 1; mask > 0; mask >>= 1) {
    if (rel + mask < size) {
      const sendBytes = curr - ss * mask;
      if (sendBytes > 0) {
        yield* r.send(at(rel + mask), sendBytes, MPIR_BCAST_TAG, comm, got);
        curr -= sendBytes;
      }
    }
  }
  const isPof2 = pof2Floor(size) === size;
  if (nbytes < MPIR_BCAST_LONG_MSG && isPof2) {
    // Recursive doubling: at step i each rank swaps the pieces of its 2^i-subtree with the
    // partner subtree's. (The non-power-of-two fix-up of intra_Bcast never runs here.)
    for (let m = 1, i = 0; m < size; m <<= 1, i++) {
      const relDst = rel ^ m;
      const dstTreeRoot = (relDst >> i) << i;
      const recvBytes = piecesBytes(dstTreeRoot, m);
      const req = yield* r.sendrecv(at(relDst), curr, MPIR_BCAST_TAG, at(relDst), recvBytes, MPIR_BCAST_TAG, comm, got);
      got = merge(got, req.value);
      curr += recvBytes;
    }
  } else {
    // Ring: size-1 Sendrecv steps, passing pieces to the right.
    const left = (size + me - 1) % size;
    const right = (me + 1) % size;
    let j = me;
    let jnext = left;
    for (let i = 1; i < size; i++) {
      const sendBytes = piecesBytes((j - root + size) % size, 1);
      const recvBytes = piecesBytes((jnext - root + size) % size, 1);
      const req = yield* r.sendrecv(group[right]!, sendBytes, MPIR_BCAST_TAG, group[left]!, recvBytes, MPIR_BCAST_TAG, comm, got);
      got = merge(got, req.value);
      j = jnext;
      jnext = (size + jnext - 1) % size;
    }
  }
  return got;
}

/** The root's value as pieces bring it (NaN: a piece from a rank that had none yet). */
function merge(got: number, v: number): number {
  if (Number.isNaN(v)) return got;
  return Number.isNaN(got) ? v : Math.min(got, v);
}

/** Element counts and displacements of the pof2 pieces of a reduce-scatter (intra_Reduce/Allreduce). */
function pieceCounts(count: number, pof2: number): number[] {
  const cnts = new Array<number>(pof2).fill(Math.floor(count / pof2));
  cnts[pof2 - 1] = count - Math.floor(count / pof2) * (pof2 - 1);
  return cnts;
}

function sumRange(cnts: readonly number[], from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += cnts[i]!;
  return s;
}

/**
 * One step of the recursive-doubling gather that undoes the reduce-scatter (intra_Reduce's
 * gather to the root and intra_Allreduce's allgather): the pieces this rank sends and receives
 * at `mask`, and the new end of its range.
 */
function gatherStep(cnts: readonly number[], pof2: number, mask: number, lower: boolean, sendIdx: number, lastIdx: number): { recvIdx: number; sendCnt: number; recvCnt: number; lastIdx: number } {
  if (lower) {
    if (mask !== pof2 / 2) lastIdx += pof2 / (mask * 2);
    const recvIdx = sendIdx + pof2 / (mask * 2);
    return { recvIdx, sendCnt: sumRange(cnts, sendIdx, recvIdx), recvCnt: sumRange(cnts, recvIdx, lastIdx), lastIdx };
  }
  const recvIdx = sendIdx - pof2 / (mask * 2);
  return { recvIdx, sendCnt: sumRange(cnts, sendIdx, lastIdx), recvCnt: sumRange(cnts, recvIdx, sendIdx), lastIdx };
}

/**
 * The reduce-scatter by recursive halving shared by intra_Reduce and intra_Allreduce
 * (Rabenseifner): among the pof2 ranks left after the non-power-of-two fold, step k exchanges
 * half of the remaining pieces with newrank ^ 2^k and combines the half it keeps.
 * `real(newrank)` maps back to a group position. Returns the final indices and the sum held.
 */
function* reduceScatter(r: MpiRank, group: readonly number[], newrank: number, pof2: number, cnts: readonly number[], real: (n: number) => number, tag: number, comm: number, acc: number): ProcessBody<{ sendIdx: number; lastIdx: number; acc: number }> {
  let sendIdx = 0;
  let recvIdx = 0;
  let lastIdx = pof2;
  let mask = 1;
  while (mask < pof2) {
    const newdst = newrank ^ mask;
    const dst = group[real(newdst)]!;
    let sendCnt: number;
    let recvCnt: number;
    if (newrank < newdst) {
      sendIdx = recvIdx + pof2 / (mask * 2);
      sendCnt = sumRange(cnts, sendIdx, lastIdx);
      recvCnt = sumRange(cnts, recvIdx, sendIdx);
    } else {
      recvIdx = sendIdx + pof2 / (mask * 2);
      sendCnt = sumRange(cnts, sendIdx, recvIdx);
      recvCnt = sumRange(cnts, recvIdx, lastIdx);
    }
    const req = yield* r.sendrecv(dst, sendCnt * DOUBLE_BYTES, tag, dst, recvCnt * DOUBLE_BYTES, tag, comm, acc);
    yield* combine(r, recvCnt * DOUBLE_BYTES);
    acc += req.value;
    sendIdx = recvIdx;
    mask <<= 1;
    if (mask < pof2) lastIdx = recvIdx + pof2 / mask;
  }
  return { sendIdx, lastIdx, acc };
}

/**
 * MPI_Reduce (intra_Reduce), MPI_SUM of nbytes/8 doubles to group position `root`. After the
 * local Sendrecv of sendbuf into recvbuf: for nbytes > MPIR_REDUCE_SHORT_MSG and count >= pof2,
 * Rabenseifner (odd ranks below 2*rem fold into rank-1, reduce-scatter by recursive halving,
 * binomial gather to the root); otherwise a binomial tree (SUM commutes, so relative to the root).
 * Returns the sum at the root (the smallest piece sum it holds: a missed contribution shows),
 * the rank's partial elsewhere.
 */
export function* reduce(r: MpiRank, group: readonly number[], root: number, nbytes: number, value: number, comm = COMM_COLL): ProcessBody<number> {
  const size = group.length;
  const me = position(r, group);
  const count = Math.floor(nbytes / DOUBLE_BYTES);
  if (count === 0) return value;
  yield* selfSendrecv(r, nbytes);
  if (size === 1) return value;
  const pof2 = pof2Floor(size);
  let acc = value;
  if (nbytes > MPIR_REDUCE_SHORT_MSG && count >= pof2) {
    const rem = size - pof2;
    let newrank: number;
    if (me < 2 * rem) {
      if (me % 2 !== 0) {
        yield* r.send(group[me - 1]!, nbytes, MPIR_REDUCE_TAG, comm, acc);
        newrank = -1;
      } else {
        const req = yield* r.recv(group[me + 1]!, nbytes, MPIR_REDUCE_TAG, comm);
        yield* combine(r, nbytes);
        acc += req.value;
        newrank = me / 2;
      }
    } else newrank = me - rem;
    const cnts = pieceCounts(count, pof2);
    const real = (n: number): number => (n < rem ? n * 2 : n + rem);
    let sendIdx = 0;
    let lastIdx = 0;
    if (newrank !== -1) ({ sendIdx, lastIdx, acc } = yield* reduceScatter(r, group, newrank, pof2, cnts, real, MPIR_REDUCE_TAG, comm, acc));
    // Gather to the root; an excluded (odd) root takes newrank 0's place.
    let newroot: number;
    if (root < 2 * rem) {
      if (root % 2 !== 0) {
        if (me === root) {
          acc = (yield* r.recv(group[0]!, cnts[0]! * DOUBLE_BYTES, MPIR_REDUCE_TAG, comm)).value;
          newrank = 0;
          sendIdx = 0;
          lastIdx = 2;
        } else if (newrank === 0) {
          yield* r.send(group[root]!, cnts[0]! * DOUBLE_BYTES, MPIR_REDUCE_TAG, comm, acc);
          newrank = -1;
        }
        newroot = 0;
      } else newroot = root / 2;
    } else newroot = root - rem;
    if (newrank !== -1) {
      let mask = pof2 / 2;
      let j = Math.log2(pof2) - 1;
      while (mask > 0) {
        const newdst = newrank ^ mask;
        let dst = real(newdst);
        if (newdst === 0 && root < 2 * rem && root % 2 !== 0) dst = root;
        const newdstTreeRoot = (newdst >> j) << j;
        const newrootTreeRoot = (newroot >> j) << j;
        const { recvIdx, sendCnt, recvCnt, lastIdx: end } = gatherStep(cnts, pof2, mask, newrank < newdst, sendIdx, lastIdx);
        lastIdx = end;
        if (newdstTreeRoot === newrootTreeRoot) {
          yield* r.send(group[dst]!, sendCnt * DOUBLE_BYTES, MPIR_REDUCE_TAG, comm, acc);
          break;
        }
        const req = yield* r.recv(group[dst]!, recvCnt * DOUBLE_BYTES, MPIR_REDUCE_TAG, comm);
        acc = Math.min(acc, req.value);
        if (newrank > newdst) sendIdx = recvIdx;
        mask >>= 1;
        j--;
      }
    }
    return acc;
  }
  const rel = (me - root + size) % size;
  for (let mask = 1; mask < size; mask <<= 1) {
    if ((mask & rel) === 0) {
      const source = rel | mask;
      if (source < size) {
        const req = yield* r.recv(group[(source + root) % size]!, nbytes, MPIR_REDUCE_TAG, comm);
        yield* combine(r, nbytes);
        acc += req.value;
      }
    } else {
      yield* r.send(group[((rel & ~mask) + root) % size]!, nbytes, MPIR_REDUCE_TAG, comm, acc);
      break;
    }
  }
  return acc;
}

/**
 * MPI_Allreduce (intra_Allreduce, homogeneous branch), MPI_SUM of nbytes/8 doubles. After the
 * local Sendrecv: even ranks below 2*rem fold into rank+1; then recursive doubling of the whole
 * vector when nbytes <= MPIR_ALLREDUCE_SHORT_MSG or count < pof2, else Rabenseifner
 * (reduce-scatter by recursive halving, allgather by recursive doubling); the folded ranks get
 * the result from rank+1. Returns the sum this rank ends with.
 */
export function* allreduce(r: MpiRank, group: readonly number[], nbytes: number, value: number, comm = COMM_COLL): ProcessBody<number> {
  const size = group.length;
  const me = position(r, group);
  const count = Math.floor(nbytes / DOUBLE_BYTES);
  if (count === 0) return value;
  yield* selfSendrecv(r, nbytes);
  if (size === 1) return value;
  const pof2 = pof2Floor(size);
  const rem = size - pof2;
  let acc = value;
  let newrank: number;
  if (me < 2 * rem) {
    if (me % 2 === 0) {
      yield* r.send(group[me + 1]!, nbytes, MPIR_ALLREDUCE_TAG, comm, acc);
      newrank = -1;
    } else {
      const req = yield* r.recv(group[me - 1]!, nbytes, MPIR_ALLREDUCE_TAG, comm);
      yield* combine(r, nbytes);
      acc += req.value;
      newrank = me >> 1;
    }
  } else newrank = me - rem;
  const real = (n: number): number => (n < rem ? n * 2 + 1 : n + rem);
  if (newrank !== -1) {
    if (nbytes <= MPIR_ALLREDUCE_SHORT_MSG || count < pof2) {
      for (let mask = 1; mask < pof2; mask <<= 1) {
        const dst = group[real(newrank ^ mask)]!;
        const req = yield* r.sendrecv(dst, nbytes, MPIR_ALLREDUCE_TAG, dst, nbytes, MPIR_ALLREDUCE_TAG, comm, acc);
        yield* combine(r, nbytes);
        acc += req.value;
      }
    } else {
      const cnts = pieceCounts(count, pof2);
      const rs = yield* reduceScatter(r, group, newrank, pof2, cnts, real, MPIR_ALLREDUCE_TAG, comm, acc);
      let { sendIdx, lastIdx } = rs;
      acc = rs.acc;
      for (let mask = pof2 / 2; mask > 0; mask >>= 1) {
        const newdst = newrank ^ mask;
        const dst = group[real(newdst)]!;
        const { recvIdx, sendCnt, recvCnt, lastIdx: end } = gatherStep(cnts, pof2, mask, newrank < newdst, sendIdx, lastIdx);
        lastIdx = end;
        const req = yield* r.sendrecv(dst, sendCnt * DOUBLE_BYTES, MPIR_ALLREDUCE_TAG, dst, recvCnt * DOUBLE_BYTES, MPIR_ALLREDUCE_TAG, comm, acc);
        acc = Math.min(acc, req.value);
        if (newrank > newdst) sendIdx = recvIdx;
      }
    }
  }
  if (me < 2 * rem) {
    if (me % 2 !== 0) yield* r.send(group[me - 1]!, nbytes, MPIR_ALLREDUCE_TAG, comm, acc);
    else acc = (yield* r.recv(group[me + 1]!, nbytes, MPIR_ALLREDUCE_TAG, comm)).value;
  }
  return acc;
}

/**
 * MPI_Alltoall (intra_Alltoall) of `nbytes` per destination. nbytes <= MPIR_ALLTOALL_SHORT_MSG
 * with size >= 8: Bruck's index algorithm (local rotation, ceil(lg p) steps sending the blocks
 * whose bit k is set to rank+2^k, packed with MPI_Pack into an indexed type, local rotation back).
 * nbytes <= MPIR_ALLTOALL_MEDIUM_MSG: every Irecv, then every Isend (peer rank+i), then Waitall.
 * Larger: pairwise Sendrecv, partner rank^i when size is a power of two, else to rank+i from
 * rank-i. No data value is carried.
 */
export function* alltoall(r: MpiRank, group: readonly number[], nbytes: number, comm = COMM_COLL): ProcessBody<void> {
  const size = group.length;
  const me = position(r, group);
  if (nbytes === 0) return;
  const memcpy = r.world.memcpyNsPerByte;
  if (nbytes <= MPIR_ALLTOALL_SHORT_MSG && size >= 8) {
    // Phase 1: two local Sendrecvs rotate the send buffer by `me` blocks into recvbuf.
    yield* selfSendrecv(r, (size - me) * nbytes);
    yield* selfSendrecv(r, me * nbytes);
    for (let pof2 = 1; pof2 < size; pof2 *= 2) {
      const dst = group[(me + pof2) % size]!;
      const src = group[(me - pof2 + size) % size]!;
      let blocks = 0;
      for (let b = 1; b < size; b++) if (b & pof2) blocks++;
      // MPI_Type_indexed, MPI_Type_commit, MPI_Pack (a copy of the blocks), MPI_Type_free.
      yield* compute(r.ctx, 4 * r.world.callNs + blocks * nbytes * memcpy);
      yield* r.sendrecv(dst, blocks * nbytes, MPIR_ALLTOALL_TAG, src, blocks * nbytes, MPIR_ALLTOALL_TAG, comm);
    }
    // Phase 3: rotate back by me+1 blocks (two local Sendrecvs), then reverse the block order
    // (one local Sendrecv per block).
    yield* selfSendrecv(r, (size - me - 1) * nbytes);
    yield* selfSendrecv(r, (me + 1) * nbytes);
    for (let i = 0; i < size; i++) yield* selfSendrecv(r, nbytes);
    return;
  }
  if (nbytes <= MPIR_ALLTOALL_MEDIUM_MSG) {
    const reqs: Request[] = [];
    // i = 0 is this rank's own block: an Irecv and an Isend to itself, one copy.
    yield* compute(r.ctx, r.world.callNs);
    for (let i = 1; i < size; i++) reqs.push(yield* r.irecv(group[(me + i) % size]!, nbytes, MPIR_ALLTOALL_TAG, comm));
    yield* compute(r.ctx, r.world.callNs + nbytes * memcpy);
    for (let i = 1; i < size; i++) reqs.push(yield* r.isend(group[(me + i) % size]!, nbytes, MPIR_ALLTOALL_TAG, comm));
    yield* r.waitall(reqs);
    return;
  }
  const isPof2 = pof2Floor(size) === size;
  yield* selfSendrecv(r, nbytes);
  for (let i = 1; i < size; i++) {
    const src = isPof2 ? me ^ i : (me - i + size) % size;
    const dst = isPof2 ? me ^ i : (me + i) % size;
    yield* r.sendrecv(group[dst]!, nbytes, MPIR_ALLTOALL_TAG, group[src]!, nbytes, MPIR_ALLTOALL_TAG, comm);
  }
}

/**
 * One collective operation over `group` (root 0 for bcast and reduce) with `nbytes` per rank
 * (per destination for alltoall). Returns the data value this rank ends with (NaN where the
 * operation gives it none: barrier, alltoall, a non-root of reduce gets its partial).
 */
export function* collectiveOp(r: MpiRank, op: CollectiveOp, group: readonly number[], nbytes: number, value: number): ProcessBody<number> {
  switch (op) {
    case 'barrier':
      yield* barrier(r, group, COMM_COLL);
      return NaN;
    case 'bcast':
      return yield* bcast(r, group, 0, nbytes, value);
    case 'reduce':
      return yield* reduce(r, group, 0, nbytes, value);
    case 'allreduce':
      return yield* allreduce(r, group, nbytes, value);
    case 'alltoall':
      yield* alltoall(r, group, nbytes);
      return NaN;
  }
}

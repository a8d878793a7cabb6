/**
 * An MPICH-1.2.7p1-ch_p4-like device (shared/research/presta-mpich.md §5, docs/mpi.md). One TCP connection
 * per rank pair (opened lazily, instantly), nonblocking sockets, a p4 header + MPID packet per
 * message, short / eager / rendezvous protocols, packet flow control (PROTO_ACK every 25
 * packets, stall at 40 unacknowledged), a p4 queue for messages read ahead of their turn,
 * matching by (source, tag, communicator) with an unexpected-message queue. Progress happens only
 * inside MPI calls: a rank that is computing does not read its sockets.
 *
 * Costs: system calls, user/kernel copies and wake-ups are charged by os/syscalls.ts; this file
 * charges only what MPICH adds in user space: memcpy between p4 buffers, packets and user
 * buffers (memcpyNsPerByte), a fixed cost per MPI call (callNs) and per packet dispatched
 * (packetNs), and the select() system call itself.
 */
import { Routine, spawn, type ProcessBody, type Waitable } from '../engine/process.js';
import { Fifo } from '../engine/queue.js';
import { kernelOfCpu, type Cluster } from '../cluster/cluster.js';
import type { RankSlot } from '../cluster/placement.js';
import { ProcCtx, compute, readExactly, waitForEvent } from '../os/syscalls.js';
import { sndbufForRequest, type StreamSocket } from '../os/socket.js';
import {
  ACK_PROTO,
  EAGER_MIN_BYTES,
  LONG,
  LONG_DATA,
  OK_TO_SEND,
  P4_HEADER_BYTES,
  P4_SOCKBUF_BYTES,
  PACK_ACKMARK,
  PACK_HIWATER,
  PROTO_ACK,
  REQUEST_SEND,
  RNDV_DATA,
  RNDV_MIN_BYTES,
  SHORT,
  bodyBytes,
  isControl,
  isCounted,
  type MsgKind,
  type P4Msg,
} from './protocol.js';

/** Communicator contexts. Presta's active communicator and the collectives get their own. */
export const COMM_WORLD = 0;
export const COMM_ACTIVE = 1;
export const COMM_COLL = 2;

export interface MpiOptions {
  /** SO_SNDBUF/SO_RCVBUF request per connection (P4_SOCKBUFSIZE). Default 16384. */
  sockBufBytes?: number;
  /**
   * Who drains incoming data while blocked on a full send buffer: 'lower' is p4's rule (only the
   * lower rank of the pair); 'none' exists to show the deadlock the rule prevents.
   */
  drain?: 'lower' | 'none';
  /** CPU per MPI call in user space (argument checks, request set-up). UNCONFIRMED: docs/mpi.md. */
  callNs?: number;
  /** CPU per MPID packet dispatched (header decode, matching). UNCONFIRMED: docs/mpi.md. */
  packetNs?: number;
  /** User-space memcpy cost; default the host's copyNsPerByte. */
  memcpyNsPerByte?: number;
  /** CPU per byte a reduction operation combines (MPI_SUM on doubles), ns/B. Estimate: docs/mpi.md. */
  reduceOpNsPerByte?: number;
}

/** Default user-space costs (UNCONFIRMED; see docs/mpi.md "Choices"). */
export const DEFAULT_CALL_NS = 1000;
export const DEFAULT_PACKET_NS = 1000;
/** MPIR_SUM's loop over doubles: about 1 ns per 8-byte element (Estimate; docs/mpi.md). */
export const DEFAULT_REDUCE_OP_NS_PER_BYTE = 0.125;

export class Request {
  done = false;
  /** Rendezvous receive whose OK_TO_SEND is out: waiting for the data with tag `rtag`. */
  awaitingData = false;
  rtag = -1;
  /** Source of the matched message (receives) and its reduction payload. */
  value = 0;
  constructor(
    readonly isSend: boolean,
    readonly peer: number,
    readonly tag: number,
    readonly comm: number,
    readonly sizeBytes: number,
    readonly id: number,
  ) {}
}

/** One rank's end of a rank-pair connection. */
export class Channel {
  constructor(
    readonly peer: number,
    readonly sock: StreamSocket,
    /** Records of what this rank wrote (the peer consumes them). */
    readonly out: Fifo<P4Msg>,
    /** Records of what the peer wrote (this rank consumes them). */
    readonly inq: Fifo<P4Msg>,
  ) {}
}

export interface RankStats {
  /** p4 messages written, by kind (index: MsgKind). */
  sentByKind: number[];
  /** p4 messages read, by kind. */
  readByKind: number[];
  protoAcksSent: number;
  ackProtosSent: number;
  /** Times a send found PACK_HIWATER unacknowledged packets and had to wait for a PROTO_ACK. */
  flowStalls: number;
  /** Messages that arrived before their receive was posted. */
  unexpected: number;
  /** p4 messages read while blocked on a full send buffer (the lower-rank drain). */
  drained: number;
}

interface Unexpected {
  msg: P4Msg;
}

export class MpiRank {
  readonly ctx: ProcCtx;
  readonly stats: RankStats = { sentByKind: new Array(8).fill(0), readByKind: new Array(8).fill(0), protoAcksSent: 0, ackProtosSent: 0, flowStalls: 0, unexpected: 0, drained: 0 };
  private readonly chans: (Channel | null)[];
  /** p4 messages read off the sockets but not yet consumed (p4's message queue). */
  private readonly p4queue: P4Msg[] = [];
  private readonly posted: Request[] = [];
  private readonly unexpectedQ: Unexpected[] = [];
  private readonly packSent: Int32Array;
  private readonly packRcvd: Int32Array;
  private readonly sends = new Map<number, Request>();
  private nextId = 1;
  private nextRtag = 1024;
  private scanFrom = 0;
  private readonly syscallNs: number;
  private readonly sndbufBytes: number;

  constructor(
    readonly world: MpiWorld,
    readonly rank: number,
    readonly slot: RankSlot,
    ctx: ProcCtx,
    worldSize: number,
  ) {
    this.ctx = ctx;
    const n = worldSize;
    this.chans = new Array<Channel | null>(n).fill(null);
    this.packSent = new Int32Array(n);
    this.packRcvd = new Int32Array(n);
    this.syscallNs = ctx.params.syscallNs;
    // The socket's send buffer as the kernel sets it from p4's SO_SNDBUF; for select()'s writability rule.
    this.sndbufBytes = sndbufForRequest(world.sockBufBytes, ctx.params);
  }

  get size(): number {
    return this.world.size;
  }

  /** MPI_Wtime as ch_p4 has it (gettimeofday): simulated ns floored to 1 us. */
  wtimeNs(): number {
    return Math.floor(this.ctx.sim.now / 1000) * 1000;
  }

  /** The socket of this rank's connection to `peer` (opened if needed), for statistics. */
  socketTo(peer: number): StreamSocket {
    return this.channel(peer).sock;
  }

  /** This rank's open connections (for end-of-run checks): null where none was opened. */
  openChannels(): readonly (Channel | null)[] {
    return this.chans;
  }

  /** Unacknowledged counted packets to `peer` (packet flow control). */
  packetsUnacked(peer: number): number {
    return this.packSent[peer]!;
  }

  private channel(peer: number): Channel {
    let ch = this.chans[peer];
    if (ch === null || ch === undefined) {
      this.world.connect(this.rank, peer);
      ch = this.chans[peer]!;
    }
    return ch;
  }

  /** Called by the world when a connection is made. */
  attach(ch: Channel): void {
    this.chans[ch.peer] = ch;
  }

  // ------------------------------------------------------------------ MPI API

  *send(dest: number, sizeBytes: number, tag: number, comm = COMM_WORLD, value = 0): ProcessBody<void> {
    const r = yield* this.isend(dest, sizeBytes, tag, comm, value);
    yield* this.wait(r);
  }

  *recv(src: number, sizeBytes: number, tag: number, comm = COMM_WORLD): ProcessBody<Request> {
    const r = yield* this.irecv(src, sizeBytes, tag, comm);
    yield* this.wait(r);
    return r;
  }

  /** MPI_Sendrecv as MPICH implements it: Irecv, Isend, Waitall. Returns the receive (its value). */
  *sendrecv(dest: number, sendBytes: number, sendTag: number, src: number, recvBytes: number, recvTag: number, comm = COMM_WORLD, value = 0): ProcessBody<Request> {
    const rr = yield* this.irecv(src, recvBytes, recvTag, comm);
    const sr = yield* this.isend(dest, sendBytes, sendTag, comm, value);
    yield* this.waitall([rr, sr]);
    return rr;
  }

  /**
   * MPI_Isend. ch_p4 uses the blocking protocol variants: a short or eager send returns when its
   * bytes are in the socket buffer; a rendezvous send returns after writing REQUEST_SEND and
   * completes when OK_TO_SEND is processed and the data written.
   */
  *isend(dest: number, sizeBytes: number, tag: number, comm = COMM_WORLD, value = 0): ProcessBody<Request> {
    if (dest === this.rank) throw new Error(`rank ${this.rank}: send to self is not modelled`);
    yield* compute(this.ctx, this.world.callNs);
    const req = new Request(true, dest, tag, comm, sizeBytes, this.nextId++);
    yield* this.flowWait(dest);
    const ch = this.channel(dest);
    if (sizeBytes < EAGER_MIN_BYTES) {
      // The data is copied into the packet, which goes out in one writev.
      if (sizeBytes > 0) yield* compute(this.ctx, sizeBytes * this.world.memcpyNsPerByte);
      yield* this.writeMsg(ch, this.msg(SHORT, tag, comm, sizeBytes, req.id, -1, value));
      req.done = true;
    } else if (sizeBytes < RNDV_MIN_BYTES) {
      yield* this.writeMsg(ch, this.msg(LONG, tag, comm, sizeBytes, req.id, -1, value));
      yield* this.writeMsg(ch, this.msg(LONG_DATA, tag, comm, sizeBytes, req.id, -1, value));
      req.done = true;
    } else {
      this.sends.set(req.id, req);
      yield* this.writeMsg(ch, this.msg(REQUEST_SEND, tag, comm, sizeBytes, req.id, -1, value));
    }
    return req;
  }

  /** MPI_Irecv: take a matching unexpected message, else post. */
  *irecv(src: number, sizeBytes: number, tag: number, comm = COMM_WORLD): ProcessBody<Request> {
    yield* compute(this.ctx, this.world.callNs);
    const req = new Request(false, src, tag, comm, sizeBytes, this.nextId++);
    const q = this.unexpectedQ;
    for (let i = 0; i < q.length; i++) {
      const m = q[i]!.msg;
      if (m.src !== src || m.tag !== tag || m.comm !== comm) continue;
      q.splice(i, 1);
      req.value = m.value;
      if (m.kind === REQUEST_SEND) {
        yield* this.startRndvRecv(req, m);
      } else {
        // SHORT and LONG data wait in a temporary buffer: one more copy to the user's.
        if (m.lenBytes > 0) yield* compute(this.ctx, m.lenBytes * this.world.memcpyNsPerByte);
        req.done = true;
      }
      return req;
    }
    this.posted.push(req);
    return req;
  }

  *wait(req: Request): ProcessBody<void> {
    while (!req.done) {
      if (req.awaitingData) yield* this.rndvRecvEnd(req);
      else yield* this.deviceCheck(true);
    }
  }

  /** MPI_Waitall: each request completed in order. */
  *waitall(reqs: readonly Request[]): ProcessBody<void> {
    yield* compute(this.ctx, this.world.callNs);
    for (const r of reqs) yield* this.wait(r);
  }

  // ------------------------------------------------------------------ device internals

  private msg(kind: MsgKind, tag: number, comm: number, lenBytes: number, sendId: number, rtag: number, value: number): P4Msg {
    return { kind, src: this.rank, tag, comm, lenBytes, wireBytes: P4_HEADER_BYTES + bodyBytes(kind, lenBytes), sendId, rtag, value };
  }

  /** MPID_PACKET_CHECK_OK loop, then MPID_PACKET_ADD_SENT. */
  private *flowWait(dest: number): ProcessBody<void> {
    if (this.packSent[dest]! >= PACK_HIWATER) {
      this.stats.flowStalls++;
      while (this.packSent[dest]! >= PACK_HIWATER) yield* this.deviceCheck(true);
    }
    this.packSent[dest]!++;
  }

  /**
   * p4 send of one message: writev with a nonblocking socket; on EAGAIN select() for "writable
   * or anything readable". While blocked, the lower rank of the pair reads one whole incoming p4
   * message into the p4 queue before retrying (p4's tie-breaker). Without that, two ranks writing
   * large messages to each other would both wait for buffer space that never frees.
   */
  private *writeMsg(ch: Channel, m: P4Msg): ProcessBody<void> {
    ch.out.push(m);
    this.stats.sentByKind[m.kind]!++;
    const w = new WriteMsg(this, ch, m.wireBytes);
    for (;;) {
      // written, or blocked with a message to drain from `from` first.
      const from: Channel | null = yield w;
      if (from === null) return;
      const got = yield* this.readMsg(from);
      this.p4queue.push(got);
      this.stats.drained++;
    }
  }

  /** tcp_poll's POLLOUT rule: free space at least half of what is queued. */
  selectWritable(sock: StreamSocket): boolean {
    const free = sock.writableBytes;
    return free > 0 && free >= (this.sndbufBytes - free) / 2;
  }

  /** A connection with bytes to read, scanning from a rotating start (select's fd order). */
  readableChannel(): Channel | null {
    const n = this.chans.length;
    for (let k = 0; k < n; k++) {
      const i = (this.scanFrom + k) % n;
      const ch = this.chans[i];
      if (ch !== null && ch !== undefined && ch.sock.readableBytes > 0) {
        this.scanFrom = (i + 1) % n;
        return ch;
      }
    }
    return null;
  }

  /** p4 socket_recv: read the 32-byte header, then the whole body, blocking on that socket. */
  private *readMsg(ch: Channel): ProcessBody<P4Msg> {
    const m = ch.inq.peek();
    if (m === undefined) throw new Error(`rank ${this.rank}: bytes from ${ch.peer} with no message record`);
    yield* readExactly(this.ctx, ch.sock, P4_HEADER_BYTES);
    if (m.wireBytes > P4_HEADER_BYTES) yield* readExactly(this.ctx, ch.sock, m.wireBytes - P4_HEADER_BYTES);
    ch.inq.shift();
    this.stats.readByKind[m.kind]!++;
    return m;
  }

  /**
   * MPID_DeviceCheck: take one control packet (from the p4 queue, else from a readable socket
   * after select()) and dispatch it. Data messages read on the way are queued. Returns false if
   * nonblocking and nothing was there.
   */
  private *deviceCheck(blocking: boolean): ProcessBody<boolean> {
    let woke = false;
    for (;;) {
      let m = this.takeQueuedControl();
      if (m === null) {
        // The select() call; after a wake-up the same call returns, so it is not charged twice.
        if (!woke) yield* compute(this.ctx, this.syscallNs);
        woke = false;
        const ch = this.readableChannel();
        if (ch !== null) {
          const got = yield* this.readMsg(ch);
          if (!isControl(got.kind)) {
            this.p4queue.push(got);
            continue;
          }
          m = got;
        } else if (!blocking) {
          return false;
        } else {
          yield* waitForEvent(this.ctx);
          woke = true;
          continue;
        }
      }
      yield* this.dispatch(m);
      return true;
    }
  }

  private takeQueuedControl(): P4Msg | null {
    const q = this.p4queue;
    for (let i = 0; i < q.length; i++) {
      if (isControl(q[i]!.kind)) return q.splice(i, 1)[0]!;
    }
    return null;
  }

  /** p4_recv(type, from): the data message of a transfer, from the p4 queue or the sockets. */
  private *recvData(src: number, kind: MsgKind, sendId: number, rtag: number): ProcessBody<P4Msg> {
    for (;;) {
      const q = this.p4queue;
      for (let i = 0; i < q.length; i++) {
        const m = q[i]!;
        if (m.src === src && m.kind === kind && (kind === LONG_DATA ? m.sendId === sendId : m.rtag === rtag)) return q.splice(i, 1)[0]!;
      }
      const own = this.chans[src]!;
      const ch = own.sock.readableBytes > 0 ? own : this.readableChannel();
      if (ch !== null) {
        const got = yield* this.readMsg(ch);
        if (got.src === src && got.kind === kind && (kind === LONG_DATA ? got.sendId === sendId : got.rtag === rtag)) return got;
        this.p4queue.push(got);
        continue;
      }
      yield* compute(this.ctx, this.syscallNs);
      if (own.sock.readableBytes === 0 && this.readableChannel() === null) yield* waitForEvent(this.ctx);
    }
  }

  /** Count a received packet; every PACK_ACKMARK-th one is answered with a PROTO_ACK. */
  private *countRcvd(src: number): ProcessBody<void> {
    if (this.packRcvd[src]! + 1 === PACK_ACKMARK) {
      this.packRcvd[src]! -= PACK_ACKMARK;
      this.stats.protoAcksSent++;
      yield* this.writeMsg(this.channel(src), this.msg(PROTO_ACK, 0, 0, 0, -1, -1, 0));
    }
    this.packRcvd[src]!++;
  }

  private matchPosted(m: P4Msg): Request | null {
    const p = this.posted;
    for (let i = 0; i < p.length; i++) {
      const r = p[i]!;
      if (r.peer === m.src && r.tag === m.tag && r.comm === m.comm) {
        p.splice(i, 1);
        return r;
      }
    }
    return null;
  }

  private *dispatch(m: P4Msg): ProcessBody<void> {
    const memcpy = this.world.memcpyNsPerByte;
    // PIbrecv copies the p4 buffer into the packet struct (for SHORT this includes the data).
    yield* compute(this.ctx, this.world.packetNs + (m.wireBytes - P4_HEADER_BYTES) * memcpy);
    if (isCounted(m.kind)) yield* this.countRcvd(m.src);
    switch (m.kind) {
      case PROTO_ACK:
        this.packSent[m.src]! -= PACK_ACKMARK;
        this.stats.ackProtosSent++;
        yield* this.writeMsg(this.channel(m.src), this.msg(ACK_PROTO, 0, 0, 0, -1, -1, 0));
        return;
      case ACK_PROTO:
        return;
      case SHORT: {
        const req = this.matchPosted(m);
        // Posted: packet -> user buffer. Unexpected: malloc + copy now, the user copy at Irecv.
        if (m.lenBytes > 0) yield* compute(this.ctx, m.lenBytes * memcpy);
        if (req !== null) this.complete(req, m);
        else this.keepUnexpected(m);
        return;
      }
      case LONG: {
        const req = this.matchPosted(m);
        yield* this.recvData(m.src, LONG_DATA, m.sendId, -1);
        // PIbrecv: p4 buffer -> user buffer (posted) or temporary buffer (unexpected).
        yield* compute(this.ctx, m.lenBytes * memcpy);
        if (req !== null) this.complete(req, m);
        else this.keepUnexpected(m);
        return;
      }
      case REQUEST_SEND: {
        const req = this.matchPosted(m);
        if (req !== null) {
          req.value = m.value;
          yield* this.startRndvRecv(req, m);
        } else this.keepUnexpected(m);
        return;
      }
      case OK_TO_SEND: {
        const s = this.sends.get(m.sendId);
        if (s === undefined) throw new Error(`rank ${this.rank}: OK_TO_SEND for unknown send ${m.sendId}`);
        this.sends.delete(m.sendId);
        // MPID_SendTransfer: the data goes straight from the user buffer (no copy).
        yield* this.writeMsg(this.channel(s.peer), this.msg(RNDV_DATA, s.tag, s.comm, s.sizeBytes, s.id, m.rtag, 0));
        s.done = true;
        return;
      }
      default:
        throw new Error(`rank ${this.rank}: unexpected p4 message kind ${m.kind} in dispatch`);
    }
  }

  private complete(req: Request, m: P4Msg): void {
    req.value = m.value;
    req.done = true;
  }

  private keepUnexpected(m: P4Msg): void {
    this.stats.unexpected++;
    this.unexpectedQ.push({ msg: m });
  }

  /** Rndvb_irecv / Rndvb_unxrecv_start: flow check, send OK_TO_SEND with a fresh transfer tag. */
  private *startRndvRecv(req: Request, m: P4Msg): ProcessBody<void> {
    yield* this.flowWait(m.src);
    const rtag = this.nextRtag++;
    req.rtag = rtag;
    req.awaitingData = true;
    yield* this.writeMsg(this.channel(m.src), this.msg(OK_TO_SEND, 0, 0, 0, m.sendId, rtag, 0));
  }

  /**
   * Rndvb_unxrecv_end: poll with nonblocking device checks until the data message is there,
   * then receive it (p4_recv) and copy it to the user buffer. MPICH spins here; the model waits
   * on the socket signal instead and charges one select() per poll that finds something, so a
   * spinning rank takes no extra CPU from a rank sharing its core (docs/mpi.md).
   */
  private *rndvRecvEnd(req: Request): ProcessBody<void> {
    yield* this.deviceCheck(false);
    for (;;) {
      if (req.done) return;
      if (this.dataAvailable(req)) break;
      const progressed = yield* this.deviceCheck(false);
      if (!progressed && !this.dataAvailable(req)) yield this.ctx.waker;
    }
    yield* this.recvData(req.peer, RNDV_DATA, -1, req.rtag);
    yield* compute(this.ctx, req.sizeBytes * this.world.memcpyNsPerByte);
    req.awaitingData = false;
    req.done = true;
  }

  /**
   * p4_messages_available(rtag, from): the data message is queued, or it is the next message on
   * the sender's socket and its first bytes are there. (Other messages, such as the peer's
   * OK_TO_SEND in a head-to-head exchange, must go through the device check, or both ranks
   * would wait for data neither has been allowed to send.)
   */
  private dataAvailable(req: Request): boolean {
    for (const m of this.p4queue) if (m.src === req.peer && m.kind === RNDV_DATA && m.rtag === req.rtag) return true;
    const ch = this.chans[req.peer]!;
    const next = ch.inq.peek();
    return ch.sock.readableBytes > 0 && next !== undefined && next.kind === RNDV_DATA && next.rtag === req.rtag;
  }
}

/** writeMsg's states: which wait WriteMsg.resume returns from. */
const WM_WRITE = 0;
/** The writev() of `n` bytes has been charged and waited for: the bytes go to the socket next. */
const WM_WROTE = 1;
/** The select() has been charged and waited for: writability is checked next. */
const WM_SELECT = 2;
/** Woken by the process's signal: the wake-up is charged, then writability is checked. */
const WM_WOKE = 3;

/**
 * writeMsg's loop as a Routine (the process resumes it directly, not through the rank's
 * generators): writeOnce, and while the write is blocked sendBlocked's select() and waits, with
 * the same yields and charges in the same order as those generators. It finishes with null once
 * the message is in the socket, or with the channel to drain when the rank is the pair's lower
 * one and a message is readable: writeMsg reads it (a generator) and yields the routine again,
 * which goes on with the next write of what is left.
 */
class WriteMsg extends Routine<Channel | null> {
  private n = 0;
  private state = WM_WRITE;
  private readonly drains: boolean;

  constructor(
    private readonly rank: MpiRank,
    private readonly ch: Channel,
    private left: number,
  ) {
    super();
    this.drains = rank.world.drain === 'lower' && rank.rank < ch.peer;
  }

  resume(_value: unknown): Waitable | null {
    const ctx = this.rank.ctx;
    const sock = this.ch.sock;
    for (;;) {
      switch (this.state) {
        case WM_WRITE: {
          const n = Math.min(this.left, sock.writableBytes);
          this.n = n;
          this.state = WM_WROTE;
          return ctx.copyCall(n);
        }
        case WM_WROTE:
          this.left -= this.n > 0 ? sock.writeSome(this.n) : 0;
          if (this.left === 0) {
            this.result = null;
            return null;
          }
          this.state = WM_SELECT;
          return ctx.unit.wait(ctx.params.syscallNs);
        case WM_WOKE:
          // the select() returns: the wake-up is charged, then what it reports is looked at.
          ctx.chargeWakeup();
          this.state = WM_SELECT;
          continue;
        case WM_SELECT:
          if (this.rank.selectWritable(sock)) {
            this.state = WM_WRITE;
            continue;
          }
          if (this.drains) {
            const from = this.rank.readableChannel();
            if (from !== null) {
              this.state = WM_WRITE;
              this.result = from;
              return null;
            }
          }
          this.state = WM_WOKE;
          return ctx.waker;
        default:
          throw new Error(`writeMsg: bad state ${this.state}`);
      }
    }
  }
}

export class MpiWorld {
  readonly ranks: MpiRank[] = [];
  readonly sockBufBytes: number;
  readonly drain: 'lower' | 'none';
  readonly callNs: number;
  readonly packetNs: number;
  readonly memcpyNsPerByte: number;
  readonly reduceOpNsPerByte: number;
  private running = 0;

  constructor(
    readonly cluster: Cluster,
    readonly slots: readonly RankSlot[],
    opts: MpiOptions = {},
  ) {
    this.sockBufBytes = opts.sockBufBytes ?? P4_SOCKBUF_BYTES;
    this.drain = opts.drain ?? 'lower';
    this.callNs = opts.callNs ?? DEFAULT_CALL_NS;
    this.packetNs = opts.packetNs ?? DEFAULT_PACKET_NS;
    this.reduceOpNsPerByte = opts.reduceOpNsPerByte ?? DEFAULT_REDUCE_OP_NS_PER_BYTE;
    const sim = cluster.sim;
    for (let r = 0; r < slots.length; r++) {
      const s = slots[r]!;
      const node = cluster.nodes[s.node];
      if (node === undefined) throw new RangeError(`rank ${r}: node ${s.node} does not exist`);
      const cpu = node.cpus[s.cpu];
      if (cpu === undefined) throw new RangeError(`rank ${r}: node ${node.name} has no cpu ${s.cpu}`);
      this.ranks.push(new MpiRank(this, r, s, new ProcCtx(sim, cpu, kernelOfCpu(node, s.cpu).params, `${node.name}/rank${r}`), slots.length));
    }
    this.memcpyNsPerByte = opts.memcpyNsPerByte ?? this.ranks[0]!.ctx.params.copyNsPerByte;
  }

  get size(): number {
    return this.ranks.length;
  }

  /** Open the connection between ranks a and b (p4 does this on first use; not timed). */
  connect(a: number, b: number): void {
    const lo = Math.min(a, b);
    const hi = Math.max(a, b);
    const sl = this.slots[lo]!;
    const sh = this.slots[hi]!;
    // Each rank's kernel: its node's, or on a node of several domains, its own domain's.
    const ka = kernelOfCpu(this.cluster.nodes[sl.node]!, sl.cpu);
    const kb = kernelOfCpu(this.cluster.nodes[sh.node]!, sh.cpu);
    const [sa, sb] = ka.open(kb, { sockBufBytes: this.sockBufBytes, nodelay: true });
    const ra = this.ranks[lo]!;
    const rb = this.ranks[hi]!;
    ra.ctx.own(sa);
    rb.ctx.own(sb);
    const ab = new Fifo<P4Msg>();
    const ba = new Fifo<P4Msg>();
    ra.attach(new Channel(hi, sa, ab, ba));
    rb.attach(new Channel(lo, sb, ba, ab));
  }

  /**
   * Start one process per rank running `body`. The last rank to finish stops the simulator (OS
   * noise keeps the event queue busy forever).
   */
  spawnAll(body: (r: MpiRank) => ProcessBody<void>): void {
    const sim = this.cluster.sim;
    this.running = this.ranks.length;
    for (const r of this.ranks) spawn(sim, this.rankMain(r, body), r.ctx.name);
  }

  private *rankMain(r: MpiRank, body: (r: MpiRank) => ProcessBody<void>): ProcessBody<void> {
    yield* body(r);
    if (--this.running === 0) this.cluster.sim.stop();
  }

  /** Ranks still running (after sim.run() returns, 0 means all finished). */
  get unfinished(): number {
    return this.running;
  }
}

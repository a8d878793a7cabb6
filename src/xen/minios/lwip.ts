/**
 * One end of a TCP connection as lwIP 1.3.0 runs it in a Mini-OS domain (docs/model-minios.md,
 * lwip@STABLE-1_3_0 src/core/tcp.c, tcp_in.c, tcp_out.c, src/include/lwip/tcp.h):
 *  - send buffer TCP_SND_BUF bytes (unacknowledged + unsent); a write is cut into segments of at
 *    most the MSS and merged into the last unsent segment when it fits (tcp_enqueue);
 *  - tcp_output sends while a segment fits in min(snd_wnd, cwnd); Nagle (tcp_output_nagle) on the
 *    write path only: send if nothing is unacked, TCP_NODELAY is set, or two segments are queued;
 *  - receive window TCP_WND, no window scaling; rcv_ann_wnd re-opens only to at least one MSS
 *    (tcp_recved); the window re-opens when the application has read the data;
 *  - ACKs: tcp_ack on an in-order segment (the first sets TF_ACK_DELAY, the second sends at once),
 *    an out-of-order or duplicate segment ACKs at once, tcp_fasttmr (every TCP_FAST_INTERVAL)
 *    sends pending delayed ACKs, tcp_recved sends a window update at once if a delayed ACK is
 *    pending and the window is at least TCP_WND/2, else it sets TF_ACK_DELAY;
 *  - cwnd 2 MSS after the handshake, ssthresh 10 MSS, slow start and congestion avoidance per
 *    ACK, fast retransmit on the third duplicate ACK, go-back-N after a retransmission timeout.
 * Not modelled: the out-of-sequence queue (TCP_QUEUE_OOSEQ: an out-of-order segment is dropped
 * and ACKed), the RTT estimator (the RTO stays at its parameter, doubled per retry), SND_QUEUELEN.
 *
 * Every piece of work runs on the domain's one VCPU (src/xen/minios/domain.ts): the calls of the
 * application thread are charged by os/syscalls.ts with the profile's per-call cost; the tcpip
 * thread's part of a call (the netconn message and its reply: two thread switches) and its
 * segment output are queued here as work items of that VCPU, in order, as the cooperative
 * scheduler runs them.
 */
import { trimFront } from '../../engine/queue.js';
import type { Signal } from '../../engine/process.js';
import { DeadlineTimer } from '../../engine/deadline-timer.js';
import type { Simulator } from '../../engine/simulator.js';
import type { ExecUnit } from '../../hw/exec-unit.js';
import { ETH_HEADER_BYTES, FLAG_ACK, IP_HEADER_BYTES, Packet, type SegmentReceiver, TCP_HEADER_BYTES } from '../../hw/packet.js';
import type { SocketStats, StreamSocket } from '../../os/socket.js';
import type { MiniosDomain } from './domain.js';
import type { MiniosParams } from './params.js';

/** tcp_receive keeps cwnd in a u16_t. */
const CWND_MAX = 65535;
/** The RTO backs off by doubling (tcp_backoff), at most this factor. */
const MAX_BACKOFF = 64;

/** How an endpoint finds the domain that runs it once its owner is known. */
export interface LwipHost {
  readonly sim: Simulator;
  readonly name: string;
  readonly p: MiniosParams;
  /** The domain whose VCPU is `unit`, or an error naming the node. */
  domainOf(unit: ExecUnit): MiniosDomain;
}

export class LwipConn implements StreamSocket, SegmentReceiver {
  peer!: LwipConn;
  readonly label: string;
  readonly flowLabel: string;
  readonly mss: number;
  readonly stats: SocketStats = { bytesWritten: 0, bytesSent: 0, bytesDelivered: 0, segmentsSent: 0, retransmits: 0, timeouts: 0, fastRetransmits: 0 };
  /** Receive-memory drops (Linux's prune): lwIP has none; drops are counted by the domain. */
  readonly rcvPruneDrops = 0;
  /** The domain that runs this endpoint: known once its owner binds it (ProcCtx.own). */
  domain: MiniosDomain | null = null;
  private readonly sim: Simulator;
  private readonly p: MiniosParams;
  private readonly nodelay: boolean;
  private waker: Signal<void> | null = null;
  private readonly rtoTimer: DeadlineTimer;
  private backoff = 1;

  // ---- send side: segment lengths; [ackHead, sendHead) unacked, [sendHead, end) unsent ----
  private readonly segs: number[] = [];
  private ackHead = 0;
  private sendHead = 0;
  /** Sequence number of segs[ackHead]. */
  private ackSeq = 0;
  private writeSeq = 0;
  private sndNxt = 0;
  /** Highest sequence number sent so far (retransmissions are below it). */
  private sndMax = 0;
  private lastAck = 0;
  sndWnd: number;
  cwnd: number;
  ssthresh: number;
  private dupacks = 0;
  private inFastRecovery = false;

  // ---- receive side ----
  private rcvNxt = 0;
  rcvWnd: number;
  rcvAnnWnd: number;
  ackDelay = false;
  private ackNow = false;
  /** Received segments not yet read (each holds its pbuf), and bytes read from the first. */
  private readonly chunks: number[] = [];
  private chunkHead = 0;
  private chunkOffset = 0;
  private readable = 0;
  /** Pure ACKs sent (window updates and delayed ACKs included). */
  pureAcks = 0;

  constructor(
    readonly host: LwipHost,
    readonly nodelayOpt: boolean,
    port: number,
    peerName: string,
    peerPort: number,
    mtuBytes: number,
  ) {
    this.sim = host.sim;
    this.p = host.p;
    this.nodelay = nodelayOpt || this.p.nagle === 0;
    this.label = `${host.name}:${port}>${peerName}:${peerPort}`;
    this.flowLabel = `${peerName}:${peerPort}>${host.name}:${port}`;
    // TCP_CALCULATE_EFF_SEND_MSS: the MSS is capped by the interface MTU. The model's frames carry
    // a 32-byte TCP header (Packet), lwIP's 20: the cap keeps the modelled frame within the MTU.
    this.mss = Math.min(this.p.tcpMssBytes, mtuBytes - IP_HEADER_BYTES - TCP_HEADER_BYTES);
    this.sndWnd = this.p.tcpWndBytes;
    // tcp_process, SYN_SENT/SYN_RCVD: cwnd 2 MSS after the handshake; tcp_alloc: ssthresh 10 MSS.
    this.cwnd = Math.min(CWND_MAX, 2 * this.mss);
    this.ssthresh = Math.min(CWND_MAX, 10 * this.mss);
    this.rcvWnd = this.p.tcpWndBytes;
    this.rcvAnnWnd = this.p.tcpWndBytes;
    this.rtoTimer = new DeadlineTimer(this.sim, LwipConn.prototype.rtoFired, this);
  }

  static pair(a: LwipConn, b: LwipConn): void {
    a.peer = b;
    b.peer = a;
  }

  // ------------------------------------------------------------------ StreamSocket

  get readableBytes(): number {
    return this.readable;
  }

  get writableBytes(): number {
    return Math.max(0, this.p.tcpSndBufBytes - (this.writeSeq - this.lastAck));
  }

  setWaker(signal: Signal<void> | null): void {
    this.waker = signal;
  }

  bindUnit(unit: ExecUnit): void {
    const d = this.host.domainOf(unit);
    if (this.peer !== undefined && this.peer.domain === d) throw new Error(`${this.label}: both ends of a connection in Mini-OS domain ${d.name} (one rank per domain: place ranks on distinct CPUs)`);
    this.domain = d;
    d.conns.push(this);
  }

  private dom(): MiniosDomain {
    if (this.domain === null) throw new Error(`${this.label}: used before its owner bound it to a domain`);
    return this.domain;
  }

  writeSome(bytes: number): number {
    const n = Math.min(bytes, this.writableBytes);
    if (n <= 0) return 0;
    const d = this.dom();
    // tcp_enqueue: the data as segments of at most one MSS; a single new segment joins the last
    // unsent one if both fit in one MSS.
    const last = this.segs.length - 1;
    if (n <= this.mss && last >= this.sendHead && this.segs[last]! + n <= this.mss) this.segs[last]! += n;
    else for (let left = n; left > 0; left -= this.mss) this.segs.push(Math.min(left, this.mss));
    this.writeSeq += n;
    this.stats.bytesWritten += n;
    // The netconn message to the tcpip thread and its reply (do_write), then tcp_output_nagle.
    d.vcpu.run(2 * this.p.threadSwitchNs);
    const unacked = this.ackHead < this.sendHead;
    if (this.nodelay || !unacked || this.segs.length - this.sendHead >= 2) this.output();
    return n;
  }

  readSome(bytes: number): number {
    const n = Math.min(bytes, this.readable);
    if (n <= 0) return 0;
    const d = this.dom();
    let left = n;
    while (left > 0) {
      const avail = this.chunks[this.chunkHead]! - this.chunkOffset;
      const take = Math.min(avail, left);
      left -= take;
      this.chunkOffset += take;
      if (this.chunkOffset === this.chunks[this.chunkHead]) {
        // The whole segment has been read: its pbuf goes back to the pool.
        this.chunkHead++;
        this.chunkOffset = 0;
        d.pbufFree();
      }
    }
    this.chunkHead = trimFront(this.chunks, this.chunkHead, 1024);
    this.readable -= n;
    this.stats.bytesDelivered += n;
    // do_recv on the tcpip thread (a message and its reply), then tcp_recved.
    d.vcpu.run(2 * this.p.threadSwitchNs);
    this.recved(n);
    return n;
  }

  /** tcp_recved (lwIP 1.3.0): re-open the window; maybe a window update now, maybe later. */
  private recved(len: number): void {
    const wnd = this.p.tcpWndBytes;
    if (this.rcvWnd + len > wnd) {
      this.rcvWnd = wnd;
      this.rcvAnnWnd = wnd;
    } else {
      this.rcvWnd += len;
      if (this.rcvWnd >= this.mss) this.rcvAnnWnd = this.rcvWnd;
    }
    if (!this.ackDelay && !this.ackNow) this.ack();
    else if (this.ackDelay && this.rcvWnd >= wnd / 2) {
      this.ackNow = true;
      this.output();
    }
  }

  /** tcp_ack: the first call delays the ACK (to the fast timer), the second sends it. */
  private ack(): void {
    if (this.ackDelay) {
      this.ackDelay = false;
      this.ackNow = true;
      this.output();
    } else {
      this.ackDelay = true;
      this.dom().armFastTimer();
    }
  }

  /** tcp_fasttmr: a pending delayed ACK goes now. */
  fastTimer(): void {
    if (!this.ackDelay) return;
    this.ackDelay = false;
    this.ackNow = true;
    this.output();
  }

  // ------------------------------------------------------------------ output

  /** tcp_output: send the unsent segments that fit in min(snd_wnd, cwnd); else a pending ACK. */
  private output(): void {
    const wnd = Math.min(this.sndWnd, this.cwnd);
    let sent = false;
    while (this.sendHead < this.segs.length) {
      const len = this.segs[this.sendHead]!;
      if (this.sndNxt - this.lastAck + len > wnd) break;
      this.sendSegment(this.sndNxt, len);
      this.sndNxt += len;
      this.sendHead++;
      sent = true;
    }
    if (sent || this.ackNow) {
      if (!sent) {
        this.sendSegment(this.sndNxt, 0);
        this.pureAcks++;
      }
      this.ackNow = false;
      this.ackDelay = false;
    }
  }

  /** Build one segment and queue its output work on the domain's VCPU (tcp_output_segment, netfront_xmit). */
  private sendSegment(seq: number, len: number): void {
    const d = this.dom();
    const peer = this.peer.dom();
    const pkt = new Packet(d.address, peer.address, this.peer, seq, len, this.rcvNxt, this.rcvAnnWnd, FLAG_ACK, this.mss);
    if (len > 0) {
      if (seq < this.sndMax) {
        pkt.retransmit = true;
        this.stats.retransmits++;
      } else this.sndMax = seq + len;
      this.stats.segmentsSent++;
      this.stats.bytesSent += len;
      if (!this.rtoTimer.armed) this.rtoTimer.arm(this.sim.now + this.p.rtoNs * this.backoff);
    }
    d.transmit(pkt, this.p.tcpOutputNs + len * this.p.checksumNsPerByte + this.p.netfrontPacketNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.p.copyNsPerByte);
  }

  // ------------------------------------------------------------------ input

  /**
   * tcp_input for a segment of this connection, on the tcpip thread. Returns true if the segment's
   * pbuf is kept (data waiting for the application), false if it can be freed now.
   */
  input(pkt: Packet): boolean {
    this.ackInput(pkt);
    let held = false;
    if (pkt.len > 0) {
      if (pkt.seq === this.rcvNxt && pkt.len <= this.rcvWnd) {
        this.rcvNxt += pkt.len;
        this.rcvWnd -= pkt.len;
        this.rcvAnnWnd = Math.max(0, this.rcvAnnWnd - pkt.len);
        this.chunks.push(pkt.len);
        this.readable += pkt.len;
        held = true;
        this.ack();
        if (this.waker !== null) this.waker.fire();
      } else this.ackNow = true; // duplicate, out of order or beyond the window: dropped, ACK at once
    }
    this.output();
    return held;
  }

  private ackInput(pkt: Packet): void {
    if (pkt.ack > this.lastAck) {
      this.lastAck = pkt.ack;
      // Whole segments are freed (tcp_receive), unsent ones too after a go-back-N.
      while (this.ackHead < this.segs.length && this.ackSeq + this.segs[this.ackHead]! <= pkt.ack) {
        this.ackSeq += this.segs[this.ackHead++]!;
      }
      if (this.ackHead > this.sendHead) {
        this.sendHead = this.ackHead;
        this.sndNxt = this.ackSeq;
      }
      const acked = this.ackHead;
      this.ackHead = trimFront(this.segs, this.ackHead, 1024);
      this.sendHead -= acked - this.ackHead;
      this.dupacks = 0;
      this.backoff = 1;
      if (this.inFastRecovery) {
        this.inFastRecovery = false;
        this.cwnd = this.ssthresh;
      } else if (this.cwnd < this.ssthresh) this.cwnd = Math.min(CWND_MAX, this.cwnd + this.mss);
      else this.cwnd = Math.min(CWND_MAX, this.cwnd + Math.floor((this.mss * this.mss) / this.cwnd));
      if (this.ackHead < this.sendHead) this.rtoTimer.arm(this.sim.now + this.p.rtoNs);
      else this.rtoTimer.stop();
      if (this.waker !== null) this.waker.fire();
    } else if (pkt.ack === this.lastAck && pkt.len === 0 && this.ackHead < this.sendHead && pkt.wnd === this.sndWnd) {
      this.dupacks++;
      if (this.dupacks === 3) this.fastRetransmit();
      else if (this.dupacks > 3) this.cwnd = Math.min(CWND_MAX, this.cwnd + this.mss);
    }
    this.sndWnd = pkt.wnd;
  }

  /** tcp_receive, third duplicate ACK: resend the first unacked segment, halve the window. */
  private fastRetransmit(): void {
    this.ssthresh = Math.max(Math.floor(Math.min(this.cwnd, this.sndWnd) / 2), 2 * this.mss);
    this.cwnd = Math.min(CWND_MAX, this.ssthresh + 3 * this.mss);
    this.inFastRecovery = true;
    this.stats.fastRetransmits++;
    this.sendSegment(this.ackSeq, this.segs[this.ackHead]!);
  }

  /** The retransmission timer (tcp_slowtmr): go back to the first unacked segment. */
  rtoFired(): void {
    if (this.ackHead >= this.sendHead) return;
    const d = this.dom();
    this.stats.timeouts++;
    this.ssthresh = Math.max(Math.floor(Math.min(this.cwnd, this.sndWnd) / 2), 2 * this.mss);
    this.cwnd = this.mss;
    this.inFastRecovery = false;
    this.sendHead = this.ackHead;
    this.sndNxt = this.ackSeq;
    this.backoff = Math.min(MAX_BACKOFF, this.backoff * 2);
    this.rtoTimer.arm(this.sim.now + this.p.rtoNs * this.backoff);
    // The tcpip thread wakes for its timer.
    d.vcpu.run(this.p.threadSwitchNs);
    this.output();
  }

  /** Bytes written and not yet acknowledged (for tests). */
  get unackedBytes(): number {
    return this.writeSeq - this.lastAck;
  }
}

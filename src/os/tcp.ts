/**
 * One end of a TCP connection as Linux 2.6.9-2.6.12 runs it (see docs/model.md, "TCP"):
 * byte-counted send and receive buffers charged by skb truesize, MSS 1448 with timestamps,
 * Reno congestion control with NewReno recovery (BIC is not modelled), initial cwnd 3, cwnd
 * grown only when cwnd-limited, delayed ACK (every second full segment, quick-ACKs at start,
 * 40 ms timer otherwise, piggybacked on data), fast retransmit on three duplicate ACKs, RTO
 * with a 200 ms floor and go-back-N, TSO super-segments of min(44, cwnd/8) MSS capped at half
 * the largest window seen, TSO switched off after the first retransmit or SACK, and, as a
 * profile flag, the pre-2.6.11 tcp_fragment defect (a split charges the whole remainder as
 * linear memory to the send buffer).
 *
 * SACK blocks are not modelled: a duplicate ACK carries FLAG_SACK when the receiver holds
 * out-of-order data (Linux would send a SACK block then), which the sender uses only to switch
 * TSO off, as the first SACK does in these kernels.
 */
import type { Simulator } from '../engine/simulator.js';
import { DeadlineTimer } from '../engine/deadline-timer.js';
import type { Signal } from '../engine/process.js';
import type { TraceLayer } from '../engine/trace.js';
import { trimFront } from '../engine/queue.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import { FLAG_ACK, IP_HEADER_BYTES, type NetDevice, Packet, type SegmentReceiver, TCP_HEADER_BYTES } from '../hw/packet.js';
import type { HostParams } from './profile.js';
import { type SocketStats, type StreamSocket, rcvbufForRequest, sndbufForRequest } from './socket.js';

/** FLAG_SACK: this duplicate ACK would carry a SACK block (the receiver holds out-of-order data). */
export const FLAG_SACK = 4;
/** FLAG_PROBE: a zero-window probe; the receiver answers with an ACK carrying its window. */
export const FLAG_PROBE = 8;
/** Largest TSO frame in segments: 65535 bytes of IP packet less headers, in 1448-byte MSS. */
const TSO_MAX_SEGS = 44;
const MAX_RTO_NS = 120e9;
const INITIAL_RTO_NS = 3e9;
/** Linux caps the RTT-variance term below by the minimum RTO (tcp_rtt_estimator, mdev_max). */
const CWND_CLAMP = 65535;
/** tcp_win_from_space with tcp_adv_win_scale = 2: a quarter of receive memory is overhead. */
function winFromSpace(space: number): number {
  return space > 0 ? space - (space >> 2) : 0;
}
/** TCP_MIN_RCVMSS: the receiver's first guess of the sender's segment size. */
const TCP_MIN_RCVMSS = 536;
/** SKB_MAX_HEAD(MAX_TCP_HEADER) on 4 KiB pages: select_size's page break on an SG device. */
const SKB_PAGE_BREAK_BYTES = 3712;

/** What a connection needs from its kernel. */
export interface TcpHost {
  readonly sim: Simulator;
  readonly name: string;
  readonly address: number;
  readonly params: HostParams;
  /** The unit that runs softirq work (ACK-clocked transmissions, timers). */
  readonly softirqUnit: ExecUnit;
  /** Count a socket-memory event for the host's statistics (trace and counters). */
  noteFragmentCharge(bytes: number): void;
}

interface Skb {
  seq: number;
  len: number;
  truesize: number;
  sentNs: number;
  /** Times sent; > 1 means retransmitted (no RTT sample, Karn). */
  sends: number;
}

interface RcvChunk {
  len: number;
  truesize: number;
}

interface OooSeg {
  seq: number;
  len: number;
  truesize: number;
}

/** A connection transmitting on one CPU (one per CPU it sends from, made once): the device learns which CPU sends. */
class XmitPort {
  constructor(
    readonly conn: TcpConn,
    readonly unit: ExecUnit,
  ) {}
  xmit(pkt: Packet): void {
    this.conn.device.send(pkt, this.unit);
  }
}

/** As a module constant: V8 does not fold `XmitPort.prototype.xmit` (a LoadIC call per segment). */
const xmitFn = XmitPort.prototype.xmit;

export interface TcpConnOptions {
  /** SO_SNDBUF / SO_RCVBUF request (bytes, before the kernel doubles it); 0 = defaults. */
  sockBufBytes?: number;
  nodelay?: boolean;
}

export class TcpConn implements StreamSocket, SegmentReceiver {
  peer!: TcpConn;
  readonly label: string;
  readonly flowLabel: string;
  readonly mss: number;
  readonly stats: SocketStats = { bytesWritten: 0, bytesSent: 0, bytesDelivered: 0, segmentsSent: 0, retransmits: 0, timeouts: 0, fastRetransmits: 0 };
  private readonly sim: Simulator;
  private readonly p: HostParams;
  private readonly trace: TraceLayer | null;
  private waker: Signal<void> | null = null;
  /** The unit that runs this socket's process-context work (its owner's CPU). */
  private ownerUnit: ExecUnit;
  private readonly xmitPorts: XmitPort[] = [];
  private readonly nodelay: boolean;
  /** Linear area of a new send skb (select_size): data beyond it goes to page fragments. */
  private readonly linearBytes: number;

  // ---- send side ----
  private readonly queue: Skb[] = [];
  /**
   * Acked skbs for new writes to reuse: one skb per MSS written, held until acked (long enough to
   * outlive a young-generation collection), was an allocation per data frame. The queue's slots
   * below qFirst may still point at them until trimFront drops the slots; nothing reads there.
   */
  private readonly freeSkbs: Skb[] = [];
  private qFirst = 0; // first unacked skb
  private sendHead = 0; // first unsent skb (index into queue)
  private writeSeq = 0;
  private sndUna = 0;
  private sndNxt = 0;
  private packetsOut = 0;
  wmemQueued = 0;
  /** Highest send-buffer charge seen (bytes), for the tcp_fragment defect's trace and tests. */
  maxWmemQueued = 0;
  sndbuf: number;
  private readonly sndbufLocked: boolean;
  cwnd: number;
  private ssthresh = CWND_CLAMP;
  private cwndCnt = 0;
  private rwnd: number;
  private maxWindow: number;
  private tsoOn: boolean;
  private dupacks = 0;
  private inRecovery = false;
  private recoverSeq = 0;
  private srttNs = 0;
  private mdevNs = 0;
  private rtoNs = INITIAL_RTO_NS;
  /**
   * The retransmission timer: a deadline and at most one queued event (src/engine/deadline-timer.ts),
   * since re-arming on every ACK by cancel-and-schedule left one dead event per ACK in the queue
   * for a whole RTO (thousands per busy connection).
   */
  private readonly rtoTimer: DeadlineTimer;
  private smallUnackedEnd = 0; // Minshall: end of the last small segment sent
  /** tcp_sock.lsndtime: when data was last sent (ns); -1 before the first send. */
  private lastDataSentNs = -1;

  // ---- receive side ----
  private rcvNxt = 0;
  private readonly rcvQueue: RcvChunk[] = [];
  /** Chunks read whole, for new in-order data to reuse (one per segment received, as freeSkbs). */
  private readonly freeChunks: RcvChunk[] = [];
  private rcvFirst = 0;
  private readable = 0;
  rmemAlloc = 0;
  rcvbuf: number;
  private readonly ooo: OooSeg[] = [];
  private rcvWup = 0; // rcv_nxt when the window was last advertised
  private rcvWnd = 0; // window last advertised
  /** Linux's rcv_ssthresh: the window may open only as far as truesize says data will fit. */
  private rcvSsthresh: number;
  private readonly windowClamp: number;
  private quickAcksLeft: number;
  private pingpong = false;
  /** The delayed-ACK timer: a deadline and at most one queued event, as the RTO timer. */
  private readonly delackTimer: DeadlineTimer;
  /** The receiver's estimate of the peer's segment size (icsk_ack.rcv_mss) and the last small one. */
  private rcvMss: number;
  private lastSegSize = 0;
  rcvPruneDrops = 0;

  constructor(
    readonly host: TcpHost,
    readonly device: NetDevice,
    readonly peerAddress: number,
    opts: TcpConnOptions,
    port: number,
    peerName: string,
    peerPort: number,
  ) {
    this.sim = host.sim;
    this.rtoTimer = new DeadlineTimer(this.sim, TcpConn.prototype.rtoFired, this);
    this.delackTimer = new DeadlineTimer(this.sim, TcpConn.prototype.delackFired, this);
    this.p = host.params;
    this.label = `${host.name}:${port}>${peerName}:${peerPort}`;
    // Segments addressed to this endpoint travel peer>host: the devices (wire, switch, NIC, vif)
    // label a packet by its receiver's flowLabel, so it must name the sending direction, as
    // this.label does for the segments this endpoint sends (docs/trace.md, "flow").
    this.flowLabel = `${peerName}:${peerPort}>${host.name}:${port}`;
    this.ownerUnit = host.softirqUnit;
    this.nodelay = opts.nodelay ?? false;
    this.mss = device.mtuBytes - IP_HEADER_BYTES - TCP_HEADER_BYTES;
    this.linearBytes = Math.min(this.mss, SKB_PAGE_BREAK_BYTES);
    this.trace = this.sim.trace ? this.sim.trace.layer('tcp') : null;
    const req = opts.sockBufBytes ?? 0;
    if (req > 0) {
      // SO_SNDBUF/SO_RCVBUF: capped by net.core.*mem_max, then doubled; locks auto-tuning.
      this.sndbuf = sndbufForRequest(req, this.p);
      this.rcvbuf = rcvbufForRequest(req, this.p);
      this.sndbufLocked = true;
    } else {
      this.sndbuf = this.p.tcpWmemDefaultBytes;
      this.rcvbuf = this.p.tcpRmemDefaultBytes;
      this.sndbufLocked = false;
    }
    this.cwnd = this.p.initialCwndSegments;
    // tcp_select_initial_window: start at the space for 4 (3, 2 for large MSS) segments.
    this.windowClamp = winFromSpace(this.rcvbuf);
    const initSegs = this.mss > 1460 * 3 ? 2 : this.mss > 1460 ? 3 : 4;
    // The space is rounded down to whole MSS only when it exceeds one MSS: on loopback (MSS 16384)
    // a small buffer would otherwise offer a zero window for ever.
    const space = this.windowClamp > this.mss ? Math.floor(this.windowClamp / this.mss) * this.mss : this.windowClamp;
    this.rcvSsthresh = Math.min(space, initSegs * this.mss);
    // A frame from the NIC is charged its buffer's truesize; loopback skbs carry their data.
    this.tsoOn = device.tso && this.p.tso === 1;
    this.quickAcksLeft = this.p.quickAcks;
    this.rcvMss = Math.min(TCP_MIN_RCVMSS, this.mss);
    // The handshake advertised the peer's initial window; set when the pair is joined.
    this.rwnd = 0;
    this.maxWindow = 0;
  }

  /** Join two ends (the handshake is not simulated: connections are set up outside timed regions). */
  static pair(a: TcpConn, b: TcpConn): void {
    a.peer = b;
    b.peer = a;
    a.rwnd = a.maxWindow = b.rcvWnd = b.rcvSsthresh;
    b.rwnd = b.maxWindow = a.rcvWnd = a.rcvSsthresh;
  }

  // ------------------------------------------------------------------ socket API

  get readableBytes(): number {
    return this.readable;
  }

  get writableBytes(): number {
    // Linux checks the buffer only when it needs a new skb, so a writer may overshoot by up to
    // one skb; for the caller's purpose "may write now" is "there is room".
    return this.wmemQueued < this.sndbuf ? this.sndbuf - this.wmemQueued : 0;
  }

  setWaker(signal: Signal<void> | null): void {
    this.waker = signal;
  }

  /** The CPU that runs process-context work of this socket (the owner's core). */
  bindUnit(unit: ExecUnit): void {
    this.ownerUnit = unit;
  }

  /** This connection's transmit port on `unit` (a socket sends from its owner's CPU and the softirq's: a short list). */
  private xmitPort(unit: ExecUnit): XmitPort {
    for (const port of this.xmitPorts) if (port.unit === unit) return port;
    const port = new XmitPort(this, unit);
    this.xmitPorts.push(port);
    return port;
  }

  writeSome(bytes: number): number {
    let left = bytes;
    const mssNow = this.currentMss();
    while (left > 0) {
      const tail = this.queue.length > this.sendHead ? this.queue[this.queue.length - 1]! : null;
      if (tail !== null && tail.len < mssNow) {
        const add = Math.min(left, mssNow - tail.len);
        const before = tail.truesize;
        tail.len += add;
        tail.truesize = this.sendTruesize(tail.len);
        this.wmemQueued += tail.truesize - before;
        left -= add;
        continue;
      }
      if (this.wmemQueued >= this.sndbuf) break;
      const add = Math.min(left, mssNow);
      const truesize = this.sendTruesize(add);
      this.queue.push(this.newSkb(this.writeSeq + (bytes - left), add, truesize, 0, 0));
      this.wmemQueued += truesize;
      left -= add;
    }
    const accepted = bytes - left;
    this.writeSeq += accepted;
    this.stats.bytesWritten += accepted;
    if (this.wmemQueued > this.maxWmemQueued) this.maxWmemQueued = this.wmemQueued;
    if (accepted > 0) this.writeXmit(this.ownerUnit);
    return accepted;
  }

  readSome(bytes: number): number {
    const n = Math.min(bytes, this.readable);
    if (n === 0) return 0;
    this.readable -= n;
    this.stats.bytesDelivered += n;
    let left = n;
    while (left > 0) {
      const c = this.rcvQueue[this.rcvFirst]!;
      if (c.len <= left) {
        left -= c.len;
        this.rmemAlloc -= c.truesize;
        this.rcvFirst++;
        this.freeChunks.push(c);
      } else {
        c.len -= left;
        left = 0;
      }
    }
    this.rcvFirst = trimFront(this.rcvQueue, this.rcvFirst, 256);
    // tcp_cleanup_rbuf (Linux 2.6.12 net/ipv4/tcp.c cleanup_rbuf): send a scheduled ACK that the
    // input path held back (more than one receive-MSS unacked), or, when what is left of the
    // advertised window is at most half the clamp, a window that is non-zero and at least twice
    // what is left. The window's size against the MSS does not enter: on loopback (MSS 16384) a
    // 32 KiB buffer's windows are below one MSS, and such a test left every update to the 40 ms
    // delayed-ACK timer.
    const held = this.delackTimer.armed && this.rcvNxt - this.rcvWup > this.rcvMss;
    let update = false;
    if (!held) {
      const left = this.remainingWindow();
      if (2 * left <= this.windowClamp) {
        const fresh = this.selectWindowRaw();
        update = fresh > 0 && fresh >= 2 * left;
      }
    }
    if (held || update) this.sendAck(this.ownerUnit);
    return n;
  }

  // ------------------------------------------------------------------ send side

  /** Truesize of a send skb holding `len` bytes: its linear area is allocated whole. */
  private sendTruesize(len: number): number {
    return this.p.skbOverheadBytes + (len > this.linearBytes ? len : this.linearBytes);
  }

  /**
   * tcp_sync_mss's "bound mss with half of window", redone whenever the largest window seen
   * grows (tcp_ack_update_window): on loopback (MSS 16384) a 32 KiB socket buffer advertises
   * windows below one MSS, and an MSS-sized segment would never fit (Linux 2.6.12,
   * net/ipv4/tcp_output.c tcp_sync_mss; 68 bytes less the 32-byte header with timestamps).
   */
  private sendMss(): number {
    const half = this.maxWindow >> 1;
    return half > 0 && this.mss > half ? Math.max(half, 68 - TCP_HEADER_BYTES) : this.mss;
  }

  /** tcp_current_mss(sk, large): the TSO frame size in bytes. */
  private currentMss(): number {
    if (!this.tsoOn) return this.sendMss();
    let segs = Math.min(TSO_MAX_SEGS, Math.max(1, Math.floor(this.cwnd / this.p.tsoWinDivisor)));
    const capSegs = Math.max(1, Math.floor(this.maxWindow / 2 / this.mss));
    if (segs > capSegs) segs = capSegs;
    return segs * this.mss;
  }

  /**
   * tcp_fragment: cut `skb` at `len` bytes. The 2.6.9 defect allocates the remainder's length as
   * linear memory and charges it to the socket although the data stays in page fragments.
   */
  private fragment(index: number, len: number): void {
    const skb = this.queue[index]!;
    const restLen = skb.len - len;
    const charge = this.p.tsoFragmentDefect === 1 ? restLen : 0;
    // skb_split moves the page fragments to the new skb but leaves the head's truesize as it
    // was, so the head stays charged for them until it is acked; the new skb is charged its
    // own allocation: the overhead, plus (2.6.9) a linear area as long as the remainder.
    const rest = this.newSkb(skb.seq + len, restLen, this.p.skbOverheadBytes + charge, skb.sentNs, skb.sends);
    skb.len = len;
    this.wmemQueued += rest.truesize;
    if (this.wmemQueued > this.maxWmemQueued) this.maxWmemQueued = this.wmemQueued;
    if (charge > 0) {
      this.host.noteFragmentCharge(charge);
      if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, 'fragment-charge', this.label, rest.seq, charge, this.wmemQueued);
    }
    this.queue.splice(index + 1, 0, rest);
  }

  /** An skb from freeSkbs, or a new one. */
  private newSkb(seq: number, len: number, truesize: number, sentNs: number, sends: number): Skb {
    const skb = this.freeSkbs.pop();
    if (skb === undefined) return { seq, len, truesize, sentNs, sends };
    skb.seq = seq;
    skb.len = len;
    skb.truesize = truesize;
    skb.sentNs = sentNs;
    skb.sends = sends;
    return skb;
  }

  private segsOf(len: number): number {
    return len > this.mss ? Math.ceil(len / this.mss) : 1;
  }

  /** tcp_write_xmit: send queued skbs while cwnd, the peer's window and Nagle allow. */
  private writeXmit(unit: ExecUnit): void {
    while (this.sendHead < this.queue.length) {
      const mssNow = this.currentMss();
      let skb = this.queue[this.sendHead]!;
      if (skb.len > mssNow) {
        this.fragment(this.sendHead, mssNow);
        skb = this.queue[this.sendHead]!;
      }
      const segs = this.segsOf(skb.len);
      if (this.packetsOut + segs - 1 >= this.cwnd) break;
      if (skb.seq + skb.len > this.sndUna + this.rwnd) {
        if (this.packetsOut === 0) this.armRto(); // persist: probe the window later
        break;
      }
      // Nagle (Minshall's variant): hold a sub-MSS skb while an earlier small one is unacked.
      // tcp_minshall_check: the small segment must still be in flight (after a go-back-N it is not).
      if (!this.nodelay && skb.len < mssNow && this.smallUnackedEnd > this.sndUna && this.smallUnackedEnd <= this.sndNxt && this.sendHead === this.queue.length - 1) break;
      this.transmitSkb(skb, unit);
      this.sendHead++;
      this.sndNxt = skb.seq + skb.len;
      this.packetsOut += segs;
    }
  }

  private transmitSkb(skb: Skb, unit: ExecUnit): void {
    skb.sentNs = this.sim.now;
    skb.sends++;
    // tcp_event_data_sent: nothing in flight and idle longer than the RTO restarts cwnd (RFC 2861).
    if (this.packetsOut === 0 && this.lastDataSentNs >= 0 && this.sim.now - this.lastDataSentNs > this.rtoNs) this.restartCwndAfterIdle();
    this.lastDataSentNs = this.sim.now;
    if (skb.len < this.mss) this.smallUnackedEnd = skb.seq + skb.len;
    const pkt = new Packet(this.host.address, this.peerAddress, this.peer, skb.seq, skb.len, this.rcvNxt, this.advertise(), FLAG_ACK, this.mss);
    pkt.retransmit = skb.sends > 1;
    this.stats.segmentsSent += pkt.segs;
    // Counted per segment sent again (fast retransmit, NewReno partial ACK, go-back-N after a timeout).
    if (pkt.retransmit) this.stats.retransmits += pkt.segs;
    this.stats.bytesSent += skb.len;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, pkt.retransmit ? 'retransmit' : 'send', this.label, skb.seq, skb.len, this.wmemQueued);
    unit.run(this.p.txSkbNs, xmitFn, this.xmitPort(unit), pkt);
    this.cancelDelack(); // the ACK rides on the data
    if (!this.rtoTimer.armed) this.armRto();
    // tcp_event_data_sent: a reply soon after receiving marks the connection interactive.
    if (this.rcvNxt > 0) this.pingpong = true;
  }

  /**
   * tcp_cwnd_restart (Linux 2.6.9/2.6.12 net/ipv4/tcp_output.c): ssthresh keeps at least 3/4 of
   * cwnd, then cwnd halves once per RTO of idle time, but not below the initial window.
   */
  private restartCwndAfterIdle(): void {
    if (!this.inRecovery) this.ssthresh = Math.max(this.ssthresh, (this.cwnd >> 1) + (this.cwnd >> 2));
    const restart = Math.min(this.p.initialCwndSegments, this.cwnd);
    let cwnd = this.cwnd;
    let idleNs = this.sim.now - this.lastDataSentNs;
    while ((idleNs -= this.rtoNs) > 0 && cwnd > restart) cwnd >>= 1;
    this.cwnd = Math.max(cwnd, restart);
    this.cwndCnt = 0;
  }

  private armRto(): void {
    this.rtoTimer.arm(Math.round(this.sim.now + this.rtoNs));
  }

  private stopRto(): void {
    this.rtoTimer.stop();
  }

  private retransmitHead(unit: ExecUnit): void {
    if (this.qFirst >= this.sendHead) return;
    // Retransmissions go out one MSS at a time: TSO is off from the first retransmit on.
    this.tsoOn = false;
    if (this.queue[this.qFirst]!.len > this.mss) {
      this.fragment(this.qFirst, this.mss);
      this.sendHead++;
    }
    this.transmitSkb(this.queue[this.qFirst]!, unit);
  }

  rtoFired(): void {
    this.rtoTimer.stop();
    const unit = this.host.softirqUnit;
    if (this.packetsOut === 0) {
      // Window probe: a zero-length segment makes the peer report its window.
      if (this.sendHead < this.queue.length) {
        this.sendAck(unit, FLAG_PROBE);
        this.armRto();
      }
      return;
    }
    this.stats.timeouts++;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, 'rto', this.label, this.sndUna, 0, this.packetsOut);
    this.ssthresh = Math.max(Math.floor(this.packetsOut / 2), 2);
    this.cwnd = 1;
    this.cwndCnt = 0;
    this.inRecovery = false;
    this.dupacks = 0;
    this.rtoNs = Math.min(this.rtoNs * 2, MAX_RTO_NS);
    // Go back N: everything after snd_una is sent again.
    this.sendHead = this.qFirst;
    this.sndNxt = this.sndUna;
    this.packetsOut = 0;
    this.tsoOn = false;
    if (this.sendHead < this.queue.length && this.queue[this.sendHead]!.len > this.mss) this.fragment(this.sendHead, this.mss);
    this.writeXmit(unit);
    this.armRto();
  }

  private onAck(pkt: Packet, unit: ExecUnit): void {
    const ack = pkt.ack;
    if ((pkt.flags & FLAG_SACK) !== 0) this.tsoOn = false;
    const priorInFlight = this.packetsOut;
    // tcp_may_update_window: an ACK that grows the window is a window update, not a duplicate.
    const windowGrew = pkt.wnd > this.rwnd;
    this.rwnd = pkt.wnd;
    if (pkt.wnd > this.maxWindow) this.maxWindow = pkt.wnd;
    if (ack > this.sndUna) {
      this.ackedUpTo(ack);
      this.dupacks = 0;
      if (this.inRecovery) {
        if (ack >= this.recoverSeq) {
          this.inRecovery = false;
          this.cwnd = this.ssthresh;
        } else {
          // NewReno partial ACK: the next hole is lost too.
          this.retransmitHead(unit);
        }
      } else if (priorInFlight >= this.cwnd) {
        this.growCwnd();
      }
      if (!this.sndbufLocked) this.newSpace();
      if (this.packetsOut > 0) this.armRto();
      else {
        this.stopRto();
      }
      this.wakeWriter();
    } else if (ack === this.sndUna && pkt.len === 0 && this.packetsOut > 0 && !windowGrew) {
      this.dupacks++;
      if (this.dupacks === 3 && !this.inRecovery) {
        this.stats.fastRetransmits++;
        this.ssthresh = Math.max(Math.floor(this.cwnd / 2), 2);
        this.cwnd = this.ssthresh + 3;
        this.inRecovery = true;
        this.recoverSeq = this.sndNxt;
        this.retransmitHead(unit);
      } else if (this.inRecovery) {
        this.cwnd++;
      }
    }
    this.writeXmit(unit);
  }

  private ackedUpTo(ack: number): void {
    let rttSample = -1;
    while (this.qFirst < this.queue.length) {
      const skb = this.queue[this.qFirst]!;
      // After a go-back-N reset, skbs beyond send_head may still be acked by earlier copies.
      const counted = this.qFirst < this.sendHead;
      const end = skb.seq + skb.len;
      if (end <= ack) {
        if (skb.sends === 1 && counted) rttSample = this.sim.now - skb.sentNs;
        if (counted) this.packetsOut -= this.segsOf(skb.len);
        this.wmemQueued -= skb.truesize;
        this.qFirst++;
        this.freeSkbs.push(skb);
        if (this.sendHead < this.qFirst) this.sendHead = this.qFirst;
      } else if (skb.seq < ack) {
        // tcp_tso_acked: trim the acknowledged part of a partly acked frame.
        const trim = ack - skb.seq;
        const before = this.segsOf(skb.len);
        skb.seq += trim;
        skb.len -= trim;
        // tcp_trim_head uncharges the trimmed bytes (never below the skb's own overhead).
        const uncharge = Math.min(trim, skb.truesize - this.p.skbOverheadBytes);
        skb.truesize -= uncharge;
        this.wmemQueued -= uncharge;
        if (counted) this.packetsOut -= before - this.segsOf(skb.len);
        break;
      } else break;
    }
    if (this.packetsOut < 0) this.packetsOut = 0;
    this.sndUna = ack;
    if (this.sndNxt < ack) this.sndNxt = ack;
    if (rttSample >= 0) this.rttSample(rttSample);
    const acked = this.qFirst;
    this.qFirst = trimFront(this.queue, acked, 1024);
    this.sendHead -= acked - this.qFirst; // sendHead indexes the same array
  }

  /** Jacobson/Karels as Linux's tcp_rtt_estimator, with the variance term floored at the minimum RTO. */
  private rttSample(m: number): void {
    if (this.srttNs === 0) {
      this.srttNs = m;
      this.mdevNs = m / 2;
    } else {
      const err = m - this.srttNs;
      this.srttNs += err / 8;
      this.mdevNs += (Math.abs(err) - this.mdevNs) / 4;
    }
    this.rtoNs = Math.min(MAX_RTO_NS, this.srttNs + Math.max(4 * this.mdevNs, this.p.minRtoNs));
  }

  private growCwnd(): void {
    if (this.cwnd < this.ssthresh) this.cwnd++;
    else if (++this.cwndCnt >= this.cwnd) {
      this.cwndCnt = 0;
      this.cwnd++;
    }
    if (this.cwnd > CWND_CLAMP) this.cwnd = CWND_CLAMP;
  }

  /** tcp_new_space: grow an unlocked send buffer to twice the congestion window's memory. */
  private newSpace(): void {
    const demanded = 2 * Math.max(this.cwnd, 4) * (this.mss + this.p.skbOverheadBytes);
    const target = Math.min(this.p.tcpWmemMaxBytes, demanded);
    if (target > this.sndbuf) this.sndbuf = target;
  }

  /** sk_stream_write_space: wake the writer once a third of the buffer is free. */
  private wakeWriter(): void {
    if (this.waker !== null && this.sndbuf - this.wmemQueued >= this.wmemQueued / 2) this.waker.fire();
  }

  // ------------------------------------------------------------------ receive side

  /** Protocol input of one segment; `unit` is the CPU running the softirq. */
  input(pkt: Packet, unit: ExecUnit): void {
    if ((pkt.flags & FLAG_ACK) !== 0) this.onAck(pkt, unit);
    if (pkt.len === 0) {
      if ((pkt.flags & FLAG_PROBE) !== 0) this.sendAck(unit);
      return;
    }
    const end = pkt.seq + pkt.len;
    if (end <= this.rcvNxt) {
      this.sendAck(unit); // duplicate: tell the sender where we are
      return;
    }
    const truesize = this.truesizeOf(pkt.len + IP_HEADER_BYTES + TCP_HEADER_BYTES);
    if (pkt.seq > this.rcvNxt) {
      this.queueOoo(pkt.seq, pkt.len, truesize, unit);
      this.sendAck(unit, FLAG_SACK);
      return;
    }
    if (!this.makeRoom(unit)) {
      this.rcvPruneDrops++;
      if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, 'prune-drop', this.flowLabel, pkt.seq, pkt.len, this.rmemAlloc);
      return;
    }
    const newBytes = end - this.rcvNxt;
    this.measureRcvMss(pkt.len);
    if (pkt.len >= 128) this.growWindow(pkt.len, truesize);
    this.enqueueInOrder(newBytes, truesize);
    const filledHole = this.ooo.length > 0;
    if (filledHole) this.drainOoo();
    this.ackPolicy(unit, filledHole);
    if (this.waker !== null) this.waker.fire();
  }

  /** tcp_measure_rcv_mss: a full segment sets the estimate; two equal small ones in a row do too. */
  private measureRcvMss(len: number): void {
    if (len >= this.rcvMss) this.rcvMss = Math.min(len, this.mss);
    else {
      if (len === this.lastSegSize) this.rcvMss = len;
      this.lastSegSize = len;
    }
  }

  /** Receive memory an IP packet of `ipBytes` costs: set by the device's RX buffers. */
  private truesizeOf(ipBytes: number): number {
    return this.device.rxTruesizeBytes(ipBytes);
  }

  private enqueueInOrder(len: number, truesize: number): void {
    const c = this.freeChunks.pop();
    if (c === undefined) this.rcvQueue.push({ len, truesize });
    else {
      c.len = len;
      c.truesize = truesize;
      this.rcvQueue.push(c);
    }
    this.rcvNxt += len;
    this.readable += len;
    this.rmemAlloc += truesize;
  }

  private queueOoo(seq: number, len: number, truesize: number, unit: ExecUnit): void {
    for (const s of this.ooo) if (s.seq === seq) return;
    if (!this.makeRoom(unit)) {
      this.rcvPruneDrops++;
      return;
    }
    this.rmemAlloc += truesize;
    let i = this.ooo.length;
    while (i > 0 && this.ooo[i - 1]!.seq > seq) i--;
    this.ooo.splice(i, 0, { seq, len, truesize });
  }

  private drainOoo(): void {
    while (this.ooo.length > 0 && this.ooo[0]!.seq <= this.rcvNxt) {
      const s = this.ooo.shift()!;
      this.rmemAlloc -= s.truesize;
      const end = s.seq + s.len;
      if (end > this.rcvNxt) this.enqueueInOrder(end - this.rcvNxt, s.truesize);
    }
  }

  /**
   * tcp_data_queue's memory check: a segment is taken while the receive memory is not above
   * the buffer. Otherwise tcp_prune_queue first collapses the queued data into page-sized skbs
   * (a copy, charged to the CPU), then, if that was not enough, drops the whole out-of-order
   * queue; if even that does not help, the segment is dropped.
   */
  private makeRoom(unit: ExecUnit): boolean {
    if (this.rmemAlloc <= this.rcvbuf) return true;
    let oooTrue = 0;
    for (const s of this.ooo) oooTrue += s.truesize;
    const queued = this.readable;
    const collapsed = Math.ceil(queued / 3840) * (4096 + this.p.skbOverheadBytes);
    if (collapsed + oooTrue < this.rmemAlloc) {
      unit.run(queued * this.p.copyNsPerByte);
      if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, 'collapse', this.flowLabel, this.rcvNxt, queued, this.rmemAlloc);
      this.rcvQueue.length = 0;
      this.rcvFirst = 0;
      if (queued > 0) this.rcvQueue.push({ len: queued, truesize: collapsed });
      this.rmemAlloc = collapsed + oooTrue;
      if (this.rmemAlloc <= this.rcvbuf) return true;
    }
    if (this.ooo.length > 0) {
      if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, 'prune-ofo', this.flowLabel, this.rcvNxt, this.ooo.length, this.rmemAlloc);
      this.rmemAlloc -= oooTrue;
      this.ooo.length = 0;
    }
    return this.rmemAlloc <= this.rcvbuf;
  }

  private ackPolicy(unit: ExecUnit, now: boolean): void {
    const quick = this.quickAcksLeft > 0 && !this.pingpong;
    const unackedBytes = this.rcvNxt - this.rcvWup;
    if (now || quick || (unackedBytes > this.rcvMss && this.selectWindowRaw() >= this.rcvWnd)) {
      if (quick) this.quickAcksLeft--;
      this.sendAck(unit);
    } else if (!this.delackTimer.armed) {
      this.delackTimer.arm(Math.round(this.sim.now + this.p.delackMinNs));
    }
  }

  delackFired(): void {
    this.delackTimer.stop();
    // A delayed ACK that had to fire means the exchange is not interactive (leave pingpong).
    this.pingpong = false;
    if (this.rcvNxt > this.rcvWup) this.sendAck(this.host.softirqUnit);
  }

  private cancelDelack(): void {
    this.delackTimer.stop();
  }

  private sendAck(unit: ExecUnit, flags = 0): void {
    this.cancelDelack();
    const pkt = new Packet(this.host.address, this.peerAddress, this.peer, this.sndNxt, 0, this.rcvNxt, this.advertise(), FLAG_ACK | flags, this.mss);
    if (this.trace !== null) this.trace.emit(this.sim.now, this.host.name, 'ack', this.label, this.rcvNxt, 0, this.rcvWnd);
    unit.run(this.p.txSkbNs, xmitFn, this.xmitPort(unit), pkt);
  }

  /**
   * tcp_grow_window: open rcv_ssthresh by two segments when a segment with this truesize would
   * fit: directly if 3/4 of its truesize is no more than its length (e1000's 2 KiB buffers are
   * not), else only while rcv_ssthresh is below a fraction of the buffer that halves as the
   * truesize/length ratio doubles (__tcp_grow_window). Page-sized buffers (Xen netfront) thus
   * hold the window far lower than the buffer alone would.
   */
  private growWindow(len: number, truesize: number): void {
    if (this.rcvSsthresh >= this.windowClamp || this.rcvSsthresh >= winFromSpace(this.rcvbuf - this.rmemAlloc)) return;
    let incr = 0;
    if (winFromSpace(truesize) <= len) incr = 2 * this.rcvMss;
    else {
      let t = winFromSpace(truesize) >> 1;
      let window = this.windowClamp >> 1;
      while (this.rcvSsthresh <= window) {
        if (t <= len) {
          incr = 2 * this.rcvMss;
          break;
        }
        t >>= 1;
        window >>= 1;
      }
    }
    if (incr > 0) this.rcvSsthresh = Math.min(this.rcvSsthresh + incr, this.windowClamp);
  }

  /**
   * __tcp_select_window: 3/4 of the free receive memory (tcp_adv_win_scale = 2), no more than
   * rcv_ssthresh, in whole receive-MSS; the last window is kept while it is close; zero when
   * less than one segment fits in a buffer more than half full.
   */
  private selectWindowRaw(): number {
    const mss = Math.min(this.rcvMss, this.windowClamp);
    let free = winFromSpace(this.rcvbuf - this.rmemAlloc);
    if (free < this.windowClamp / 2 && free < mss) return 0;
    if (free > this.rcvSsthresh) free = this.rcvSsthresh;
    let window = this.rcvWnd;
    if (window <= free - mss || window > free) window = Math.floor(free / mss) * mss;
    return window;
  }

  /** What is left of the last advertised window. */
  private remainingWindow(): number {
    return Math.max(0, this.rcvWup + this.rcvWnd - this.rcvNxt);
  }

  /** The window to put in an outgoing segment; the right edge never moves left. */
  private advertise(): number {
    let w = this.selectWindowRaw();
    const cur = this.remainingWindow();
    if (w < cur) w = cur;
    this.rcvWup = this.rcvNxt;
    this.rcvWnd = w;
    return w;
  }
}

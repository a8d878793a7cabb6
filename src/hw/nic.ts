/**
 * A Gigabit NIC (e1000-like). TX: the driver posts a packet into a descriptor ring of fixed
 * slots; the TSO engine cuts a super-segment into MSS frames that leave back to back; a slot is
 * free again once its last frame has left. When the ring is full, packets wait in the queue
 * discipline (txqueuelen) and are dropped beyond it. RX: frames land in a ring of posted
 * buffers (dropped when it is full).
 *
 * Interrupts as the 8254x applies the e1000 driver's moderation settings (Linux 2.6.9/2.6.12
 * drivers/net/e1000/e1000_param.c, e1000_main.c): a received frame's descriptor write-back sets
 * the RX cause at once (RDTR 0) or when the packet timer (RDTR, restarted by each frame) or the
 * absolute timer (RADV, from the first frame) expires; a completed TX descriptor does the same
 * with TIDV/TADV. A set cause asserts the interrupt no sooner than the throttle interval (ITR
 * register, 256 ns units) after the previous assertion, and only while the driver has it
 * unmasked (NAPI masks it while polling; causes set meanwhile assert on unmask). Asserting
 * clears the causes (the driver reads ICR). In dynamic mode the driver's watchdog, every 2 s at a
 * phase of its own, rewrites ITR from the octets sent and received since its last run; every run
 * also raises a software RX interrupt (ICS RXDMT0).
 */
import type { SimEvent, Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import { Fifo } from '../engine/queue.js';
import type { NicParams } from './nic-params.js';
import type { ExecUnit } from './exec-unit.js';
import { LinkChannel } from './link.js';
import { type FrameSink, type NetDevice, Packet, Wire } from './packet.js';

/** The driver side that the NIC interrupts. */
export interface RxInterruptHandler {
  onRxInterrupt(): void;
}

/** Packets the queue discipline holds when the TX ring is full (Linux txqueuelen). */
export const TX_QUEUE_LEN = 1000;


/** The ITR register's interval for a rate (the driver writes 1e9 / (rate * 256), in 256 ns units). */
export function itrGapNs(intsPerSec: number): number {
  return intsPerSec > 0 ? Math.floor(1e9 / (intsPerSec * 256)) * 256 : 0;
}

/**
 * The dynamic mode's rate from one watchdog window's octet counts (e1000_watchdog: symmetric
 * traffic 2000 ints/s, one-way traffic 8000, in between linearly; integer arithmetic as the driver).
 */
export function dynamicItr(txOctets: number, rxOctets: number): number {
  const goc = Math.floor((txOctets + rxOctets) / 10000);
  const dif = Math.floor(Math.abs(txOctets - rxOctets) / 10000);
  return goc > 0 ? Math.floor((dif * 6000) / goc) + 2000 : 8000;
}

/** Octets a frame adds to the good-octets counters (MAC header to FCS). */
function frameOctets(ipBytes: number): number {
  return Math.max(Wire.EthMinFrameBytes, Wire.EthHeaderBytes + ipBytes + Wire.EthFcsBytes);
}

const UNIT_NS = 1024; // the delay timers count 1.024 us

/**
 * One interrupt cause (RX or TX) with its two delay timers: the packet timer (RDTR/TIDV),
 * restarted by each descriptor write-back, and the absolute timer (RADV/TADV), started by the
 * first write-back after the cause was cleared. `causeNs` is when the cause is (or will be) set.
 */
class DelayedCause {
  causeNs = Infinity;
  private absNs = Infinity;
  constructor(
    private readonly delayNs: number,
    private readonly absDelayNs: number,
  ) {}

  /** A descriptor written back at `t`. */
  writeback(t: number): void {
    if (this.causeNs <= t) return; // already set (or due) before this write-back: nothing to restart
    if (this.delayNs === 0) {
      this.causeNs = t;
      return;
    }
    if (this.absNs === Infinity && this.absDelayNs > 0) this.absNs = t + this.absDelayNs;
    this.causeNs = Math.min(t + this.delayNs, this.absNs);
  }

  /** Set the cause at `now` by software (ICS), unless it is set already; the timers are left as they are. */
  setBy(now: number): void {
    if (now < this.causeNs) this.causeNs = now;
  }

  /** The driver read ICR at `now`: a cause set by then is cleared with its timers. */
  clearIfDue(now: number): void {
    if (this.causeNs <= now) {
      this.causeNs = Infinity;
      this.absNs = Infinity;
    }
  }
}

/** Told when a posted packet's last frame has left (a driver that frees buffers then: Xen's netback). */
export interface TxCompletionListener {
  onTxDone(pkt: Packet): void;
}

export class Nic implements NetDevice, FrameSink {
  readonly mtuBytes: number;
  readonly tso: boolean;
  private tx!: LinkChannel;
  // TX ring: completion time of each posted packet, oldest first, in a ring of doubles whose
  // capacity is a power of two (doubled when full): a plain array of times took a builtin call
  // per push and was trimmed by copying.
  private txDoneNs = new Float64Array(64);
  private txDoneHead = 0;
  private txDoneCount = 0;
  private readonly qdisc: Packet[] = [];
  private reclaimPending = false;
  // RX ring.
  // Frames waiting for the driver.
  private readonly rxRing = new Fifo<Packet>();
  private irqEnabled = true;
  private lastIrqNs = -Infinity;
  /** Generation of the scheduled assertion: a newer schedule makes older events stale. */
  private irqGen = 0;
  private irqAtNs = Infinity;
  private irqEv: SimEvent | null = null;
  // Interrupt causes: the time each is (or will be) set; Infinity = none.
  private readonly rxCause: DelayedCause;
  private readonly txCause: DelayedCause;
  /** Current throttle interval (ITR register), ns. */
  itrGapNs: number;
  private readonly dynamicItr: boolean;
  private txOctets = 0;
  private rxOctets = 0;
  /** Rates the dynamic mode chose, in order (for tests and traces). */
  readonly itrHistory: number[] = [];
  private handler: RxInterruptHandler | null = null;
  private txListener: TxCompletionListener | null = null;
  private readonly rxTruesize: number;
  txDrops = 0;
  rxDrops = 0;
  irqs = 0;
  private readonly trace: TraceLayer | null;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    readonly params: NicParams,
    opts: { mtuBytes?: number; tso: boolean; rxBufferTruesizeBytes: number },
  ) {
    this.mtuBytes = opts.mtuBytes ?? 1500;
    this.tso = opts.tso;
    this.rxTruesize = opts.rxBufferTruesizeBytes;
    this.trace = sim.trace ? sim.trace.layer('nic') : null;
    const itr = params.interruptThrottleRate;
    this.dynamicItr = itr === 1;
    // Dynamic mode: the register holds what the last watchdog window set; before the measured
    // traffic the node was idle, and an idle window gives 8000 ints/s (e1000_watchdog, goc == 0).
    this.itrGapNs = itrGapNs(this.dynamicItr ? 8000 : itr);
    this.rxCause = new DelayedCause(params.rxIntDelayUnits * UNIT_NS, params.rxAbsIntDelayUnits * UNIT_NS);
    this.txCause = new DelayedCause(params.txIntDelayUnits * UNIT_NS, params.txAbsIntDelayUnits * UNIT_NS);
    if (params.watchdogPeriodNs > 0) {
      // The watchdog has run every period since the interface came up: its phase relative to the
      // measurement is uniform, and differs per replication (this NIC's own stream).
      sim.at(Math.floor(sim.rng.stream(`nic/${name}`).next() * params.watchdogPeriodNs), Nic.prototype.watchdog, this);
    }
  }

  /** The driver's watchdog: dynamic ITR from the window's octets, and a software RX interrupt. */
  watchdog(): void {
    if (this.dynamicItr) {
      const itr = dynamicItr(this.txOctets, this.rxOctets);
      this.itrHistory.push(itr);
      this.itrGapNs = itrGapNs(itr);
    }
    this.txOctets = 0;
    this.rxOctets = 0;
    this.rxCause.setBy(this.sim.now);
    this.requestIrq();
    this.sim.schedule(this.params.watchdogPeriodNs, Nic.prototype.watchdog, this);
  }

  /** Connect the transmit side to the link towards the switch. */
  attachLink(tx: LinkChannel): void {
    this.tx = tx;
  }

  attachDriver(handler: RxInterruptHandler): void {
    this.handler = handler;
  }

  /** Report each posted packet when its last frame has left the wire (optional). */
  attachTxCompletion(listener: TxCompletionListener): void {
    this.txListener = listener;
  }

  // ---- transmit ----

  private txInFlight(): number {
    const now = this.sim.now;
    const mask = this.txDoneNs.length - 1;
    while (this.txDoneCount > 0 && this.txDoneNs[this.txDoneHead]! <= now) {
      this.txDoneHead = (this.txDoneHead + 1) & mask;
      this.txDoneCount--;
    }
    return this.txDoneCount;
  }

  /** The NIC itself charges no CPU: the driver's cost was charged by the caller on `_cpu`. */
  send(pkt: Packet, _cpu: ExecUnit): boolean {
    if (this.qdisc.length === 0 && this.txInFlight() < this.params.txRingSlots) {
      this.post(pkt);
      return true;
    }
    if (this.qdisc.length >= TX_QUEUE_LEN) {
      this.txDrops++;
      if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'tx-drop', pkt.to.flowLabel, pkt.seq, pkt.len, this.qdisc.length);
      return false;
    }
    this.qdisc.push(pkt);
    this.scheduleReclaim();
    return true;
  }

  private scheduleReclaim(): void {
    if (this.reclaimPending || this.txDoneCount === 0) return;
    this.reclaimPending = true;
    this.sim.atPooled(this.txDoneNs[this.txDoneHead]!, reclaimTxFn, this);
  }

  /** A TX slot has completed: move waiting packets from the queue discipline into the ring. */
  reclaimTx(): void {
    this.reclaimPending = false;
    while (this.qdisc.length > 0 && this.txInFlight() < this.params.txRingSlots) this.post(this.qdisc.shift()!);
    if (this.qdisc.length > 0) this.scheduleReclaim();
  }

  private post(pkt: Packet): void {
    const ready = this.sim.now + this.params.dmaNs;
    let end: number;
    if (pkt.segs > 1) {
      // TSO: cut the super-segment into MSS frames with consecutive sequence numbers.
      let off = 0;
      end = ready;
      while (off < pkt.len) {
        const len = Math.min(pkt.mss, pkt.len - off);
        const f = new Packet(pkt.src, pkt.dst, pkt.to, pkt.seq + off, len, pkt.ack, pkt.wnd, pkt.flags, pkt.mss);
        f.retransmit = pkt.retransmit;
        this.tx.transmitAt(f, ready);
        end = this.tx.idleAtNs;
        this.txOctets += frameOctets(f.ipBytes);
        off += len;
      }
    } else {
      this.tx.transmitAt(pkt, ready);
      end = this.tx.idleAtNs;
      this.txOctets += frameOctets(pkt.ipBytes);
    }
    if (this.txDoneCount === this.txDoneNs.length) this.growTxDone();
    this.txDoneNs[(this.txDoneHead + this.txDoneCount) & (this.txDoneNs.length - 1)] = end;
    this.txDoneCount++;
    // Two events queued back to back for one instant run back to back (consecutive seq): one
    // event doing both is the same order.
    const l = this.txListener;
    if (l === null) this.sim.atPooled(end, txWritebackFn, this);
    else if (this.sim.batching) this.sim.atPooled(end, txCompleteFn, this, pkt);
    else {
      this.sim.atPooled(end, txWritebackFn, this);
      this.sim.atPooled(end, l.onTxDone, l, pkt);
    }
    if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'tx-post', pkt.to.flowLabel, pkt.seq, pkt.len, this.txDoneCount);
  }

  private growTxDone(): void {
    const cap = this.txDoneNs.length;
    const t = new Float64Array(cap * 2);
    for (let i = 0; i < this.txDoneCount; i++) t[i] = this.txDoneNs[(this.txDoneHead + i) & (cap - 1)]!;
    this.txDoneNs = t;
    this.txDoneHead = 0;
  }

  // ---- receive ----

  /** Every received frame sits in one fixed-size RX buffer, whatever its length. */
  rxTruesizeBytes(_ipBytes: number): number {
    return this.rxTruesize;
  }

  receiveFrame(pkt: Packet): void {
    if (this.rxRing.length >= this.params.rxRingSlots) {
      this.rxDrops++;
      if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'rx-drop', pkt.to.flowLabel, pkt.seq, pkt.len, this.rxRing.length);
      return;
    }
    this.rxRing.push(pkt);
    this.rxOctets += frameOctets(pkt.ipBytes);
    if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'rx', pkt.to.flowLabel, pkt.seq, pkt.len, this.rxRing.length);
    this.rxWriteback();
  }

  /** A received frame's descriptor is written back `dmaNs` from now: RX cause per RDTR/RADV. */
  private rxWriteback(): void {
    this.rxCause.writeback(this.sim.now + this.params.dmaNs);
    this.requestIrq();
  }

  /** A posted packet's last frame has left: its TX descriptor is written back (TIDV/TADV). */
  txWriteback(): void {
    this.txCause.writeback(this.sim.now);
    this.requestIrq();
  }

  /** Write-back and the listener's completion, both due at one instant, as one event (batching). */
  txComplete(pkt: Packet): void {
    this.txWriteback();
    this.txListener!.onTxDone(pkt);
  }

  /** Schedule the assertion: when a cause is set, the throttle interval has passed, and unmasked. */
  private requestIrq(): void {
    if (!this.irqEnabled || this.handler === null) return; // no driver: the interrupt is not wired
    const rx = this.rxCause.causeNs;
    const tx = this.txCause.causeNs;
    const cause = rx < tx ? rx : tx;
    if (cause === Infinity) return;
    const t = Math.max(cause, this.lastIrqNs + this.itrGapNs, this.sim.now);
    if (t >= this.irqAtNs) return;
    this.irqAtNs = t;
    // The assertion queued for later is stale now: with batching it is cancelled, not run idle.
    // The event comes from the engine's pool (one per interrupt, about one per frame): the
    // handle is kept only while it is queued (fireIrq drops it), and only to cancel it.
    if (this.sim.batching) {
      this.sim.cancel(this.irqEv);
      this.irqEv = this.sim.atPooled(t, fireIrqFn, this, ++this.irqGen);
    } else this.sim.atPooled(t, fireIrqFn, this, ++this.irqGen);
  }

  /** The assertion's event: raise the interrupt unless a later request superseded it (generation). */
  fireIrq(gen: number): void {
    if (gen !== this.irqGen) return;
    this.irqEv = null;
    this.raiseIrq();
  }

  /** Interrupt time: the driver reads ICR (clearing the causes due) and polls with the interrupt masked. */
  raiseIrq(): void {
    const now = this.sim.now;
    this.irqAtNs = Infinity;
    if (!this.irqEnabled) return;
    this.rxCause.clearIfDue(now);
    this.txCause.clearIfDue(now);
    this.irqEnabled = false;
    this.lastIrqNs = now;
    this.irqs++;
    this.handler!.onRxInterrupt();
  }

  /** Next received frame for the polling driver, or undefined when the ring is empty. */
  pollRx(): Packet | undefined {
    return this.rxRing.shift();
  }

  /** The driver has emptied the ring: interrupts unmasked (NAPI complete); causes set meanwhile assert. */
  enableIrq(): void {
    this.irqEnabled = true;
    this.requestIrq();
  }
}

// The per-frame events' methods as module constants: V8 does not fold `Nic.prototype.fireIrq` in
// Nic's own methods (the class binding is a context slot), so each such load was a LoadIC call.
const fireIrqFn = Nic.prototype.fireIrq;
const txWritebackFn = Nic.prototype.txWriteback;
const txCompleteFn = Nic.prototype.txComplete;
const reclaimTxFn = Nic.prototype.reclaimTx;

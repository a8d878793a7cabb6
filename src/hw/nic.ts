/**
 * A Gigabit NIC (e1000-like). TX: the driver posts a packet into a descriptor ring of fixed
 * slots; the TSO engine cuts a super-segment into MSS frames that leave back to back; a slot is
 * free again once its last frame has left. When the ring is full, packets wait in the queue
 * discipline (txqueuelen) and are dropped beyond it. RX: frames land in a ring of posted
 * buffers (dropped when it is full) and raise an interrupt after the RX interrupt delay, but
 * never sooner than the throttle gap after the previous one; while the driver polls (NAPI) the
 * interrupt stays off.
 */
import type { Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import type { NicParams } from '../os/profile.js';
import { LinkChannel } from './link.js';
import { type FrameSink, type NetDevice, Packet } from './packet.js';

/** The driver side that the NIC interrupts. */
export interface RxInterruptHandler {
  onRxInterrupt(): void;
}

/** Packets the queue discipline holds when the TX ring is full (Linux txqueuelen). */
export const TX_QUEUE_LEN = 1000;

function fireIrq(nic: Nic): void {
  nic.raiseIrq();
}
function reclaimTx(nic: Nic): void {
  nic.reclaimTx();
}
function txDone(l: TxCompletionListener, pkt: Packet): void {
  l.onTxDone(pkt);
}

/** Told when a posted packet's last frame has left (a driver that frees buffers then: Xen's netback). */
export interface TxCompletionListener {
  onTxDone(pkt: Packet): void;
}

export class Nic implements NetDevice, FrameSink {
  readonly mtuBytes: number;
  readonly tso: boolean;
  private tx!: LinkChannel;
  // TX ring: completion time of each posted packet, oldest first.
  private readonly txDoneNs: number[] = [];
  private txDoneHead = 0;
  private readonly qdisc: Packet[] = [];
  private reclaimPending = false;
  // RX ring.
  private readonly rxRing: Packet[] = [];
  private rxHead = 0;
  private irqEnabled = true;
  private irqPending = false;
  private lastIrqNs = -Infinity;
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
    while (this.txDoneHead < this.txDoneNs.length && this.txDoneNs[this.txDoneHead]! <= now) this.txDoneHead++;
    if (this.txDoneHead > 1024 && this.txDoneHead * 2 > this.txDoneNs.length) {
      this.txDoneNs.splice(0, this.txDoneHead);
      this.txDoneHead = 0;
    }
    return this.txDoneNs.length - this.txDoneHead;
  }

  send(pkt: Packet): boolean {
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
    if (this.reclaimPending || this.txDoneHead >= this.txDoneNs.length) return;
    this.reclaimPending = true;
    this.sim.at(this.txDoneNs[this.txDoneHead]!, reclaimTx, this);
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
        end = this.tx.transmitAt(f, ready);
        off += len;
      }
    } else {
      end = this.tx.transmitAt(pkt, ready);
    }
    this.txDoneNs.push(end);
    if (this.txListener !== null) this.sim.at(end, txDone, this.txListener, pkt);
    if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'tx-post', pkt.to.flowLabel, pkt.seq, pkt.len, this.txDoneNs.length - this.txDoneHead);
  }

  // ---- receive ----

  /** Every received frame sits in one fixed-size RX buffer, whatever its length. */
  rxTruesizeBytes(_ipBytes: number): number {
    return this.rxTruesize;
  }

  receiveFrame(pkt: Packet): void {
    if (this.rxRing.length - this.rxHead >= this.params.rxRingSlots) {
      this.rxDrops++;
      if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'rx-drop', pkt.to.flowLabel, pkt.seq, pkt.len, this.rxRing.length - this.rxHead);
      return;
    }
    this.rxRing.push(pkt);
    if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'rx', pkt.to.flowLabel, pkt.seq, pkt.len, this.rxRing.length - this.rxHead);
    this.maybeInterrupt();
  }

  private maybeInterrupt(): void {
    if (!this.irqEnabled || this.irqPending) return;
    this.irqPending = true;
    const t = Math.max(this.sim.now + this.params.dmaNs + this.params.rxIntDelayNs, this.lastIrqNs + this.params.irqMinGapNs);
    this.sim.at(t, fireIrq, this);
  }

  /** Interrupt time: the driver takes over and polls with the interrupt off. */
  raiseIrq(): void {
    this.irqPending = false;
    this.irqEnabled = false;
    this.lastIrqNs = this.sim.now;
    this.irqs++;
    this.handler!.onRxInterrupt();
  }

  /** Next received frame for the polling driver, or undefined when the ring is empty. */
  pollRx(): Packet | undefined {
    if (this.rxHead >= this.rxRing.length) return undefined;
    const p = this.rxRing[this.rxHead]!;
    this.rxRing[this.rxHead++] = undefined as unknown as Packet;
    if (this.rxHead > 256 && this.rxHead * 2 > this.rxRing.length) {
      this.rxRing.splice(0, this.rxHead);
      this.rxHead = 0;
    }
    return p;
  }

  /** The driver has emptied the ring: interrupts back on (NAPI complete). */
  enableIrq(): void {
    this.irqEnabled = true;
    if (this.rxHead < this.rxRing.length) this.maybeInterrupt();
  }
}

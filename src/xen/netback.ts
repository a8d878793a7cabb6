/**
 * dom0's side of the paravirtual network (Xen 3.0.1 netback, the bridge, the e1000 driver).
 *
 * TX from guests (net_tx_action): one tasklet, i.e. a single server on dom0's VCPU. A vif whose
 * event arrives joins the tail of the schedule list; a run first releases the packets the NIC
 * has finished (one batched unmap hypercall, a TLB flush, a response each, a notification per
 * vif if its front end asked), then takes ONE request from the vif at the head of the list and
 * re-appends the vif at the tail if it has more (round robin, one packet per vif per pass),
 * while fewer than MAX_PENDING_REQS packets are held in dom0 across all vifs. The batch is
 * mapped with one hypercall, 64 header bytes are copied, and each packet crosses the bridge
 * to the physical NIC. Its slot is released only once the NIC has sent the frame (and the TX
 * clean delay has passed). New requests start a run only while fewer than half of the pending
 * slots are used (maybe_schedule_tx_action); releases always do.
 *
 * RX to guests: the e1000 interrupt (a physical irq delivered as an event) runs the driver and
 * the bridge per frame; the vif's hard_start_xmit drops the packet if the guest has no posted
 * buffer left (no queue: tx_queue_len 0), else queues it for net_rx_action, which flips a page
 * per packet (fresh machine pages fetched 64 per hypercall, one remap multicall with a TLB
 * flush and one transfer hypercall per batch), writes the responses and notifies each guest
 * once per batch if it asked.
 */
import type { Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import { trimFront } from '../engine/queue.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { Nic, TxCompletionListener } from '../hw/nic.js';
import { ETH_HEADER_BYTES, type Packet } from '../hw/packet.js';
import type { ProtocolInput } from '../os/napi.js';
import type { EventChannel, EventHandler } from './evtchn.js';
import type { XenParams } from './profile.js';
import { Ring } from './ring.js';
import type { Vcpu } from './vcpu.js';

/** A guest's virtual interface as dom0 holds it: the two rings and the event channel. */
export class Vif implements EventHandler {
  readonly tx: Ring<Packet, Packet>;
  readonly rx: Ring<number, Packet>;
  evtchn!: EventChannel;
  onList = false;
  /** rx_req_cons_peek: posted RX buffers already promised to queued packets. */
  rxPeek = 0;
  /** Packets dropped here: no posted RX buffer. */
  rxDrops = 0;
  /** TX requests netback took from this vif (service order counter). */
  txServed = 0;
  rxDelivered = 0;
  /**
   * The front end asked for receive by grant copy (`request-rx-copy`, as Mini-OS netfront does)
   * instead of page flipping: Xen copies each frame into the posted page (netback.c, 3.1 and later).
   */
  rxCopy = false;
  /** Notifications netback sent this guest for RX responses and for TX responses. */
  rxNotifies = 0;
  txRspNotifies = 0;
  /** Netback's mark while it collects the vifs of one batch to notify (each once, in order). */
  touched = false;

  constructor(
    readonly backend: Netback,
    readonly name: string,
    readonly address: number,
    txSlots: number,
    rxSlots: number,
    trace: TraceLayer | null,
    traceNode: string,
    sim: Simulator,
  ) {
    this.tx = new Ring<Packet, Packet>(`${name}/tx`, txSlots, trace, traceNode, sim);
    this.rx = new Ring<number, Packet>(`${name}/rx`, rxSlots, trace, traceNode, sim);
  }

  /** netif_be_int: the front end published TX requests. */
  onEvent(): void {
    this.backend.scheduleVif(this);
  }
}

/** Slot i of two parallel arrays (reused from batch to batch): set, or appended when i is their length. */
function setPair<A, B>(as: (A | null)[], bs: (B | null)[], i: number, a: A, b: B): void {
  if (i === as.length) {
    as.push(a);
    bs.push(b);
  } else {
    as[i] = a;
    bs[i] = b;
  }
}

export class Netback implements ProtocolInput, TxCompletionListener {
  readonly vifs: Vif[] = [];
  private readonly byAddress = new Map<number, Vif>();
  private readonly schedule: Vif[] = [];
  private schedHead = 0;
  /** Guest TX packets held in dom0 (mapped, not yet answered), all vifs together. */
  pending = 0;
  maxPending = 0;
  // The packets held (served, not yet released) and their vifs, in serve order: slots
  // [heldHead, heldTail), a slot set to null once released. Not a Map<Packet, Vif>: its set and
  // delete reallocated the hash table every few packets (a rehash when the deleted entries fill
  // it, a shrink when it empties), which showed in allocation profiles of Xen runs. Releases come
  // in about the serve order (the NIC's FIFO), so the search from the head is short.
  private readonly heldPkts: (Packet | null)[] = [];
  private readonly heldVifs: (Vif | null)[] = [];
  private heldHead = 0;
  private heldTail = 0;
  // One TX run is in flight at a time (txBusy), and one RX run (rxBusy): the packets each works
  // on are kept here between the run and its completion, in arrays reused from batch to batch
  // (slots [0, n) in use, cleared once consumed) rather than arrays and a work object allocated
  // per batch, which showed in allocation profiles of Xen runs.
  /** Packets the NIC has finished, waiting for the next TX run to release them. */
  private deallocPkts: (Packet | null)[] = [];
  private deallocVifs: (Vif | null)[] = [];
  private deallocN = 0;
  /** The packets the TX run in flight releases (the dealloc arrays it took, swapped). */
  private releasedPkts: (Packet | null)[] = [];
  private releasedVifs: (Vif | null)[] = [];
  private releasedN = 0;
  /** The requests the TX run in flight took from the rings. */
  private readonly txBatch: (Packet | null)[] = [];
  private txBatchN = 0;
  private txBusy = false;
  /** Packets queued for net_rx_action: rxQueue[rxHead..), with their vifs; the run in flight takes rxInFlight of them. */
  private readonly rxQueue: (Packet | null)[] = [];
  private readonly rxQueueVif: (Vif | null)[] = [];
  private rxHead = 0;
  private rxInFlight = 0;
  private rxBusy = false;
  /** The vifs to notify after a batch, each once, in order of first appearance: touched[0..touchedN). */
  private readonly touched: (Vif | null)[] = [];
  private touchedN = 0;
  /** Fresh machine pages left from the last increase_reservation. */
  private mfnPool = 0;
  /** Frames from the wire for an address with no vif here. */
  unknownDrops = 0;
  txPackets = 0;
  txBatches = 0;
  rxBatches = 0;
  private readonly traceNb: TraceLayer | null;
  private readonly traceVif: TraceLayer | null;
  private readonly traceRing: TraceLayer | null;

  constructor(
    private readonly sim: Simulator,
    readonly node: string,
    readonly dom0: Vcpu,
    private readonly p: XenParams,
    private readonly nic: Nic,
  ) {
    this.traceNb = sim.trace ? sim.trace.layer('netback') : null;
    this.traceVif = sim.trace ? sim.trace.layer('vif') : null;
    this.traceRing = sim.trace ? sim.trace.layer('ring') : null;
    nic.attachTxCompletion(this);
  }

  /** Create a vif for a guest with address `address` (the bridge forwards that address to it). */
  createVif(name: string, address: number): Vif {
    const v = new Vif(this, name, address, this.p.txRingSlots, this.p.rxRingSlots, this.traceRing, this.node, this.sim);
    this.vifs.push(v);
    this.byAddress.set(address, v);
    return v;
  }

  // ------------------------------------------------------------------ TX (guest -> wire)

  /** A vif has TX work: append it to the schedule list, start the tasklet if pending allows. */
  scheduleVif(v: Vif): void {
    if (!v.onList) {
      v.onList = true;
      this.schedule.push(v);
    }
    // maybe_schedule_tx_action: only while fewer than half the pending slots are in use.
    if (this.pending < this.p.maxPendingTx / 2) this.kickTx();
  }

  private kickTx(): void {
    if (this.txBusy) return;
    this.txBusy = true;
    this.sim.atPooled(this.sim.now, runTxFn, this);
  }

  private listEmpty(): boolean {
    return this.schedHead >= this.schedule.length;
  }

  /** One run of net_tx_action: release finished packets, then gather a round-robin batch. */
  runTx(): void {
    const p = this.p;
    let cost = 0;
    const released = this.deallocN;
    if (released > 0) {
      // The run takes the finished packets; releaseTx fills the other pair of arrays meanwhile.
      const pkts = this.releasedPkts;
      const vifs = this.releasedVifs;
      this.releasedPkts = this.deallocPkts;
      this.releasedVifs = this.deallocVifs;
      this.releasedN = released;
      this.deallocPkts = pkts;
      this.deallocVifs = vifs;
      this.deallocN = 0;
      // One GNTTABOP_unmap_grant_ref for the batch; Xen flushes dom0's TLB once.
      cost += p.hypercallNs + released * p.grantUnmapNs + p.tlbFlushNs;
      this.pending -= released;
    }
    const batch = this.txBatch;
    let n = 0;
    while (this.pending < p.maxPendingTx && !this.listEmpty()) {
      const v = this.schedule[this.schedHead++]!;
      v.onList = false;
      if (!v.tx.finalCheckForRequests()) continue;
      const pkt = v.tx.takeRequest();
      v.txServed++;
      this.pending++;
      if (this.pending > this.maxPending) this.maxPending = this.pending;
      this.hold(pkt, v);
      if (n === batch.length) batch.push(pkt);
      else batch[n] = pkt;
      n++;
      if (this.traceNb !== null) this.traceNb.emit(this.sim.now, this.node, 'serve', v.name, v.txServed, pkt.ipBytes + ETH_HEADER_BYTES, this.pending);
      // netif_schedule_work: back to the tail if it has more (re-arms req_event if not).
      if (v.tx.finalCheckForRequests()) {
        v.onList = true;
        this.schedule.push(v);
      }
    }
    this.txBatchN = n;
    this.schedHead = trimFront(this.schedule, this.schedHead, 1024);
    if (n > 0) {
      this.txBatches++;
      // One GNTTABOP_map_grant_ref for the batch; per packet the map, the header copy and
      // netback's skb and request bookkeeping.
      cost += p.hypercallNs + n * (p.grantMapNs + p.headerCopyBytes * p.copyNsPerByte + p.netbackPacketNs);
    }
    if (cost === 0) {
      this.txBusy = false;
      return;
    }
    this.dom0.run(cost, txWorkDoneFn, this);
  }

  txWorkDone(): void {
    // Responses for the released packets, then one notification check per vif.
    const rn = this.releasedN;
    if (rn > 0) {
      const pkts = this.releasedPkts;
      const vifs = this.releasedVifs;
      for (let i = 0; i < rn; i++) {
        const v = vifs[i]!;
        v.tx.putResponse(pkts[i]!);
        pkts[i] = null;
        vifs[i] = null;
        if (!v.touched) this.touch(v);
      }
      this.releasedN = 0;
      this.notifyTouched(false);
    }
    const batch = this.txBatch;
    const n = this.txBatchN;
    this.txBatchN = 0;
    for (let i = 0; i < n; i++) {
      const pkt = batch[i]!;
      batch[i] = null;
      this.txPackets++;
      if (pkt.ipBytes + ETH_HEADER_BYTES <= this.p.headerCopyBytes) {
        // The whole frame was copied into the skb head: the guest page is released at once.
        this.sim.atPooled(this.sim.now, releaseTxFn, this, pkt);
      }
      // netif_rx into dom0's stack, bridge, dev_queue_xmit to the e1000.
      this.dom0.run(this.p.bridgeNs + this.p.nicDriverPacketNs, bridgeOutFn, this, pkt);
    }
    if (this.deallocN > 0 || (this.pending < this.p.maxPendingTx && !this.listEmpty())) this.sim.atPooled(this.sim.now, runTxFn, this);
    else this.txBusy = false;
  }

  bridgeOut(pkt: Packet): void {
    const local = this.byAddress.get(pkt.dst);
    const copied = pkt.ipBytes + ETH_HEADER_BYTES <= this.p.headerCopyBytes;
    if (local !== undefined) {
      // Guest to guest on this host: netback copies the mapped frame into a fresh dom0 page
      // (it is not from the page cache), so the guest's TX page is released at once.
      this.dom0.run((pkt.ipBytes + ETH_HEADER_BYTES) * this.p.copyNsPerByte);
      this.vifStartXmit(local, pkt, true);
      if (!copied) this.releaseTx(pkt);
      return;
    }
    if (!this.nic.send(pkt, this.dom0) && !copied) this.releaseTx(pkt);
  }

  private hold(pkt: Packet, v: Vif): void {
    setPair(this.heldPkts, this.heldVifs, this.heldTail++, pkt, v);
  }

  /** The slot of a held packet, or -1. */
  private heldIndex(pkt: Packet): number {
    const pkts = this.heldPkts;
    for (let i = this.heldHead; i < this.heldTail; i++) if (pkts[i] === pkt) return i;
    return -1;
  }

  /** The NIC has sent a frame: after the TX clean delay its guest slot is released. */
  onTxDone(pkt: Packet): void {
    if (this.heldIndex(pkt) < 0) return;
    if (pkt.ipBytes + ETH_HEADER_BYTES <= this.p.headerCopyBytes) return;
    this.sim.atPooled(this.sim.now + this.p.dom0TxCleanDelayNs, releaseTxFn, this, pkt);
  }

  /** A long run of held packets that never empties: move them down to slot 0 (rare). */
  private compactHeld(): void {
    const h = this.heldHead;
    const n = this.heldTail - h;
    this.heldPkts.copyWithin(0, h, this.heldTail);
    this.heldVifs.copyWithin(0, h, this.heldTail);
    this.heldPkts.fill(null, n, this.heldTail);
    this.heldVifs.fill(null, n, this.heldTail);
    this.heldHead = 0;
    this.heldTail = n;
  }

  releaseTx(pkt: Packet): void {
    const at = this.heldIndex(pkt);
    if (at < 0) return;
    const v = this.heldVifs[at]!;
    this.heldPkts[at] = null;
    this.heldVifs[at] = null;
    // Skip the released slots at the head; start again from slot 0 once none is held.
    while (this.heldHead < this.heldTail && this.heldPkts[this.heldHead] === null) this.heldHead++;
    if (this.heldHead === this.heldTail) this.heldHead = this.heldTail = 0;
    else if (this.heldHead >= 1024 && this.heldHead * 2 >= this.heldTail) this.compactHeld();
    setPair(this.deallocPkts, this.deallocVifs, this.deallocN++, pkt, v);
    this.kickTx();
  }

  /** Add a vif to the batch's notification list (it was not on it). */
  private touch(v: Vif): void {
    v.touched = true;
    const i = this.touchedN++;
    if (i === this.touched.length) this.touched.push(v);
    else this.touched[i] = v;
  }

  /**
   * Push the responses of the guests touched by the batch just done, RX or TX, and notify each
   * once if it asked (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY), else count the suppressed notification.
   */
  private notifyTouched(rx: boolean): void {
    const touched = this.touched;
    const tn = this.touchedN;
    this.touchedN = 0;
    for (let i = 0; i < tn; i++) {
      const v = touched[i]!;
      touched[i] = null;
      v.touched = false;
      if ((rx ? v.rx : v.tx).pushResponses()) {
        if (rx) v.rxNotifies++;
        else v.txRspNotifies++;
        v.evtchn.notifyFrontend(this.dom0);
      } else v.evtchn.suppressedToFrontend();
    }
  }


  // ------------------------------------------------------------------ RX (wire -> guest)

  /**
   * The bridge's output to a vif, from the e1000 RX path (dom0's driver has no NAPI: the frames
   * go through netif_rx and the bridge in the NET_RX softirq). net_rx_action is a tasklet, a
   * lower softirq than NET_RX, so it runs once the softirq has passed all received frames on
   * (see rxSoftirqDone): that is what batches page flips under load.
   */
  netifReceive(pkt: Packet, _unit: ExecUnit): void {
    const v = this.byAddress.get(pkt.dst);
    if (v === undefined) {
      this.unknownDrops++;
      return;
    }
    this.vifStartXmit(v, pkt, false);
  }

  /** dom0's receive softirq has emptied the NIC: the RX tasklet may run. */
  rxSoftirqDone(): void {
    this.kickRx();
  }

  private kickRx(): void {
    if (!this.rxBusy && this.rxHead < this.rxQueue.length) {
      this.rxBusy = true;
      this.sim.atPooled(this.sim.now, runRxFn, this);
    }
  }

  /** netif_be_start_xmit: take a posted buffer or drop (the vif has no queue). */
  private vifStartXmit(v: Vif, pkt: Packet, kick: boolean): void {
    if (v.rxPeek === v.rx.reqProd || v.rxPeek - v.rx.rspProdPvt >= v.rx.size) {
      v.rxDrops++;
      if (this.traceVif !== null) this.traceVif.emit(this.sim.now, this.node, 'rx-drop', pkt.to.flowLabel, pkt.seq, pkt.len, v.rx.reqProd - v.rxPeek);
      return;
    }
    v.rxPeek++;
    this.rxQueue.push(pkt);
    this.rxQueueVif.push(v);
    if (kick) this.kickRx();
  }

  /** One run of net_rx_action: flip a page per queued packet, in one batch. */
  runRx(): void {
    const p = this.p;
    const h = this.rxHead;
    const n = Math.min(this.rxQueue.length - h, p.rxRingSlots);
    if (n === 0) {
      this.rxBusy = false;
      return;
    }
    this.rxInFlight = n;
    let cost = 0;
    let flips = 0;
    for (let i = h; i < h + n; i++) {
      if (this.rxQueueVif[i]!.rxCopy) {
        // GNTTABOP_copy: one grant operation and the frame's bytes, done by Xen.
        cost += p.grantMapNs + (this.rxQueue[i]!.ipBytes + ETH_HEADER_BYTES) * p.copyNsPerByte + p.netbackPacketNs;
        continue;
      }
      flips++;
      cost += p.pageFlipDom0Ns + p.netbackPacketNs;
      // alloc_mfn: fresh pages come from XENMEM_increase_reservation, mfnAllocBatchPages at a time.
      if (this.mfnPool === 0) {
        cost += p.hypercallNs;
        this.mfnPool = p.mfnAllocBatchPages;
      }
      this.mfnPool--;
    }
    // Flips: one remap multicall with a TLB flush of dom0, one GNTTABOP_transfer for the batch.
    if (flips > 0) cost += 2 * p.hypercallNs + p.tlbFlushNs;
    // Copies: one GNTTABOP_copy hypercall for the batch.
    if (flips < n) cost += p.hypercallNs;
    this.rxBatches++;
    this.dom0.run(cost, rxWorkDoneFn, this);
  }

  /** The RX run's work is done: the responses of its batch (the queue's first rxInFlight packets). */
  rxWorkDone(): void {
    const q = this.rxQueue;
    const qv = this.rxQueueVif;
    const h = this.rxHead;
    const end = h + this.rxInFlight;
    for (let i = h; i < end; i++) {
      const v = qv[i]!;
      v.rx.takeRequest();
      v.rx.putResponse(q[i]!);
      q[i] = null;
      qv[i] = null;
      v.rxDelivered++;
      if (!v.touched) this.touch(v);
    }
    this.rxInFlight = 0;
    // Both arrays have the same length: trimmed together or not at all.
    this.rxHead = trimFront(q, end, 256);
    if (this.rxHead === 0) trimFront(qv, end, 256);
    this.notifyTouched(true);
    if (this.rxHead < this.rxQueue.length) this.sim.atPooled(this.sim.now, runRxFn, this);
    else this.rxBusy = false;
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const runTxFn = Netback.prototype.runTx;
const txWorkDoneFn = Netback.prototype.txWorkDone;
const releaseTxFn = Netback.prototype.releaseTx;
const bridgeOutFn = Netback.prototype.bridgeOut;
const runRxFn = Netback.prototype.runRx;
const rxWorkDoneFn = Netback.prototype.rxWorkDone;

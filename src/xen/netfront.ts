/**
 * The guest's network device (Xen 3.0.1 netfront): the guest kernel's NetDevice.
 *
 * TX: no scatter-gather and no TSO in 3.0.1, so TCP hands it MTU-sized packets; each takes one
 * request slot (grant entry written in shared memory, no hypercall) and is published with
 * RING_PUSH_REQUESTS_AND_CHECK_NOTIFY: the event goes to dom0 only if netback asked (it re-arms
 * req_event when it drains the ring). When the ring is full the device queue stops and packets
 * wait in the qdisc (txqueuelen), restarting as responses come back. Responses are collected on
 * the interrupt and opportunistically on transmit; after collecting, netfront asks for the next
 * interrupt when half of the still outstanding requests have completed
 * (rsp_event = prod + outstanding/2 + 1).
 *
 * RX: netfront posts whole pages as receive buffers; every received packet occupies one page,
 * so its truesize is a page plus the skb (this shrinks what a socket receive buffer holds). The
 * poll (NAPI, on the VCPU the event channel is bound to, VCPU 0) remaps the flipped pages in one
 * multicall, hands each packet to IP/TCP, adapts rx_target (x2 when fewer than target/4
 * buffers were left at refill, -1 per poll when more than 3/4 remain unused) and refills only
 * when at least target/2 buffers are ready (one multicall with a TLB flush), never notifying
 * the back end (3.0.1).
 */
import type { Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import { trimFront } from '../engine/queue.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import { ETH_HEADER_BYTES, type NetDevice, type Packet } from '../hw/packet.js';
import type { ProtocolInput } from '../os/napi.js';
import type { HostParams } from '../os/profile.js';
import type { EventHandler } from './evtchn.js';
import type { Vif } from './netback.js';
import type { XenParams } from './profile.js';
import type { Vcpu } from './vcpu.js';

/** One per VCPU, allocated once: a transmit scheduled on a VCPU's work queue carries that VCPU. */
class TxPort {
  constructor(
    readonly nf: Netfront,
    readonly vcpu: Vcpu,
  ) {}
  xmit(pkt: Packet): void {
    this.nf.xmit(this.vcpu, pkt);
  }
  drainStep(pkt: Packet): void {
    this.nf.drainStep(this.vcpu, pkt);
  }
}

export class Netfront implements NetDevice, EventHandler {
  readonly name = 'eth0';
  readonly mtuBytes: number;
  /** No TSO (and no SG) before Xen 3.0.3. */
  readonly tso = false;
  private readonly ports: TxPort[];
  private readonly irqVcpu: Vcpu;
  private readonly qdisc: Packet[] = [];
  private qHead = 0;
  private draining = false;
  txPackets = 0;
  txDrops = 0;
  rxPackets = 0;
  maxQdisc = 0;
  rxTarget: number;
  /** Buffers allocated and waiting to be posted (rx_batch). */
  private rxBatch = 0;
  private polling = false;
  /** The poll's batch: pollBatch[0..pollDone), handed on one by one (pollIdx). */
  private readonly pollBatch: (Packet | null)[] = [];
  private pollIdx = 0;
  private pollDone = 0;
  private readonly rxTruesize: number;
  private readonly trace: TraceLayer | null;

  constructor(
    private readonly sim: Simulator,
    readonly node: string,
    readonly vif: Vif,
    vcpus: readonly Vcpu[],
    private readonly input: ProtocolInput,
    private readonly host: HostParams,
    private readonly p: XenParams,
  ) {
    this.mtuBytes = p.mtuBytes;
    this.ports = vcpus.map((v) => new TxPort(this, v));
    this.irqVcpu = vcpus[0]!;
    this.rxTarget = p.rxTargetMin;
    this.rxTruesize = p.pageBytes + host.skbOverheadBytes;
    this.trace = sim.trace ? sim.trace.layer('vif') : null;
  }

  /** Post the initial RX buffers (at device open, outside any timed region: no cost). */
  open(): void {
    this.allocRxBuffers(null);
  }

  rxTruesizeBytes(_ipBytes: number): number {
    return this.rxTruesize;
  }

  // ------------------------------------------------------------------ TX

  /** The transmit port of the guest VCPU `cpu` (a guest has a handful of VCPUs). */
  private portOf(cpu: ExecUnit): TxPort {
    for (const port of this.ports) if (port.vcpu === cpu) return port;
    throw new Error(`netfront ${this.node}: ${cpu.name} is not a VCPU of this guest`);
  }

  send(pkt: Packet, cpu: ExecUnit): boolean {
    if (pkt.segs > 1 || pkt.ipBytes + ETH_HEADER_BYTES > this.p.maxFrameBytes) {
      throw new Error(`netfront ${this.node}: packet of ${pkt.len} bytes exceeds one frame (no SG/TSO in this Xen)`);
    }
    const port = this.portOf(cpu);
    port.vcpu.run(this.p.netfrontPacketNs, xmitFn, port, pkt);
    return true;
  }

  /** network_start_xmit: a slot, the request, publish, notify if asked. */
  xmit(vcpu: Vcpu, pkt: Packet): void {
    const ring = this.vif.tx;
    if (this.qHead < this.qdisc.length || this.draining || ring.freeRequests() === 0) {
      this.enqueue(pkt);
      return;
    }
    this.post(vcpu, pkt);
    this.txGc(vcpu);
  }

  private enqueue(pkt: Packet): void {
    const q = this.qdisc.length - this.qHead;
    if (q >= this.p.txQueueLen) {
      this.txDrops++;
      if (this.trace !== null) this.trace.emit(this.sim.now, this.node, 'tx-drop', pkt.to.flowLabel, pkt.seq, pkt.len, q);
      return;
    }
    this.qdisc.push(pkt);
    if (q + 1 > this.maxQdisc) this.maxQdisc = q + 1;
  }

  private post(vcpu: Vcpu, pkt: Packet): void {
    const ring = this.vif.tx;
    ring.putRequest(pkt);
    this.txPackets++;
    if (ring.pushRequests()) this.vif.evtchn.notifyBackend(vcpu);
    else this.vif.evtchn.suppressedToBackend();
  }

  /** network_tx_buf_gc: collect TX responses, ask for the next interrupt at half the outstanding. */
  private txGc(vcpu: Vcpu): void {
    const ring = this.vif.tx;
    ring.collectTxResponses();
    // netif_wake_queue: the qdisc runs again on this VCPU.
    if (!this.draining && this.qHead < this.qdisc.length && ring.freeRequests() > 0) {
      this.draining = true;
      this.drainOne(vcpu);
    }
  }

  private drainOne(vcpu: Vcpu): void {
    if (this.qHead >= this.qdisc.length || this.vif.tx.freeRequests() === 0) {
      this.draining = false;
      return;
    }
    const pkt = this.qdisc[this.qHead]!;
    this.qdisc[this.qHead++] = undefined as unknown as Packet;
    this.qHead = trimFront(this.qdisc, this.qHead, 256);
    const port = this.portOf(vcpu);
    vcpu.run(this.p.netfrontPacketNs, drainStepFn, port, pkt);
  }

  drainStep(vcpu: Vcpu, pkt: Packet): void {
    if (this.vif.tx.freeRequests() === 0) {
      // Another transmit took the last slot meanwhile: back to the head of the queue.
      if (this.qHead > 0) this.qdisc[--this.qHead] = pkt;
      else this.qdisc.unshift(pkt);
      this.draining = false;
      return;
    }
    this.post(vcpu, pkt);
    this.drainOne(vcpu);
  }

  // ------------------------------------------------------------------ interrupt and RX

  /** netif_int on the bound VCPU: collect TX responses, schedule the RX poll. */
  onEvent(): void {
    this.txGc(this.irqVcpu);
    if (!this.polling && this.vif.rx.unconsumedResponses() > 0) {
      this.polling = true;
      this.sim.atPooled(this.sim.now, pollFn, this);
    }
  }

  /** netif_poll: take up to the budget of responses, remap their pages in one multicall. */
  poll(): void {
    const ring = this.vif.rx;
    const n = Math.min(this.p.rxPollBudget, ring.unconsumedResponses());
    // The batch reuses its array: slots [0, n), each cleared once delivered (no length reset,
    // which showed in profiles).
    const batch = this.pollBatch;
    for (let i = 0; i < n; i++) {
      const pkt = ring.takeResponse();
      if (i === batch.length) batch.push(pkt);
      else batch[i] = pkt;
    }
    this.pollIdx = 0;
    this.pollDone = n;
    const cost = (n > 0 ? this.p.hypercallNs : 0) + n * (this.p.pageFlipGuestNs + this.p.netfrontPacketNs);
    this.irqVcpu.run(cost, deliverNextFn, this);
  }

  /** Hand the next packet of the batch to IP/TCP (each its protocol cost), then finish the poll. */
  deliverNext(): void {
    if (this.pollIdx > 0) {
      const pkt = this.pollBatch[this.pollIdx - 1]!;
      this.pollBatch[this.pollIdx - 1] = null;
      this.rxPackets++;
      this.input.netifReceive(pkt, this.irqVcpu);
    }
    if (this.pollIdx < this.pollDone) {
      this.pollIdx++;
      this.irqVcpu.run(this.host.rxPacketNs, deliverNextFn, this);
      return;
    }
    this.finishPoll();
  }

  private finishPoll(): void {
    const ring = this.vif.rx;
    this.pollIdx = 0;
    // Few responses for the buffers posted: lower the fill target (linear decrease).
    if (ring.reqProdPvt - ring.rspProd > (3 * this.rxTarget) >> 2) {
      if (--this.rxTarget < this.p.rxTargetMin) this.rxTarget = this.p.rxTargetMin;
    }
    this.allocRxBuffers(this.irqVcpu);
    if (this.pollDone < this.p.rxPollBudget && !ring.finalCheckForResponses()) {
      this.polling = false;
      return;
    }
    this.sim.atPooled(this.sim.now, pollFn, this);
  }

  /** network_alloc_rx_buffers: fill to rx_target, in batches of at least target/2. */
  private allocRxBuffers(vcpu: Vcpu | null): void {
    const ring = this.vif.rx;
    const reqProd = ring.reqProdPvt;
    const batchTarget = this.rxTarget - (reqProd - ring.rspCons);
    if (this.rxBatch < batchTarget) this.rxBatch = batchTarget;
    if (this.rxBatch < this.rxTarget >> 1) return;
    // Nearly ran out: double the target (exponential increase), up to the maximum.
    if (reqProd - ring.rspProd < this.rxTarget >> 2) {
      this.rxTarget *= 2;
      if (this.rxTarget > this.p.rxTargetMax) this.rxTarget = this.p.rxTargetMax;
    }
    const n = Math.min(this.rxBatch, ring.freeRequests());
    if (n <= 0) return;
    for (let i = 0; i < n; i++) ring.putRequest(reqProd + i);
    this.rxBatch -= n;
    // Published without a notification: RX requests never notify the back end in 3.0.1.
    ring.pushRequests();
    // One multicall: zap the pages' mappings, give them back (decrease_reservation), flush.
    if (vcpu !== null) vcpu.run(this.p.hypercallNs + this.p.tlbFlushNs);
  }

  /** Buffers posted and not yet used by the back end. */
  get rxPosted(): number {
    return this.vif.rx.reqProd - this.vif.rx.rspProd;
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const xmitFn = TxPort.prototype.xmit;
const drainStepFn = TxPort.prototype.drainStep;
const pollFn = Netfront.prototype.poll;
const deliverNextFn = Netfront.prototype.deliverNext;

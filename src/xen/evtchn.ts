/**
 * One interdomain event channel (one per vif: its TX and RX rings share it, as netfront and
 * netback bind a single irq). Sending is an EVTCHNOP_send hypercall charged to the sender's
 * VCPU; Xen sets the pending bit and kicks the target VCPU, which takes the upcall after the
 * IPI latency and pays the upcall and irq entry (plus the wake-up if it was blocked: that is
 * charged by the VCPU itself, see vcpu.ts). While the pending bit is set, further sends only
 * set it again: one upcall serves them all. Ring producers call `notify*` only when the ring
 * said the other side asked to be told; they call `suppressed` otherwise (counted, traced).
 */
import type { Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import type { Vcpu } from './vcpu.js';

/** A side's handler: runs on its VCPU after the upcall. */
export interface EventHandler {
  onEvent(): void;
}

interface Side {
  vcpu: Vcpu;
  handler: EventHandler;
  pending: boolean;
  /** Notifications sent towards this side. */
  received: number;
  /** Upcalls actually taken on this side (pending sends coalesce). */
  upcalls: number;
  /** Producer publications towards this side that needed no notification. */
  suppressed: number;
}

export class EventChannel {
  private readonly front: Side;
  private readonly back: Side;
  private readonly trace: TraceLayer | null;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    private readonly traceNode: string,
    private readonly costs: { hypercallNs: number; evtchnLatencyNs: number; evtchnUpcallNs: number },
    frontVcpu: Vcpu,
    frontHandler: EventHandler,
    backVcpu: Vcpu,
    backHandler: EventHandler,
  ) {
    this.front = { vcpu: frontVcpu, handler: frontHandler, pending: false, received: 0, upcalls: 0, suppressed: 0 };
    this.back = { vcpu: backVcpu, handler: backHandler, pending: false, received: 0, upcalls: 0, suppressed: 0 };
    this.trace = sim.trace ? sim.trace.layer('evtchn') : null;
  }

  /** The front end (guest) notifies the back end (dom0), from `from`. */
  notifyBackend(from: Vcpu): void {
    this.send(from, this.back, 'notify-back');
  }

  /** The back end notifies the front end. */
  notifyFrontend(from: Vcpu): void {
    this.send(from, this.front, 'notify-front');
  }

  /** A publication that needed no notification (the other side had not asked). */
  suppressedToBackend(): void {
    this.back.suppressed++;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.traceNode, 'suppress-back', this.name, this.back.received, 0, this.back.suppressed);
  }

  suppressedToFrontend(): void {
    this.front.suppressed++;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.traceNode, 'suppress-front', this.name, this.front.received, 0, this.front.suppressed);
  }

  private send(from: Vcpu, to: Side, event: string): void {
    to.received++;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.traceNode, event, this.name, to.received, 0, to.pending ? 1 : 0);
    if (to.pending) {
      from.run(this.costs.hypercallNs);
      return;
    }
    to.pending = true;
    // The IPI leaves when the sender's hypercall is done (the sender may be preempted meanwhile).
    from.run(this.costs.hypercallNs, afterSendFn, this, to);
  }

  afterSend(s: Side): void {
    this.sim.schedulePooled(this.costs.evtchnLatencyNs, deliverFn, this, s);
  }

  deliver(s: Side): void {
    s.vcpu.run(this.costs.evtchnUpcallNs, runHandlerFn, this, s);
  }

  runHandler(s: Side): void {
    s.pending = false;
    s.upcalls++;
    s.handler.onEvent();
  }

  /** Counters: notifications sent towards each side, suppressed publications, upcalls. */
  get stats(): { toBackend: number; toFrontend: number; suppressedToBackend: number; suppressedToFrontend: number; backendUpcalls: number; frontendUpcalls: number } {
    return {
      toBackend: this.back.received,
      toFrontend: this.front.received,
      suppressedToBackend: this.back.suppressed,
      suppressedToFrontend: this.front.suppressed,
      backendUpcalls: this.back.upcalls,
      frontendUpcalls: this.front.upcalls,
    };
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const afterSendFn = EventChannel.prototype.afterSend;
const deliverFn = EventChannel.prototype.deliver;
const runHandlerFn = EventChannel.prototype.runHandler;

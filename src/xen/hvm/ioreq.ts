/**
 * The trap path of an HVM guest (Xen 3.2/3.3, VT-x): an I/O-port or MMIO access by guest code is
 * a VM exit; Xen writes an ioreq to the page it shares with the device model and signals the
 * device model's event channel; the guest VCPU blocks (hvm_send_assist_req, then it waits on
 * the event channel) until the device model has handled the request and notified back; then
 * Xen wakes the VCPU, completes the instruction with the result and enters the guest again.
 *
 * `HvmVcpu` is the guest kernel's CPU: an ExecUnit over the guest's Vcpu that stops taking work
 * while an access is outstanding (work submitted meanwhile waits, in order: a VCPU blocked in
 * the hypervisor runs nothing), and that carries the accesses and injected interrupts.
 */
import { Signal, type Waitable } from '../../engine/process.js';
import type { EventFn, Simulator } from '../../engine/simulator.js';
import type { ExecUnit } from '../../hw/exec-unit.js';
import type { Vcpu } from '../vcpu.js';

/** The device model's side: it takes an access (after Xen's notification reached it). */
export interface IoreqServer {
  ioreq(cpu: HvmVcpu): void;
}

/** The costs of the trap path the guest side pays (ns). */
export interface TrapCosts {
  vmExitNs: number;
  vmEntryNs: number;
  ioreqSendNs: number;
  evtchnLatencyNs: number;
  vlapicEoiNs: number;
  /** The guest kernel's interrupt entry (host.irqNs). */
  guestIrqNs: number;
}

export class HvmVcpu implements ExecUnit {
  readonly name: string;
  server: IoreqServer | null = null;
  /** The access in flight: register, direction, value written or read back. */
  reg = 0;
  write = false;
  value = 0;
  private cont: EventFn | null = null;
  private contTarget: any = undefined;
  private held = false;
  private readonly pendNs: number[] = [];
  private readonly pendFn: (EventFn | null)[] = [];
  private readonly pendTarget: any[] = [];
  private readonly pendArg: any[] = [];
  /** Accesses made and interrupts injected. */
  accesses = 0;
  interrupts = 0;
  /** The object an injected interrupt's handler is called with. */
  irqTarget: any = undefined;

  constructor(
    readonly sim: Simulator,
    readonly vcpu: Vcpu,
    readonly costs: TrapCosts,
  ) {
    this.name = vcpu.name;
  }

  get busyNs(): number {
    return this.vcpu.busyNs;
  }

  /** True while an access is outstanding (the VCPU waits for the device model). */
  get inAccess(): boolean {
    return this.held;
  }

  run<T, A>(ns: number, fn: EventFn<T, A> | null = null, target?: T, arg?: A): void {
    if (this.held) {
      this.pendNs.push(ns);
      this.pendFn.push(fn);
      this.pendTarget.push(target);
      this.pendArg.push(arg);
      return;
    }
    this.vcpu.run(ns, fn, target, arg);
  }

  wait(ns: number): Waitable {
    const s = new Signal<void>(this.sim);
    this.run(ns, fireFn, s);
    return s;
  }

  /**
   * An access by code running on this VCPU now (one outstanding at a time: the VCPU is stopped
   * until it completes). `cont` runs on `target` with the value read when the guest resumes, with the value read.
   */
  access<T>(reg: number, write: boolean, value: number, cont: EventFn<T, number> | null, target?: T): void {
    if (this.held) throw new Error(`${this.name}: an access while another is outstanding`);
    if (this.server === null) throw new Error(`${this.name}: no device model`);
    this.held = true;
    this.accesses++;
    this.reg = reg;
    this.write = write;
    this.value = value;
    this.cont = cont;
    this.contTarget = target;
    this.vcpu.run(this.costs.vmExitNs + this.costs.ioreqSendNs, exitDoneFn, this);
  }

  /** The access as a waitable for a guest process: fires with the value read. */
  accessWait(reg: number, write: boolean, value: number): Signal<number> {
    const s = new Signal<number>(this.sim);
    this.access(reg, write, value, fireFn, s);
    return s;
  }

  /** The device model has answered (its notification left it now): Xen wakes the VCPU. */
  complete(value: number): void {
    this.value = value;
    this.sim.schedule(this.costs.evtchnLatencyNs, resumeGuestFn, this);
  }

  /** @internal the guest runs again after its access. */
  finishAccess(): void {
    this.held = false;
    const fn = this.cont;
    const target = this.contTarget;
    this.cont = null;
    this.contTarget = undefined;
    if (fn !== null) fn.call(target, this.value);
    // Work that arrived meanwhile runs now, unless the code went straight into another access.
    if (this.held || this.pendNs.length === 0) return;
    const n = this.pendNs.length;
    for (let i = 0; i < n; i++) this.vcpu.run(this.pendNs[i]!, this.pendFn[i]!, this.pendTarget[i], this.pendArg[i]);
    this.pendNs.length = this.pendFn.length = this.pendTarget.length = this.pendArg.length = 0;
  }

  /** Xen injects an interrupt (raised by the device model now): the handler fn runs on irqTarget on the VCPU. */
  inject(fn: EventFn): void {
    this.interrupts++;
    this.sim.schedule(this.costs.evtchnLatencyNs, injectNowFn, this, fn);
  }

  /** The VM exit and Xen's ioreq are paid: the event reaches the device model. */
  exitDone(): void {
    this.sim.schedule(this.costs.evtchnLatencyNs, deliverIoreqFn, this);
  }

  deliverIoreq(): void {
    this.server!.ioreq(this);
  }

  resumeGuest(): void {
    this.vcpu.run(this.costs.vmEntryNs, finishAccessFn, this);
  }

  injectNow(fn: EventFn): void {
    // The IPI forces a VM exit; the interrupt is injected at the next entry; the guest's handler entry.
    this.run(this.costs.vmExitNs + this.costs.vmEntryNs + this.costs.guestIrqNs, fn, this.irqTarget);
  }

  /** The handler's EOI to the virtual local APIC: an exit handled by Xen alone. */
  eoi(): void {
    this.run(this.costs.vmExitNs + this.costs.vlapicEoiNs + this.costs.vmEntryNs);
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const fireFn = Signal.prototype.fire;
const exitDoneFn = HvmVcpu.prototype.exitDone;
const resumeGuestFn = HvmVcpu.prototype.resumeGuest;
const injectNowFn = HvmVcpu.prototype.injectNow;
const deliverIoreqFn = HvmVcpu.prototype.deliverIoreq;
const finishAccessFn = HvmVcpu.prototype.finishAccess;

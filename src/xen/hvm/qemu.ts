/**
 * The device model (qemu-dm, Xen 3.2/3.3 tools/ioemu): one main loop that waits for events
 * (`main_loop_wait`: select over the event-channel fd and the network fd, then timers), handles
 * an ioreq (`cpu_handle_ioreq`: fetch it, call the emulated device's port handler, write the
 * result, notify the guest's event channel) and reads a received frame into the emulated NIC.
 *
 * The same loop runs in two hosts (DmHost): as a dom0 Linux process, where every event check is
 * a system call and the process must be woken and scheduled by dom0's O(1) scheduler, or on
 * Mini-OS in a stub domain, where the checks are function calls and the hypervisor schedules
 * the stub domain's VCPU. Which host runs it is all that differs between the two paths.
 */
import type { EventFn, Simulator } from '../../engine/simulator.js';
import type { Packet } from '../../hw/packet.js';
import type { HvmVcpu, IoreqServer } from './ioreq.js';

/** Where the device model runs and what its calls cost there. */
export interface DmHost {
  /** Run `ns` of the device model's work, then fn on target with arg. */
  exec<T, A>(ns: number, fn: EventFn<T, A>, target?: T, arg?: A): void;
  /** Event checks of one main-loop iteration (system calls in dom0, calls on Mini-OS). */
  readonly loopNs: number;
  /** Notifying the guest's ioreq event channel (dom0: an ioctl and the hypercall; stub: the hypercall). */
  readonly notifyNs: number;
  /** Moving an IRQ line (dom0: a privcmd ioctl and the hypercall; stub: the hypercall) plus Xen's PIC/APIC update. */
  readonly irqNs: number;
  /**
   * An event for the device model reached its domain: `viaEvtchn` for Xen's event channel
   * (upcall first), false for a file descriptor that became readable inside dom0. The host makes
   * the device model run (wake-up, scheduling) and then calls `dm.poke()`.
   */
  signal(viaEvtchn: boolean): void;
}

/** qemu's network backend (tap in dom0, Mini-OS netfront in a stub domain). */
export interface DmNetBackend {
  /** The device model's cost to send one frame, and the send itself (after that cost). */
  txNs(pkt: Packet): number;
  send(pkt: Packet): void;
  /** A received frame waiting for qemu, or undefined. */
  peekRx(): Packet | undefined;
  /** The cost of taking it (read, copy), then take it. */
  rxNs(pkt: Packet): number;
  takeRx(): Packet;
}

/** The emulated device's register handlers and its receive side (rtl8139.ts). */
export interface EmulatedNic {
  /** An access; returns the value read (writes return 0). May call dm.raiseIrqChange(). */
  access(reg: number, write: boolean, value: number): number;
  /** Extra device-model work of the access just handled (e.g. the copy of a frame it sent), ns. */
  takeExtraNs(): number;
  /** The frame the access just handled makes the device send, or null. */
  takeSent(): Packet | null;
  /** qemu's can_receive: room for one more frame. */
  canReceive(): boolean;
  /** Device-model work to put a frame into the guest's RX ring (copy), ns. */
  receiveNs(pkt: Packet): number;
  receive(pkt: Packet): void;
  /** The IRQ line level the device wants now. */
  irqLevel(): boolean;
}

export interface DmCosts {
  ioreqHandleNs: number;
  portHandlerNs: number;
}

export class QemuDm implements IoreqServer {
  private readonly ioreqs: HvmVcpu[] = [];
  /** Between a wake-up and the block in select. */
  running = false;
  private handledThisRound = false;
  private irqLine = false;
  private pendingSent: Packet | null = null;
  nic: EmulatedNic | null = null;
  backend: DmNetBackend | null = null;
  /** Where an IRQ line rise goes (the guest's interrupt injection). */
  onIrqRise: (() => void) | null = null;
  // Counters.
  ioreqsHandled = 0;
  framesReceived = 0;
  rounds = 0;
  irqChanges = 0;

  constructor(
    readonly sim: Simulator,
    readonly name: string,
    readonly host: DmHost,
    readonly costs: DmCosts,
  ) {}

  /** The IRQ line as Xen's virtual IO-APIC last heard it from the device model. */
  get irqLineHigh(): boolean {
    return this.irqLine;
  }

  /** Xen's ioreq notification reached the device model's domain. */
  ioreq(cpu: HvmVcpu): void {
    this.ioreqs.push(cpu);
    this.host.signal(true);
  }

  /** The network backend has a frame for qemu (the tap fd or netfront became readable). */
  netReadable(viaEvtchn: boolean): void {
    this.host.signal(viaEvtchn);
  }

  /** The host has woken the device model: start a main-loop round unless one runs. */
  poke(): void {
    if (this.running) return;
    this.running = true;
    this.startRound();
  }

  private startRound(): void {
    this.rounds++;
    this.handledThisRound = false;
    this.host.exec(this.host.loopNs, stepFn, this);
  }

  /** One step of a round: an ioreq, else a received frame, else the round ends. */
  step(): void {
    const cpu = this.ioreqs.shift();
    if (cpu !== undefined) {
      this.handledThisRound = true;
      const nic = this.nic;
      // The handler runs when qemu gets to it: its result and effects take the device's state then.
      const v = nic === null ? 0xff : nic.access(cpu.reg, cpu.write, cpu.value);
      cpu.value = cpu.write ? 0 : v;
      let extra = 0;
      if (nic !== null) {
        extra = nic.takeExtraNs();
        const sent = nic.takeSent();
        if (sent !== null && this.backend !== null) {
          // rtl8139_transmit -> qemu_send_packet: synchronous, inside the ioreq's handling.
          extra += this.backend.txNs(sent);
          this.pendingSent = sent;
        }
      }
      this.host.exec(this.costs.ioreqHandleNs + this.costs.portHandlerNs + extra + this.host.notifyNs, ioreqDoneFn, this, cpu);
      return;
    }
    const be = this.backend;
    const nic = this.nic;
    if (be !== null && nic !== null && nic.canReceive()) {
      const pkt = be.peekRx();
      if (pkt !== undefined) {
        this.handledThisRound = true;
        this.host.exec(be.rxNs(pkt) + nic.receiveNs(pkt), rxDoneFn, this, be.takeRx());
        return;
      }
    }
    // select() again: another round if something was handled (it returns at once when more is
    // ready); else the process blocks until the next event.
    if (this.handledThisRound) this.startRound();
    else this.running = false;
  }

  ioreqDone(cpu: HvmVcpu): void {
    this.ioreqsHandled++;
    const sent = this.pendingSent;
    if (sent !== null) {
      this.pendingSent = null;
      this.backend!.send(sent);
    }
    cpu.complete(cpu.value);
    this.checkIrq();
  }

  rxDone(pkt: Packet): void {
    this.framesReceived++;
    this.nic!.receive(pkt);
    this.checkIrq();
  }

  /** The device's IRQ line changed: qemu tells Xen (a hypercall); a rise is injected into the guest. */
  private checkIrq(): void {
    const level = this.nic !== null && this.nic.irqLevel();
    if (level === this.irqLine) {
      this.step();
      return;
    }
    this.irqLine = level;
    this.irqChanges++;
    this.host.exec(this.host.irqNs, irqMovedFn, this, level);
  }

  irqMoved(level: boolean): void {
    if (level && this.onIrqRise !== null) this.onIrqRise();
    this.step();
  }
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const stepFn = QemuDm.prototype.step;
const ioreqDoneFn = QemuDm.prototype.ioreqDone;
const rxDoneFn = QemuDm.prototype.rxDone;
const irqMovedFn = QemuDm.prototype.irqMoved;

/**
 * The two places qemu's device model runs (DmHost), and its network backend in each.
 *
 * Dom0QemuHost: qemu-dm is a dom0 Linux process. Xen's event for an ioreq arrives as an upcall
 * on dom0's VCPU; the /dev/xen/evtchn driver queues the port and wakes qemu-dm, which then waits
 * for dom0's O(1) scheduler to run it; every event check of its main loop is a system call, its
 * notification an ioctl that makes the hypercall. Frames leave through the tap device (a write
 * system call, a copy, the tun driver, dom0's bridge and the e1000 driver, in qemu-dm's system
 * call) and arrive through it (the e1000 interrupt, the bridge, the tap queue, a read).
 *
 * StubdomHost: qemu on Mini-OS, alone in a stub domain with its own VCPU that the hypervisor
 * schedules. An event is an upcall on that VCPU and a switch to the qemu thread; the checks are
 * function calls; the notifications are hypercalls. Frames go through Mini-OS netfront (a copy
 * into a granted page, the shared ring, netback in dom0) and come back the same way (256 posted
 * buffers, the frame copied out into qemu's buffer when qemu reads it).
 */
import { Fifo } from '../../engine/queue.js';
import type { EventFn, Simulator } from '../../engine/simulator.js';
import { ETH_HEADER_BYTES, type Packet } from '../../hw/packet.js';
import type { Nic } from '../../hw/nic.js';
import type { ExecUnit } from '../../hw/exec-unit.js';
import type { ProtocolInput } from '../../os/napi.js';
import type { O1Task } from '../../os/o1sched.js';
import type { EventHandler } from '../evtchn.js';
import type { Vif } from '../netback.js';
import type { XenParams } from '../profile.js';
import type { Vcpu } from '../vcpu.js';
import type { Dom0LinuxParams, HvmParams, QemuDom0Params, StubdomParams } from './params.js';
import type { DmHost, DmNetBackend, QemuDm } from './qemu.js';
import { MiniosNetfrontTx } from '../minios/netfront-tx.js';

/** A host's event reaches qemu: its main loop wakes. */
function pokeDm(this: { dm: QemuDm | null }): void {
  this.dm!.poke();
}

export class Dom0QemuHost implements DmHost {
  dm: QemuDm | null = null;
  readonly loopNs: number;
  readonly notifyNs: number;
  readonly irqNs: number;
  private readonly upcallNs: number;

  constructor(
    readonly task: O1Task,
    readonly dom0: Vcpu,
    x: XenParams,
    h: HvmParams,
    l: Dom0LinuxParams,
    q: QemuDom0Params,
  ) {
    this.loopNs = q.syscallsPerEvent * l.dom0SyscallNs;
    this.notifyNs = l.dom0SyscallNs + x.hypercallNs;
    this.irqNs = l.dom0SyscallNs + x.hypercallNs + h.irqLineNs;
    this.upcallNs = x.evtchnUpcallNs + q.evtchnDriverNs;
  }

  exec<T, A>(ns: number, fn: EventFn<T, A>, target?: T, arg?: A): void {
    this.task.run(ns, fn, target, arg);
  }

  signal(viaEvtchn: boolean): void {
    // The upcall and the evtchn driver run in dom0's kernel; then qemu-dm is runnable: the O(1)
    // scheduler decides when it runs (its first work item pays the wake-up).
    if (viaEvtchn) this.dom0.run(this.upcallNs, pokeDm, this);
    else pokeDm.call(this);
  }
}

export class StubdomHost implements DmHost {
  dm: QemuDm | null = null;
  readonly loopNs: number;
  readonly notifyNs: number;
  readonly irqNs: number;
  private readonly upcallNs: number;
  private readonly switchNs: number;

  constructor(
    readonly vcpu: Vcpu,
    x: XenParams,
    h: HvmParams,
    s: StubdomParams,
  ) {
    this.loopNs = s.callsPerEvent * s.callNs;
    this.notifyNs = x.hypercallNs;
    this.irqNs = x.hypercallNs + h.irqLineNs;
    this.upcallNs = x.evtchnUpcallNs + s.threadSwitchNs;
    this.switchNs = s.threadSwitchNs;
  }

  exec<T, A>(ns: number, fn: EventFn<T, A>, target?: T, arg?: A): void {
    this.vcpu.run(ns, fn, target, arg);
  }

  signal(viaEvtchn: boolean): void {
    // Mini-OS's event callback wakes the qemu thread; schedule() switches to it.
    if (viaEvtchn) this.vcpu.run(this.upcallNs, pokeDm, this);
    else this.vcpu.run(this.switchNs, pokeDm, this);
  }
}

/**
 * The tap device between qemu-dm and dom0's bridge. TX runs in qemu-dm's write(); RX frames
 * from the e1000 interrupt (driver and bridge in dom0's softirq) wait in the tap queue (drops
 * beyond its length) until qemu-dm reads them.
 */
export class TapBackend implements DmNetBackend, ProtocolInput {
  dm: QemuDm | null = null;
  private readonly queue = new Fifo<Packet>();
  drops = 0;
  nicDrops = 0;
  maxQueue = 0;
  private readonly txFixedNs: number;

  constructor(
    private readonly nic: Nic,
    private readonly dom0Cpu: ExecUnit,
    private readonly copyNsPerByte: number,
    private readonly syscallNs: number,
    x: XenParams,
    q: QemuDom0Params,
    private readonly queueLen: number,
  ) {
    this.txFixedNs = syscallNs + q.tapPacketNs + x.bridgeNs + x.nicDriverPacketNs;
  }

  txNs(pkt: Packet): number {
    return this.txFixedNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.copyNsPerByte;
  }

  send(pkt: Packet): void {
    // dom0's e1000 driver runs in qemu-dm's write() on dom0's CPU.
    if (!this.nic.send(pkt, this.dom0Cpu)) this.nicDrops++;
  }

  /** A frame the bridge forwards to the tap (dom0's receive softirq). */
  netifReceive(pkt: Packet, _unit: ExecUnit): void {
    if (this.queue.length >= this.queueLen) {
      this.drops++;
      return;
    }
    this.queue.push(pkt);
    if (this.queue.length > this.maxQueue) this.maxQueue = this.queue.length;
    // The tap fd became readable: select() in qemu-dm returns.
    this.dm!.netReadable(false);
  }

  peekRx(): Packet | undefined {
    return this.queue.peek();
  }

  rxNs(pkt: Packet): number {
    return this.syscallNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.copyNsPerByte;
  }

  takeRx(): Packet {
    return this.queue.shift()!;
  }
}

/**
 * Mini-OS netfront as the stub domain's qemu uses it (xen 3.3 extras/mini-os/netfront.c): TX
 * copies the frame into a granted page, takes a ring slot and notifies if netback asked; RX
 * buffers (one page each, all posted at start) are filled by the back end, read by qemu with a
 * copy, and posted again at once.
 */
export class MiniosNetfront implements DmNetBackend, EventHandler {
  dm: QemuDm | null = null;
  private readonly tx: MiniosNetfrontTx;

  constructor(
    readonly sim: Simulator,
    readonly vif: Vif,
    readonly vcpu: Vcpu,
    private readonly copyNsPerByte: number,
    private readonly s: StubdomParams,
  ) {
    this.tx = new MiniosNetfrontTx(vif, vcpu);
  }

  /** Post every RX buffer (at start, outside timed work). */
  open(): void {
    this.tx.postAllRx();
  }

  txNs(pkt: Packet): number {
    return this.s.miniosNetfrontPacketNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.copyNsPerByte;
  }

  send(pkt: Packet): void {
    this.tx.send(pkt);
  }

  /** netfront_handler: TX responses collected; received frames make qemu's fd readable. */
  onEvent(): void {
    this.tx.collect();
    if (this.vif.rx.unconsumedResponses() > 0) this.dm!.netReadable(false);
  }

  peekRx(): Packet | undefined {
    const ring = this.vif.rx;
    if (ring.unconsumedResponses() > 0) return ring.peekResponse();
    ring.finalCheckForResponses();
    return undefined;
  }

  rxNs(pkt: Packet): number {
    return this.s.miniosNetfrontPacketNs + (pkt.ipBytes + ETH_HEADER_BYTES) * this.copyNsPerByte;
  }

  takeRx(): Packet {
    const ring = this.vif.rx;
    const pkt = ring.takeResponse();
    // The page goes back to the ring at once.
    ring.putRequest(0);
    if (ring.pushRequests()) this.vif.evtchn.notifyBackend(this.vcpu);
    return pkt;
  }
}

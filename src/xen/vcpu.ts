/**
 * Virtual CPUs on physical cores: a stand-in for Xen 3.0.1's SEDF scheduler.
 *
 * Each VCPU is pinned to one physical core and charges its work FIFO on that core, so a VCPU
 * that shares a core with another (dom0's VCPU and one guest VCPU, when a 4-VCPU guest and
 * dom0 share 4 cores) waits for the other's work, item by item, in submission order. Two
 * hypervisor costs are added on top of the work itself:
 *  - a blocked VCPU (nothing left to run when work arrives) first pays `vcpuWakeNs`: Xen
 *    wakes it, runs the scheduler and switches it in. This covers an event delivered to an idle
 *    VCPU, a guest IPI waking a process on another VCPU, and a timer tick on an idle VCPU;
 *  - a core that last ran a different VCPU pays `domainSwitchNs` (register state, page-table
 *    base and TLB) before running this one. A core that ran nothing else in between does not
 *    (Xen's lazy context switch keeps the last VCPU's state loaded across idle).
 * What SEDF does beyond that (slices, periods, preemption in the middle of a work item,
 * migration between cores) is not modelled; see docs/model-xen.md.
 */
import type { Simulator } from '../engine/simulator.js';
import type { Core } from '../hw/cpu.js';
import type { ExecUnit } from '../hw/exec-unit.js';

/** A physical core as the hypervisor sees it: which VCPU ran on it last. */
export class Pcpu {
  last: Vcpu | null = null;
  constructor(readonly core: Core) {}
}

export class Vcpu implements ExecUnit {
  busyNs = 0;
  /** Wake-ups paid (work arriving while blocked). */
  wakes = 0;
  /** Domain switches paid on this VCPU's core before its work. */
  switches = 0;
  private doneNs = 0;
  // Completion times of submitted items not yet past (FIFO, increasing): lets a driver learn
  // which VCPU's item is finishing at this instant (see runningAtNow).
  private ends: number[] = [];
  private endsHead = 0;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    readonly pcpu: Pcpu,
    private readonly wakeNs: number,
    private readonly switchNs: number,
  ) {}

  /** True when the VCPU has no work queued or running: it is blocked in the hypervisor. */
  get blocked(): boolean {
    return this.doneNs < this.sim.now;
  }

  exec(ns: number): number {
    let cost = ns;
    if (this.doneNs < this.sim.now) {
      cost += this.wakeNs;
      this.wakes++;
    }
    if (this.pcpu.last !== this) {
      if (this.pcpu.last !== null) {
        cost += this.switchNs;
        this.switches++;
      }
      this.pcpu.last = this;
    }
    const end = this.pcpu.core.exec(cost);
    this.busyNs += Math.round(cost);
    this.doneNs = end;
    this.ends.push(end);
    return end;
  }

  /** True if one of this VCPU's work items completes exactly now (the code it ran acts now). */
  runningAtNow(): boolean {
    const now = this.sim.now;
    while (this.endsHead < this.ends.length && this.ends[this.endsHead]! < now) this.endsHead++;
    if (this.endsHead > 256 && this.endsHead * 2 > this.ends.length) {
      this.ends.splice(0, this.endsHead);
      this.endsHead = 0;
    }
    return this.endsHead < this.ends.length && this.ends[this.endsHead] === now;
  }
}

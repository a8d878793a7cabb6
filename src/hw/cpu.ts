/**
 * CPU cores. A core runs one work item at a time in submission order (a FIFO server): kernel
 * work (interrupts, softirq packet processing) and user work (system calls, copies) charged to
 * the same core wait for each other, which is how ranks and the network stack share CPUs.
 */
import { until, type Waitable } from '../engine/process.js';
import type { EventFn, Simulator } from '../engine/simulator.js';
import type { ExecUnit } from './exec-unit.js';
import type { Interruptions } from './interruptions.js';

export class Core implements ExecUnit {
  private busyUntilNs = 0;
  busyNs = 0;

  /** Noise on this core (ticks, detours), or null when noise is off. */
  interruptions: Interruptions | null = null;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
  ) {
    // Doubles from construction on (as Vcpu.busyNs, src/xen/vcpu.ts): a sum of ns that passes
    // 2^31 mid-run would change the field's representation and deoptimise the code holding cores.
    this.busyNs = 0.5;
    this.busyNs = 0;
  }

  exec(ns: number): number {
    const d = Math.round(ns);
    const now = this.sim.now;
    const start = this.busyUntilNs > now ? this.busyUntilNs : now;
    this.busyUntilNs = this.interruptions === null ? start + d : this.interruptions.stretch(start, d);
    this.busyNs += d;
    return this.busyUntilNs;
  }

  /** Completion by event: the same event, at the same time and order, as `sim.at(exec(ns), fn, target, arg)`. */
  run<T, A>(ns: number, fn?: EventFn<T, A> | null, target?: T, arg?: A): void {
    const t = this.exec(ns);
    if (fn) this.sim.atPooled(t, fn, target, arg);
  }

  wait(ns: number): Waitable {
    return until(this.exec(ns));
  }

  /** The time at which all work submitted so far is done. */
  get idleAtNs(): number {
    return Math.max(this.busyUntilNs, this.sim.now);
  }
}

/**
 * Generator-based processes. A process is a generator that yields what it waits for:
 *   yield sleep(ns)      resume after ns
 *   yield until(timeNs)  resume at an absolute time (now if it has passed)
 *   yield signal         resume when the signal fires; the yield evaluates to the fired value
 *   yield routine        run a Routine (a wait loop written as a state machine) to its end; the
 *                        yield evaluates to its result
 * A process that returns fires its `done` signal with the return value.
 * Resumptions always go through the event queue, so a signal fired inside another process
 * never re-enters a generator (which would throw) and order stays deterministic.
 */
import type { Simulator } from './simulator.js';

export class Sleep {
  constructor(readonly ns: number) {}
}
export class Until {
  constructor(readonly timeNs: number) {}
}

/**
 * A loop of waits written as a state machine instead of a generator, for the loops that wait
 * many times per call (a read that waits for every arriving frame). A generator deep in a chain
 * of `yield*` is resumed through every generator above it; a routine the process holds is
 * resumed directly, so a wake-up costs one call however deep the rank's program is. It runs as
 * the generator it replaces would: the same waits in the same order, no event more or less.
 * A routine waits on Sleep, Until or Signal (not on another routine). Once finished it may be
 * yielded again if its state says where to go on from (mpi/device.ts's WriteMsg after a drain).
 * An error a routine throws propagates out of the event that resumed it, not into the generator
 * that yielded the routine (a try/finally there does not see it; none exists in src/ today).
 */
export abstract class Routine<R = void> {
  /** The routine's outcome, set before `resume` returns null: what its `yield` evaluates to. */
  result: R | undefined = undefined;
  /**
   * Advance with what the previous wait produced (undefined on the first call): return the next
   * thing to wait for, or null once finished.
   */
  abstract resume(value: unknown): Waitable | null;
}

/** What a process waits on (a routine waits on these too). */
export type Waitable = Sleep | Until | Signal<any>;
export type ProcessBody<R = void> = Generator<Waitable | Routine<any>, R, any>;

export function sleep(ns: number): Sleep {
  return new Sleep(ns);
}
export function until(timeNs: number): Until {
  return new Until(timeNs);
}

/** Something processes wait on. `fire` wakes every process waiting at that moment. */
export class Signal<T = void> {
  // waiters[0..count): one array for the signal's life (fire only queues resumptions, so no
  // waiter can be added while it walks the array).
  private readonly waiters: (Process<any> | null)[] = [];
  private count = 0;
  constructor(private readonly sim: Simulator) {}

  get waiting(): number {
    return this.count;
  }

  /** Called by a process's driver; not by user code. */
  addWaiter(p: Process<any>): void {
    if (this.count === this.waiters.length) this.waiters.push(p);
    else this.waiters[this.count] = p;
    this.count++;
  }

  fire(value?: T): void {
    const n = this.count;
    if (n === 0) return;
    this.count = 0;
    const w = this.waiters;
    for (let i = 0; i < n; i++) {
      this.sim.schedulePooled(0, stepFn, w[i], value);
      w[i] = null;
    }
  }
}

export class Process<R = void> {
  private finished = false;
  /** The routine being run, or null when the generator itself waits. */
  private routine: Routine<any> | null = null;
  result: R | undefined;
  readonly done: Signal<R>;

  constructor(
    private readonly sim: Simulator,
    private readonly body: ProcessBody<R>,
    readonly name: string,
  ) {
    this.done = new Signal<R>(sim);
  }

  get isDone(): boolean {
    return this.finished;
  }

  /** Advance the routine or the generator with `value` until something is to be waited for. */
  step(value: unknown): void {
    if (this.finished) return;
    let w: Waitable | Routine<any> | null;
    const held = this.routine;
    if (held !== null) {
      w = held.resume(value);
      if (w !== null) {
        this.await(w);
        return;
      }
      this.routine = null;
      value = held.result;
    }
    for (;;) {
      const r = this.body.next(value);
      if (r.done) {
        this.finished = true;
        this.result = r.value;
        this.done.fire(r.value);
        return;
      }
      w = r.value;
      if (w instanceof Routine) {
        const first = w.resume(undefined);
        if (first === null) {
          // finished without waiting: the yield evaluates to its result at once.
          value = w.result;
          continue;
        }
        this.routine = w;
        w = first;
      }
      this.await(w);
      return;
    }
  }

  private await(w: Waitable | Routine<any>): void {
    if (w instanceof Until) this.sim.atPooled(Math.max(this.sim.now, w.timeNs), stepFn, this, undefined);
    else if (w instanceof Signal) w.addWaiter(this);
    else if (w instanceof Sleep) this.sim.schedulePooled(w.ns, stepFn, this, undefined);
    else throw new TypeError(`process ${this.name} waited on something that is not a Sleep, Until or Signal (a routine yields no routine)`);
  }
}

/**
 * Process.prototype.step as a module constant: V8 does not fold `Process.prototype.step` (the class
 * binding is a context slot), so each resumption scheduled through it paid a LoadIC call.
 */
const stepFn = Process.prototype.step;

/** Start `body` as a process at the current time (its first step runs as an event). */
export function spawn<R>(sim: Simulator, body: ProcessBody<R>, name = 'process'): Process<R> {
  const p = new Process<R>(sim, body, name);
  sim.schedulePooled(0, stepFn, p, undefined);
  return p;
}

/**
 * Generator-based processes. A process is a generator that yields what it waits for:
 *   yield sleep(ns)      resume after ns
 *   yield until(timeNs)  resume at an absolute time (now if it has passed)
 *   yield signal         resume when the signal fires; the yield evaluates to the fired value
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

export type Waitable = Sleep | Until | Signal<any>;
export type ProcessBody<R = void> = Generator<Waitable, R, any>;

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
      this.sim.schedulePooled(0, Process.prototype.step, w[i], value);
      w[i] = null;
    }
  }
}

export class Process<R = void> {
  private finished = false;
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

  /** Advance the generator with `value` until it yields something to wait for. */
  step(value: unknown): void {
    if (this.finished) return;
    const r = this.body.next(value);
    if (r.done) {
      this.finished = true;
      this.result = r.value;
      this.done.fire(r.value);
      return;
    }
    const w = r.value;
    if (w instanceof Sleep) this.sim.schedulePooled(w.ns, Process.prototype.step, this, undefined);
    else if (w instanceof Until) this.sim.atPooled(Math.max(this.sim.now, w.timeNs), Process.prototype.step, this, undefined);
    else if (w instanceof Signal) w.addWaiter(this);
    else throw new TypeError(`process ${this.name} yielded something that is not a Sleep, Until or Signal`);
  }
}

/** Start `body` as a process at the current time (its first step runs as an event). */
export function spawn<R>(sim: Simulator, body: ProcessBody<R>, name = 'process'): Process<R> {
  const p = new Process<R>(sim, body, name);
  sim.schedulePooled(0, Process.prototype.step, p, undefined);
  return p;
}

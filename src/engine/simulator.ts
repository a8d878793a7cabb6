/**
 * The event engine: an integer-nanosecond clock and a priority queue of events ordered by
 * (time, insertion sequence), so two events at the same instant run in the order they were
 * scheduled and a run is deterministic. Events are plain objects holding a method, its target
 * and one argument: an event runs `fn.call(target, arg)`, so components schedule their own
 * methods (`sim.at(t, Nic.prototype.fireIrq, this, gen)`) with no closure or adapter function
 * per event.
 *
 * Three structures hold the queue, merged by (time, seq) when popping:
 * - a heap specialised for SimEvent (event-heap.ts) for events in the future;
 * - two held events in front of the heap: the earliest and second earliest future events when
 *   they were scheduled as such (the next stages of a chain), which then cost no heap push or pop;
 * - a same-instant FIFO lane for events scheduled at the current time (zero delay, 8-18 % of all
 *   events). Every lane event has time == now and, being scheduled later, a larger seq than any
 *   event queued before it, so the lane is already in (time, seq) order and costs O(1) per event.
 *   A heap event at the same instant with a smaller seq (scheduled earlier for this instant) still
 *   runs first: the pop compares the lane's head with the heap's top. The clock only advances
 *   once the lane is empty, so the lane never holds an event of another instant.
 */
import { EventHeap } from './event-heap.js';
import { RngStreams } from './rng.js';
import type { TraceBus } from './trace.js';

/** What an event calls: a method of its target (`this`), with one argument. */
export type EventFn<T = any, A = any> = (this: T, arg: A) => void;

/** A scheduled event. `cancel()` is lazy: the event stays queued and is skipped. */
export class SimEvent {
  live = true;
  /** From the pool (atPooled): the engine takes it back once it has been popped. */
  pooled = false;
  constructor(
    public timeNs: number,
    public seq: number,
    public fn: EventFn,
    public target: any,
    public arg: any,
  ) {}
}

// The errors are built out of line: a template string over a time in the scheduling functions
// keeps V8 from holding the time as an unboxed double in the callers that inline them.
function badDelay(delayNs: number): never {
  throw new RangeError(`schedule: delay must be a finite non-negative number, got ${delayNs}`);
}

function badTime(timeNs: number, nowNs: number): never {
  throw new RangeError(`at: time ${timeNs} is before now (${nowNs})`);
}

export class Simulator {
  private nowNs = 0;
  private seq = 0;
  private readonly heap = new EventHeap<SimEvent>();
  /**
   * The two earliest future events, held outside the heap: null, or an event that runs before
   * every event in the heap (nextEv), then null or one that runs after nextEv and before every
   * heap event (nextEv2). An event's handler often schedules the very next event of the run (a
   * chain of stages: on Xen runs 65 % of future events are the earliest when scheduled, natively
   * 28 %) or the one after it (natively another 24 %), and holding it here saves the heap's push
   * and pop. A later event that runs earlier takes its place and moves the held ones back, the
   * second into the heap, so the order stays (time, seq).
   */
  private nextEv: SimEvent | null = null;
  private nextEv2: SimEvent | null = null;
  /** The same-instant lane: lane[laneHead..laneTail) in seq order, all at time nowNs. */
  private readonly lane: (SimEvent | null)[] = [];
  private laneHead = 0;
  private laneTail = 0;
  private stopped = false;
  /** Popped pooled events, for atPooled to reuse (allocation and GC per event showed in profiles). */
  private readonly free: SimEvent[] = [];
  /** Events executed so far (cancelled ones are not counted). */
  eventsRun = 0;
  readonly rng: RngStreams;
  /** Null unless a trace was asked for; components read it once at construction. */
  readonly trace: TraceBus | null;
  /**
   * Whether components may save events where the outcome is already determined (a stale event
   * cancelled instead of run, two completions at one instant in one event, a check run inline
   * when nothing else is due at this instant), and take shortcuts that reach the same state with
   * less work (SEDF's wake and block on a core with one VCPU). Results and traces are the same
   * either way, only the `events` count differs: test/engine/batching.test.ts replays random
   * scenarios both ways, so the general path checks each shortcut.
   */
  readonly batching: boolean;
  /** The default for `batching` when a Simulator is built without it (tests turn it off). */
  static batchingDefault = true;

  constructor(opts: { seed?: string | number; trace?: TraceBus | null; batching?: boolean } = {}) {
    this.rng = new RngStreams(String(opts.seed ?? 1));
    this.trace = opts.trace ?? null;
    this.batching = opts.batching ?? Simulator.batchingDefault;
  }

  get now(): number {
    return this.nowNs;
  }

  private enqueue(ev: SimEvent): void {
    if (ev.timeNs === this.nowNs) {
      // appending keeps the lane packed; the slots are reused once the lane drains.
      if (this.laneTail === this.lane.length) this.lane.push(ev);
      else this.lane[this.laneTail] = ev;
      this.laneTail++;
    } else {
      // ev has the largest seq so far: it precedes an event only at an earlier time.
      const t = ev.timeNs;
      const held = this.nextEv;
      if (held === null) {
        const top = this.heap.peek();
        if (top === undefined || t < top.timeNs) this.nextEv = ev;
        else this.heap.push(ev);
      } else if (t < held.timeNs) {
        if (this.nextEv2 !== null) this.heap.push(this.nextEv2);
        this.nextEv2 = held;
        this.nextEv = ev;
      } else this.enqueueSecond(ev);
    }
  }

  /** Queue a future event that runs after nextEv: as nextEv2 if it runs before the rest, else in the heap. */
  private enqueueSecond(ev: SimEvent): void {
    const t = ev.timeNs;
    const second = this.nextEv2;
    if (second === null) {
      const top = this.heap.peek();
      if (top === undefined || t < top.timeNs) this.nextEv2 = ev;
      else this.heap.push(ev);
    } else if (t < second.timeNs) {
      this.heap.push(second);
      this.nextEv2 = ev;
    } else this.heap.push(ev);
  }

  /** The earliest event outside the lane (the held one, else the heap's top), not removed. */
  private peekFuture(): SimEvent | undefined {
    return this.nextEv ?? this.heap.peek();
  }

  /** Remove and return the event peekFuture returned (there must be one). */
  private popFuture(): SimEvent {
    const held = this.nextEv;
    if (held !== null) {
      this.nextEv = this.nextEv2;
      this.nextEv2 = null;
      return held;
    }
    return this.heap.pop();
  }

  /** Schedule `fn.call(target, arg)` after `delayNs` (rounded to an integer, never negative). */
  schedule<T, A>(delayNs: number, fn: EventFn<T, A>, target?: T, arg?: A): SimEvent {
    const d = Math.round(delayNs);
    if (!(d >= 0)) badDelay(delayNs);
    const ev = new SimEvent(this.nowNs + d, this.seq++, fn, target, arg);
    this.enqueue(ev);
    return ev;
  }

  /** Schedule `fn.call(target, arg)` at absolute time `timeNs` (not in the past). */
  at<T, A>(timeNs: number, fn: EventFn<T, A>, target?: T, arg?: A): SimEvent {
    const t = Math.round(timeNs);
    if (!(t >= this.nowNs)) badTime(timeNs, this.nowNs);
    const ev = new SimEvent(t, this.seq++, fn, target, arg);
    this.enqueue(ev);
    return ev;
  }

  /**
   * As `at`, with an event object from the engine's pool: the engine reuses the object once the
   * event has been popped (run or cancelled). The caller may keep the returned handle to cancel
   * it only while the event is queued: it must drop the handle when the event runs (its handler
   * is where) or once it cancels it. For a component's own timer chain (the Xen core's segment
   * ends) or an event nobody cancels.
   */
  atPooled<T, A>(timeNs: number, fn: EventFn<T, A>, target?: T, arg?: A): SimEvent {
    const t = Math.round(timeNs);
    if (!(t >= this.nowNs)) badTime(timeNs, this.nowNs);
    const ev = this.free.pop();
    if (ev === undefined) {
      const fresh = new SimEvent(t, this.seq++, fn, target, arg);
      fresh.pooled = true;
      this.enqueue(fresh);
      return fresh;
    }
    ev.timeNs = t;
    ev.seq = this.seq++;
    ev.fn = fn;
    ev.target = target;
    ev.arg = arg;
    ev.live = true;
    this.enqueue(ev);
    return ev;
  }

  /** As `schedule`, with a pooled event and no handle (an event nobody cancels). */
  schedulePooled<T, A>(delayNs: number, fn: EventFn<T, A>, target?: T, arg?: A): void {
    const d = Math.round(delayNs);
    if (!(d >= 0)) badDelay(delayNs);
    this.atPooled(this.nowNs + d, fn, target, arg);
  }

  private recycle(ev: SimEvent): void {
    ev.target = undefined;
    ev.arg = undefined;
    this.free.push(ev);
  }

  cancel(ev: SimEvent | null | undefined): void {
    if (ev) ev.live = false;
  }

  /** Number of events still queued (including cancelled ones not yet popped). */
  get pending(): number {
    return this.heap.size + (this.nextEv === null ? 0 : 1) + (this.nextEv2 === null ? 0 : 1) + (this.laneTail - this.laneHead);
  }

  /**
   * True when no other event is queued for the current instant. An event that would schedule a
   * zero-delay event as its very last action may then run that action inline: the queue would
   * have run it next anyway (events queued for now run before any event scheduled now).
   */
  nothingElseNow(): boolean {
    // after stop() the queue would not run it in this run(): no shortcut then.
    if (this.stopped || this.laneHead < this.laneTail) return false;
    const top = this.peekFuture();
    return top === undefined || top.timeNs > this.nowNs;
  }

  /** Stop the current `run()` after the event being executed. */
  stop(): void {
    this.stopped = true;
  }

  /**
   * Run events in order until the queue is empty, `stop()` is called, or the next event lies
   * after `untilNs` (the clock is then advanced to `untilNs`). Returns the final time.
   */
  run(untilNs = Infinity): number {
    this.stopped = false;
    const heap = this.heap;
    const lane = this.lane;
    while (this.stopped === false) {
      let ev: SimEvent;
      if (this.laneHead < this.laneTail) {
        const le = lane[this.laneHead]!;
        if (le.timeNs > untilNs) {
          // only if untilNs < now (the clock moves back, as it always did): the lane's events
          // are then no longer at the current instant, so they go to the heap.
          this.flushLane();
          this.nowNs = untilNs;
          return this.nowNs;
        }
        const top = this.nextEv ?? heap.peek();
        // a heap event at this instant scheduled before the lane's head runs first.
        if (top !== undefined && top.timeNs === le.timeNs && top.seq < le.seq) {
          ev = this.popFuture();
        } else {
          lane[this.laneHead++] = null;
          if (this.laneHead === this.laneTail) this.laneHead = this.laneTail = 0;
          ev = le;
        }
      } else {
        // the held event, else the heap's top: each read once (peekFuture then popFuture read
        // nextEv twice and tested it twice).
        const held = this.nextEv;
        if (held !== null) {
          if (held.timeNs > untilNs) {
            this.nowNs = untilNs;
            return this.nowNs;
          }
          this.nextEv = this.nextEv2;
          this.nextEv2 = null;
          ev = held;
        } else {
          const top = heap.peek();
          if (top === undefined) break;
          if (top.timeNs > untilNs) {
            this.nowNs = untilNs;
            return this.nowNs;
          }
          ev = heap.pop();
        }
      }
      // `=== false`/`=== true`, not a truthiness test: V8 does not know the fields hold only
      // booleans and tested each for every falsy kind (about ten instructions per test, per event).
      if (ev.live === false) {
        if (ev.pooled === true) this.recycle(ev);
        continue;
      }
      this.nowNs = ev.timeNs;
      this.eventsRun++;
      const fn = ev.fn;
      fn.call(ev.target, ev.arg);
      if (ev.pooled === true) this.recycle(ev);
    }
    if (untilNs !== Infinity && !this.stopped && this.nowNs < untilNs) this.nowNs = untilNs;
    return this.nowNs;
  }

  private flushLane(): void {
    // the lane's events now lie before the held ones: they go back to the heap first.
    if (this.nextEv !== null) {
      this.heap.push(this.nextEv);
      this.nextEv = null;
    }
    if (this.nextEv2 !== null) {
      this.heap.push(this.nextEv2);
      this.nextEv2 = null;
    }
    for (let i = this.laneHead; i < this.laneTail; i++) {
      this.heap.push(this.lane[i]!);
      this.lane[i] = null;
    }
    this.laneHead = this.laneTail = 0;
  }
}

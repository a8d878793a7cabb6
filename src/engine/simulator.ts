/**
 * The event engine: an integer-nanosecond clock and a priority queue of events ordered by
 * (time, insertion sequence), so two events at the same instant run in the order they were
 * scheduled and a run is deterministic. Events are plain objects holding a callback and two
 * arguments: components pass a function allocated once (a bound method or module function)
 * instead of a closure per event, which keeps the hot path free of per-event closures.
 */
import { PriorityQueue } from 'js-sdsl';
import { RngStreams } from './rng.js';
import type { TraceBus } from './trace.js';

export type EventFn = (a: any, b: any) => void;

/** A scheduled event. `cancel()` is lazy: the event stays in the heap and is skipped. */
export class SimEvent {
  live = true;
  constructor(
    public timeNs: number,
    public seq: number,
    public fn: EventFn,
    public a: any,
    public b: any,
  ) {}
}

function compareEvents(x: SimEvent, y: SimEvent): number {
  return x.timeNs - y.timeNs || x.seq - y.seq;
}

export class Simulator {
  private nowNs = 0;
  private seq = 0;
  private readonly queue = new PriorityQueue<SimEvent>([], compareEvents, false);
  private stopped = false;
  /** Events executed so far (cancelled ones are not counted). */
  eventsRun = 0;
  readonly rng: RngStreams;
  /** Null unless a trace was asked for; components read it once at construction. */
  readonly trace: TraceBus | null;

  constructor(opts: { seed?: string | number; trace?: TraceBus | null } = {}) {
    this.rng = new RngStreams(String(opts.seed ?? 1));
    this.trace = opts.trace ?? null;
  }

  get now(): number {
    return this.nowNs;
  }

  /** Schedule `fn(a, b)` after `delayNs` (rounded to an integer, never negative). */
  schedule(delayNs: number, fn: EventFn, a?: any, b?: any): SimEvent {
    const d = Math.round(delayNs);
    if (!(d >= 0)) throw new RangeError(`schedule: delay must be a finite non-negative number, got ${delayNs}`);
    const ev = new SimEvent(this.nowNs + d, this.seq++, fn, a, b);
    this.queue.push(ev);
    return ev;
  }

  /** Schedule `fn(a, b)` at absolute time `timeNs` (not in the past). */
  at(timeNs: number, fn: EventFn, a?: any, b?: any): SimEvent {
    const t = Math.round(timeNs);
    if (!(t >= this.nowNs)) throw new RangeError(`at: time ${timeNs} is before now (${this.nowNs})`);
    const ev = new SimEvent(t, this.seq++, fn, a, b);
    this.queue.push(ev);
    return ev;
  }

  cancel(ev: SimEvent | null | undefined): void {
    if (ev) ev.live = false;
  }

  /** Number of events still queued (including cancelled ones not yet popped). */
  get pending(): number {
    return this.queue.size();
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
    const q = this.queue;
    while (!this.stopped) {
      // pop then, rarely, push back: one heap operation per event instead of top() + pop().
      const ev = q.pop();
      if (ev === undefined) break;
      if (ev.timeNs > untilNs) {
        q.push(ev);
        this.nowNs = untilNs;
        return this.nowNs;
      }
      if (!ev.live) continue;
      this.nowNs = ev.timeNs;
      this.eventsRun++;
      ev.fn(ev.a, ev.b);
    }
    if (untilNs !== Infinity && !this.stopped && this.nowNs < untilNs) this.nowNs = untilNs;
    return this.nowNs;
  }
}

/**
 * Interruptions of an execution unit: timer ticks, daemon and interrupt detours, the
 * hypervisor's own tick. Each source is a stream of (start, duration) pairs in time order,
 * generated lazily; a unit that runs work asks `Interruptions.stretch` when the work ends once
 * every interruption that falls inside it has been served first. So noise preempts whatever runs
 * (a rank, a softirq, netback) and costs no event per tick, and an interruption that lands on an
 * idle unit costs nobody anything (it only delays work that arrives while it is in progress).
 *
 * Queries must come with non-decreasing start times (a FIFO unit's starts never go back), so each
 * stream is walked forward once and memory stays constant.
 */

/** One source of interruptions, in order of start time. */
export interface InterruptionStream {
  /** Start (ns) of the current interruption; Infinity when the stream has ended. */
  readonly headStartNs: number;
  /** Duration (integer ns) of the current interruption. */
  readonly headDurationNs: number;
  /** Move to the next interruption (its start is >= this one's). */
  advance(): void;
}

/** A fixed-period source: the timer tick (period 1e9/HZ ns) with a phase and a cost per tick. */
export class PeriodicStream implements InterruptionStream {
  headStartNs: number;
  private index = 0;
  constructor(
    private readonly periodNs: number,
    private readonly phaseNs: number,
    readonly headDurationNs: number,
  ) {
    this.headStartNs = periodNs > 0 && headDurationNs > 0 ? Math.round(phaseNs) : Infinity;
  }
  advance(): void {
    if (this.headStartNs === Infinity) return;
    // Each start from its exact multiple, so a non-integer period (1e9/HZ) never drifts.
    this.headStartNs = Math.round(this.phaseNs + ++this.index * this.periodNs);
  }
}

/** All of a unit's sources, merged; interruptions that overlap are served back to back. */
export class Interruptions {
  /** Interruption time that delayed work (ns), for accounting. */
  stolenNs = 0;
  // The interruption in progress (already taken from its stream): [start, end).
  private curStartNs = -1;
  private curEndNs = -1;
  private lastStartQueryNs = -Infinity;

  /**
   * The earliest head start over the streams: it changes only when a stream advances (takeNext),
   * so stretch's common case (no interruption inside the work) compares with one field instead
   * of walking the streams.
   */
  private minHeadNs = Infinity;

  constructor(private readonly streams: readonly InterruptionStream[]) {
    // A fraction first, so that the field holds doubles from construction on: a sum of ns that
    // passes 2^31 would otherwise change representation mid-run, give the object a new map and
    // deoptimise the code that inlined stretch (as Vcpu.busyNs did, see src/xen/vcpu.ts).
    this.stolenNs = 0.5;
    this.stolenNs = 0;
    this.updateMinHead();
  }

  private updateMinHead(): void {
    let t = Infinity;
    const ss = this.streams;
    for (let i = 0; i < ss.length; i++) {
      const h = ss[i]!.headStartNs;
      if (h < t) t = h;
    }
    this.minHeadNs = t;
  }

  /** True when no source can ever interrupt (noise off). */
  get empty(): boolean {
    for (const s of this.streams) if (s.headStartNs !== Infinity) return false;
    return this.curEndNs < 0;
  }

  /** Takes the earliest pending interruption from the streams into cur (back to back with the last). */
  private takeNext(): boolean {
    let best: InterruptionStream | null = null;
    for (const s of this.streams) if (best === null || s.headStartNs < best.headStartNs) best = s;
    if (best === null || best.headStartNs === Infinity) return false;
    const start = best.headStartNs > this.curEndNs ? best.headStartNs : this.curEndNs;
    this.curStartNs = start;
    this.curEndNs = start + best.headDurationNs;
    best.advance();
    this.updateMinHead();
    return true;
  }

  /**
   * The time at which `workNs` of work that starts at `startNs` completes, after the interruptions
   * that begin before it is done (and one in progress at `startNs`) have been served.
   */
  stretch(startNs: number, workNs: number): number {
    if (startNs < this.lastStartQueryNs) this.backInTime(startNs);
    this.lastStartQueryNs = startNs;
    // The common case, kept small so that callers inline it: nothing in progress at startNs and
    // nothing due before the work ends (the first pass of stretchSlow's loop, same decision).
    const end = startNs + workNs;
    if (!(this.curEndNs > startNs && this.curStartNs <= startNs)) {
      const next = this.minHeadNs > this.curEndNs ? this.minHeadNs : this.curEndNs;
      if (next >= end) return end;
    }
    // `+`: a call's result is of unknown type to V8, and merged with `end` above it made the
    // inlined result a tagged value, a heap number allocated by every Core.exec; as a number the
    // merge stays a double. The value is the same. The start is not passed: above 2^31 ns a
    // call's argument is a heap number, which optimised callers allocated on every query, the
    // common case included; stretchSlow reads it from lastStartQueryNs, set above.
    return +this.stretchSlow(workNs);
  }

  private backInTime(startNs: number): never {
    throw new Error(`interruptions queried back in time: ${startNs} < ${this.lastStartQueryNs}`);
  }

  private stretchSlow(workNs: number): number {
    let t = this.lastStartQueryNs;
    let remaining = workNs;
    for (;;) {
      // The current interruption, if it still reaches past t, delays the work.
      if (this.curEndNs > t && this.curStartNs <= t) {
        this.stolenNs += this.curEndNs - t;
        t = this.curEndNs;
      }
      const next = this.minHeadNs > this.curEndNs ? this.minHeadNs : this.curEndNs;
      if (next >= t + remaining) return t + remaining;
      // Either an interruption starts inside the work, or one has already passed unseen (idle).
      if (!this.takeNext()) return t + remaining;
      if (this.curEndNs <= t) continue; // landed while idle, before this work: costs nothing
      if (this.curStartNs > t) {
        remaining -= this.curStartNs - t;
        t = this.curStartNs;
      }
    }
  }
}

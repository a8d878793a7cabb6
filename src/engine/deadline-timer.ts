/**
 * A timer that is re-armed far more often than it fires (TCP's retransmit and delayed-ACK
 * timers, re-armed on every ACK or segment): it keeps a deadline and at most one queued event, as
 * Linux's sk_reset_timer does, instead of a cancelled event per re-arm. Moving the deadline later
 * costs nothing; the queued event, when it finds the deadline not yet due, re-queues itself at it.
 */
import type { EventFn, SimEvent, Simulator } from './simulator.js';

export class DeadlineTimer {
  /** When the timer is due (ns), or -1 when it is stopped. */
  deadlineNs = -1;
  private ev: SimEvent | null = null;

  constructor(
    private readonly sim: Simulator,
    private readonly fn: EventFn<any, undefined>,
    private readonly target: unknown,
  ) {}

  get armed(): boolean {
    return this.deadlineNs >= 0;
  }

  arm(dueNs: number): void {
    this.deadlineNs = dueNs;
    if (this.ev !== null && this.ev.timeNs <= dueNs) return; // the queued event will re-queue
    this.sim.cancel(this.ev);
    this.ev = this.sim.at(dueNs, firedFn, this);
  }

  stop(): void {
    this.deadlineNs = -1;
  }

  /** The queued event: call fn on target if armed and due, else re-queue at the deadline or drop it. */
  fired(): void {
    this.ev = null;
    if (this.deadlineNs < 0) return;
    if (this.sim.now < this.deadlineNs) {
      this.ev = this.sim.at(this.deadlineNs, firedFn, this);
      return;
    }
    this.fn.call(this.target, undefined);
  }
}

/** As a module constant: V8 does not fold `DeadlineTimer.prototype.fired` (a LoadIC call per re-queue). */
const firedFn = DeadlineTimer.prototype.fired;

/**
 * Linux 2.6's O(1) process scheduler on one CPU (kernel/sched.c of 2.6.9-2.6.18), for the
 * processes of a kernel whose interrupt and softirq work is charged to the same CPU directly:
 * dom0's qemu-dm and the background processes that load dom0 (docs/model-hvm.md).
 *
 * What is modelled, rule by rule:
 *  - static priority 120 + nice; timeslice `task_timeslice`: SCALE_PRIO(DEF_TIMESLICE, prio) for
 *    nice >= 0, SCALE_PRIO(4 x DEF_TIMESLICE, prio) below, never under MIN_TIMESLICE (100 ms at
 *    nice 0, 5 ms at nice 19, 800 ms at nice -20);
 *  - two priority arrays: a waking task joins the active array at the tail of its priority
 *    (`activate_task`); the highest priority of the active array runs, FIFO within a priority;
 *  - a task whose timeslice runs out gets a new one and goes to the expired array
 *    (`scheduler_tick`, non-interactive case); when the active array is empty the arrays swap;
 *  - a waking task preempts the running one only if its priority is strictly better
 *    (TASK_PREEMPTS_CURR);
 *  - the interactivity estimator: each task's sleep_avg (ns, at most MAX_SLEEP_AVG = 10 x
 *    DEF_TIMESLICE) grows by its sleep time on a wake-up, weighted by (MAX_BONUS - bonus), or is
 *    raised to MAX_SLEEP_AVG - DEF_TIMESLICE after a sleep longer than INTERACTIVE_SLEEP
 *    (`recalc_task_prio`), and shrinks by its run time divided by its bonus when it leaves the
 *    CPU (`schedule`); the dynamic priority is static - (bonus - 5), bonus = sleep_avg x 10 /
 *    MAX_SLEEP_AVG (`effective_prio`), recomputed at wake-up and when the timeslice runs out; a
 *    task whose slice runs out stays in the active array if it is interactive
 *    (TASK_INTERACTIVE: priority <= static - DELTA), else it goes to the expired array.
 * Not modelled: TIMESLICE_GRANULARITY requeueing, EXPIRED_STARVING, the fork-time sleep_avg
 * (a task starts with the sleep_avg it is given), uninterruptible sleeps.
 *
 * Work of the running task is submitted to the CPU in pieces of at most `chunkNs`, so that work
 * the kernel charges to the CPU directly (interrupts, softirqs, which preempt processes on real
 * hardware) waits at most one piece: the model's resolution for interrupt latency under load.
 */
import type { Simulator, EventFn } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';

export interface O1Params {
  /** DEF_TIMESLICE (ns): the timeslice at nice 0. */
  defTimesliceNs: number;
  /** MIN_TIMESLICE (ns). */
  minTimesliceNs: number;
  /** Waking a blocked task and switching to it (try_to_wake_up, schedule, context switch). */
  wakeupNs: number;
  /** Switching between two runnable tasks (schedule, context switch). */
  contextSwitchNs: number;
  /** Longest piece of a task's work submitted at once (model resolution, see above). */
  chunkNs: number;
}

const MAX_PRIO = 140;
const MAX_USER_PRIO = 40;
/** MAX_BONUS = MAX_USER_PRIO x PRIO_BONUS_RATIO (25) / 100. */
const MAX_BONUS = 10;
const INTERACTIVE_DELTA = 2;
const MAX_RT_PRIO = 100;

/** The estimator's constants for a DEF_TIMESLICE (ns). */
function maxSleepAvgNs(p: Pick<O1Params, 'defTimesliceNs'>): number {
  return p.defTimesliceNs * MAX_BONUS;
}

/** task_timeslice of 2.6.9-2.6.18 (ns) for a nice value. */
export function o1TimesliceNs(nice: number, p: Pick<O1Params, 'defTimesliceNs' | 'minTimesliceNs'>): number {
  const prio = 120 + nice;
  const base = prio < 120 ? 4 * p.defTimesliceNs : p.defTimesliceNs;
  return Math.max(Math.floor((base * (MAX_PRIO - prio)) / (MAX_USER_PRIO / 2)), p.minTimesliceNs);
}

export class O1Task {
  readonly staticPrio: number;
  /** Dynamic priority (effective_prio): static priority minus the interactivity bonus. */
  prio: number;
  /** sleep_avg (ns). */
  sleepAvgNs: number;
  /** When it last blocked (to measure its sleep) or was switched in (to measure its run). */
  stampNs = 0;
  /** CPU time since it was switched in (ns): what schedule() charges against sleep_avg. */
  ranNs = 0;
  sliceLeftNs: number;
  /** Where the task is queued: 0 active, 1 expired, -1 not runnable (blocked or running). */
  array = -1;
  /** Pending work items (ns, callback) in submission order; a hog has endless work. */
  private readonly rem: number[] = [];
  private readonly fns: (EventFn | null)[] = [];
  private readonly targets: any[] = [];
  private readonly args: any[] = [];
  private head = 0;
  /** CPU time consumed (ns). */
  cpuNs = 0;
  /** Times it was switched in after a block (wake-ups) and after waiting as runnable. */
  wakeups = 0;
  switchIns = 0;
  blocked = true;

  constructor(
    readonly sched: O1Scheduler,
    readonly name: string,
    readonly nice: number,
    readonly hog: boolean,
    sleepAvgNs: number,
  ) {
    this.staticPrio = 120 + nice;
    this.sleepAvgNs = Math.min(sleepAvgNs, maxSleepAvgNs(sched.p));
    this.prio = this.effectivePrio();
    this.sliceLeftNs = o1TimesliceNs(nice, sched.p);
  }

  /** CURRENT_BONUS: sleep_avg in tenths of MAX_SLEEP_AVG. */
  bonus(): number {
    return Math.floor((this.sleepAvgNs * MAX_BONUS) / maxSleepAvgNs(this.sched.p));
  }

  /** effective_prio. */
  effectivePrio(): number {
    const prio = this.staticPrio - (this.bonus() - MAX_BONUS / 2);
    return Math.min(MAX_PRIO - 1, Math.max(MAX_RT_PRIO, prio));
  }

  /** DELTA(p): the bonus a task needs to count as interactive at its nice value. */
  private delta(): number {
    return Math.trunc((this.nice * MAX_BONUS) / MAX_USER_PRIO) + INTERACTIVE_DELTA;
  }

  /** TASK_INTERACTIVE. */
  interactive(): boolean {
    return this.prio <= this.staticPrio - this.delta();
  }

  /** recalc_task_prio at a wake-up after sleeping `sleptNs`. */
  recalc(sleptNs: number): void {
    const max = maxSleepAvgNs(this.sched.p);
    const slept = Math.min(sleptNs, max);
    if (slept > 0) {
      // INTERACTIVE_SLEEP: a long sleeper is made interactive, but no more than that.
      const interactiveSleep = (max * (MAX_BONUS / 2 + this.delta() + 1)) / MAX_BONUS;
      if (slept > interactiveSleep) {
        const ceiling = max - this.sched.p.defTimesliceNs;
        if (this.sleepAvgNs < ceiling) this.sleepAvgNs = ceiling;
      } else {
        this.sleepAvgNs += slept * (MAX_BONUS - this.bonus() || 1);
      }
      if (this.sleepAvgNs > max) this.sleepAvgNs = max;
    }
    this.prio = this.effectivePrio();
  }

  /** schedule() for the task leaving the CPU: its run time, divided by its bonus, off sleep_avg. */
  chargeRun(): void {
    const run = Math.min(this.ranNs, maxSleepAvgNs(this.sched.p));
    this.sleepAvgNs = Math.max(0, this.sleepAvgNs - run / (this.bonus() || 1));
    this.ranNs = 0;
  }

  hasWork(): boolean {
    return this.hog || this.head < this.rem.length;
  }

  /** Charge `ns` of this process's CPU work, then call fn on target with arg. */
  run<T, A>(ns: number, fn: EventFn<T, A> | null = null, target?: T, arg?: A): void {
    this.rem.push(Math.max(0, Math.round(ns)));
    this.fns.push(fn);
    this.targets.push(target);
    this.args.push(arg);
    if (this.blocked) this.sched.wake(this);
  }

  /** @internal the work the next piece may take (ns). */
  headRemainingNs(): number {
    return this.hog ? Infinity : this.rem[this.head]!;
  }

  /** @internal consume `ns` of the head item; runs its callback when it is done. */
  consume(ns: number): void {
    this.cpuNs += ns;
    this.ranNs += ns;
    if (this.hog) return;
    this.rem[this.head]! -= ns;
    if (this.rem[this.head]! > 0) return;
    const fn = this.fns[this.head]!;
    const target = this.targets[this.head];
    const arg = this.args[this.head];
    this.fns[this.head] = null;
    this.targets[this.head] = undefined;
    this.args[this.head] = undefined;
    this.head++;
    if (this.head === this.rem.length) {
      this.rem.length = this.fns.length = this.targets.length = this.args.length = 0;
      this.head = 0;
    }
    if (fn !== null) fn.call(target, arg);
  }
}

export class O1Scheduler {
  private readonly arrays: [O1Task[], O1Task[]] = [[], []];
  private activeIdx = 0;
  /** The task holding the CPU (its piece runs or is about to), or null. */
  current: O1Task | null = null;
  private last: O1Task | null = null;
  private needResched = false;
  private pieceNs = 0;
  readonly tasks: O1Task[] = [];
  /** Array swaps (every task of the active array used its timeslice). */
  swaps = 0;

  constructor(
    readonly sim: Simulator,
    readonly cpu: ExecUnit,
    readonly p: O1Params,
  ) {}

  /**
   * A process; `hog` = CPU-bound, always runnable (it never blocks). `sleepAvgNs` is its
   * sleep_avg now, its history (0: it has been running; MAX_SLEEP_AVG: it has been sleeping).
   */
  addTask(name: string, nice: number, hog = false, sleepAvgNs = 0): O1Task {
    const t = new O1Task(this, name, nice, hog, sleepAvgNs);
    t.stampNs = this.sim.now;
    this.tasks.push(t);
    if (hog) this.wake(t);
    return t;
  }

  private enqueue(t: O1Task, idx: number, head = false): void {
    const q = this.arrays[idx]!;
    // Tail of its priority (before the first task of a worse priority), or its head.
    let i = q.length;
    while (i > 0 && (q[i - 1]!.prio > t.prio || (head && q[i - 1]!.prio === t.prio))) i--;
    q.splice(i, 0, t);
    t.array = idx;
  }

  /** try_to_wake_up: into the active array; preempt only a task of a worse priority. */
  wake(t: O1Task): void {
    if (!t.blocked) return;
    t.blocked = false;
    t.recalc(this.sim.now - t.stampNs);
    this.wokeFromBlock.add(t);
    this.enqueue(t, this.activeIdx);
    if (this.current === null) this.schedule();
    else if (t.prio < this.current.prio) this.needResched = true;
  }

  /** schedule(): pick the first task of the best priority in the active array (swap if empty). */
  private schedule(): void {
    let q = this.arrays[this.activeIdx]!;
    if (q.length === 0 && this.arrays[1 - this.activeIdx]!.length > 0) {
      this.activeIdx = 1 - this.activeIdx;
      this.swaps++;
      q = this.arrays[this.activeIdx]!;
    }
    const next = q.shift();
    if (next === undefined) {
      this.current = null;
      return;
    }
    next.array = -1;
    let switchNs = 0;
    if (this.wokeFromBlock.delete(next)) {
      // A task that was blocked pays the wake-up path (try_to_wake_up, schedule, switch).
      switchNs = this.p.wakeupNs;
      next.wakeups++;
    } else if (next !== this.last) {
      switchNs = this.p.contextSwitchNs;
      next.switchIns++;
    }
    this.last = next;
    this.current = next;
    next.ranNs = 0;
    this.needResched = false;
    this.startPiece(next, switchNs);
  }

  /** Tasks that were blocked when they became runnable: their switch-in is a wake-up. */
  private readonly wokeFromBlock = new Set<O1Task>();

  private startPiece(t: O1Task, overheadNs: number): void {
    const piece = Math.min(t.headRemainingNs(), t.sliceLeftNs, this.p.chunkNs);
    this.pieceNs = piece;
    this.cpu.run(overheadNs + piece, O1Scheduler.prototype.pieceDone, this, t);
  }

  /** @internal a piece of the current task's work is done: account, then tick rules. */
  pieceDone(t: O1Task): void {
    const ns = this.pieceNs;
    t.sliceLeftNs -= ns;
    t.consume(ns);
    if (t.sliceLeftNs <= 0) {
      // scheduler_tick: a new timeslice and priority; an interactive task stays in the active
      // array, any other goes to the expired one.
      t.prio = t.effectivePrio();
      t.sliceLeftNs = o1TimesliceNs(t.nice, this.p);
      if (t.hasWork()) {
        t.chargeRun();
        this.enqueue(t, t.interactive() ? this.activeIdx : 1 - this.activeIdx);
        this.schedule();
        return;
      }
    }
    if (!t.hasWork()) {
      // It blocks (select, read): its sleep starts; schedule another, or idle.
      t.chargeRun();
      t.blocked = true;
      t.stampNs = this.sim.now;
      this.schedule();
      return;
    }
    if (this.needResched) {
      // Preempted: it stays at the head of its priority in the active array.
      t.chargeRun();
      this.enqueue(t, this.activeIdx, true);
      this.schedule();
      return;
    }
    this.startPiece(t, 0);
  }
}

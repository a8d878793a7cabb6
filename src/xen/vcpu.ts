/**
 * Virtual CPUs on physical cores under Xen 3.0.1's default scheduler, SEDF (simple earliest
 * deadline first; xen RELEASE-3.0.0 and 3.0.2-branched `xen/common/sched_sedf.c`, default
 * `opt_sched = "sedf"` in `schedule.c`). Rules as the source has them (UNBLOCK_EXTRA_SUPPORT,
 * EXTRA_BLOCK_WEIGHT builds):
 *  - each VCPU has a period and a slice; dom0 20 ms / 15 ms (a real-time reservation), guests
 *    slice 0 (best effort): they run only in extra time. Both are EXTRA_AWARE;
 *  - the run queue (deadline order) beats extra time; extra time goes first to the penalty queue
 *    (a VCPU that blocked and woke inside its period gets back the slice it lost), then to the
 *    utilisation queue by score (a stride: 2^17/extraweight for a guest, 1024*period/slice for
 *    dom0: lower runs first, each run charges its score to the others);
 *  - extra time is handed out in EXTRA_QUANTUM slices (500 us): a guest VCPU that keeps the
 *    CPU is re-scheduled every quantum (`schedNs` each), and no quantum starts when less than
 *    one is left before a reservation's next period (the core idles);
 *  - a waking VCPU preempts the running one when `should_switch` says so: always an idle core,
 *    never a VCPU in its EDF slice, a guest in utilisation extra time when the waker wants the
 *    penalty queue, or anyone when the waker's period begins before the current slice ends.
 * Costs on top of the work: a VCPU that was blocked pays `vcpuWakeNs` on its first item; a
 * core that switches to another VCPU than it last ran pays `domainSwitchNs` (lazy switch: idle
 * in between does not count); a timer-driven scheduler invocation (slice or quantum end) pays
 * `schedNs`. The hypervisor's own 10 ms tick is an interruption stream on the physical core
 * (node.ts), the guest kernel's noise an optional `Interruptions` on the VCPU.
 *
 * Work is a FIFO of items per VCPU, each with a completion callback: the core decides at
 * dispatch time which VCPU runs, and a preempted item resumes later with what is left.
 */
import type { Simulator, EventFn, SimEvent } from '../engine/simulator.js';
import { Signal, type Waitable } from '../engine/process.js';
import type { Core } from '../hw/cpu.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { Interruptions } from '../hw/interruptions.js';

/** SEDF parameters of one VCPU (sedf_add_task defaults unless a profile says otherwise). */
export interface SedfParams {
  periodNs: number;
  /** 0 = best effort: runs only in extra time. */
  sliceNs: number;
  /** Weight in the utilisation extra queue; 0 = score from period/slice (dom0). */
  extraWeight: number;
}

/** Per-core scheduler costs and the extra-time quantum. */
export interface SedfCosts {
  extraQuantumNs: number;
  schedNs: number;
  wakeNs: number;
  switchNs: number;
}

const PEN = 0;
const UTIL = 1;


// The queues hold a few VCPUs (those of one core): the inserts and removals below move the
// elements by hand, as Array.prototype.splice showed in profiles of Xen runs (it allocates the
// array of removed elements on every call). The insert appends by a store at `length`, not by
// push: optimised code called the push builtin here (about 100 instructions a call, callgrind).
function insertAt(q: Vcpu[], at: number, v: Vcpu): void {
  for (let i = q.length; i > at; i--) q[i] = q[i - 1]!;
  q[at] = v;
}
function removeAt(q: Vcpu[], at: number): void {
  const n = q.length - 1;
  for (let i = at; i < n; i++) q[i] = q[i + 1]!;
  q.pop();
}
/** Same as list_insert_sort by deadline: before the first element with a later one (ties go after). */
function insertByDeadline(q: Vcpu[], v: Vcpu): void {
  const k = v.deadlNs;
  let i = 0;
  while (i < q.length && !(k < q[i]!.deadlNs)) i++;
  insertAt(q, i, v);
}
/** Same as list_insert_sort by period begin (deadline - period). */
function insertByPeriodBegin(q: Vcpu[], v: Vcpu): void {
  const k = v.deadlNs - v.periodNs;
  let i = 0;
  while (i < q.length && !(k < q[i]!.deadlNs - q[i]!.periodNs)) i++;
  insertAt(q, i, v);
}
/**
 * Position of v in q, or -1. A loop rather than Array.prototype.indexOf/includes: the queues
 * hold one or two VCPUs, and the builtin's call cost more than the search (it ran ~8 times per
 * wake and block in Xen runs).
 */
function indexIn(q: Vcpu[], v: Vcpu): number {
  for (let i = 0; i < q.length; i++) if (q[i] === v) return i;
  return -1;
}
function removeFrom(q: Vcpu[], v: Vcpu): boolean {
  const i = indexIn(q, v);
  if (i < 0) return false;
  removeAt(q, i);
  return true;
}
const byPeriodBegin = (v: Vcpu): number => v.deadlNs - v.periodNs;
/**
 * An empty queue whose elements are already of the 'objects' kind: an empty literal starts as
 * 'small integers' and changes kind at its first VCPU, which deoptimised the code that had only
 * seen it empty (--trace-deopt: wrong map in wake when the penalty queue was first used) and left
 * every queue access checking two maps.
 */
function vcpuQueue(): Vcpu[] {
  const q: Vcpu[] = [null as unknown as Vcpu];
  q.pop();
  return q;
}

/** A physical core and its SEDF queues (per-CPU: VCPUs do not migrate in SEDF). */
export class Pcpu {
  /** The VCPU whose state is loaded (last run; idle does not unload it). */
  last: Vcpu | null = null;
  /** The VCPU running now, or null when the core is idle. */
  current: Vcpu | null = null;
  readonly runq: Vcpu[] = vcpuQueue();
  readonly waitq: Vcpu[] = vcpuQueue();
  readonly extraq: [Vcpu[], Vcpu[]] = [vcpuQueue(), vcpuQueue()];
  /** End of the current slice or quantum (current_slice_expires). */
  sliceExpiresNs = Infinity;
  // The core's pending segment end or block check (a pooled event: dropped when it runs or is cancelled).
  private ev: SimEvent | null = null;
  // The segment in progress: the current VCPU's head item runs until segEndNs (if not cut).
  private segEndNs = 0;
  private segItemEnds = false;
  private inCallback = false;
  private blockPending = false;
  private hvBusyUntilNs = 0;
  private reschedulePending = false;
  /**
   * Whether wake and block take their shortcuts for a core with no other VCPU queued (wakeAlone,
   * blockAlone): only with the simulator's batching, so that test/engine/batching.test.ts, which
   * replays random Xen scenarios with batching off, compares them with the general path byte for
   * byte (results and traces).
   */
  private readonly shortcuts: boolean;

  constructor(
    readonly sim: Simulator,
    readonly core: Core,
    readonly costs: SedfCosts,
  ) {
    this.shortcuts = sim.batching;
    // Doubles from construction on (see Vcpu's busyNs): a sum of ns that passes 2^31.
    this.idleRunnableNs = 0.5;
    this.idleRunnableNs = 0;
  }

  /** A VCPU on this core got work while blocked (sedf_wake + should_switch). */
  wake(v: Vcpu): void {
    if (this.shortcuts && this.current === null && !this.inCallback && this.queuesEmpty()) {
      this.wakeAlone(v);
      return;
    }
    const now = this.sim.now;
    if (indexIn(this.runq, v) >= 0 || indexIn(this.waitq, v) >= 0) return;
    v.asleep = false;
    if (v.deadlNs === 0) v.deadlNs = now + v.sliceNs;
    if (now < v.deadlNs - v.periodNs) {
      // Woke in extra time (its slice of this period is used up).
      if (v.wantPen) this.extraAdd(v, PEN, 0);
      this.extraAddUnblocked(v);
    } else if (now < v.deadlNs) {
      // Short block: no more real time this period; the lost slice is owed in penalty extra time.
      v.deadlNs += v.periodNs;
      if (v.blockAbsNs !== 0) {
        const pen = Math.max(0, v.sliceNs - v.cputimeNs);
        v.penaltyNs = pen;
        if (pen > 0) {
          v.score[PEN] = Math.floor((v.periodNs * 1024) / pen);
          if (!removeFrom(this.extraq[PEN], v)) v.wantPen = true;
          this.extraAdd(v, PEN, 0);
        }
      }
      v.cputimeNs = 0;
      this.extraAddUnblocked(v);
    } else {
      // Long block: the waking time starts a new period.
      v.deadlNs = now + v.periodNs;
      v.cputimeNs = 0;
      this.extraAddUnblocked(v);
    }
    if (v.deadlNs - v.periodNs > now) insertByPeriodBegin(this.waitq, v);
    else insertByDeadline(this.runq, v);
    if (this.shouldSwitch(v)) this.preempt();
  }

  private queuesEmpty(): boolean {
    return this.runq.length === 0 && this.waitq.length === 0 && this.extraq[PEN].length === 0 && this.extraq[UTIL].length === 0;
  }

  /**
   * wake() in its commonest case, cut short: an idle core with nothing queued (the waker is on no
   * queue, and shouldSwitch is true on an idle core). The same rules as wake's, each queue insert
   * into an empty queue; then preempt's re-schedule. The general path cost ~500 instructions per
   * wake here (callgrind), mostly its searches and insert calls.
   */
  private wakeAlone(v: Vcpu): void {
    const now = this.sim.now;
    v.asleep = false;
    if (v.deadlNs === 0) v.deadlNs = now + v.sliceNs;
    if (now < v.deadlNs - v.periodNs) {
      if (v.wantPen) this.extraq[PEN][0] = v;
    } else if (now < v.deadlNs) {
      v.deadlNs += v.periodNs;
      if (v.blockAbsNs !== 0) {
        const pen = Math.max(0, v.sliceNs - v.cputimeNs);
        v.penaltyNs = pen;
        if (pen > 0) {
          v.score[PEN] = Math.floor((v.periodNs * 1024) / pen);
          v.wantPen = true;
          this.extraq[PEN][0] = v;
        }
      }
      v.cputimeNs = 0;
    } else {
      v.deadlNs = now + v.periodNs;
      v.cputimeNs = 0;
    }
    this.extraq[UTIL][0] = v;
    if (v.deadlNs - v.periodNs > now) this.waitq[0] = v;
    else this.runq[0] = v;
    // preempt() outside a callback: nothing runs, so there is no segment to account.
    this.sim.cancel(this.ev);
    this.ev = null;
    this.blockPending = false;
    this.schedule(false);
  }

  private extraAddUnblocked(v: Vcpu): void {
    // Every VCPU is EXTRA_AWARE in 3.0.1's defaults (dom0 and guests alike).
    if (indexIn(this.extraq[UTIL], v) < 0) this.extraAdd(v, UTIL, 0);
  }

  /** extraq_add_sort_update: insert by score, charging `sub` to every VCPU on the queue. */
  private extraAdd(v: Vcpu, i: number, sub: number): void {
    const q = this.extraq[i]!;
    let at = q.length;
    for (let j = 0; j < q.length; j++) {
      const o = q[j]!;
      o.score[i]! -= sub;
      if (at === q.length && v.score[i]! < o.score[i]!) {
        at = j;
        if (sub === 0) break;
      }
    }
    insertAt(q, at, v);
  }

  private shouldSwitch(v: Vcpu): boolean {
    if (v.deadlNs - v.periodNs < this.sliceExpiresNs) return true;
    const cur = this.current;
    if (cur === null) return true;
    if (cur.runPen) return v.wantPen && v.score[PEN]! < cur.score[PEN]!;
    if (cur.runUtil) return v.wantPen;
    return false; // a VCPU in its EDF slice is not interrupted
  }

  /** Stop the running segment now and re-schedule (after a callback, if inside one). */
  private preempt(): void {
    if (this.inCallback) {
      this.reschedulePending = true;
      return;
    }
    this.sim.cancel(this.ev);
    this.ev = null;
    this.blockPending = false;
    this.accountSegment();
    this.schedule(false);
  }

  /**
   * Charge the progress of the segment up to now to the running item. The time is read here,
   * not passed: a time above 2^31 ns passed to a call that is not inlined is boxed (a heap
   * number per call).
   */
  private accountSegment(): void {
    const t = this.sim.now;
    const v = this.current;
    if (v === null || v.itemCount() === 0) return;
    const r = v.headRemainingNs();
    // The interruptions served so far are assumed to lie before t: the item keeps at least as
    // much work as is left to the segment's end (an interruption after t may be counted twice).
    const left = Math.min(r, Math.max(0, this.segEndNs - t));
    v.setHeadRemainingNs(left);
  }

  onBlockCheck(): void {
    this.ev = null;
    this.blockPending = false;
    const v = this.current;
    if (v !== null && v.itemCount() > 0) {
      this.startSegment(false);
      return;
    }
    this.schedule(false);
  }

  /** The running VCPU, out of work a moment ago, got more at the same instant: go on. */
  resume(): void {
    if (!this.blockPending) return;
    this.blockPending = false;
    this.sim.cancel(this.ev);
    this.ev = null;
    this.startSegment(false);
  }

  onSegmentEnd(): void {
    this.ev = null;
    const v = this.current;
    if (v !== null && this.segItemEnds) {
      v.setHeadRemainingNs(0);
      this.inCallback = true;
      v.completeHead();
      this.inCallback = false;
      if (this.reschedulePending) {
        this.reschedulePending = false;
        if (v.itemCount() === 0) v.asleep = true;
        this.schedule(false);
        return;
      }
      if (v.itemCount() > 0) {
        this.startSegment(false);
        return;
      }
      // Out of work. Work that its own code submits at this same instant (a process resuming
      // from the item just done) continues on the VCPU without a block: decide after it. With
      // nothing else due at this instant, the check would be the next event: run it now.
      if (this.sim.batching && this.sim.nothingElseNow()) {
        this.schedule(false);
        return;
      }
      this.blockPending = true;
      this.ev = this.sim.atPooled(this.sim.now, onBlockCheckFn, this);
      return;
    }
    this.accountSegment();
    this.schedule(true);
  }

  /** sedf_do_schedule and the switch to its choice. `timed`: a slice or quantum ended. */
  private schedule(timed: boolean): void {
    const now = this.sim.now;
    let overheadNs = timed ? this.costs.schedNs : 0;
    const cur = this.current;
    if (this.shortcuts && !timed && cur !== null && cur.itemCount() === 0 && (cur.runPen || cur.runUtil) && this.queuesHoldOnly(cur)) {
      this.blockAlone(cur);
      return;
    }
    if (cur !== null) {
      if (cur.itemCount() === 0) cur.asleep = true;
      if (cur.asleep) cur.blockAbsNs = now;
      if (cur.runPen || cur.runUtil) this.deschedExtra(now, cur);
      else this.deschedEdf(cur);
    }
    this.updateQueues(now);
    let next: Vcpu | null = null;
    let timeNs: number;
    if (this.runq.length > 0) {
      next = this.runq[0]!;
      timeNs = next.sliceNs - next.cputimeNs;
      if (this.waitq.length > 0) timeNs = Math.min(now + timeNs, byPeriodBegin(this.waitq[0]!)) - now;
    } else if (this.waitq.length > 0) {
      const endXt = byPeriodBegin(this.waitq[0]!);
      timeNs = endXt - now;
      if (endXt - now >= this.costs.extraQuantumNs) {
        if (this.extraq[PEN].length > 0) {
          next = this.extraq[PEN][0]!;
          next.runPen = true;
          timeNs = this.costs.extraQuantumNs;
        } else if (this.extraq[UTIL].length > 0) {
          next = this.extraq[UTIL][0]!;
          next.runUtil = true;
          timeNs = this.costs.extraQuantumNs;
        }
      }
    } else {
      timeNs = Infinity; // idle until a wake
    }
    if (timeNs <= 0) timeNs = this.costs.extraQuantumNs; // "seriously BEHIND schedule"
    if (next === null && timeNs !== Infinity && this.waitq.length > 0) this.idleRunnableNs += timeNs;
    this.current = next;
    this.sliceExpiresNs = now + timeNs;
    if (next !== null) {
      next.schedStartNs = now;
      if (this.last !== next) {
        if (this.last !== null) {
          overheadNs += this.costs.switchNs;
          next.switches++;
        }
        this.last = next;
      }
    }
    // Hypervisor work already under way (a decision interrupted by a wake) finishes first.
    const base = Math.max(now, this.hvBusyUntilNs);
    this.hvBusyUntilNs = base + overheadNs;
    this.startSegment(true);
  }

  /** True when no VCPU but v is on this core's queues (each holds v or nothing; the run queue nothing). */
  private queuesHoldOnly(v: Vcpu): boolean {
    const w = this.waitq;
    const pen = this.extraq[PEN];
    const util = this.extraq[UTIL];
    return (
      this.runq.length === 0 &&
      (w.length === 0 || (w.length === 1 && w[0] === v)) &&
      (pen.length === 0 || (pen.length === 1 && pen[0] === v)) &&
      (util.length === 0 || (util.length === 1 && util[0] === v))
    );
  }

  /**
   * schedule(false) in its commonest case, cut short: the VCPU running in extra time is out of
   * work and no other VCPU is queued on the core. The state ends as the general path leaves it
   * (deschedExtra of a sleeping VCPU takes it off every queue, updateQueues has nothing to move,
   * nothing is runnable: the core idles with no slice end), without the queue searches and
   * calls (the general path cost ~400 instructions per block, callgrind).
   */
  private blockAlone(v: Vcpu): void {
    const now = this.sim.now;
    v.asleep = true;
    v.blockAbsNs = now;
    if (v.runPen) {
      v.penaltyNs -= now - v.schedStartNs;
      if (v.penaltyNs <= 0) {
        v.penaltyNs = 0;
        v.wantPen = false;
      } else {
        v.score[PEN] = Math.floor((v.periodNs * 1024) / v.penaltyNs);
      }
    } else {
      v.score[UTIL] = v.utilScore;
    }
    v.runPen = false;
    v.runUtil = false;
    v.cputimeNs = 0;
    if (this.waitq.length > 0) this.waitq.pop();
    if (this.extraq[PEN].length > 0) this.extraq[PEN].pop();
    if (this.extraq[UTIL].length > 0) this.extraq[UTIL].pop();
    this.current = null;
    this.sliceExpiresNs = Infinity;
    // No scheduler overhead (not timed, no switch); startSegment with no VCPU and no slice end.
    const base = Math.max(now, this.hvBusyUntilNs);
    this.hvBusyUntilNs = base;
    this.segItemEnds = false;
    this.segEndNs = base;
  }

  /**
   * Time the core idled with a runnable VCPU waiting for its next period because less than one
   * extra quantum was left before it (ns; an upper bound: a wake may cut the idle short).
   */
  idleRunnableNs = 0;

  // One call of atPooled, for a small body: this is inlined into onSegmentEnd and schedule, and
  // what their inlining budget leaves out is called with its times boxed (a heap number each).
  // The start is not passed for the same reason: it is now, or with `afterHv` the end of the
  // hypervisor's work (hvBusyUntilNs, which schedule has just set).
  private startSegment(afterHv: boolean): void {
    const v = this.current;
    const expires = this.sliceExpiresNs;
    const now = this.sim.now;
    const startNs = afterHv ? this.hvBusyUntilNs : now;
    let evNs: number;
    if (v === null || v.itemCount() === 0) {
      this.segItemEnds = false;
      this.segEndNs = startNs;
      if (expires === Infinity) return;
      evNs = Math.max(expires, now);
    } else {
      const work = v.headRemainingNs();
      const start = Math.min(startNs, Math.max(expires, now));
      if (start < expires) {
        const guestIntr = v.interruptions;
        const guestEnd = guestIntr === null ? start + work : guestIntr.stretch(start, work);
        const coreIntr = this.core.interruptions;
        const end = coreIntr === null ? guestEnd : coreIntr.stretch(start, guestEnd - start);
        this.segItemEnds = end <= expires;
        this.segEndNs = end;
        evNs = end <= expires ? end : Math.max(expires, now);
      } else {
        this.segItemEnds = false;
        this.segEndNs = start + work;
        evNs = Math.max(expires, now);
      }
    }
    this.ev = this.sim.atPooled(evNs, onSegmentEndFn, this);
  }

  /** (now read here rather than passed, as in accountSegment) */
  private deschedEdf(v: Vcpu): void {
    const now = this.sim.now;
    v.cputimeNs += now - v.schedStartNs;
    if (v.cputimeNs < v.sliceNs && !v.asleep) return;
    removeFrom(this.runq, v);
    removeFrom(this.waitq, v);
    if (v.cputimeNs >= v.sliceNs) {
      v.cputimeNs -= v.sliceNs;
      v.deadlNs += v.periodNs;
    }
    if (!v.asleep) insertByPeriodBegin(this.waitq, v);
    else {
      removeFrom(this.extraq[PEN], v);
      removeFrom(this.extraq[UTIL], v);
    }
  }

  private deschedExtra(now: number, v: Vcpu): void {
    const i = v.runPen ? PEN : UTIL;
    v.runPen = false;
    v.runUtil = false;
    v.cputimeNs = 0;
    removeFrom(this.extraq[i]!, v);
    let oldScore = v.score[i]!;
    if (i === PEN) {
      v.penaltyNs -= now - v.schedStartNs;
      if (v.penaltyNs <= 0) {
        v.penaltyNs = 0;
        v.wantPen = false;
      } else {
        v.score[PEN] = Math.floor((v.periodNs * 1024) / v.penaltyNs);
        oldScore = 0;
      }
    } else {
      v.score[UTIL] = v.utilScore;
    }
    if (!v.asleep) {
      if (i === UTIL || (v.wantPen && i === PEN)) this.extraAdd(v, i, oldScore);
    } else {
      removeFrom(this.runq, v);
      removeFrom(this.waitq, v);
      removeFrom(this.extraq[1 - i]!, v);
    }
  }

  private updateQueues(now: number): void {
    while (this.waitq.length > 0 && byPeriodBegin(this.waitq[0]!) <= now) {
      const v = this.waitq[0]!;
      removeAt(this.waitq, 0);
      insertByDeadline(this.runq, v);
    }
    // The run queue from its head, as update_queues walks it: it stops at the first VCPU that
    // may stay; the ones before it are moved (no copy of the queue: this runs per decision).
    while (this.runq.length > 0) {
      const v = this.runq[0]!;
      if (v.sliceNs === 0) {
        removeAt(this.runq, 0);
        v.deadlNs += v.periodNs;
        const pb = v.deadlNs - v.periodNs;
        if (pb < now) v.deadlNs += Math.ceil((now - pb) / v.periodNs) * v.periodNs;
        insertByPeriodBegin(this.waitq, v);
        continue;
      }
      if (!(v.deadlNs < now || v.cputimeNs > v.sliceNs)) break;
      removeAt(this.runq, 0);
      v.deadlNs += v.periodNs;
      if (v.deadlNs < now) v.deadlNs += Math.ceil((now - v.deadlNs) / v.periodNs) * v.periodNs;
      v.cputimeNs = 0;
      if (v.deadlNs - v.periodNs > now) insertByPeriodBegin(this.waitq, v);
      else {
        insertByDeadline(this.runq, v);
        if (this.runq[0] === v) break; // fixed and back at the head: it may stay
      }
    }
  }

  /** Start the core if it idles and the VCPU just woke there (called by Vcpu.run). */
  kick(): void {
    if (this.current === null && this.ev === null && !this.inCallback) this.schedule(false);
  }
}

// The event methods as module constants: `Pcpu.prototype.onSegmentEnd` at a call site is a load
// of `prototype` from a class binding, which optimised code does through a LoadIC call (a class
// declaration is a mutable binding, so V8 does not fold it; callgrind showed it on every event).
const onSegmentEndFn = Pcpu.prototype.onSegmentEnd;
const onBlockCheckFn = Pcpu.prototype.onBlockCheck;

export class Vcpu implements ExecUnit {
  busyNs = 0;
  /** Wake-ups paid (work arriving while blocked). */
  wakes = 0;
  /** Domain switches paid on this VCPU's core before its work. */
  switches = 0;
  /** Noise of the guest kernel on this VCPU (its ticks, daemons), or null. */
  interruptions: Interruptions | null = null;

  // ---- SEDF state (sedf_vcpu_info) ----
  readonly periodNs: number;
  readonly sliceNs: number;
  readonly extraWeight: number;
  /** The score a VCPU takes back after a run in utilisation extra time (fixed by its parameters). */
  readonly utilScore: number;
  asleep = true;
  runPen = false;
  runUtil = false;
  wantPen = false;
  deadlNs = 0;
  cputimeNs = 0;
  schedStartNs = 0;
  blockAbsNs = 0;
  penaltyNs = 0;
  readonly score = [0, 0];

  // Work items, FIFO: parallel arrays used as slots [head, tail), bounded by the items pending.
  // Slots are reused (both indices go back to 0 when the queue empties) rather than the arrays
  // truncated: setting an array's length showed in profiles of Xen runs.
  private readonly remNs: number[] = [];
  private readonly fns: (EventFn | null)[] = [];
  private readonly targets: any[] = [];
  private readonly args: any[] = [];
  private head = 0;
  private tail = 0;
  /** Signals of finished waits, for the next wait (one per wait in flight at most). */
  private readonly freeSignals: Signal<void>[] = [];
  private completing = false;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    readonly pcpu: Pcpu,
    sedf: SedfParams,
  ) {
    this.periodNs = sedf.periodNs;
    this.sliceNs = sedf.sliceNs;
    this.extraWeight = sedf.extraWeight;
    const w = sedf.extraWeight;
    this.utilScore = w > 0 || sedf.sliceNs <= 0 ? Math.floor(131072 / Math.max(1, w)) : Math.floor((sedf.periodNs * 1024) / sedf.sliceNs);
    // A fraction first, so that the field holds doubles from construction on: a field that starts
    // as 0 holds small integers, and when the sum passed 2^31 ns (dom0, about op 60 of com bi
    // 1 MiB) its change of representation gave every Vcpu a new map, and some 40 functions that
    // take one (netback, netfront, tcp, the NIC, here) deoptimised and were compiled again.
    this.busyNs = 0.5;
    this.busyNs = 0;
  }

  /** True when the VCPU has no work queued or running: it is blocked in the hypervisor. */
  get blocked(): boolean {
    return this.itemCount() === 0;
  }

  /** Item slots held in memory (the most items pending at once, plus compaction slack). */
  get storedItems(): number {
    return this.remNs.length;
  }

  itemCount(): number {
    return this.tail - this.head;
  }
  headRemainingNs(): number {
    return this.remNs[this.head]!;
  }
  setHeadRemainingNs(ns: number): void {
    this.remNs[this.head] = ns;
  }

  /** Pops the head item and calls its callback (the Pcpu calls this at its completion). */
  completeHead(): void {
    const fn = this.fns[this.head]!;
    const target = this.targets[this.head];
    const arg = this.args[this.head];
    this.fns[this.head] = null;
    this.targets[this.head] = undefined;
    this.args[this.head] = undefined;
    this.head++;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      // A long backlog that never empties: move the pending items down to slot 0.
      const h = this.head;
      const n = this.tail - h;
      this.remNs.copyWithin(0, h, this.tail);
      this.fns.copyWithin(0, h, this.tail);
      this.targets.copyWithin(0, h, this.tail);
      this.args.copyWithin(0, h, this.tail);
      for (let i = n; i < this.tail; i++) {
        this.fns[i] = null;
        this.targets[i] = undefined;
        this.args[i] = undefined;
      }
      this.head = 0;
      this.tail = n;
    }
    if (fn !== null) {
      this.completing = true;
      fn.call(target, arg);
      this.completing = false;
    }
  }

  run<T, A>(ns: number, fn: EventFn<T, A> | null = null, target?: T, arg?: A): void {
    let cost = Math.round(ns);
    const wasBlocked = this.itemCount() === 0 && this.pcpu.current !== this;
    if (wasBlocked) {
      cost += this.pcpu.costs.wakeNs;
      this.wakes++;
    }
    const i = this.tail++;
    if (i === this.remNs.length) {
      this.remNs.push(cost);
      this.fns.push(fn);
      this.targets.push(target);
      this.args.push(arg);
    } else {
      this.remNs[i] = cost;
      this.fns[i] = fn;
      this.targets[i] = target;
      this.args[i] = arg;
    }
    this.busyNs += cost;
    this.pcpu.core.busyNs += cost;
    if (wasBlocked) {
      this.pcpu.wake(this);
      this.pcpu.kick();
    } else if (this.pcpu.current === this) this.pcpu.resume();
  }

  wait(ns: number): Waitable {
    const s = this.freeSignals.pop() ?? new Signal<void>(this.sim);
    this.run(ns, waitDoneFn, this, s);
    return s;
  }

  /** A wait's work is done: wake its process; the signal serves a later wait. */
  waitDone(s: Signal<void>): void {
    s.fire();
    this.freeSignals.push(s);
  }

  /** True while the callback of one of this VCPU's items runs (the code it ran acts now). */
  runningAtNow(): boolean {
    return this.completing;
  }
}

const waitDoneFn = Vcpu.prototype.waitDone;

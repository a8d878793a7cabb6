/**
 * Something that executes work one item at a time: a physical CPU core, or (under Xen) a
 * virtual CPU that the hypervisor schedules onto physical cores. Work is charged as time.
 *
 * Completion is reported by callback (`run`) or to a waiting process (`wait`), never as a time
 * fixed at submission: a VCPU's item can be preempted by another VCPU that becomes runnable
 * later, so only the unit itself knows when the item ends.
 */
import type { EventFn } from '../engine/simulator.js';
import type { Waitable } from '../engine/process.js';

export interface ExecUnit {
  readonly name: string;
  /**
   * Charge `ns` of work submitted now and call `fn.call(target, arg)` when it is done (nothing
   * when `fn` is null or absent). Items of one unit run one at a time in submission order (FIFO).
   */
  run<T, A>(ns: number, fn?: EventFn<T, A> | null, target?: T, arg?: A): void;
  /** Charge `ns` of work for a process: yield the result to wait until the work is done. */
  wait(ns: number): Waitable;
  /** Total work executed so far (ns). */
  readonly busyNs: number;
}

/**
 * Blocking socket calls for processes (generators). Each charges its cost to the process's CPU
 * and waits for it: the system call, the copy between user and kernel, and the wake-up when the
 * call had to sleep. A process has one waker signal that all its sockets fire (data arrived,
 * send space freed); sleeping on it is what select() does.
 */
import { Routine, Signal, type ProcessBody, type Waitable } from '../engine/process.js';
import type { Simulator } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { HostParams } from './profile.js';
import type { StreamSocket } from './socket.js';

/** What a process needs to make system calls. */
export class ProcCtx {
  readonly waker: Signal<void>;
  constructor(
    readonly sim: Simulator,
    readonly unit: ExecUnit,
    readonly params: HostParams,
    readonly name: string,
  ) {
    this.waker = new Signal<void>(sim);
  }

  /** Make `sock` wake this process and run its process-context work on this CPU. */
  own(sock: StreamSocket): void {
    sock.setWaker(this.waker);
    sock.bindUnit(this.unit);
  }

  /** Wait for the CPU time of a read() or write() that copies `bytes`: the call, then the copy. */
  copyCall(bytes: number): Waitable {
    return this.unit.wait(this.params.syscallNs + bytes * this.params.copyNsPerByte);
  }

  /**
   * Pay the wake-up after sleeping on the waker. It is charged to the CPU without a wait of its
   * own: the process's next call waits for its own work, which the FIFO core runs after the
   * wake-up, so the times are the same with one event less.
   */
  chargeWakeup(): void {
    this.unit.run(this.params.wakeupNs);
  }
}

/** Charge `ns` of work to the process's CPU and wait until it is done. */
export function* compute(ctx: ProcCtx, ns: number): ProcessBody<void> {
  yield ctx.unit.wait(ns);
}

/** Sleep until one of the process's sockets signals (select), then pay the wake-up. */
export function* waitForEvent(ctx: ProcCtx): ProcessBody<void> {
  yield ctx.waker;
  ctx.chargeWakeup();
}

/** One non-blocking write(): returns the bytes accepted (0 = EAGAIN). */
export function* writeOnce(ctx: ProcCtx, sock: StreamSocket, bytes: number): ProcessBody<number> {
  const room = sock.writableBytes;
  const n = Math.min(bytes, room);
  yield ctx.copyCall(n);
  return n > 0 ? sock.writeSome(n) : 0;
}

/** Blocking write of `bytes`: returns when all are in the send buffer. */
export function* writeAll(ctx: ProcCtx, sock: StreamSocket, bytes: number): ProcessBody<void> {
  let left = bytes;
  while (left > 0) {
    if (sock.writableBytes === 0) {
      yield* waitForEvent(ctx);
      continue;
    }
    left -= yield* writeOnce(ctx, sock, left);
  }
}

/** One non-blocking read(): returns the bytes taken (0 = EAGAIN). */
export function* readOnce(ctx: ProcCtx, sock: StreamSocket, bytes: number): ProcessBody<number> {
  const n = Math.min(bytes, sock.readableBytes);
  yield ctx.copyCall(n);
  return n > 0 ? sock.readSome(n) : 0;
}

/**
 * Blocking read of exactly `bytes`: waitForEvent and readOnce written out in one loop (the same
 * yields and charges in the same order), run as a Routine: a read that waits for every frame is
 * resumed directly at each wake-up, not through every generator of the rank's program above it.
 */
export function* readExactly(ctx: ProcCtx, sock: StreamSocket, bytes: number): ProcessBody<void> {
  if (bytes > 0) yield new ReadExactly(ctx, sock, bytes);
}

const READ_TOP = 0;
/** Woken by the process's signal: the wake-up is charged next. */
const READ_WOKE = 1;
/** The read() of `n` bytes has been charged and waited for: the bytes are taken next. */
const READ_DONE = 2;

/** readExactly's loop as a state machine: `state` says which wait `resume` returns from. */
class ReadExactly extends Routine<void> {
  private left: number;
  private n = 0;
  private state = READ_TOP;

  constructor(
    private readonly ctx: ProcCtx,
    private readonly sock: StreamSocket,
    bytes: number,
  ) {
    super();
    this.left = bytes;
  }

  resume(_value: unknown): Waitable | null {
    const ctx = this.ctx;
    if (this.state === READ_WOKE) ctx.chargeWakeup();
    else if (this.state === READ_DONE) this.left -= this.sock.readSome(this.n);
    if (this.left <= 0) return null;
    const readable = this.sock.readableBytes;
    if (readable === 0) {
      this.state = READ_WOKE;
      return ctx.waker;
    }
    const n = Math.min(this.left, readable);
    this.n = n;
    this.state = READ_DONE;
    return ctx.copyCall(n);
  }
}

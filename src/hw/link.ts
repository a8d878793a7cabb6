/**
 * One direction of a full-duplex Ethernet link: a FIFO transmitter. A frame occupies the wire
 * for (frame + 38 bytes of preamble, SFD, header, FCS and gap, minimum frame 64) at the line
 * rate, then arrives at the far end after the propagation delay. The transmitter keeps the end
 * times of the frames it holds, so its backlog (frames and bytes not yet fully sent) is known
 * at any moment without an event per frame.
 */
import type { Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import { type FrameSink, type Packet, wireBytes } from './packet.js';

/** Time (ns) `wireBytes` (a frame with its preamble, SFD and gap) occupy a link of `rateBps`. */
export function wireTimeNs(wireBytes: number, rateBps: number): number {
  return Math.round((wireBytes * 8e9) / rateBps);
}

/** Time (ns) a frame carrying an IP packet of `ipBytes` occupies a link of `rateBps`. */
export function serializationNs(ipBytes: number, rateBps: number): number {
  return wireTimeNs(wireBytes(ipBytes), rateBps);
}

export class LinkChannel {
  private busyUntilNs = 0;
  // Ring of (end time, wire bytes) of frames not yet known to be finished. Its capacity is a
  // power of two (64, doubled when full), so a slot index wraps with a mask, not a division.
  private endNs: Float64Array = new Float64Array(64);
  private sizes: Int32Array = new Int32Array(64);
  private head = 0;
  private count = 0;
  private queuedBytes = 0;
  framesSent = 0;
  /** Frames that carry TCP payload (pure ACKs excluded): the "data frames" of events per frame. */
  dataFramesSent = 0;
  bytesSent = 0;
  private readonly trace: TraceLayer | null;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    readonly rateBps: number,
    readonly propagationNs: number,
    private readonly sink: FrameSink,
    private readonly traceNode = name,
  ) {
    this.trace = sim.trace ? sim.trace.layer('wire') : null;
  }

  /** Drop from the ring the frames whose last bit has left by `timeNs`. */
  private reap(timeNs: number): void {
    const mask = this.endNs.length - 1;
    while (this.count > 0 && this.endNs[this.head]! <= timeNs) {
      this.queuedBytes -= this.sizes[this.head]!;
      this.head = (this.head + 1) & mask;
      this.count--;
    }
  }

  /** Frames held (waiting or on the wire) at `timeNs` (monotone across calls). */
  backlogFrames(timeNs = this.sim.now): number {
    this.reap(timeNs);
    return this.count;
  }

  /** Wire bytes held at `timeNs` (monotone across calls). */
  backlogBytes(timeNs = this.sim.now): number {
    this.reap(timeNs);
    return this.queuedBytes;
  }

  /** End time of the last frame accepted so far. */
  get idleAtNs(): number {
    return this.busyUntilNs;
  }

  /**
   * Queue a frame that is ready at `readyNs` (>= now, non-decreasing across calls); the time its
   * last bit leaves is `idleAtNs` afterwards. It reaches the sink one propagation delay later.
   * Nothing is returned: a time above 2^31 ns returned from a call V8 does not inline is a heap
   * number allocated per frame.
   */
  transmitAt(pkt: Packet, readyNs: number): void {
    const bytes = wireBytes(pkt.ipBytes);
    const start = readyNs > this.busyUntilNs ? readyNs : this.busyUntilNs;
    const end = start + wireTimeNs(bytes, this.rateBps);
    this.busyUntilNs = end;
    this.reap(readyNs);
    if (this.count === this.endNs.length) this.grow();
    const slot = (this.head + this.count) & (this.endNs.length - 1);
    this.endNs[slot] = end;
    this.sizes[slot] = bytes;
    this.count++;
    this.queuedBytes += bytes;
    this.framesSent++;
    if (pkt.len > 0) this.dataFramesSent++;
    this.bytesSent += bytes;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.traceNode, 'tx', pkt.to.flowLabel, pkt.seq, pkt.len, this.count);
    this.sim.atPooled(end + this.propagationNs, this.sink.receiveFrame, this.sink, pkt);
  }

  private grow(): void {
    const cap = this.endNs.length;
    const e = new Float64Array(cap * 2);
    const s = new Int32Array(cap * 2);
    for (let i = 0; i < this.count; i++) {
      e[i] = this.endNs[(this.head + i) % cap]!;
      s[i] = this.sizes[(this.head + i) % cap]!;
    }
    this.endNs = e;
    this.sizes = s;
    this.head = 0;
  }
}

/**
 * The loopback device: packets between sockets of one host never reach a NIC; the sender's
 * transmit queues them on the backlog and the receive softirq processes them (no wire, no
 * interrupt throttling). Its MTU (16436 in 2.6 kernels) makes segments of 16384 bytes.
 */
import { trimFront } from '../engine/queue.js';
import type { NetDevice, Packet } from '../hw/packet.js';
import type { RxSource } from './napi.js';

export interface LoopbackKick {
  onRxInterrupt(): void;
}

export class LoopbackDevice implements NetDevice, RxSource {
  readonly name = 'lo';
  readonly tso = false;
  private readonly backlog: Packet[] = [];
  private head = 0;
  private kick: LoopbackKick | null = null;

  constructor(
    readonly mtuBytes: number,
    private readonly skbOverheadBytes: number,
  ) {}

  attach(kick: LoopbackKick): void {
    this.kick = kick;
  }

  send(pkt: Packet): boolean {
    this.backlog.push(pkt);
    this.kick!.onRxInterrupt();
    return true;
  }

  /** A loopback skb is the sender's skb: its data plus the skb overhead. */
  rxTruesizeBytes(ipBytes: number): number {
    return ipBytes + this.skbOverheadBytes;
  }

  pollRx(): Packet | undefined {
    if (this.head >= this.backlog.length) return undefined;
    const p = this.backlog[this.head++]!;
    this.head = trimFront(this.backlog, this.head, 256);
    return p;
  }

  enableIrq(): void {
    // The backlog softirq is raised per packet by send(); nothing to re-arm.
  }
}

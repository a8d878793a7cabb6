/**
 * The receive softirq as a server: on an interrupt it pays the interrupt entry, then takes
 * received packets one at a time from its source (a NIC's RX ring, the loopback backlog, or
 * under Xen netfront), charges each its protocol cost on one CPU and hands it to TCP. When the
 * source is empty it re-enables the source's interrupt (NAPI complete).
 */
import type { Simulator } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { Packet } from '../hw/packet.js';

export interface RxSource {
  pollRx(): Packet | undefined;
  enableIrq(): void;
}

/** Where polled packets go: the kernel's protocol input. */
export interface ProtocolInput {
  netifReceive(pkt: Packet, unit: ExecUnit): void;
}

export class NapiPoller {
  private running = false;
  packets = 0;

  constructor(
    readonly sim: Simulator,
    private readonly input: ProtocolInput,
    readonly unit: ExecUnit,
    private readonly source: RxSource,
    private readonly perPacketNs: number,
    private readonly irqNs: number,
  ) {}

  onRxInterrupt(): void {
    if (this.running) return;
    this.running = true;
    // The interrupt entry and the first packet run back to back on the same CPU: charging both
    // now gives the same completion time as an event between them, without the event.
    this.unit.run(this.irqNs);
    this.pollNext();
  }

  pollNext(): void {
    const pkt = this.source.pollRx();
    if (pkt === undefined) {
      this.running = false;
      this.source.enableIrq();
      return;
    }
    this.unit.run(this.perPacketNs, deliverFn, this, pkt);
  }

  deliver(pkt: Packet): void {
    this.packets++;
    this.input.netifReceive(pkt, this.unit);
    this.pollNext();
  }
}

/** As a module constant: V8 does not fold `NapiPoller.prototype.deliver` (a LoadIC call per packet). */
const deliverFn = NapiPoller.prototype.deliver;

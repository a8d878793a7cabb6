/**
 * A store-and-forward Ethernet switch. A frame is handled once it has fully arrived (the link
 * delivers it then); after the fabric latency it joins the output port's FIFO, or is dropped if
 * that port already holds `portBufferBytes` (drop-tail). Output ports are link transmitters
 * towards the hosts; frames are routed by destination address.
 */
import type { Simulator } from '../engine/simulator.js';
import type { TraceLayer } from '../engine/trace.js';
import { LinkChannel } from './link.js';
import { type FrameSink, type Packet, wireBytes } from './packet.js';

/** Addresses below this are routed through an array (node addresses are 1..n); others through a Map. */
const DENSE_ADDRESSES = 4096;

export class Switch implements FrameSink {
  private readonly portByAddress = new Map<number, LinkChannel>();
  /** portByAddress for addresses below DENSE_ADDRESSES, indexed by address: a Map lookup per frame showed in profiles. */
  private readonly portByLowAddress: (LinkChannel | null)[] = [];
  readonly ports: LinkChannel[] = [];
  drops = 0;
  /** Highest backlog seen on any output port (bytes), for the capacity invariant. */
  maxBacklogBytes = 0;
  private readonly trace: TraceLayer | null;

  constructor(
    private readonly sim: Simulator,
    readonly name: string,
    readonly portBufferBytes: number,
    readonly fabricLatencyNs: number,
  ) {
    this.trace = sim.trace ? sim.trace.layer('switch') : null;
  }

  /** Add an output port towards `sink`, for frames addressed to any of `addresses`. */
  addPort(portName: string, rateBps: number, propagationNs: number, sink: FrameSink, addresses: number[]): LinkChannel {
    const ch = new LinkChannel(this.sim, portName, rateBps, propagationNs, sink, this.name);
    this.ports.push(ch);
    for (const a of addresses) this.route(a, ch);
    return ch;
  }

  /** Route more addresses (e.g. a guest domain behind a host's bridge) to an existing port. */
  addAddress(port: LinkChannel, address: number): void {
    this.route(address, port);
  }

  private route(address: number, port: LinkChannel): void {
    this.portByAddress.set(address, port);
    if (Number.isInteger(address) && address >= 0 && address < DENSE_ADDRESSES) {
      while (this.portByLowAddress.length <= address) this.portByLowAddress.push(null);
      this.portByLowAddress[address] = port;
    }
  }

  receiveFrame(pkt: Packet): void {
    const port = this.portByLowAddress[pkt.dst] ?? this.portByAddress.get(pkt.dst);
    if (port === undefined) throw new Error(`switch ${this.name}: no port for address ${pkt.dst}`);
    // The fabric latency is the same for every frame, so frames join the output queue in the
    // order they arrived; the enqueue is computed now for time t + fabric, with no extra event.
    const t = this.sim.now + this.fabricLatencyNs;
    const backlog = port.backlogBytes(t);
    const bytes = wireBytes(pkt.ipBytes);
    if (backlog + bytes > this.portBufferBytes) {
      this.drops++;
      if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'drop', pkt.to.flowLabel, pkt.seq, pkt.len, backlog);
      return;
    }
    if (backlog + bytes > this.maxBacklogBytes) this.maxBacklogBytes = backlog + bytes;
    if (this.trace !== null) this.trace.emit(this.sim.now, this.name, 'enqueue', pkt.to.flowLabel, pkt.seq, pkt.len, backlog + bytes);
    port.transmitAt(pkt, t);
  }
}

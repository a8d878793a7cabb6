/**
 * Guest domains of one host, and an inter-domain channel between them (XenLoop-like: Wang,
 * Wright and Gopalan, HPDC'08; the 2008 paper's future work, docs/model-xen-channel.md).
 *
 * A channel joins two guest domains of the same node. Each direction is a FIFO of bytes in pages
 * one domain grants the other; an IP packet takes one header slot and its bytes rounded up to
 * whole slots (XenLoop's `bf_data_t` entries). The sender copies the packet into the FIFO and
 * sends an event only if the consumer is idle: it drained the FIFO and waits for an event (as a
 * ring's event index, io/ring.h). The receiver's upcall copies each packet out into a fresh skb
 * and hands it to IP/TCP. A packet that does not fit waits on the sender (no loss); the consumer
 * notifies the producer when it frees space while the producer waits. Packets bypass netfront,
 * netback and the bridge; TCP still runs end to end (XenLoop hooks below IP).
 *
 * Costs: per packet and side `xen.netfrontPacketNs` (the hook, the FIFO bookkeeping, the skb),
 * the copies at the guest kernel's `host.copyNsPerByte`, the event as every Xen event
 * (`hypercallNs` on the sender, `evtchnLatencyNs`, `evtchnUpcallNs` and a blocked VCPU's
 * `vcpuWakeNs` on the receiver), and the receiver's `host.rxPacketNs` for IP/TCP input.
 */
import type { Simulator } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { NetDevice, Packet } from '../hw/packet.js';
import type { ProtocolInput } from '../os/napi.js';
import type { HostParams, ParamSpec } from '../os/profile.js';
import { EventChannel, type EventHandler } from './evtchn.js';
import type { XenParams } from './profile.js';
import type { Vcpu } from './vcpu.js';

/** The xen path's `domains` section, as read from a validated profile. */
export interface DomainParams {
  guestVcpus: number;
  interDomainChannel: number;
  channelFifoBytes: number;
  channelSlotBytes: number;
}

/**
 * Schema of the `domains` section. Every parameter has a default (the 2006 set-up: one guest,
 * no channel; XenLoop's FIFO), so a profile without the section means what it meant before.
 */
export const DOMAIN_PARAMS: Record<keyof DomainParams, ParamSpec> = {
  guestVcpus: { unit: 'VCPUs', min: 0, max: 1024, integer: true, default: 0, doc: 'VCPUs of each guest domain on a node; 0 = one guest with a VCPU per core; 1 = a guest per core (one rank each)' },
  interDomainChannel: { unit: 'bool', min: 0, max: 1, integer: true, default: 0, doc: 'co-located guest domains exchange packets over a shared-memory channel (1) or netfront/netback and the bridge (0)' },
  channelFifoBytes: { unit: 'B', min: 64, max: 1 << 28, integer: true, default: 262144, doc: 'capacity of each direction of a channel: its FIFO in granted pages (XenLoop: 2^15 slots of 8 B, 64 pages)' },
  channelSlotBytes: { unit: 'B', min: 1, max: 4096, integer: true, default: 8, doc: 'FIFO slot size (sizeof bf_data_t): a packet takes a header slot and its bytes rounded up to slots' },
};

/** Bytes a packet of `ipBytes` occupies in a FIFO of `slotBytes` slots: a header slot and its data. */
export function fifoEntryBytes(ipBytes: number, slotBytes: number): number {
  return slotBytes * (1 + Math.ceil(ipBytes / slotBytes));
}

/** A rule between the section's parameters: the largest packet must fit in an empty FIFO. */
export function domainParamsProblem(d: DomainParams, mtuBytes: number): { param: keyof DomainParams; message: string; allowed: string } | undefined {
  const need = fifoEntryBytes(mtuBytes, d.channelSlotBytes);
  if (d.channelFifoBytes < need) {
    return { param: 'channelFifoBytes', message: `${d.channelFifoBytes} B cannot hold one ${mtuBytes}-byte packet (${need} B with its header slot): the sender would wait for ever`, allowed: `at least ${need} B` };
  }
  return undefined;
}

/**
 * One direction of a channel: a FIFO of bytes. Entries are reserved in order when the sender
 * starts its copy and published when the copy is done; the consumer takes published entries from
 * the head only, so packets leave in the order they were reserved.
 */
export class ChannelFifo {
  usedBytes = 0;
  /** Largest occupancy ever (bytes), for the capacity invariant. */
  maxUsedBytes = 0;
  /** Entries reserved (by the producer) and taken (by the consumer) so far. */
  reserved = 0;
  taken = 0;
  private readonly pkts: (Packet | undefined)[];
  private readonly ready: Uint8Array;

  constructor(
    readonly name: string,
    readonly capacityBytes: number,
    readonly slotBytes: number,
  ) {
    // The most entries the FIFO can hold: every packet takes at least two slots.
    const n = Math.max(1, Math.floor(capacityBytes / (2 * slotBytes)));
    this.pkts = new Array<Packet | undefined>(n);
    this.ready = new Uint8Array(n);
  }

  fits(pkt: Packet): boolean {
    return this.usedBytes + fifoEntryBytes(pkt.ipBytes, this.slotBytes) <= this.capacityBytes;
  }

  /** Reserve `pkt`'s entry at the back; returns its sequence number, for publish. */
  reserve(pkt: Packet): number {
    const bytes = fifoEntryBytes(pkt.ipBytes, this.slotBytes);
    if (this.usedBytes + bytes > this.capacityBytes) throw new Error(`channel ${this.name}: entry of ${bytes} B into a FIFO with ${this.capacityBytes - this.usedBytes} B free`);
    const seq = this.reserved++;
    const i = seq % this.pkts.length;
    this.pkts[i] = pkt;
    this.ready[i] = 0;
    this.usedBytes += bytes;
    if (this.usedBytes > this.maxUsedBytes) this.maxUsedBytes = this.usedBytes;
    return seq;
  }

  /** The copy of entry `seq` is done: the consumer may take it. */
  publish(seq: number): void {
    this.ready[seq % this.pkts.length] = 1;
  }

  /** The packet at the head if it is published, else undefined. */
  peekReady(): Packet | undefined {
    if (this.taken === this.reserved) return undefined;
    const i = this.taken % this.pkts.length;
    return this.ready[i] === 1 ? this.pkts[i] : undefined;
  }

  /** Free the head entry (the consumer copied it out). */
  pop(): Packet {
    const pkt = this.peekReady();
    if (pkt === undefined) throw new Error(`channel ${this.name}: no published entry to take`);
    const i = this.taken++ % this.pkts.length;
    this.pkts[i] = undefined;
    this.ready[i] = 0;
    this.usedBytes -= fifoEntryBytes(pkt.ipBytes, this.slotBytes);
    return pkt;
  }

  /** Entries reserved and not yet taken. */
  get entries(): number {
    return this.reserved - this.taken;
  }
}

/** One per VCPU of the sending domain, made once: a copy scheduled on a VCPU carries that VCPU. */
class ChannelPort {
  constructor(
    readonly end: ChannelEnd,
    readonly vcpu: Vcpu,
  ) {}
  xmit(pkt: Packet): void {
    this.end.xmit(this.vcpu, pkt);
  }
  copied(seq: number): void {
    this.end.copied(this.vcpu, seq);
  }
}

/**
 * A domain's end of a channel to one co-located domain: the device its kernel routes that
 * domain's address to (Kernel.addRoute), and the consumer of the peer's FIFO.
 */
export class ChannelEnd implements NetDevice, EventHandler {
  readonly name: string;
  readonly mtuBytes: number;
  /** XenLoop takes whole IP packets below IP: no TSO. */
  readonly tso = false;
  peer!: ChannelEnd;
  /** This end's side of the pair's event channel. */
  notifyPeer!: (from: Vcpu) => void;
  /** What this end produces (the peer consumes it). */
  readonly out: ChannelFifo;
  /** The consumer waits for an event: it drained its FIFO. A producer notifies only then. */
  idle = true;
  /** This producer holds packets that did not fit (the consumer notifies when it frees space). */
  waitingForSpace = false;
  private readonly held: Packet[] = [];
  private heldHead = 0;
  private draining = false;
  private readonly ports: ChannelPort[];
  private readonly rxTruesizeOverheadBytes: number;
  txPackets = 0;
  rxPackets = 0;
  /** Packets that found the FIFO full (or others waiting) and waited for space. */
  heldPackets = 0;
  /** Notifications this end sent, and publications that needed none (the consumer was busy). */
  notifies = 0;
  suppressed = 0;

  constructor(
    readonly sim: Simulator,
    name: string,
    vcpus: readonly Vcpu[],
    /** The VCPU the channel's event is bound to (the consumer runs there). */
    readonly irqVcpu: Vcpu,
    private readonly input: ProtocolInput,
    private readonly host: HostParams,
    private readonly p: XenParams,
    d: DomainParams,
  ) {
    this.name = name;
    this.mtuBytes = p.mtuBytes;
    this.out = new ChannelFifo(name, d.channelFifoBytes, d.channelSlotBytes);
    this.ports = vcpus.map((v) => new ChannelPort(this, v));
    this.rxTruesizeOverheadBytes = host.skbOverheadBytes;
  }

  /** The receiver allocates an skb of the packet's size (copy_packet: alloc_skb), as loopback's. */
  rxTruesizeBytes(ipBytes: number): number {
    return ipBytes + this.rxTruesizeOverheadBytes;
  }

  private portOf(cpu: ExecUnit): ChannelPort {
    for (const port of this.ports) if (port.vcpu === cpu) return port;
    throw new Error(`channel ${this.name}: ${cpu.name} is not a VCPU of this domain`);
  }

  // ------------------------------------------------------------------ producer

  send(pkt: Packet, cpu: ExecUnit): boolean {
    if (pkt.segs > 1) throw new Error(`channel ${this.name}: a TSO super-segment of ${pkt.len} bytes (the channel takes IP packets)`);
    const port = this.portOf(cpu);
    // The output hook finds the peer's channel: per packet bookkeeping, then the copy.
    port.vcpu.run(this.p.netfrontPacketNs, xmitFn, port, pkt);
    return true;
  }

  xmit(vcpu: Vcpu, pkt: Packet): void {
    this.txPackets++;
    if (this.heldHead < this.held.length || !this.out.fits(pkt)) {
      // FIFO full (or earlier packets wait): hold it, in order; no loss.
      this.held.push(pkt);
      this.heldPackets++;
      this.waitingForSpace = true;
      return;
    }
    this.copyIn(vcpu, pkt);
  }

  /** Reserve the entry now, copy the packet in on `vcpu`, publish when the copy is done. */
  private copyIn(vcpu: Vcpu, pkt: Packet): void {
    const seq = this.out.reserve(pkt);
    vcpu.run(pkt.ipBytes * this.host.copyNsPerByte, copiedFn, this.portOf(vcpu), seq);
  }

  copied(vcpu: Vcpu, seq: number): void {
    this.out.publish(seq);
    if (this.peer.idle) {
      this.peer.idle = false;
      this.notifies++;
      this.notifyPeer(vcpu);
    } else this.suppressed++;
  }

  /** The consumer freed space in this end's FIFO (called on the consumer's VCPU). */
  spaceFreed(consumer: Vcpu): void {
    if (!this.waitingForSpace) return;
    const next = this.held[this.heldHead];
    if (next === undefined || !this.out.fits(next)) return;
    this.waitingForSpace = false;
    this.peer.notifies++;
    this.peer.notifyPeer(consumer);
  }

  /** Copy held packets in while they fit (on the event's VCPU). */
  private resumeSend(): void {
    while (this.heldHead < this.held.length) {
      const pkt = this.held[this.heldHead]!;
      if (!this.out.fits(pkt)) {
        this.waitingForSpace = true;
        return;
      }
      this.held[this.heldHead++] = undefined as unknown as Packet;
      this.copyIn(this.irqVcpu, pkt);
    }
    this.held.length = 0;
    this.heldHead = 0;
  }

  /** Packets held on this producer for want of space. */
  get heldNow(): number {
    return this.held.length - this.heldHead;
  }

  // ------------------------------------------------------------------ consumer

  /** The pair's event on this domain: packets to take, or space for held packets. */
  onEvent(): void {
    if (!this.draining) {
      this.draining = true;
      this.drainNext();
    }
    if (this.waitingForSpace || this.heldHead < this.held.length) this.resumeSend();
  }

  drainNext(): void {
    const pkt = this.peer.out.peekReady();
    if (pkt === undefined) {
      // Drained: wait for the next event (the producer checks this flag after publishing).
      this.draining = false;
      this.idle = true;
      return;
    }
    this.irqVcpu.run(this.p.netfrontPacketNs + pkt.ipBytes * this.host.copyNsPerByte, copiedOutFn, this);
  }

  /** The head packet is in a fresh skb: free its entry, then IP/TCP input (netif_rx). */
  copiedOut(): void {
    const pkt = this.peer.out.pop();
    this.peer.spaceFreed(this.irqVcpu);
    this.irqVcpu.run(this.host.rxPacketNs, deliverFn, this, pkt);
  }

  deliver(pkt: Packet): void {
    this.rxPackets++;
    this.input.netifReceive(pkt, this.irqVcpu);
    this.drainNext();
  }
}

/**
 * Join two co-located domains by a channel: a FIFO each way and one event channel, bound to each
 * domain's first VCPU. Returns the two ends (a's, then b's); the kernels route each other's
 * address to them.
 */
export function connectDomains(
  sim: Simulator,
  node: string,
  a: { name: string; vcpus: readonly Vcpu[]; kernel: ProtocolInput & { addRoute(address: number, dev: NetDevice): void }; address: number },
  b: { name: string; vcpus: readonly Vcpu[]; kernel: ProtocolInput & { addRoute(address: number, dev: NetDevice): void }; address: number },
  host: HostParams,
  p: XenParams,
  d: DomainParams,
): [ChannelEnd, ChannelEnd] {
  const ea = new ChannelEnd(sim, `${a.name}>${b.name}`, a.vcpus, a.vcpus[0]!, a.kernel, host, p, d);
  const eb = new ChannelEnd(sim, `${b.name}>${a.name}`, b.vcpus, b.vcpus[0]!, b.kernel, host, p, d);
  ea.peer = eb;
  eb.peer = ea;
  const evtchn = new EventChannel(sim, `chan:${a.name}-${b.name}`, node, p, a.vcpus[0]!, ea, b.vcpus[0]!, eb);
  ea.notifyPeer = (from) => evtchn.notifyBackend(from);
  eb.notifyPeer = (from) => evtchn.notifyFrontend(from);
  a.kernel.addRoute(b.address, ea);
  b.kernel.addRoute(a.address, eb);
  return [ea, eb];
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const xmitFn = ChannelPort.prototype.xmit;
const copiedFn = ChannelPort.prototype.copied;
const copiedOutFn = ChannelEnd.prototype.copiedOut;
const deliverFn = ChannelEnd.prototype.deliver;

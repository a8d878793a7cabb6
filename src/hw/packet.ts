/**
 * A packet as it crosses devices: an IPv4/TCP segment in an Ethernet frame, or, before the NIC's
 * TSO engine cuts it, a TSO super-segment of several MSS. One object per frame; the TCP fields
 * are plain numbers so that nothing else is allocated per packet.
 */
import type { ExecUnit } from './exec-unit.js';

/**
 * The sizes and flags as a const enum, which tsc writes into the code as literals: V8 reads a
 * module-level `const` (exported or not) from its slot with a TDZ check at every use and folds
 * nothing through it, and wireBytes (each link and switch hop), ipBytes and the NIC's octet
 * counters read them several times per frame: literals there saved 1.8 % of the native path's
 * instructions. The named exports below stay for everything else.
 */
export const enum Wire {
  EthHeaderBytes = 14,
  EthFcsBytes = 4,
  EthPreambleSfdBytes = 8,
  EthIfgBytes = 12,
  /** Minimum frame (MAC header to FCS). */
  EthMinFrameBytes = 64,
  IpHeaderBytes = 20,
  /** TCP header with the timestamp option (20 + 12). */
  TcpHeaderBytes = 32,
  FlagAck = 1,
  FlagPsh = 2,
}

export const ETH_HEADER_BYTES = Wire.EthHeaderBytes;
export const ETH_FCS_BYTES = Wire.EthFcsBytes;
export const ETH_PREAMBLE_SFD_BYTES = Wire.EthPreambleSfdBytes;
export const ETH_IFG_BYTES = Wire.EthIfgBytes;
/** Preamble+SFD, MAC header, FCS and inter-frame gap: 38 bytes per frame on the wire. */
export const ETH_OVERHEAD_BYTES = ETH_PREAMBLE_SFD_BYTES + ETH_HEADER_BYTES + ETH_FCS_BYTES + ETH_IFG_BYTES;
/** Minimum frame (MAC header to FCS). */
export const ETH_MIN_FRAME_BYTES = Wire.EthMinFrameBytes;
export const IP_HEADER_BYTES = Wire.IpHeaderBytes;
/** TCP header with the timestamp option (20 + 12). */
export const TCP_HEADER_BYTES = Wire.TcpHeaderBytes;

export const FLAG_ACK = Wire.FlagAck;
export const FLAG_PSH = Wire.FlagPsh;

/** Bytes a frame carrying an IP packet of `ipBytes` occupies on the wire, overhead included. */
export function wireBytes(ipBytes: number): number {
  const frame = Math.max(Wire.EthMinFrameBytes, Wire.EthHeaderBytes + ipBytes + Wire.EthFcsBytes);
  return frame + Wire.EthPreambleSfdBytes + Wire.EthIfgBytes;
}

/** Anything that terminates a TCP connection and accepts its segments (os/tcp implements it). */
export interface SegmentReceiver {
  /**
   * Label of the flow of segments arriving here, for traces: "sender:port>receiver:port" (the
   * direction the packet travels, as the sender's TCP layer labels the same segment).
   */
  readonly flowLabel: string;
}

export class Packet {
  /** Address of the sending and receiving host (a native kernel or a guest domain). */
  src: number;
  dst: number;
  /** The receiving connection endpoint (saves a demultiplexing lookup). */
  to: SegmentReceiver;
  /** First sequence number and payload length in bytes. */
  seq: number;
  len: number;
  /** Cumulative ACK and advertised window (bytes). */
  ack: number;
  wnd: number;
  flags: number;
  /** MSS for the TSO engine; segs > 1 means a super-segment that the NIC cuts into MSS frames. */
  mss: number;
  segs: number;
  /** Marks a retransmitted segment (statistics only). */
  retransmit: boolean;

  constructor(src: number, dst: number, to: SegmentReceiver, seq: number, len: number, ack: number, wnd: number, flags: number, mss: number) {
    this.src = src;
    this.dst = dst;
    this.to = to;
    this.seq = seq;
    this.len = len;
    this.ack = ack;
    this.wnd = wnd;
    this.flags = flags;
    this.mss = mss;
    this.segs = len > mss ? Math.ceil(len / mss) : 1;
    this.retransmit = false;
  }

  /** IP packet size (IP + TCP headers + payload) of this frame; for a super-segment, of one MSS frame. */
  get ipBytes(): number {
    return Wire.IpHeaderBytes + Wire.TcpHeaderBytes + this.len;
  }
}

/** Where a device hands the frames it receives. */
export interface FrameSink {
  receiveFrame(pkt: Packet): void;
}

/** A network interface as a kernel sees it: it takes packets to send. */
export interface NetDevice {
  readonly name: string;
  readonly mtuBytes: number;
  /** True if the device accepts TSO super-segments (it cuts them into MSS frames). */
  readonly tso: boolean;
  /**
   * Queue a packet for transmission; `cpu` is the CPU whose work item hands it over (a driver
   * that charges work to the sender, as netfront does per VCPU, charges it there). Returns false
   * if it was dropped because the device's queue is full (the caller counts it; TCP recovers).
   */
  send(pkt: Packet, cpu: ExecUnit): boolean;
  /** Receive memory (skb truesize) that a received IP packet of `ipBytes` costs the socket. */
  rxTruesizeBytes(ipBytes: number): number;
}

/**
 * A packet as it crosses devices: an IPv4/TCP segment in an Ethernet frame, or, before the NIC's
 * TSO engine cuts it, a TSO super-segment of several MSS. One object per frame; the TCP fields
 * are plain numbers so that nothing else is allocated per packet.
 */
import type { ExecUnit } from './exec-unit.js';

export const ETH_HEADER_BYTES = 14;
export const ETH_FCS_BYTES = 4;
export const ETH_PREAMBLE_SFD_BYTES = 8;
export const ETH_IFG_BYTES = 12;
/** Preamble+SFD, MAC header, FCS and inter-frame gap: 38 bytes per frame on the wire. */
export const ETH_OVERHEAD_BYTES = ETH_PREAMBLE_SFD_BYTES + ETH_HEADER_BYTES + ETH_FCS_BYTES + ETH_IFG_BYTES;
/** Minimum frame (MAC header to FCS). */
export const ETH_MIN_FRAME_BYTES = 64;
export const IP_HEADER_BYTES = 20;
/** TCP header with the timestamp option (20 + 12). */
export const TCP_HEADER_BYTES = 32;

export const FLAG_ACK = 1;
export const FLAG_PSH = 2;

/** Bytes a frame carrying an IP packet of `ipBytes` occupies on the wire, overhead included. */
export function wireBytes(ipBytes: number): number {
  const frame = Math.max(ETH_MIN_FRAME_BYTES, ETH_HEADER_BYTES + ipBytes + ETH_FCS_BYTES);
  return frame + ETH_PREAMBLE_SFD_BYTES + ETH_IFG_BYTES;
}

/** Anything that terminates a TCP connection and accepts its segments (os/tcp implements it). */
export interface SegmentReceiver {
  /** Stable label of the flow, for traces: "src:port>dst:port". */
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
    return IP_HEADER_BYTES + TCP_HEADER_BYTES + this.len;
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

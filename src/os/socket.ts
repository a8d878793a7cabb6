/**
 * What a process sees of a TCP connection: a byte stream with a send buffer and a receive
 * buffer. The stream carries byte counts, not contents; a layer above that needs message
 * boundaries keeps its own record of what it wrote (the bytes would say it).
 *
 * Costs: the calls in `syscalls.ts` charge the system call, the copy and the wake-up to the
 * calling process's CPU; the methods here only move bytes and never take time themselves.
 */
import type { Signal } from '../engine/process.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { HostParams } from './profile.js';

/** SOCK_MIN_SNDBUF and SOCK_MIN_RCVBUF (include/net/sock.h): the smallest buffers setsockopt leaves. */
const SOCK_MIN_SNDBUF_BYTES = 2048;
const SOCK_MIN_RCVBUF_BYTES = 256;

/**
 * The send buffer setsockopt(SO_SNDBUF, reqBytes) gives (sock_setsockopt): the request capped by
 * net.core.wmem_max, then doubled for the kernel's bookkeeping overhead.
 */
export function sndbufForRequest(reqBytes: number, p: Pick<HostParams, 'coreWmemMaxBytes'>): number {
  return Math.max(SOCK_MIN_SNDBUF_BYTES, 2 * Math.min(reqBytes, p.coreWmemMaxBytes));
}

/** The receive buffer setsockopt(SO_RCVBUF, reqBytes) gives: capped by net.core.rmem_max, then doubled. */
export function rcvbufForRequest(reqBytes: number, p: Pick<HostParams, 'coreRmemMaxBytes'>): number {
  return Math.max(SOCK_MIN_RCVBUF_BYTES, 2 * Math.min(reqBytes, p.coreRmemMaxBytes));
}

export interface StreamSocket {
  /** "node/pid:port>node:port", for traces and errors. */
  readonly label: string;
  /** Bytes received in order and not yet read by the application. */
  readonly readableBytes: number;
  /** Bytes the application may write now without blocking (send buffer space). */
  readonly writableBytes: number;
  /**
   * Fired (with no value) whenever readable data arrives or send-buffer space is freed. The
   * process that owns the socket sets one signal for all its sockets: that is select().
   */
  setWaker(signal: Signal<void> | null): void;
  /** The CPU that runs this socket's process-context protocol work (its owner's CPU). */
  bindUnit(unit: ExecUnit): void;
  /** Move up to `bytes` into the send buffer and push; returns the bytes accepted (0: would block). */
  writeSome(bytes: number): number;
  /** Take up to `bytes` from the receive buffer; returns the bytes taken (0: would block). */
  readSome(bytes: number): number;
  /** Statistics of the connection's sending side. */
  readonly stats: SocketStats;
}

export interface SocketStats {
  /** Bytes the application wrote (accepted into the send buffer). */
  bytesWritten: number;
  /** Bytes put on the wire, retransmissions included. */
  bytesSent: number;
  /** Bytes the application read. */
  bytesDelivered: number;
  segmentsSent: number;
  /** Segments sent again (fast retransmit, NewReno partial ACK, go-back-N after a timeout). */
  retransmits: number;
  /** Retransmission timeouts with data in flight (episodes, not segments). */
  timeouts: number;
  fastRetransmits: number;
}

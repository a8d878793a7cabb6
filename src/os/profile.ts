/**
 * The physical parameters of a kernel profile for a native Linux host and its NIC. A profile
 * is data (scenarios/profiles/*.yaml); this table is its schema: every parameter has a unit,
 * an allowed range and a one-line meaning. Where each value comes from is in docs/model.md.
 * Nothing here is keyed to a workload or a message size.
 */
import type { NicParams } from '../hw/nic-params.js';

export interface ParamSpec {
  unit: string;
  min: number;
  max: number;
  integer?: boolean;
  /**
   * The value a profile gets when it does not give one. Only where a source fixes the value for
   * every kernel the project models (a constant of the Linux source, say); docs name the source.
   */
  default?: number;
  doc: string;
}

/** The NIC's parameters are the NIC's own type (hw sits below os); NIC_PARAMS below is their profile schema. */
export type { NicParams };

export interface HostParams {
  /** Timer interrupts per second per CPU (HZ). */
  hz: number;
  /** Effective CPU time of one timer tick per CPU, cache pollution included. */
  tickNs: number;
  /** Mean interval between daemon/interrupt detours per CPU (exponential). 0 = none. */
  daemonIntervalNs: number;
  /** Median duration of a detour (log-normal). */
  daemonMedianNs: number;
  /** Sigma of the log of a detour's duration (log-normal shape). */
  daemonSigma: number;
  /** Mean interval between rare long detours per CPU (exponential). 0 = none. */
  longDetourIntervalNs: number;
  /** Shortest and longest long detour (log-uniform between). */
  longDetourMinNs: number;
  longDetourMaxNs: number;
  /** Entry and exit of a socket system call (send, recv, select). */
  syscallNs: number;
  /** User/kernel copy cost per byte. */
  copyNsPerByte: number;
  /** Waking a process blocked on a socket: scheduler decision and context switch. */
  wakeupNs: number;
  /** CPU time to send one skb down the stack (TCP/IP output and driver transmit). */
  txSkbNs: number;
  /** CPU time to receive one frame (driver RX, IP, TCP input) in the softirq. */
  rxPacketNs: number;
  /** Hard interrupt entry and exit. */
  irqNs: number;
  /** Time slice when more runnable processes than CPUs. */
  schedQuantumNs: number;
  /** Default and maximum send buffer (tcp_wmem[1], tcp_wmem[2]). */
  tcpWmemDefaultBytes: number;
  tcpWmemMaxBytes: number;
  /** Default and maximum receive buffer (tcp_rmem). */
  tcpRmemDefaultBytes: number;
  tcpRmemMaxBytes: number;
  /** net.core.wmem_max / rmem_max: the cap on SO_SNDBUF / SO_RCVBUF before doubling. */
  coreWmemMaxBytes: number;
  coreRmemMaxBytes: number;
  /** Per-skb memory overhead charged on top of the data (struct sk_buff, headroom). */
  skbOverheadBytes: number;
  /** Truesize of one received frame's skb (NIC buffer + struct sk_buff). */
  rxSkbTruesizeBytes: number;
  /** Initial congestion window after the handshake. */
  initialCwndSegments: number;
  /** Minimum retransmission timeout. */
  minRtoNs: number;
  /** Minimum delayed-ACK timeout (TCP_DELACK_MIN). */
  delackMinNs: number;
  /** Immediate ACKs at connection start (TCP_MAX_QUICKACKS). */
  quickAcks: number;
  /** TCP segmentation offload used by the stack (1) or not (0). */
  tso: number;
  /** tcp_tso_win_divisor: a TSO frame holds at most cwnd/divisor segments. */
  tsoWinDivisor: number;
  /** 1: the pre-2.6.11 tcp_fragment defect (a split charges the whole remainder as linear memory). */
  tsoFragmentDefect: number;
  /** MTU of the loopback device. */
  loopbackMtuBytes: number;
}


export const HOST_PARAMS: Record<keyof HostParams, ParamSpec> = {
  hz: { unit: '1/s', min: 0, max: 10000, doc: 'timer interrupts per second per CPU (HZ)' },
  tickNs: { unit: 'ns', min: 0, max: 1e6, doc: 'effective CPU time of one timer tick, cache pollution included' },
  daemonIntervalNs: { unit: 'ns', min: 0, max: 1e12, doc: 'mean interval between detours per CPU (0 = none)' },
  daemonMedianNs: { unit: 'ns', min: 0, max: 1e9, doc: 'median duration of a detour (log-normal)' },
  daemonSigma: { unit: 'ln', min: 0, max: 5, doc: 'sigma of the log of a detour duration' },
  longDetourIntervalNs: { unit: 'ns', min: 0, max: 1e13, doc: 'mean interval between long detours per CPU (0 = none)' },
  longDetourMinNs: { unit: 'ns', min: 0, max: 1e10, doc: 'shortest long detour (log-uniform)' },
  longDetourMaxNs: { unit: 'ns', min: 0, max: 1e10, doc: 'longest long detour (log-uniform)' },
  syscallNs: { unit: 'ns', min: 0, max: 1e6, doc: 'entry and exit of a socket system call' },
  copyNsPerByte: { unit: 'ns/B', min: 0, max: 100, doc: 'user/kernel copy cost per byte' },
  wakeupNs: { unit: 'ns', min: 0, max: 1e7, doc: 'waking a blocked process: scheduler and context switch' },
  txSkbNs: { unit: 'ns', min: 0, max: 1e6, doc: 'CPU time to send one skb (TCP/IP output, driver)' },
  rxPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'CPU time to receive one frame (driver, IP, TCP input)' },
  irqNs: { unit: 'ns', min: 0, max: 1e6, doc: 'hard interrupt entry and exit' },
  schedQuantumNs: { unit: 'ns', min: 1000, max: 1e9, doc: 'scheduler time slice' },
  tcpWmemDefaultBytes: { unit: 'B', min: 2048, max: 1 << 30, integer: true, doc: 'tcp_wmem[1]: initial send buffer' },
  tcpWmemMaxBytes: { unit: 'B', min: 2048, max: 1 << 30, integer: true, doc: 'tcp_wmem[2]: send buffer auto-tuning cap' },
  tcpRmemDefaultBytes: { unit: 'B', min: 256, max: 1 << 30, integer: true, doc: 'tcp_rmem[1]: initial receive buffer' },
  tcpRmemMaxBytes: { unit: 'B', min: 256, max: 1 << 30, integer: true, doc: 'tcp_rmem[2]: receive buffer cap' },
  coreWmemMaxBytes: { unit: 'B', min: 2048, max: 1 << 30, integer: true, doc: 'net.core.wmem_max: SO_SNDBUF cap before doubling' },
  coreRmemMaxBytes: { unit: 'B', min: 256, max: 1 << 30, integer: true, doc: 'net.core.rmem_max: SO_RCVBUF cap before doubling' },
  skbOverheadBytes: { unit: 'B', min: 0, max: 65536, integer: true, doc: 'per-skb overhead charged to a socket (struct sk_buff, headroom)' },
  rxSkbTruesizeBytes: { unit: 'B', min: 64, max: 65536, integer: true, doc: 'truesize of one received frame' },
  initialCwndSegments: { unit: 'segments', min: 1, max: 100, integer: true, doc: 'congestion window after the handshake' },
  // Defaults: constants of every Linux 2.6 kernel the project models (include/net/tcp.h, drivers/net/loopback.c; docs/model.md).
  minRtoNs: { unit: 'ns', min: 1e6, max: 1e10, default: 200_000_000, doc: 'minimum retransmission timeout (TCP_RTO_MIN = HZ/5)' },
  delackMinNs: { unit: 'ns', min: 1e5, max: 1e9, default: 40_000_000, doc: 'minimum delayed-ACK timeout (TCP_DELACK_MIN = HZ/25)' },
  quickAcks: { unit: 'segments', min: 0, max: 1000, integer: true, default: 16, doc: 'immediate ACKs at connection start (TCP_MAX_QUICKACKS)' },
  tso: { unit: 'bool', min: 0, max: 1, integer: true, doc: 'TCP segmentation offload on the NIC (1) or not (0)' },
  tsoWinDivisor: { unit: 'ratio', min: 1, max: 64, integer: true, doc: 'tcp_tso_win_divisor' },
  tsoFragmentDefect: { unit: 'bool', min: 0, max: 1, integer: true, doc: 'pre-2.6.11 tcp_fragment charges the whole remainder as linear memory' },
  loopbackMtuBytes: { unit: 'B', min: 576, max: 65536, integer: true, default: 16436, doc: 'loopback device MTU' },
};

export const NIC_PARAMS: Record<keyof NicParams, ParamSpec> = {
  txRingSlots: { unit: 'slots', min: 1, max: 65536, integer: true, doc: 'TX descriptor ring size' },
  rxRingSlots: { unit: 'slots', min: 1, max: 65536, integer: true, doc: 'RX descriptor ring size' },
  interruptThrottleRate: { unit: 'ints/s', min: 0, max: 100000, integer: true, doc: 'e1000 InterruptThrottleRate: 0 off, 1 dynamic, 100-100000 fixed' },
  rxIntDelayUnits: { unit: '1.024 us', min: 0, max: 65535, integer: true, doc: 'RxIntDelay (RDTR)' },
  rxAbsIntDelayUnits: { unit: '1.024 us', min: 0, max: 65535, integer: true, doc: 'RxAbsIntDelay (RADV)' },
  txIntDelayUnits: { unit: '1.024 us', min: 0, max: 65535, integer: true, doc: 'TxIntDelay (TIDV)' },
  txAbsIntDelayUnits: { unit: '1.024 us', min: 0, max: 65535, integer: true, doc: 'TxAbsIntDelay (TADV)' },
  watchdogPeriodNs: { unit: 'ns', min: 1e6, max: 1e11, doc: 'e1000 watchdog period (dynamic ITR re-evaluation)' },
  dmaNs: { unit: 'ns', min: 0, max: 1e6, doc: 'DMA of a frame and its descriptor' },
};

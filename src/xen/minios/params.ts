/**
 * Schema of the `minios` profile section (path minios): MPI ranks in Mini-OS application domains
 * with lwIP 1.3.0 (Xen 3.3 stubdom/). docs/model-minios.md gives each value's unit and source.
 * The path also has the `xen` section (XEN_PARAMS): event channels, hypercalls, netback, the
 * bridge and the SEDF VCPU scheduler are those the Xen PV path models.
 */
import type { ParamSpec } from '../../os/profile.js';

export const MINIOS_PARAMS = {
  callNs: { unit: 'ns', min: 0, max: 1e6, doc: 'a POSIX/socket call of the application: a function call into newlib/lwIP (no syscall barrier)' },
  threadSwitchNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Mini-OS sched.c schedule(): a switch between two threads of the domain (app, tcpip)' },
  copyNsPerByte: { unit: 'ns/B', min: 0, max: 100, doc: 'memcpy per byte in the domain (user data into/out of lwIP, frames into a page or a pbuf)' },
  checksumNsPerByte: { unit: 'ns/B', min: 0, max: 100, doc: 'lwIP software TCP checksum per payload byte (no offload: CHECKSUM_GEN_TCP and CHECKSUM_CHECK_TCP)' },
  tcpOutputNs: { unit: 'ns', min: 0, max: 1e6, doc: 'lwIP tcp_output + ip_output per segment, besides checksum and copies' },
  tcpInputNs: { unit: 'ns', min: 0, max: 1e6, doc: 'lwIP ip_input + tcp_input per segment, besides checksum' },
  netfrontPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Mini-OS netfront per frame (grant entry, ring request or response, refill)' },
  tcpMssBytes: { unit: 'B', min: 536, max: 65535, integer: true, doc: 'lwIP TCP_MSS (capped by the MTU: TCP_CALCULATE_EFF_SEND_MSS)' },
  tcpSndBufBytes: { unit: 'B', min: 1, max: 65535, integer: true, doc: 'lwIP TCP_SND_BUF: bytes a connection may hold unacknowledged and unsent' },
  tcpWndBytes: { unit: 'B', min: 1, max: 65535, integer: true, doc: 'lwIP TCP_WND: the receive window (no window scaling: at most 65535)' },
  nagle: { unit: 'flag', min: 0, max: 1, integer: true, doc: 'Nagle in tcp_output_nagle for sockets without TCP_NODELAY (ch_p4 sets TCP_NODELAY)' },
  fastTimerNs: { unit: 'ns', min: 1e6, max: 1e10, doc: 'lwIP TCP_FAST_INTERVAL: tcp_fasttmr sends delayed ACKs' },
  rtoNs: { unit: 'ns', min: 1e6, max: 1e11, doc: 'retransmission timeout (lwIP initial RTO; the RTT estimator is not modelled)' },
  pbufPoolSize: { unit: 'pbufs', min: 1, max: 100000, integer: true, doc: 'lwIP PBUF_POOL_SIZE: RX pbufs, held until tcp_input frees them or the application has read the data' },
  mboxSlots: { unit: 'messages', min: 1, max: 100000, integer: true, doc: "the tcpip thread's mailbox (Mini-OS sys_mbox_new); tcpip_input drops a frame when it is full" },
  firstPcpu: { unit: 'index', min: 0, max: 1023, integer: true, doc: 'physical core of domain 0 VCPU; domain k on core firstPcpu + k (modulo the node cores)' },
} as const satisfies Record<string, ParamSpec>;

export type MiniosParams = { [K in keyof typeof MINIOS_PARAMS]: number };

/**
 * Schemas of the HVM paths' own profile sections (docs/model-hvm.md gives each value's source).
 *  - `hvm`: the trap path and the emulated NIC, the same whoever runs the device model;
 *  - `dom0Linux`: dom0's processes: system call cost and the O(1) scheduler (both paths: the
 *    background load runs there, and in xen-hvm qemu-dm too);
 *  - `qemuDom0`: qemu-dm as a dom0 Linux process (path xen-hvm): its main loop, the tap device;
 *  - `stubdom`: qemu on Mini-OS in a stub domain (path xen-hvm-stubdom).
 * Both paths also have the `xen` section (XEN_PARAMS): event channels, hypercalls, netback, the
 * bridge and the SEDF VCPU scheduler are the ones the Xen PV path models.
 */
import type { ParamSpec } from '../../os/profile.js';

export const HVM_PARAMS = {
  vmExitNs: { unit: 'ns', min: 0, max: 1e6, doc: 'VT-x VM exit and Xen exit handler entry (decode of the I/O instruction)' },
  vmEntryNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Xen exit handler return and VT-x VM entry' },
  ioreqSendNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Xen writes the ioreq to the shared page and signals the device model event channel' },
  ioreqHandleNs: { unit: 'ns', min: 0, max: 1e6, doc: 'qemu cpu_handle_ioreq: fetch the ioreq, dispatch to the port handler table, write the result' },
  portHandlerNs: { unit: 'ns', min: 0, max: 1e6, doc: 'one emulated register access in the device model (rtl8139 ioport/MMIO handler)' },
  irqLineNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Xen virtual PIC/IO-APIC update when the device model moves an IRQ line (inside its hypercall)' },
  vlapicEoiNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Xen virtual local APIC EOI handling (the exit itself is vmExitNs + vmEntryNs)' },
  guestDriverPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'guest 8139too work per packet besides port accesses and copies (skb, ring bookkeeping)' },
  dmCopyNsPerByte: { unit: 'ns/B', min: 0, max: 100, doc: 'device-model memcpy between guest memory and its buffers, per byte' },
  txDescriptors: { unit: 'descriptors', min: 1, max: 64, integer: true, doc: 'NUM_TX_DESC: TX buffers the rtl8139 and 8139too use in turn' },
  rxBufBytes: { unit: 'B', min: 8192, max: 65536, integer: true, doc: 'RX ring buffer in guest memory the device writes frames into (8139too RX_BUF_LEN)' },
  rxNapiWeight: { unit: 'packets', min: 1, max: 4096, integer: true, doc: '8139too NAPI weight: frames per poll' },
  guestPcpu: { unit: 'index', min: 0, max: 1023, integer: true, doc: 'physical core of the HVM guest VCPU (modulo the node cores)' },
} as const satisfies Record<string, ParamSpec>;

export const DOM0_LINUX_PARAMS = {
  dom0SyscallNs: { unit: 'ns', min: 0, max: 1e6, doc: 'one system call of a dom0 process (x86_64 XenLinux: through Xen, two CR3 switches)' },
  dom0WakeupNs: { unit: 'ns', min: 0, max: 1e7, doc: 'waking a blocked dom0 process and switching to it (try_to_wake_up, schedule, switch)' },
  dom0SwitchNs: { unit: 'ns', min: 0, max: 1e7, doc: 'switching dom0 CPU between two runnable processes' },
  defTimesliceNs: { unit: 'ns', min: 1e5, max: 1e10, doc: 'O(1) DEF_TIMESLICE: timeslice at nice 0' },
  minTimesliceNs: { unit: 'ns', min: 1e4, max: 1e10, doc: 'O(1) MIN_TIMESLICE' },
  loadNice: { unit: 'nice', min: -20, max: 19, integer: true, doc: 'nice value of the background processes that load dom0' },
  loadRunNs: { unit: 'ns', min: 1000, max: 1e10, doc: 'CPU burst of a background process between two sleeps (with loadSleepNs > 0)' },
  loadSleepNs: { unit: 'ns', min: 0, max: 1e10, doc: 'sleep of a background process after each burst; 0: CPU-bound, it never sleeps' },
  chunkNs: { unit: 'ns', min: 1000, max: 1e8, doc: 'model resolution: longest piece of a dom0 process run between two checks for kernel work' },
} as const satisfies Record<string, ParamSpec>;

export const QEMU_DOM0_PARAMS = {
  syscallsPerEvent: { unit: 'calls', min: 0, max: 100, integer: true, doc: 'system calls of one qemu-dm main loop iteration (select, evtchn read/unmask/notify, clock reads)' },
  evtchnDriverNs: { unit: 'ns', min: 0, max: 1e6, doc: 'dom0 /dev/xen/evtchn interrupt handler: queue the port, wake the reader' },
  qemuNice: { unit: 'nice', min: -20, max: 19, integer: true, doc: 'nice value of qemu-dm' },
  qemuSleepAvgNs: { unit: 'ns', min: 0, max: 1e10, doc: "qemu-dm's O(1) sleep_avg when the run starts: its history (0: busy; 10 x defTimesliceNs: idle)" },
  tapPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'tun driver per packet in dom0 (tun_chr_write/tun_net_xmit, skb), besides syscall, copy and bridge' },
  tapQueuePackets: { unit: 'packets', min: 1, max: 100000, integer: true, doc: 'tap device queue towards qemu-dm (tun txqueuelen); drops beyond' },
} as const satisfies Record<string, ParamSpec>;

export const STUBDOM_PARAMS = {
  callNs: { unit: 'ns', min: 0, max: 1e6, doc: 'a Mini-OS function call standing where qemu-dm makes a system call' },
  callsPerEvent: { unit: 'calls', min: 0, max: 100, integer: true, doc: 'such calls in one qemu main loop iteration (the same loop as in dom0)' },
  threadSwitchNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Mini-OS schedule(): switch from the idle thread to the qemu thread' },
  miniosNetfrontPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'Mini-OS netfront per packet (grant entry, request, response)' },
  stubdomPcpu: { unit: 'index', min: 0, max: 1023, integer: true, doc: 'physical core of the stub domain VCPU (modulo the node cores)' },
} as const satisfies Record<string, ParamSpec>;

type Values<S> = { [K in keyof S]: number };
export type HvmParams = Values<typeof HVM_PARAMS>;
export type Dom0LinuxParams = Values<typeof DOM0_LINUX_PARAMS>;
export type QemuDom0Params = Values<typeof QEMU_DOM0_PARAMS>;
export type StubdomParams = Values<typeof STUBDOM_PARAMS>;

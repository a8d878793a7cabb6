/**
 * Schema of the Xen section of a kernel profile (path: xen). Every entry is a physical cost
 * (ns per hypercall, per grant operation, per page flip, per event) or a count of slots or
 * pages, with a unit, a range and a meaning; docs/model-xen.md gives the source of each value.
 * Nothing here is keyed to a workload or a message size.
 */
import type { ParamSpec } from '../os/profile.js';

/** The Xen parameters, as read from a validated profile's `xen` section. */
export interface XenParams {
  // ---- structure (slots, pages, placement) ----
  txRingSlots: number;
  rxRingSlots: number;
  maxPendingTx: number;
  headerCopyBytes: number;
  maxFrameBytes: number;
  mtuBytes: number;
  pageBytes: number;
  rxTargetMin: number;
  rxTargetMax: number;
  rxPollBudget: number;
  mfnAllocBatchPages: number;
  txQueueLen: number;
  dom0Pcpu: number;
  guestFirstPcpu: number;
  // ---- hypervisor costs ----
  hypercallNs: number;
  evtchnLatencyNs: number;
  evtchnUpcallNs: number;
  vcpuWakeNs: number;
  domainSwitchNs: number;
  grantMapNs: number;
  grantUnmapNs: number;
  tlbFlushNs: number;
  pageFlipDom0Ns: number;
  pageFlipGuestNs: number;
  // ---- dom0 and driver costs ----
  bridgeNs: number;
  nicDriverPacketNs: number;
  netbackPacketNs: number;
  netfrontPacketNs: number;
  copyNsPerByte: number;
  dom0TxCleanDelayNs: number;
  // ---- SEDF scheduler and hypervisor tick ----
  dom0PeriodNs: number;
  dom0SliceNs: number;
  guestPeriodNs: number;
  guestSliceNs: number;
  guestExtraWeight: number;
  extraQuantumNs: number;
  schedNs: number;
  hvTickPeriodNs: number;
  hvTickNs: number;
}

export const XEN_PARAMS: Record<keyof XenParams, ParamSpec> = {
  txRingSlots: { unit: 'slots', min: 1, max: 4096, integer: true, doc: 'NET_TX_RING_SIZE: request slots of a vif TX ring, a power of 2 (one 4 KiB page holds 256; more is a multi-page what-if)' },
  rxRingSlots: { unit: 'slots', min: 1, max: 4096, integer: true, doc: 'NET_RX_RING_SIZE: request slots of a vif RX ring, a power of 2 (one 4 KiB page holds 256; more is a multi-page what-if)' },
  maxPendingTx: { unit: 'packets', min: 1, max: 65536, integer: true, doc: 'MAX_PENDING_REQS: guest TX packets held in dom0, across all vifs' },
  headerCopyBytes: { unit: 'B', min: 0, max: 1514, integer: true, doc: 'PKT_PROT_LEN: bytes netback copies out of a mapped TX page into the skb head' },
  maxFrameBytes: { unit: 'B', min: 64, max: 65536, integer: true, doc: 'largest Ethernet frame netback accepts on TX (ETH_FRAME_LEN)' },
  mtuBytes: { unit: 'B', min: 576, max: 65536, integer: true, doc: 'MTU of netfront and the vif' },
  pageBytes: { unit: 'B', min: 1024, max: 65536, integer: true, doc: 'page size: each received packet occupies a whole page in the guest' },
  rxTargetMin: { unit: 'buffers', min: 1, max: 4096, integer: true, doc: 'netfront rx_min_target: initial and smallest RX fill target' },
  rxTargetMax: { unit: 'buffers', min: 1, max: 4096, integer: true, doc: 'netfront rx_max_target: largest RX fill target' },
  rxPollBudget: { unit: 'packets', min: 1, max: 4096, integer: true, doc: 'netfront NAPI quota per poll (dev->weight)' },
  mfnAllocBatchPages: { unit: 'pages', min: 1, max: 4096, integer: true, doc: 'MAX_MFN_ALLOC: fresh machine pages netback gets per increase_reservation hypercall' },
  txQueueLen: { unit: 'packets', min: 0, max: 100000, integer: true, doc: 'guest qdisc length in front of netfront while its TX ring is full' },
  dom0Pcpu: { unit: 'index', min: 0, max: 1023, integer: true, doc: 'physical core of dom0 VCPU 0 (modulo the node cores)' },
  guestFirstPcpu: { unit: 'index', min: 0, max: 1023, integer: true, doc: 'physical core of guest VCPU 0; VCPU i on the next i-th core (modulo)' },
  hypercallNs: { unit: 'ns', min: 0, max: 1e6, doc: 'entry and exit of one hypercall or multicall' },
  evtchnLatencyNs: { unit: 'ns', min: 0, max: 1e6, doc: 'time from EVTCHNOP_send to the target VCPU taking the upcall (IPI)' },
  evtchnUpcallNs: { unit: 'ns', min: 0, max: 1e6, doc: 'CPU time of an event upcall and irq entry on the target VCPU' },
  vcpuWakeNs: { unit: 'ns', min: 0, max: 1e7, doc: 'waking a blocked VCPU: scheduler wake, decision and switch in' },
  domainSwitchNs: { unit: 'ns', min: 0, max: 1e7, doc: 'switching a physical core from one VCPU to another (state, CR3, TLB)' },
  grantMapNs: { unit: 'ns', min: 0, max: 1e6, doc: 'one grant map operation inside a batched hypercall' },
  grantUnmapNs: { unit: 'ns', min: 0, max: 1e6, doc: 'one grant unmap operation inside a batched hypercall' },
  tlbFlushNs: { unit: 'ns', min: 0, max: 1e6, doc: 'a TLB flush (and refill penalty) after a batch of unmaps or remaps' },
  pageFlipDom0Ns: { unit: 'ns', min: 0, max: 1e6, doc: 'dom0 side of one RX page flip: fresh page, va remap, M2P update, grant transfer' },
  pageFlipGuestNs: { unit: 'ns', min: 0, max: 1e6, doc: 'guest side of one RX page flip: remap on receive, zap and release on refill' },
  bridgeNs: { unit: 'ns', min: 0, max: 1e6, doc: 'dom0 netif_rx, bridge FDB lookup and netfilter hooks, per packet' },
  nicDriverPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'dom0 e1000 driver work per frame (RX clean or TX post)' },
  netbackPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'netback bookkeeping per packet (request, skb, response)' },
  netfrontPacketNs: { unit: 'ns', min: 0, max: 1e6, doc: 'netfront bookkeeping per packet (grant entry, request, skb)' },
  copyNsPerByte: { unit: 'ns/B', min: 0, max: 100, doc: 'dom0 memcpy cost per byte (TX header copy, local delivery)' },
  dom0TxCleanDelayNs: { unit: 'ns', min: 0, max: 1e8, doc: 'e1000 TX-clean delay in dom0 (TxIntDelay) before a sent frame releases its guest slot' },
  dom0PeriodNs: { unit: 'ns', min: 10000, max: 1e10, integer: true, doc: 'SEDF period of dom0 VCPUs (sedf_add_task, domain 0)' },
  dom0SliceNs: { unit: 'ns', min: 0, max: 1e10, integer: true, doc: 'SEDF slice of dom0 VCPUs per period: its real-time reservation' },
  guestPeriodNs: { unit: 'ns', min: 10000, max: 1e10, integer: true, doc: 'SEDF period of guest VCPUs (WEIGHT_PERIOD)' },
  guestSliceNs: { unit: 'ns', min: 0, max: 1e10, integer: true, doc: 'SEDF slice of guest VCPUs; 0 = best effort, extra time only' },
  guestExtraWeight: { unit: 'weight', min: 1, max: 65535, integer: true, doc: 'guest extraweight: extra-queue score 2^17/weight (dom0 scores 1024*period/slice)' },
  extraQuantumNs: { unit: 'ns', min: 1000, max: 1e9, integer: true, doc: 'EXTRA_QUANTUM: length of one extra-time slice, then SEDF runs again' },
  schedNs: { unit: 'ns', min: 0, max: 1e6, doc: 'hypervisor time of one timer-driven SEDF invocation (slice or quantum end)' },
  hvTickPeriodNs: { unit: 'ns', min: 0, max: 1e10, doc: 'period of the hypervisor t_timer on every physical CPU (0 = none)' },
  hvTickNs: { unit: 'ns', min: 0, max: 1e6, doc: 'hypervisor time of one t_timer tick on a physical CPU' },
};

/**
 * A rule between xen parameters that each one's range cannot say: every extra quantum must leave
 * time for work after the scheduler's own cost and a domain switch, or no guest ever progresses.
 * Returns the parameter to blame and why, or undefined when the section is consistent.
 */
export function xenParamsProblem(p: XenParams): { param: keyof XenParams; message: string; allowed: string } | undefined {
  const { schedNs, domainSwitchNs, extraQuantumNs } = p;
  // io/ring.h's __RING_SIZE rounds a ring down to a power of 2 and indexes it with (idx & (size-1)):
  // no Xen ring has another size. One 4 KiB page holds 256 slots of netif's 12-byte TX and 8-byte RX
  // entries after the 64-byte header; Xen 3.0's netfront maps one page per ring, so more slots are
  // a what-if of a multi-page ring (docs/model-xen.md).
  for (const param of ['txRingSlots', 'rxRingSlots'] as const) {
    const n = p[param];
    if (Number.isInteger(n) && n > 0 && (n & (n - 1)) !== 0) {
      return { param, message: `${n} slots is not a power of 2 (Xen's __RING_SIZE rounds a ring down to one; this one would have ${2 ** Math.floor(Math.log2(n))})`, allowed: 'a power of 2 from 1 to 4096; 256 fill one 4 KiB page' };
    }
  }
  if (schedNs + domainSwitchNs >= extraQuantumNs) {
    return {
      param: 'extraQuantumNs',
      message: `${extraQuantumNs} ns leaves no time for work after schedNs + domainSwitchNs (${schedNs + domainSwitchNs} ns)`,
      allowed: `more than schedNs + domainSwitchNs = ${schedNs + domainSwitchNs} ns`,
    };
  }
  return undefined;
}

/**
 * A node whose guest domain drives the physical NIC itself (PCI passthrough: pciback in Xen 3.0,
 * VT-d from 3.2; the 2008 paper's future work, docs/model-xen-channel.md). The guest's Linux runs
 * the native e1000 driver and NAPI on its VCPUs; dom0, netback and the bridge are not on the path.
 * What Xen still does, per NIC interrupt: the physical interrupt enters Xen on the core
 * (do_IRQ -> __do_IRQ_guest -> send_guest_pirq, xen/arch/x86/irq.c), is remapped (VT-d: by the
 * IOMMU's table, programmed at set-up), reaches the guest as an event upcall on the VCPU the pirq
 * is bound to (waking it if blocked), and once the driver has polled, the guest's end of the
 * level-triggered pirq is a PHYSDEVOP_IRQ_UNMASK_NOTIFY hypercall.
 */
import type { Simulator } from '../engine/simulator.js';
import type { Nic } from '../hw/nic.js';
import type { Packet } from '../hw/packet.js';
import { Kernel } from '../os/kernel.js';
import { NapiPoller, type RxSource } from '../os/napi.js';
import { hostInterruptions } from '../os/noise.js';
import type { ParamSpec } from '../os/profile.js';
import { buildPcpus, dom0Sedf, guestSedf, type XenNodeBaseSpec } from './node.js';
import { Vcpu } from './vcpu.js';

/** The `passthrough` section, as read from a validated profile. */
export interface PassthroughParams {
  pirqHandleNs: number;
  irqRemapNs: number;
  eoiHypercalls: number;
}

export const PASSTHROUGH_PARAMS: Record<keyof PassthroughParams, ParamSpec> = {
  pirqHandleNs: { unit: 'ns', min: 0, max: 1e6, doc: "Xen's handling of a guest-bound physical interrupt: entry, ack, __do_IRQ_guest, send_guest_pirq" },
  irqRemapNs: { unit: 'ns', min: 0, max: 1e6, doc: "per-interrupt cost of interrupt remapping by the IOMMU (VT-d): Xen writes the remapping table only at set-up" },
  eoiHypercalls: { unit: 'hypercalls', min: 0, max: 10, integer: true, doc: "hypercalls the guest makes per interrupt to end the pirq (PHYSDEVOP_IRQ_UNMASK_NOTIFY for a level-triggered line)" },
};

export interface PassthroughNodeSpec extends XenNodeBaseSpec {
  pt: PassthroughParams;
}

/** The parts of a passthrough node, for tests. */
export interface PassthroughNodeParts {
  dom0: Vcpu;
  guestVcpus: Vcpu[];
  kernel: Kernel;
  irq: PirqSource;
  napi: NapiPoller;
}

const registry = new WeakMap<Kernel, PassthroughNodeParts>();

/** The passthrough parts behind a guest kernel built by buildPassthroughNode, or undefined. */
export function passthroughPartsOf(kernel: Kernel): PassthroughNodeParts | undefined {
  return registry.get(kernel);
}

/**
 * The NIC's RX ring as the guest's NAPI sees it through Xen: polling is the native driver's;
 * re-enabling the interrupt ends the pirq with the guest's EOI hypercalls first.
 */
export class PirqSource implements RxSource {
  /** Interrupts that reached the guest (one upcall each), and EOIs the guest made. */
  interrupts = 0;
  eois = 0;
  constructor(
    private readonly nic: Nic,
    private readonly vcpu: Vcpu,
    private readonly eoiNs: number,
  ) {}
  pollRx(): Packet | undefined {
    return this.nic.pollRx();
  }
  enableIrq(): void {
    if (this.eoiNs > 0) {
      this.eois++;
      this.vcpu.run(this.eoiNs, unmaskFn, this);
    } else this.unmask();
  }
  unmask(): void {
    this.nic.enableIrq();
  }
}

/** The NIC's interrupt as the guest gets it: counted, then the guest's NAPI (entry cost: Xen's part and the upcall). */
class PirqCounter {
  constructor(
    private readonly src: PirqSource,
    private readonly napi: NapiPoller,
  ) {}
  onRxInterrupt(): void {
    this.src.interrupts++;
    this.napi.onRxInterrupt();
  }
}

export function buildPassthroughNode(sim: Simulator, spec: PassthroughNodeSpec): { kernel: Kernel; cpus: Vcpu[] } {
  const p = spec.xen;
  const n = spec.cores.length;
  const pcpus = buildPcpus(sim, spec.cores, p, spec.noise ? sim.rng.stream(`xen/${spec.name}/t_timer`) : null);
  // dom0 still exists (it built the domain); nothing of it is on the packet path.
  const dom0 = new Vcpu(sim, `${spec.name}/dom0.v0`, pcpus[p.dom0Pcpu % n]!, dom0Sedf(p));
  const guestVcpus: Vcpu[] = [];
  for (let i = 0; i < n; i++) guestVcpus.push(new Vcpu(sim, `${spec.name}/domU.v${i}`, pcpus[(p.guestFirstPcpu + i) % n]!, guestSedf(p)));
  const kernel = new Kernel(sim, spec.name, spec.address, spec.host, guestVcpus, guestVcpus[0]);
  const irqVcpu = guestVcpus[0]!;
  const src = new PirqSource(spec.nic, irqVcpu, spec.pt.eoiHypercalls * p.hypercallNs);
  // Per interrupt on the pirq's VCPU: Xen's handling and remapping, then the event upcall (which
  // replaces the native irq entry); per frame the guest's own driver and stack (host.rxPacketNs).
  const entryNs = spec.pt.pirqHandleNs + spec.pt.irqRemapNs + p.evtchnUpcallNs;
  const napi = new NapiPoller(sim, kernel, irqVcpu, src, spec.host.rxPacketNs, entryNs);
  spec.nic.attachDriver(new PirqCounter(src, napi));
  kernel.attachDevice(spec.nic);
  if (spec.noise) {
    for (const v of [dom0, ...guestVcpus]) v.interruptions = hostInterruptions(spec.host, sim.rng.stream(`noise/${v.name}`));
  }
  registry.set(kernel, { dom0, guestVcpus, kernel, irq: src, napi });
  return { kernel, cpus: guestVcpus };
}

// Event methods as constants (see vcpu.ts: `Class.prototype.method` at a call site costs a LoadIC).
const unmaskFn = PirqSource.prototype.unmask;

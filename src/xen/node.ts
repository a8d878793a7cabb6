/**
 * A Xen node: dom0 (netback, bridge, the physical NIC's driver) on its own VCPU, and one guest
 * whose kernel runs the ranks over netfront on its VCPUs, all VCPUs sharing the node's cores
 * (vcpu.ts). Placement follows Xen 3.0's defaults as far as known: dom0's VCPU 0 on core
 * `dom0Pcpu`, the guest's VCPU i on core `guestFirstPcpu + i` (modulo), so with 4 cores and a
 * 4-VCPU guest one guest VCPU shares dom0's core.
 */
import type { Simulator } from '../engine/simulator.js';
import type { Core } from '../hw/cpu.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { Nic } from '../hw/nic.js';
import type { Packet } from '../hw/packet.js';
import { Kernel } from '../os/kernel.js';
import { NapiPoller, type RxSource } from '../os/napi.js';
import type { HostParams } from '../os/profile.js';
import { EventChannel } from './evtchn.js';
import { Netback, type Vif } from './netback.js';
import { Netfront } from './netfront.js';
import type { XenParams } from './profile.js';
import { Pcpu, Vcpu, type SedfParams } from './vcpu.js';
import { Interruptions, PeriodicStream } from '../hw/interruptions.js';
import { hostInterruptions } from '../os/noise.js';
import type { RngStream } from '../engine/rng.js';
import { connectDomains, type ChannelEnd, type DomainParams } from './channel.js';

/** What every Xen node builder takes (the PV, HVM, passthrough and Mini-OS paths). */
export interface XenNodeBaseSpec {
  name: string;
  /** Address of the guest (the kernel ranks run on). */
  address: number;
  cores: Core[];
  nic: Nic;
  /** The profile's host section: the guest kernel's parameters (and dom0's XenLinux noise). */
  host: HostParams;
  /** The profile's xen section, validated by the loader against XEN_PARAMS. */
  xen: XenParams;
  /** OS noise: the hypervisor's tick on each core, and dom0's and the guest's kernel noise on their VCPUs. */
  noise: boolean;
}

export interface XenNodeSpec extends XenNodeBaseSpec {
  /** The profile's domains section: several guest domains per node, and channels between them. */
  domains?: DomainParams;
  /** Address of guest domain g (0: `address`), for nodes of several domains. */
  domainAddress?: (g: number) => number;
}

export interface XenNode {
  /** The guest kernel, where the ranks run. */
  kernel: Kernel;
  /** The guest's virtual CPUs. */
  cpus: readonly ExecUnit[];
  /** Packets dropped on the node's Xen path (e.g. at the vif with no posted RX buffer). */
  drops?: () => number;
  /** With several guest domains: the kernel of each CPU in `cpus`, and the further domains' addresses. */
  cpuKernels?: Kernel[];
  extraAddresses?: number[];
}

/** The parts of a built Xen node, for tests and reports. */
export interface XenNodeParts {
  dom0: Vcpu;
  guestVcpus: Vcpu[];
  pcpus: Pcpu[];
  netback: Netback;
  netfront: Netfront;
  vif: Vif;
  kernel: Kernel;
  /** This domain's ends of its channels to co-located domains (none without the channel). */
  channels: ChannelEnd[];
}

const registry = new WeakMap<Kernel, XenNodeParts>();

/** The Xen parts behind a guest kernel built by buildXenNode, or undefined for a native kernel. */
export function xenPartsOf(kernel: Kernel): XenNodeParts | undefined {
  return registry.get(kernel);
}

/** dom0's view of the physical NIC's RX ring: when it is empty, the RX tasklet may run. */
export class Dom0NicRx implements RxSource {
  constructor(
    private readonly nic: Nic,
    private readonly netback: Netback,
  ) {}
  pollRx(): Packet | undefined {
    return this.nic.pollRx();
  }
  enableIrq(): void {
    this.nic.enableIrq();
    this.netback.rxSoftirqDone();
  }
}

/** Create a guest with its netfront on an existing dom0 (netback): used by buildXenNode and tests. */
export function attachGuest(
  sim: Simulator,
  node: string,
  netback: Netback,
  vifName: string,
  address: number,
  guestVcpus: Vcpu[],
  host: HostParams,
  p: XenParams,
): { kernel: Kernel; netfront: Netfront; vif: Vif } {
  const kernel = new Kernel(sim, node, address, host, guestVcpus, guestVcpus[0]);
  const vif = netback.createVif(vifName, address);
  const netfront = new Netfront(sim, node, vif, guestVcpus, kernel, host, p);
  // One event channel per vif; netfront's irq is bound to the guest's VCPU 0.
  vif.evtchn = new EventChannel(sim, vifName, node, p, guestVcpus[0]!, netfront, netback.dom0, vif);
  kernel.attachDevice(netfront);
  netfront.open();
  return { kernel, netfront, vif };
}

/** The node's physical cores under SEDF, each with the hypervisor's t_timer as an interruption stream. */
export function buildPcpus(sim: Simulator, cores: readonly Core[], p: XenParams, rng: RngStream | null): Pcpu[] {
  const costs = { extraQuantumNs: p.extraQuantumNs, schedNs: p.schedNs, wakeNs: p.vcpuWakeNs, switchNs: p.domainSwitchNs };
  return cores.map((core) => {
    // Each CPU's t_timer was armed when it came up: its own phase. No stream when noise is off.
    if (rng === null) return new Pcpu(sim, core, costs);
    const phaseNs = Math.floor(rng.next() * p.hvTickPeriodNs);
    if (p.hvTickPeriodNs > 0 && p.hvTickNs > 0) core.interruptions = new Interruptions([new PeriodicStream(p.hvTickPeriodNs, phaseNs, p.hvTickNs)]);
    return new Pcpu(sim, core, costs);
  });
}

/** SEDF parameters of dom0's VCPUs (sedf_add_task: domain 0; extraweight 0). */
export function dom0Sedf(p: XenParams): SedfParams {
  return { periodNs: p.dom0PeriodNs, sliceNs: p.dom0SliceNs, extraWeight: 0 };
}

/** SEDF parameters of a guest's VCPUs (sedf_add_task: other domains). */
export function guestSedf(p: XenParams): SedfParams {
  return { periodNs: p.guestPeriodNs, sliceNs: p.guestSliceNs, extraWeight: p.guestExtraWeight };
}

export function buildXenNode(sim: Simulator, spec: XenNodeSpec): XenNode {
  const p = spec.xen;
  const n = spec.cores.length;
  const v = spec.domains?.guestVcpus ?? 0;
  if (v > 0 && v < n) return buildMultiDomainNode(sim, spec, v);
  const pcpus = buildPcpus(sim, spec.cores, p, spec.noise ? sim.rng.stream(`xen/${spec.name}/t_timer`) : null);
  const dom0 = new Vcpu(sim, `${spec.name}/dom0.v0`, pcpus[p.dom0Pcpu % n]!, dom0Sedf(p));
  const guestVcpus: Vcpu[] = [];
  for (let i = 0; i < n; i++) guestVcpus.push(new Vcpu(sim, `${spec.name}/domU.v${i}`, pcpus[(p.guestFirstPcpu + i) % n]!, guestSedf(p)));
  const netback = new Netback(sim, spec.name, dom0, p, spec.nic);
  // dom0's e1000 has no NAPI: per frame from the interrupt, the driver then netif_rx and the
  // bridge; the interrupt entry is the event upcall of the physical irq.
  spec.nic.attachDriver(new NapiPoller(sim, netback, dom0, new Dom0NicRx(spec.nic, netback), p.nicDriverPacketNs + p.bridgeNs, p.evtchnUpcallNs));
  const { kernel, netfront, vif } = attachGuest(sim, spec.name, netback, 'vif1.0', spec.address, guestVcpus, spec.host, p);
  if (spec.noise) {
    // dom0 and the guest run XenLinux with the profile's host section (HZ 100): each VCPU its own
    // tick phase and detour realisation. A VCPU's noise takes time only while that VCPU runs.
    for (const v of [dom0, ...guestVcpus]) v.interruptions = hostInterruptions(spec.host, sim.rng.stream(`noise/${v.name}`));
  }
  registry.set(kernel, { dom0, guestVcpus, pcpus, netback, netfront, vif, kernel, channels: [] });
  return { kernel, cpus: guestVcpus, drops: () => vif.rxDrops + netfront.txDrops + netback.unknownDrops };
}

/**
 * A node of several guest domains of `v` VCPUs each (the last may have fewer): the node's CPU c
 * is VCPU c mod v of guest floor(c / v), on core (guestFirstPcpu + c) mod n as for one guest. Each
 * guest has its kernel, its vif on dom0's netback and its address; with the channel on, every
 * pair of guests is joined by one (channel.ts), and their packets bypass netfront and netback.
 */
function buildMultiDomainNode(sim: Simulator, spec: XenNodeSpec, v: number): XenNode {
  const p = spec.xen;
  const d = spec.domains!;
  const n = spec.cores.length;
  const pcpus = buildPcpus(sim, spec.cores, p, spec.noise ? sim.rng.stream(`xen/${spec.name}/t_timer`) : null);
  const dom0 = new Vcpu(sim, `${spec.name}/dom0.v0`, pcpus[p.dom0Pcpu % n]!, dom0Sedf(p));
  const netback = new Netback(sim, spec.name, dom0, p, spec.nic);
  spec.nic.attachDriver(new NapiPoller(sim, netback, dom0, new Dom0NicRx(spec.nic, netback), p.nicDriverPacketNs + p.bridgeNs, p.evtchnUpcallNs));
  const guests: { name: string; vcpus: Vcpu[]; kernel: Kernel; address: number; netfront: Netfront; vif: Vif; channels: ChannelEnd[] }[] = [];
  const cpuKernels: Kernel[] = [];
  const allVcpus: Vcpu[] = [];
  for (let g = 0; g * v < n; g++) {
    const name = `domU${g + 1}`;
    const vcpus: Vcpu[] = [];
    for (let c = g * v; c < Math.min(n, (g + 1) * v); c++) vcpus.push(new Vcpu(sim, `${spec.name}/${name}.v${c - g * v}`, pcpus[(p.guestFirstPcpu + c) % n]!, guestSedf(p)));
    const address = g === 0 ? spec.address : spec.domainAddress!(g);
    const { kernel, netfront, vif } = attachGuest(sim, `${spec.name}/${name}`, netback, `vif${g + 1}.0`, address, vcpus, spec.host, p);
    guests.push({ name, vcpus, kernel, address, netfront, vif, channels: [] });
    for (const x of vcpus) {
      cpuKernels.push(kernel);
      allVcpus.push(x);
    }
  }
  if (d.interDomainChannel === 1) {
    for (let i = 0; i < guests.length; i++) {
      for (let j = i + 1; j < guests.length; j++) {
        const [ea, eb] = connectDomains(sim, spec.name, guests[i]!, guests[j]!, spec.host, p, d);
        guests[i]!.channels.push(ea);
        guests[j]!.channels.push(eb);
      }
    }
  }
  if (spec.noise) {
    for (const x of [dom0, ...allVcpus]) x.interruptions = hostInterruptions(spec.host, sim.rng.stream(`noise/${x.name}`));
  }
  for (const g of guests) registry.set(g.kernel, { dom0, guestVcpus: g.vcpus, pcpus, netback, netfront: g.netfront, vif: g.vif, kernel: g.kernel, channels: g.channels });
  const drops = (): number => {
    let sum = netback.unknownDrops;
    for (const g of guests) sum += g.vif.rxDrops + g.netfront.txDrops;
    return sum;
  };
  return { kernel: guests[0]!.kernel, cpus: allVcpus, drops, cpuKernels, extraAddresses: guests.slice(1).map((g) => g.address) };
}

/**
 * A node whose ranks run in Mini-OS application domains (docs/model-minios.md): dom0 (netback,
 * the bridge and the e1000 driver on its VCPU, as in the Xen PV path) and one Mini-OS domain per
 * core, each with one VCPU (domain k on core firstPcpu + k), a vif with receive by grant copy,
 * and lwIP. All VCPUs are scheduled by SEDF on the node's cores. The node's kernel object stands
 * for all its domains: a rank's CPU is its domain's VCPU, and a connection end belongs to the
 * domain of the rank that owns it.
 */
import type { Simulator } from '../../engine/simulator.js';
import type { ExecUnit } from '../../hw/exec-unit.js';
import { Kernel, type HostConnection } from '../../os/kernel.js';
import { NapiPoller } from '../../os/napi.js';
import { hostInterruptions } from '../../os/noise.js';
import type { HostParams } from '../../os/profile.js';
import type { TcpConnOptions } from '../../os/tcp.js';
import { EventChannel } from '../evtchn.js';
import { Netback } from '../netback.js';
import { Dom0NicRx, buildPcpus, dom0Sedf, guestSedf, type XenNodeBaseSpec } from '../node.js';
import { Vcpu, type Pcpu } from '../vcpu.js';
import { MiniosDomain } from './domain.js';
import { type LwipHost, LwipConn } from './lwip.js';
import type { MiniosParams } from './params.js';

export interface MiniosNodeSpec extends XenNodeBaseSpec {
  minios: MiniosParams;
  /** Address of domain k of the node (k = 0: `address`); the cluster routes them all to the node. */
  domainAddress(k: number): number;
}

/** The parts of a built Mini-OS node, for tests. */
export interface MiniosNodeParts {
  dom0: Vcpu;
  pcpus: Pcpu[];
  netback: Netback;
  domains: MiniosDomain[];
}

/**
 * What the ranks see of a node's domains: a process's calls cost a function call (syscallNs is
 * the profile's callNs), its wake-up a thread switch, its copies the domain's memcpy. The send
 * buffer the MPI device's select() rule assumes is TCP_SND_BUF (sndbufForRequest doubles
 * coreWmemMaxBytes).
 */
export function miniosProcessParams(host: HostParams, p: MiniosParams): HostParams {
  return { ...host, syscallNs: p.callNs, wakeupNs: p.threadSwitchNs, copyNsPerByte: p.copyNsPerByte, coreWmemMaxBytes: Math.floor(p.tcpSndBufBytes / 2) };
}

export class MiniosKernel extends Kernel implements LwipHost {
  private nextLwipPort = 1024;
  private readonly lwipConns: LwipConn[] = [];

  constructor(
    sim: Simulator,
    name: string,
    address: number,
    params: HostParams,
    readonly p: MiniosParams,
    readonly parts: MiniosNodeParts,
    private readonly mtuBytes: number,
  ) {
    super(sim, name, address, params, parts.domains.map((d) => d.vcpu), parts.domains[0]!.vcpu);
  }

  domainOf(unit: ExecUnit): MiniosDomain {
    const d = this.parts.domains.find((x) => x.vcpu === unit);
    if (d === undefined) throw new Error(`node ${this.name}: ${unit.name} is not a Mini-OS domain's VCPU`);
    return d;
  }

  /** lwIP to lwIP: each end joins its domain when its owner binds it (LwipConn.bindUnit). */
  override open(peer: Kernel, opts: TcpConnOptions = {}): [HostConnection, HostConnection] {
    if (!(peer instanceof MiniosKernel)) throw new Error(`node ${this.name}: a Mini-OS domain connects only to Mini-OS domains in this model (peer ${peer.name})`);
    const nodelay = opts.nodelay ?? false;
    const portA = this.nextLwipPort++;
    const portB = peer.nextLwipPort++;
    const a = new LwipConn(this, nodelay, portA, peer.name, portB, this.mtuBytes);
    const b = new LwipConn(peer, nodelay, portB, this.name, portA, peer.mtuBytes);
    LwipConn.pair(a, b);
    this.lwipConns.push(a);
    peer.lwipConns.push(b);
    return [a, b];
  }

  override get allConnections(): readonly HostConnection[] {
    return this.lwipConns;
  }
}

const registry = new WeakMap<Kernel, MiniosNodeParts>();

/** The Mini-OS parts behind a kernel built by buildMiniosNode, or undefined. */
export function miniosPartsOf(kernel: Kernel): MiniosNodeParts | undefined {
  return registry.get(kernel);
}

export function buildMiniosNode(sim: Simulator, spec: MiniosNodeSpec): { kernel: MiniosKernel; cpus: Vcpu[]; drops: () => number; addresses: number[] } {
  const x = spec.xen;
  const p = spec.minios;
  const n = spec.cores.length;
  const pcpus = buildPcpus(sim, spec.cores, x, spec.noise ? sim.rng.stream(`xen/${spec.name}/t_timer`) : null);
  const dom0 = new Vcpu(sim, `${spec.name}/dom0.v0`, pcpus[x.dom0Pcpu % n]!, dom0Sedf(x));
  const netback = new Netback(sim, spec.name, dom0, x, spec.nic);
  // dom0's e1000 has no NAPI: per frame from the interrupt, the driver, netif_rx and the bridge.
  spec.nic.attachDriver(new NapiPoller(sim, netback, dom0, new Dom0NicRx(spec.nic, netback), x.nicDriverPacketNs + x.bridgeNs, x.evtchnUpcallNs));
  const domains: MiniosDomain[] = [];
  const addresses: number[] = [];
  for (let k = 0; k < n; k++) {
    const vcpu = new Vcpu(sim, `${spec.name}/minios${k}.v0`, pcpus[(p.firstPcpu + k) % n]!, guestSedf(x));
    const address = k === 0 ? spec.address : spec.domainAddress(k);
    if (k > 0) addresses.push(address);
    const vif = netback.createVif(`vif${k + 1}.0`, address);
    // Mini-OS netfront asks for receive by grant copy (request-rx-copy = 1, research B2).
    vif.rxCopy = true;
    const d = new MiniosDomain(sim, `${spec.name}/minios${k}`, address, vcpu, vif, p);
    vif.evtchn = new EventChannel(sim, vif.name, spec.name, x, vcpu, d, dom0, vif);
    d.open();
    domains.push(d);
  }
  // dom0 runs XenLinux with the profile's host section (its ticks and daemons). Mini-OS has no
  // daemons and an almost empty timer handler: its domains get no noise.
  if (spec.noise) dom0.interruptions = hostInterruptions(spec.host, sim.rng.stream(`noise/${dom0.name}`));
  const parts: MiniosNodeParts = { dom0, pcpus, netback, domains };
  const kernel = new MiniosKernel(sim, spec.name, spec.address, miniosProcessParams(spec.host, p), p, parts, x.mtuBytes);
  registry.set(kernel, parts);
  const drops = (): number => {
    let s = netback.unknownDrops;
    for (const d of domains) s += d.drops + d.vif.rxDrops;
    return s;
  };
  return { kernel, cpus: domains.map((d) => d.vcpu), drops, addresses };
}

/**
 * Builds a cluster from a scenario's cluster block and one kernel profile: N nodes of C cores,
 * each with a NIC on a full-duplex link to one store-and-forward switch. A node's ranks run on
 * a kernel: the native kernel on a native profile, or (path: xen) a guest kernel whose packets
 * go through netfront/netback in dom0 (src/xen/).
 */
import type { Simulator } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import { Core } from '../hw/cpu.js';
import { LinkChannel } from '../hw/link.js';
import { Nic } from '../hw/nic.js';
import { Switch } from '../hw/switch.js';
import { Kernel } from '../os/kernel.js';
import { NapiPoller } from '../os/napi.js';
import { hostInterruptions } from '../os/noise.js';
import type { ClusterConfig, KernelProfile } from '../scenario/types.js';
import { buildXenNode } from '../xen/node.js';

export interface ClusterNode {
  index: number;
  name: string;
  /** The kernel the node's processes run on (native, or the guest under Xen). */
  kernel: Kernel;
  /** The CPUs processes run on (cores, or the guest's virtual CPUs). */
  cpus: readonly ExecUnit[];
  /** The physical cores. */
  cores: readonly Core[];
  nic: Nic;
  /** Drops on the node outside the NIC and TCP (under Xen: at the guest's interface). */
  extraDrops?: () => number;
}

export interface Cluster {
  sim: Simulator;
  nodes: ClusterNode[];
  switch: Switch;
}

/** Address of the kernel processes run on, on node i (guest domains share the numbering). */
export function nodeAddress(i: number): number {
  return i + 1;
}

export interface ClusterOptions {
  /** OS noise (ticks, detours) on the native kernels' CPUs; off: no interruptions exist. Default on. */
  noise?: boolean;
}

export function buildCluster(sim: Simulator, cfg: ClusterConfig, profile: KernelProfile, opts: ClusterOptions = {}): Cluster {
  const noise = opts.noise ?? true;
  const sw = new Switch(sim, 'switch', cfg.switch.portBufferBytes, cfg.switch.fabricLatencyNs);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < cfg.nodes; i++) {
    const name = `n${i}`;
    const cores: Core[] = [];
    for (let c = 0; c < cfg.cpusPerNode; c++) cores.push(new Core(sim, `${name}/cpu${c}`));
    const nic = new Nic(sim, `${name}/eth0`, profile.nic, {
      tso: profile.path === 'native' && profile.host.tso === 1,
      rxBufferTruesizeBytes: profile.host.rxSkbTruesizeBytes,
    });
    nic.attachLink(new LinkChannel(sim, `${name}->switch`, cfg.link.rateBps, cfg.link.propagationNs, sw, name));
    sw.addPort(`switch->${name}`, cfg.switch.portRateBps || cfg.link.rateBps, cfg.link.propagationNs, nic, [nodeAddress(i)]);
    let node: ClusterNode;
    if (profile.path === 'xen') {
      const x = buildXenNode(sim, { name, address: nodeAddress(i), cores, nic, host: profile.host, xen: profile.xen ?? {}, profileName: profile.name, noise });
      node = { index: i, name, kernel: x.kernel, cpus: x.cpus, cores, nic, ...(x.drops ? { extraDrops: x.drops } : {}) };
    } else {
      const kernel = new Kernel(sim, name, nodeAddress(i), profile.host, cores, cores[0]);
      if (noise) {
        // Each CPU its own stream: its own tick phase and detour realisation per replication.
        cores.forEach((core, c) => (core.interruptions = hostInterruptions(profile.host, sim.rng.stream(`noise/${name}/cpu${c}`))));
      }
      nic.attachDriver(new NapiPoller(sim, kernel, cores[0]!, nic, profile.host.rxPacketNs, profile.host.irqNs));
      kernel.attachDevice(nic);
      node = { index: i, name, kernel, cpus: cores, cores, nic };
    }
    nodes.push(node);
  }
  return { sim, nodes, switch: sw };
}

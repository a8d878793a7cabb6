/**
 * Builds a cluster from a scenario's cluster block and one kernel profile: N nodes of C cores,
 * each with a NIC on a full-duplex link to one store-and-forward switch. The profile's path
 * (src/paths/registry.ts) builds what runs on each node: the kernel the ranks run on, its CPUs,
 * and the drivers between them and the NIC.
 */
import type { Simulator } from '../engine/simulator.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import { Core } from '../hw/cpu.js';
import { LinkChannel } from '../hw/link.js';
import { Nic } from '../hw/nic.js';
import { Switch } from '../hw/switch.js';
import type { Kernel } from '../os/kernel.js';
import { findPath } from '../paths/registry.js';
import type { ClusterConfig, KernelProfile } from '../scenario/types.js';

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
  const path = findPath(profile.path);
  // The loader only accepts registered paths; this guards library callers that build a profile by hand.
  if (path === undefined) throw new Error(`profile ${profile.name}: unknown path ${JSON.stringify(profile.path)}`);
  const tso = path.nicTso(profile.host, profile.sections);
  const sw = new Switch(sim, 'switch', cfg.switch.portBufferBytes, cfg.switch.fabricLatencyNs);
  const nodes: ClusterNode[] = [];
  for (let i = 0; i < cfg.nodes; i++) {
    const name = `n${i}`;
    const cores: Core[] = [];
    for (let c = 0; c < cfg.cpusPerNode; c++) cores.push(new Core(sim, `${name}/cpu${c}`));
    const nic = new Nic(sim, `${name}/eth0`, profile.nic, { tso, rxBufferTruesizeBytes: profile.host.rxSkbTruesizeBytes });
    nic.attachLink(new LinkChannel(sim, `${name}->switch`, cfg.link.rateBps, cfg.link.propagationNs, sw, name));
    const port = sw.addPort(`switch->${name}`, cfg.switch.portRateBps || cfg.link.rateBps, cfg.link.propagationNs, nic, [nodeAddress(i)]);
    const built = path.buildNode({ sim, name, index: i, address: nodeAddress(i), cores, nic, host: profile.host, sections: profile.sections, noise, profileName: profile.name });
    for (const a of built.addresses ?? []) sw.addAddress(port, a);
    nodes.push({ index: i, name, kernel: built.kernel, cpus: built.cpus, cores, nic, ...(built.extraDrops ? { extraDrops: built.extraDrops } : {}) });
  }
  return { sim, nodes, switch: sw };
}

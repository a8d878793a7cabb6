/**
 * A Xen node: dom0 (netback, bridge, the physical NIC's driver) and one guest whose kernel runs
 * the ranks over netfront. Placeholder until the Xen path lands: it refuses clearly.
 */
import type { Simulator } from '../engine/simulator.js';
import type { Core } from '../hw/cpu.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { Nic } from '../hw/nic.js';
import type { Kernel } from '../os/kernel.js';
import type { HostParams } from '../os/profile.js';

export interface XenNodeSpec {
  name: string;
  /** Address of the guest (the kernel ranks run on). */
  address: number;
  cores: Core[];
  nic: Nic;
  /** The guest kernel's parameters. */
  host: HostParams;
  /** The profile's xen section (XEN_PARAMS). */
  xen: Record<string, number>;
  profileName: string;
}

export interface XenNode {
  /** The guest kernel, where the ranks run. */
  kernel: Kernel;
  /** The guest's virtual CPUs. */
  cpus: readonly ExecUnit[];
  /** Packets dropped on the node's Xen path (e.g. at the vif with no posted RX buffer). */
  drops?: () => number;
}

export function buildXenNode(_sim: Simulator, spec: XenNodeSpec): XenNode {
  throw new Error(`profile ${spec.profileName}: the Xen network path is not built yet`);
}

/**
 * A packet path: how a node's ranks reach the wire (the native NIC, Xen's netfront/netback, and
 * later the 2008 paper's HVM device models, Mini-OS domains and passthrough). Each path is one
 * module listed once in src/paths/registry.ts (PATHS); the profile loader, the cluster builder and
 * the CLI loop over that table instead of comparing path names.
 *
 * Every profile has the sections `host` (the kernel the ranks run on) and `nic` (the physical
 * NIC); a path declares its own further sections (Xen: `xen`), each a parameter schema. The loader
 * validates a section once through its schema; the path's code then receives the values typed
 * from that schema (ParamValues), never re-checked or cast back.
 */
import type { Simulator } from '../engine/simulator.js';
import type { Core } from '../hw/cpu.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { Nic } from '../hw/nic.js';
import type { Kernel } from '../os/kernel.js';
import type { HostParams, ParamSpec } from '../os/profile.js';

export type { ParamSpec };

/** A section's schema: parameter name -> unit, range, optional default and meaning. */
export type ParamSchema = Readonly<Record<string, ParamSpec>>;

/** The values of a section, typed from its schema: one number per parameter. */
export type ParamValues<S extends ParamSchema> = { [K in keyof S]: number };

/** A path's own profile sections: section name -> its schema. */
export type SectionSchemas = Readonly<Record<string, ParamSchema>>;

/** The values of a path's sections, typed from their schemas. */
export type SectionValues<S extends SectionSchemas> = { readonly [N in keyof S]: ParamValues<S[N]> };

/** A rule between parameters that no single range can say; the loader reports it at `section.param`. */
export interface SectionProblem {
  section: string;
  param: string;
  message: string;
  /** What is allowed instead, for the error message. */
  allowed: string;
}

/** What a path needs to build one node. The NIC is attached to its link but has no driver yet. */
export interface PathNodeContext<V> {
  sim: Simulator;
  /** Node name (`n0`), index in the cluster and the address of the kernel the ranks run on. */
  name: string;
  index: number;
  address: number;
  /** The node's physical cores. */
  cores: Core[];
  /** The node's physical NIC: the path attaches its driver (native NAPI, or dom0's). */
  nic: Nic;
  /** The profile's host section: the kernel the ranks run on (under Xen, the guest's). */
  host: HostParams;
  /** The path's own sections, validated by the loader. */
  sections: V;
  /** OS noise (ticks, detours, hypervisor ticks) on or off. */
  noise: boolean;
  /** The profile's name, for messages. */
  profileName: string;
  /**
   * The address of the node's guest domain `domain` (0: `address`), for paths that put several
   * domains on a node; the path returns the extra ones in `PathNode.extraAddresses`.
   */
  domainAddress(domain: number): number;
}

/** A built node as the cluster sees it. */
export interface PathNode {
  /** The kernel the node's ranks run on (native, or a guest's). */
  kernel: Kernel;
  /** The CPUs ranks run on (the cores, or a guest's VCPUs). */
  cpus: readonly ExecUnit[];
  /** Drops on the path outside the NIC and TCP (under Xen: at the guest's interface). */
  extraDrops?: () => number;
  /**
   * With several domains on the node (one rank each, say): the kernel each CPU of `cpus` belongs
   * to, in the same order. Absent: every CPU runs `kernel`.
   */
  cpuKernels?: readonly Kernel[];
  /** Addresses of the node's further domains: the switch forwards them to this node's port. */
  extraAddresses?: readonly number[];
}

/**
 * One packet path. `S` is the schema of its own sections; the registry holds paths with their
 * schemas erased (methods are bivariant in their parameter, so a typed module fits the table).
 */
export interface PathModule<S extends SectionSchemas = SectionSchemas> {
  /** The value of `path:` in a profile. */
  readonly name: string;
  /** One line: what a packet crosses on this path. */
  readonly doc: string;
  /**
   * What the path offers workloads beyond a kernel, by name (a workload module's
   * `needsPathFeature` must be among them): e.g. 'hvm-device-model', an HVM guest whose port
   * accesses a device model answers (the ioport workload).
   */
  readonly features?: readonly string[];
  /** The path's own profile sections (beyond host and nic), in the order they are shown. */
  readonly sections: S;
  /** A rule between the path's parameters (and host's) that the ranges cannot say, or undefined. */
  problem?(host: HostParams, sections: SectionValues<S>): SectionProblem | undefined;
  /**
   * Rough engine events per MSS-sized data frame and per message on this path, for `xenhpc
   * points`' cost estimate (calibrated on the `events` column of runs; good to a factor of 2).
   */
  readonly eventCost: { readonly perFrame: number; readonly perMessage: number };
  /** Does the physical NIC cut TSO super-segments for this path's kernel? */
  nicTso(host: HostParams, sections: SectionValues<S>): boolean;
  /** Build one node's kernel, CPUs and drivers on its cores and NIC. */
  buildNode(ctx: PathNodeContext<SectionValues<S>>): PathNode;
}

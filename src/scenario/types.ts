/**
 * The validated, defaults-filled form of a scenario file: what the loader returns and what the
 * runner consumes. Field meanings, units and defaults are listed in docs/scenarios.md.
 */
import type { HostParams, NicParams } from '../os/profile.js';
import type { FigureKind } from '../report/figure-kinds.js';

export interface LinkConfig {
  /** Line rate (bit/s). Default 1e9. */
  rateBps: number;
  /** Propagation delay per link (ns). Default 500. */
  propagationNs: number;
}

export interface SwitchConfig {
  /** Output-port buffer per port, drop-tail (bytes). Default 262144. */
  portBufferBytes: number;
  /** Lookup and fabric latency after a frame is fully received (ns). Default 3000. */
  fabricLatencyNs: number;
  /**
   * Rate of the switch's output ports towards the hosts (bit/s); 0 (default) = the link rate.
   * Lower than the link rate models a bottleneck inside the switch (e.g. a 100 Mb/s fabric).
   */
  portRateBps?: number;
}

export interface ClusterConfig {
  nodes: number;
  cpusPerNode: number;
  link: LinkConfig;
  switch: SwitchConfig;
  /** How MPI ranks map to nodes: block fills a node's CPUs first; cyclic deals ranks round-robin. */
  placement: 'block' | 'cyclic';
}

/** A kernel profile, loaded from scenarios/profiles/NAME.yaml with the scenario's overrides applied. */
export interface KernelProfile {
  name: string;
  description: string;
  /** The packet path (a name in src/paths/registry.ts, PATHS). */
  path: string;
  host: HostParams;
  nic: NicParams;
  /**
   * The path's own sections (e.g. `xen`), each validated against the path's schema: exactly the
   * sections the path declares, with every parameter.
   */
  sections: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** The profile this one `extends:` (its values are resolved into the sections above). */
  extends?: { name: string; source: string };
  /** Where the profile came from (file path), for messages. */
  source: string;
}

/**
 * One concrete workload: the scenario's `workload` block with one value per swept field. `type`
 * names a module of src/workloads/registry.ts; the fields are the ones that module declares
 * (every one present, defaults filled in), with the types its declarations give.
 */
export interface WorkloadSpec {
  type: string;
  [field: string]: number | string | boolean;
}

export interface TraceOutput {
  layers: string[];
  nodes: string[];
  fromNs?: number;
  toNs?: number;
  file: string;
}

export interface OutputsConfig {
  /** Directory for all outputs (relative to the working directory). Default "out". */
  dir: string;
  results: boolean;
  summary: boolean;
  compare: boolean;
  /** Figures to draw (src/report/figure-kinds.ts); empty: every figure that fits the run's data. */
  figures: FigureKind[];
  trace?: TraceOutput;
}

export interface SweepSpec {
  fields: Record<string, Array<number | string | boolean>>;
  combine: 'cross' | 'zip';
}

export interface Scenario {
  name: string;
  description: string;
  /** The file it was loaded from. */
  file: string;
  seed: string;
  replications: number;
  /** OS noise (timer ticks, detours) on the CPUs: 'off' leaves no interruption at all. */
  noise: 'on' | 'off';
  cluster: ClusterConfig;
  profiles: KernelProfile[];
  workload: WorkloadSpec;
  /** Swept workload fields and their values, in file order. */
  sweep: SweepSpec;
  /**
   * Every workload block with its sweep, in file order: one from `workload` + `sweep`, or one
   * per entry of `workloads`. `workload` and `sweep` above are the first part. A `workloads`
   * entry may name the profiles it runs on (`profiles`, a subset of the scenario's); else all.
   */
  parts: Array<{ workload: WorkloadSpec; sweep: SweepSpec; profiles?: string[] }>;
  outputs: OutputsConfig;
  /**
   * The top-level sweep over scenario fields (`sweep:` keys that are dotted paths into `cluster`
   * or `profiles`), crossed with every workload sweep; absent when there is none. Each variant is
   * the scenario validated with one combination of values.
   */
  params?: ParamSweep;
  /** `validate`'s claim set and the profile of each of its roles (absent: paper-2006 with its defaults). */
  claims?: { set: string; roles: Readonly<Record<string, string>> };
}

/** A sweep over cluster and profile fields: the swept paths and their values, and each combination. */
export interface ParamSweep {
  /** Swept path (`cluster.link.rateBps`, `profiles.xen-3.0.1.xen.txRingSlots`) -> values, in file order. */
  fields: Record<string, Array<number | string>>;
  /** Every combination (first path outermost), with the cluster and profiles it gives. */
  variants: ParamVariant[];
}

export interface ParamVariant {
  /** Path -> value of this combination; these become result columns named by the path. */
  values: Record<string, number | string>;
  cluster: ClusterConfig;
  profiles: KernelProfile[];
}

/**
 * One simulation to run: a profile, a concrete workload and a replication. `index` orders points
 * in the output; `seed` is derived from the scenario seed and the replication index only, so a
 * replication can be re-run alone and its numbers do not depend on which other points run.
 */
export interface RunPoint {
  index: number;
  profile: KernelProfile;
  workload: WorkloadSpec;
  replication: number;
  seed: string;
  /** Index of the workload block (scenario.parts) the point comes from. */
  part: number;
  /** With a top-level sweep over scenario fields: this point's values (path -> value) and cluster. */
  params?: Record<string, number | string>;
  cluster?: ClusterConfig;
}

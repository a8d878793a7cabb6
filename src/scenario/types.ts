/**
 * The validated, defaults-filled form of a scenario file: what the loader returns and what the
 * runner consumes. Field meanings, units and defaults are listed in docs/scenarios.md.
 */
import type { HostParams, NicParams } from '../os/profile.js';

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
  /** Which path a packet takes: the native NIC, or Xen's netfront/netback. */
  path: 'native' | 'xen';
  host: HostParams;
  nic: NicParams;
  /** Xen parameters (src/xen/profile.ts, XEN_PARAMS); present iff path is 'xen'. */
  xen?: Record<string, number>;
  /** Where the profile came from (file path), for messages. */
  source: string;
}

export type WorkloadType = 'stream' | 'pingpong' | 'com' | 'laten' | 'mpi-pingpong' | 'linpack';

/**
 * One concrete workload: the scenario's `workload` block with one value per swept field.
 * Fields a type does not use are absent.
 */
export interface WorkloadSpec {
  type: WorkloadType;
  /** stream: bytes to transfer. pingpong, mpi-pingpong, com: message size. */
  sizeBytes?: number;
  /** com: 'uni' or 'bi'. */
  mode?: 'uni' | 'bi';
  /** com, laten: number of active processes (even). */
  procs?: number;
  /** com, laten, pingpong, mpi-pingpong: timed operations per sample (Presta -o). */
  ops?: number;
  /** stream and pingpong: node indices of the two ends. Default 0 and 1. */
  fromNode?: number;
  toNode?: number;
  /** stream: number of parallel streams from distinct senders into toNode. Default 1. */
  streams?: number;
  /** Socket buffer request (SO_SNDBUF/SO_RCVBUF before the kernel doubles it); 0 = kernel default. */
  sockBufBytes?: number;
  /**
   * com: 'program' (default) runs every swept size of one (profile, other fields, replication) in
   * one simulation, in sweep order, over connections that persist from size to size, as one
   * Presta execution does; 'independent' runs each size in a fresh simulation. Not sweepable.
   */
  sequence?: 'program' | 'independent';
  /** linpack: order n of the n x n double matrix. Default 3000 (the paper). */
  matrixOrder?: number;
  /** linpack: the CPU's peak double-precision rate (Mflop/s). Default 6800 (3.4 GHz x 2, docs/model.md). */
  peakMflops?: number;
  /** linpack: fraction of peak the serial code sustains (0..1]. Default 0.2 (Est, docs/model.md). */
  flopEfficiency?: number;
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
  /** Figures to draw as SVG: bandwidth, max-bandwidth, optime, latency, linpack. */
  figures: Array<'bandwidth' | 'max-bandwidth' | 'optime' | 'latency' | 'linpack'>;
  trace?: TraceOutput;
}

export interface SweepSpec {
  fields: Record<string, Array<number | string>>;
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
   * per entry of `workloads`. `workload` and `sweep` above are the first part.
   */
  parts: Array<{ workload: WorkloadSpec; sweep: SweepSpec }>;
  outputs: OutputsConfig;
  /**
   * The top-level sweep over scenario fields (`sweep:` keys that are dotted paths into `cluster`
   * or `profiles`), crossed with every workload sweep; absent when there is none. Each variant is
   * the scenario validated with one combination of values.
   */
  params?: ParamSweep;
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

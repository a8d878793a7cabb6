/** Shared set-up for the Xen tests: clusters of Xen nodes and a plain frame sink. */
import { Simulator } from '../../src/engine/simulator.js';
import type { TraceBus } from '../../src/engine/trace.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import type { KernelProfile } from '../../src/scenario/types.js';
import { xenPartsOf, type XenNodeParts } from '../../src/xen/node.js';
import { type XenParams, xenParams } from '../../src/xen/profile.js';
import { clusterConfig } from '../support/profiles.js';

export function xenCluster(prof: KernelProfile, nodes = 2, seed = 1, trace: TraceBus | null = null): Cluster {
  const sim = new Simulator({ seed, trace });
  return buildCluster(sim, clusterConfig({ nodes }), prof);
}

export function parts(c: Cluster, i: number): XenNodeParts {
  const x = xenPartsOf(c.nodes[i]!.kernel);
  if (x === undefined) throw new Error(`node ${i} is not a Xen node`);
  return x;
}

export function paramsOf(prof: KernelProfile): XenParams {
  return xenParams(prof.xen!);
}

export function withXen(prof: KernelProfile, over: Partial<XenParams>): KernelProfile {
  return { ...prof, xen: { ...prof.xen!, ...over } as Record<string, number> };
}

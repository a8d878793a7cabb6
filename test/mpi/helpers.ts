/** Shared set-up for MPI tests: a profile parsed from scenarios/profiles and a small cluster. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import type { ClusterConfig, KernelProfile } from '../../src/scenario/types.js';

export function loadProfile(name: string): KernelProfile {
  // dist/test/mpi/helpers.js -> repository root
  const path = fileURLToPath(new URL(`../../../scenarios/profiles/${name}.yaml`, import.meta.url));
  return { ...parse(readFileSync(path, 'utf8')), source: path } as KernelProfile;
}

export function clusterConfig(over: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    nodes: 4,
    cpusPerNode: 4,
    link: { rateBps: 1e9, propagationNs: 500 },
    switch: { portBufferBytes: 262144, fabricLatencyNs: 3000 },
    placement: 'cyclic',
    ...over,
  };
}

export function makeCluster(profileName = 'rhel-2.6.12', seed = 1, over: Partial<ClusterConfig> = {}): Cluster {
  const sim = new Simulator({ seed });
  return buildCluster(sim, clusterConfig(over), loadProfile(profileName));
}

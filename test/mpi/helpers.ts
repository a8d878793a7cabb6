/** Shared set-up for MPI tests: a profile parsed from scenarios/profiles and a small cluster. */
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import type { ClusterConfig, KernelProfile } from '../../src/scenario/types.js';
import { clusterConfig as baseConfig, profile, UNMODERATED_NIC } from '../support/profiles.js';

/** A built-in profile, parsed from scenarios/profiles (the shared test helper). */
export const loadProfile = (name: string): KernelProfile => profile(name);

/** The shared test cluster with MPI's default placement (cyclic, as ch_p4's mpirun). */
export function clusterConfig(over: Partial<ClusterConfig> = {}): ClusterConfig {
  return baseConfig({ placement: 'cyclic', ...over });
}

/** MPI tests measure MPI's own costs: the e1000 unmoderated and no OS noise, so sums stay sums. */
export function makeCluster(profileName = 'rhel-2.6.12', seed = 1, over: Partial<ClusterConfig> = {}): Cluster {
  const sim = new Simulator({ seed });
  return buildCluster(sim, clusterConfig(over), profile(profileName, {}, UNMODERATED_NIC), { noise: false });
}

/**
 * Test helpers: a built-in profile as the loader resolves it (its `extends:` applied, path
 * sections under `sections`), with overrides.
 */
import { fileURLToPath } from 'node:url';
import { loadProfile } from '../../src/scenario/profiles.js';
import type { ClusterConfig, KernelProfile } from '../../src/scenario/types.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

export function profile(name: string, hostOverrides: Partial<KernelProfile['host']> = {}, nicOverrides: Partial<KernelProfile['nic']> = {}): KernelProfile {
  const p = loadProfile(name, `${root}scenarios/x.yaml`);
  return { ...p, host: { ...p.host, ...hostOverrides }, nic: { ...p.nic, ...nicOverrides } };
}

/** The same profile without OS noise (ticks, detours), for tests that add up costs exactly. */
export function quietProfile(name: string, hostOverrides: Partial<KernelProfile['host']> = {}, nicOverrides: Partial<KernelProfile['nic']> = {}): KernelProfile {
  return profile(name, { tickNs: 0, daemonIntervalNs: 0, longDetourIntervalNs: 0, ...hostOverrides }, nicOverrides);
}

/**
 * The e1000 with its interrupt moderation off (InterruptThrottleRate 0, no RX/TX delay timers):
 * an interrupt for every write-back, as before moderation was modelled. For tests of other
 * mechanisms (TCP, Xen's rings) whose expected values are sums without moderation.
 */
export const UNMODERATED_NIC: Partial<KernelProfile['nic']> = { interruptThrottleRate: 0, rxIntDelayUnits: 0, txIntDelayUnits: 0 };

export function clusterConfig(over: Partial<ClusterConfig> = {}): ClusterConfig {
  return {
    nodes: 4,
    cpusPerNode: 4,
    placement: 'block',
    link: { rateBps: 1e9, propagationNs: 500 },
    switch: { portBufferBytes: 262144, fabricLatencyNs: 3000, portRateBps: 0 },
    ...over,
  };
}

/**
 * The native path: the ranks' kernel drives the node's NIC itself (NAPI polling from the RX
 * interrupt), and the NIC cuts TSO super-segments when the profile's host section turns TSO on.
 */
import { Kernel } from '../os/kernel.js';
import { NapiPoller } from '../os/napi.js';
import { hostInterruptions } from '../os/noise.js';
import type { PathModule } from './module.js';

export const NATIVE_PATH: PathModule<Record<never, never>> = {
  name: 'native',
  doc: 'a native Linux kernel drives the NIC itself: NAPI, and TSO when host.tso is 1',
  sections: {},
  // Calibrated on the quickstart's events column (src/runner/cost.ts).
  eventCost: { perFrame: 14, perMessage: 30 },
  nicTso: (host) => host.tso === 1,
  buildNode({ sim, name, address, cores, nic, host, noise }) {
    const kernel = new Kernel(sim, name, address, host, cores, cores[0]);
    if (noise) {
      // Each CPU its own stream: its own tick phase and detour realisation per replication.
      cores.forEach((core, c) => (core.interruptions = hostInterruptions(host, sim.rng.stream(`noise/${name}/cpu${c}`))));
    }
    nic.attachDriver(new NapiPoller(sim, kernel, cores[0]!, nic, host.rxPacketNs, host.irqNs));
    kernel.attachDevice(nic);
    return { kernel, cpus: cores };
  },
};

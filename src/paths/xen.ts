/**
 * The Xen 3.0 paravirtualised path: the ranks run in a guest whose packets cross netfront, the
 * shared rings and event channels, netback and the bridge in dom0, then dom0's e1000 driver
 * (src/xen/). Its own profile section is `xen` (XEN_PARAMS). The guest has no TSO (netfront
 * before Xen 3.0.3), so the NIC only sees MTU-sized frames.
 */
import { buildXenNode } from '../xen/node.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import { DOMAIN_PARAMS, domainParamsProblem } from '../xen/channel.js';
import type { PathModule } from './module.js';

export const XEN_PATH: PathModule<{ xen: typeof XEN_PARAMS; domains: typeof DOMAIN_PARAMS }> = {
  name: 'xen',
  doc: 'a Xen paravirtualised guest: netfront -> rings and event channels -> netback and bridge in dom0 -> e1000 (co-located guests: optionally a shared-memory channel)',
  // `domains`: guests per node and the inter-domain channel, all defaulted (docs/model-xen-channel.md).
  sections: { xen: XEN_PARAMS, domains: DOMAIN_PARAMS },
  problem(_host, { xen, domains }) {
    const bad = xenParamsProblem(xen);
    if (bad) return { section: 'xen', ...bad };
    const badDomains = domains.interDomainChannel === 1 ? domainParamsProblem(domains, xen.mtuBytes) : undefined;
    return badDomains ? { section: 'domains', ...badDomains } : undefined;
  },
  // Calibrated on the quickstart's events column: rings, event channels, netback, VCPU scheduling.
  eventCost: { perFrame: 60, perMessage: 100 },
  nicTso: () => false,
  buildNode({ sim, name, address, cores, nic, host, sections, noise, domainAddress }) {
    const x = buildXenNode(sim, { name, address, cores, nic, host, xen: sections.xen, noise, domains: sections.domains, domainAddress });
    return {
      kernel: x.kernel,
      cpus: x.cpus,
      ...(x.drops ? { extraDrops: x.drops } : {}),
      ...(x.cpuKernels ? { cpuKernels: x.cpuKernels, extraAddresses: x.extraAddresses ?? [] } : {}),
    };
  },
};

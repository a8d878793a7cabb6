/**
 * MPI ranks in Mini-OS application domains (the 2008 paper's lightweight domains; Xen 3.3
 * stubdom/ with newlib and lwIP 1.3.0): one rank per domain, one domain per core, each domain's
 * lwIP TCP over Mini-OS netfront (copy into a granted page; receive by grant copy, a memcpy into
 * a pbuf and the tcpip thread's mailbox) to netback and the bridge in dom0, then the e1000
 * (src/xen/minios/, docs/model-minios.md). Its own sections: `xen` (as the PV path) and `minios`.
 */
import { buildMiniosNode } from '../xen/minios/node.js';
import { MINIOS_PARAMS } from '../xen/minios/params.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import type { PathModule } from './module.js';

export const MINIOS_PATH: PathModule<{ xen: typeof XEN_PARAMS; minios: typeof MINIOS_PARAMS }> = {
  name: 'minios',
  doc: 'ranks in Mini-OS domains: lwIP -> Mini-OS netfront (grant copy) -> netback and bridge in dom0 -> e1000',
  sections: { xen: XEN_PARAMS, minios: MINIOS_PARAMS },
  problem(_host, { xen }) {
    const bad = xenParamsProblem(xen);
    return bad ? { section: 'xen', ...bad } : undefined;
  },
  // Measured against xen-3.0.1 on com points (64 KiB x 20, 32 B x 200): 1x per frame, 1.8x per message.
  eventCost: { perFrame: 60, perMessage: 180 },
  nicTso: () => false,
  buildNode({ sim, name, address, cores, nic, host, sections, noise, domainAddress }) {
    const m = buildMiniosNode(sim, { name, address, cores, nic, host, xen: sections.xen, minios: sections.minios, noise, domainAddress });
    return { kernel: m.kernel, cpus: m.cpus, extraDrops: m.drops, extraAddresses: m.addresses };
  },
};

/**
 * The Xen 3.0 paravirtualised path: the ranks run in a guest whose packets cross netfront, the
 * shared rings and event channels, netback and the bridge in dom0, then dom0's e1000 driver
 * (src/xen/). Its own profile section is `xen` (XEN_PARAMS). The guest has no TSO (netfront
 * before Xen 3.0.3), so the NIC only sees MTU-sized frames.
 */
import { buildXenNode } from '../xen/node.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import type { PathModule } from './module.js';

export const XEN_PATH: PathModule<{ xen: typeof XEN_PARAMS }> = {
  name: 'xen',
  doc: 'a Xen paravirtualised guest: netfront -> rings and event channels -> netback and bridge in dom0 -> e1000',
  sections: { xen: XEN_PARAMS },
  problem(_host, { xen }) {
    const bad = xenParamsProblem(xen);
    return bad ? { section: 'xen', ...bad } : undefined;
  },
  nicTso: () => false,
  buildNode({ sim, name, address, cores, nic, host, sections, noise }) {
    const x = buildXenNode(sim, { name, address, cores, nic, host, xen: sections.xen, noise });
    return { kernel: x.kernel, cpus: x.cpus, ...(x.drops ? { extraDrops: x.drops } : {}) };
  },
};

/**
 * A Xen paravirtualised guest that drives the physical NIC itself (PCI passthrough; VT-d from Xen
 * 3.2): the guest's e1000 driver and NAPI on its VCPUs, no netfront, netback, bridge or dom0 on
 * the path; each NIC interrupt enters Xen and reaches the guest as an event (src/xen/passthrough.ts,
 * docs/model-xen-channel.md). The `xen` section gives the hypervisor's costs and SEDF; its
 * netfront/netback parameters are unused here.
 */
import { buildPassthroughNode, PASSTHROUGH_PARAMS } from '../xen/passthrough.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import type { PathModule } from './module.js';

export const XEN_PASSTHROUGH_PATH: PathModule<{ xen: typeof XEN_PARAMS; passthrough: typeof PASSTHROUGH_PARAMS }> = {
  name: 'xen-passthrough',
  doc: "a Xen guest drives the NIC itself (passthrough): its own e1000 driver and NAPI; each interrupt enters Xen and is injected as an event",
  sections: { xen: XEN_PARAMS, passthrough: PASSTHROUGH_PARAMS },
  problem(_host, { xen }) {
    const bad = xenParamsProblem(xen);
    return bad ? { section: 'xen', ...bad } : undefined;
  },
  // The guest's own driver: TSO as its kernel has it.
  // Measured against xen-3.0.1 on com points (64 KiB x 20, 32 B x 200): 0.4x per frame, 0.75x per message.
  eventCost: { perFrame: 24, perMessage: 75 },
  nicTso: (host) => host.tso === 1,
  buildNode({ sim, name, address, cores, nic, host, sections, noise }) {
    const x = buildPassthroughNode(sim, { name, address, cores, nic, host, xen: sections.xen, pt: sections.passthrough, noise });
    return { kernel: x.kernel, cpus: x.cpus };
  },
};

/**
 * The same HVM guest and emulated rtl8139, with the device model (qemu) on Mini-OS in a stub
 * domain of its own (Xen 3.3 stubdom/): the trap path is the same; the device model's event
 * checks are function calls, the hypervisor schedules its VCPU, and frames go through Mini-OS
 * netfront to netback and the bridge in dom0 (src/xen/hvm/, docs/model-hvm.md).
 */
import { buildHvmNode } from '../xen/hvm/node.js';
import { DOM0_LINUX_PARAMS, HVM_PARAMS, STUBDOM_PARAMS } from '../xen/hvm/params.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import type { PathModule } from './module.js';
import { HVM_DEVICE_MODEL } from '../xen/hvm/node.js';

export const XEN_HVM_STUBDOM_PATH: PathModule<{ xen: typeof XEN_PARAMS; hvm: typeof HVM_PARAMS; dom0Linux: typeof DOM0_LINUX_PARAMS; stubdom: typeof STUBDOM_PARAMS }> = {
  name: 'xen-hvm-stubdom',
  doc: 'an HVM guest: rtl8139 register accesses trap to qemu in a Mini-OS stub domain -> Mini-OS netfront -> netback and bridge in dom0 -> e1000',
  features: [HVM_DEVICE_MODEL],
  sections: { xen: XEN_PARAMS, hvm: HVM_PARAMS, dom0Linux: DOM0_LINUX_PARAMS, stubdom: STUBDOM_PARAMS },
  problem(_host, { xen }) {
    const bad = xenParamsProblem(xen);
    return bad ? { section: 'xen', ...bad } : undefined;
  },
  // Measured against xen-3.0.1 on a 2 MB stream: about 6x per frame (every register access is an ioreq).
  eventCost: { perFrame: 350, perMessage: 100 },
  nicTso: () => false,
  buildNode({ sim, name, address, cores, nic, host, sections, noise }) {
    const x = buildHvmNode(sim, { name, address, cores, nic, host, xen: sections.xen, hvm: sections.hvm, dom0Linux: sections.dom0Linux, dm: { kind: 'stubdom', stubdom: sections.stubdom }, noise });
    return { kernel: x.kernel, cpus: x.cpus, extraDrops: x.drops };
  },
};

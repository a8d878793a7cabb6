/**
 * An HVM guest with an emulated rtl8139 whose device model, qemu-dm, is a dom0 Linux process
 * (Xen 3.2/3.3's default): every register access of the guest's driver traps to Xen, goes to
 * qemu-dm over an event channel, and waits for dom0's scheduler and qemu-dm's system calls;
 * frames cross the tap device, dom0's bridge and the e1000 (src/xen/hvm/, docs/model-hvm.md).
 */
import { buildHvmNode } from '../xen/hvm/node.js';
import { DOM0_LINUX_PARAMS, HVM_PARAMS, QEMU_DOM0_PARAMS } from '../xen/hvm/params.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import type { PathModule } from './module.js';
import { HVM_DEVICE_MODEL } from '../xen/hvm/node.js';

export const XEN_HVM_PATH: PathModule<{ xen: typeof XEN_PARAMS; hvm: typeof HVM_PARAMS; dom0Linux: typeof DOM0_LINUX_PARAMS; qemuDom0: typeof QEMU_DOM0_PARAMS }> = {
  name: 'xen-hvm',
  doc: 'an HVM guest: rtl8139 register accesses trap to qemu-dm, a dom0 process -> tap -> bridge -> e1000',
  features: [HVM_DEVICE_MODEL],
  sections: { xen: XEN_PARAMS, hvm: HVM_PARAMS, dom0Linux: DOM0_LINUX_PARAMS, qemuDom0: QEMU_DOM0_PARAMS },
  problem(_host, { xen }) {
    const bad = xenParamsProblem(xen);
    return bad ? { section: 'xen', ...bad } : undefined;
  },
  // Measured against xen-3.0.1 on a 2 MB stream: about 6x per frame (every register access is an ioreq).
  eventCost: { perFrame: 370, perMessage: 100 },
  nicTso: () => false,
  buildNode({ sim, name, address, cores, nic, host, sections, noise }) {
    const x = buildHvmNode(sim, { name, address, cores, nic, host, xen: sections.xen, hvm: sections.hvm, dom0Linux: sections.dom0Linux, dm: { kind: 'dom0', qemu: sections.qemuDom0 }, noise });
    return { kernel: x.kernel, cpus: x.cpus, extraDrops: x.drops };
  },
};

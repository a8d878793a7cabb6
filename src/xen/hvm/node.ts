/**
 * A node whose ranks run in an HVM guest with an emulated rtl8139 (docs/model-hvm.md): the
 * guest's one VCPU, dom0 (its VCPU, its O(1) process scheduler, netback, the bridge and the
 * e1000 driver), and the device model either as a dom0 process (`dom0`, path xen-hvm) or in a
 * stub domain with its own VCPU and a vif on dom0's netback (`stubdom`, path xen-hvm-stubdom).
 * All VCPUs are scheduled by SEDF on the node's cores (src/xen/vcpu.ts).
 */
import type { Simulator } from '../../engine/simulator.js';
import { Kernel } from '../../os/kernel.js';
import { NapiPoller } from '../../os/napi.js';
import { hostInterruptions } from '../../os/noise.js';
import { O1Scheduler, type O1Task } from '../../os/o1sched.js';
import { EventChannel } from '../evtchn.js';
import { Netback, type Vif } from '../netback.js';
import { Dom0NicRx, buildPcpus, dom0Sedf, guestSedf, type XenNodeBaseSpec } from '../node.js';
import { Vcpu } from '../vcpu.js';
import { Dom0QemuHost, MiniosNetfront, StubdomHost, TapBackend } from './hosts.js';
import { HvmVcpu } from './ioreq.js';
import type { Dom0LinuxParams, HvmParams, QemuDom0Params, StubdomParams } from './params.js';
import { QemuDm } from './qemu.js';
import { REG, Rtl8139Device, Rtl8139Driver } from './rtl8139.js';

export interface HvmNodeSpec extends XenNodeBaseSpec {
  hvm: HvmParams;
  dom0Linux: Dom0LinuxParams;
  /** Where the device model runs: a dom0 process (with its section) or a stub domain (with its). */
  dm: { kind: 'dom0'; qemu: QemuDom0Params } | { kind: 'stubdom'; stubdom: StubdomParams };
}

/** The parts of a built HVM node, for workloads (ioport, dom0 load) and tests. */
export interface HvmNodeParts {
  kind: 'dom0' | 'stubdom';
  kernel: Kernel;
  cpu: HvmVcpu;
  guestVcpu: Vcpu;
  dom0: Vcpu;
  dom0Sched: O1Scheduler;
  dm: QemuDm;
  device: Rtl8139Device;
  driver: Rtl8139Driver;
  qemuTask?: O1Task;
  tap?: TapBackend;
  stubVcpu?: Vcpu;
  netfront?: MiniosNetfront;
  netback?: Netback;
  vif?: Vif;
  /** The CPU-bound background processes added to dom0 so far. */
  loadTasks: O1Task[];
  /** Add `n` CPU-bound processes to dom0 at the profile's load nice value. */
  addDom0Load(n: number): void;
  /** One `inb` from guest code running now on the HVM VCPU, as a waitable (fires with the value). */
  inb(): ReturnType<HvmVcpu['accessWait']>;
}

/** The path feature of a node built here: its HVM guest's port accesses reach a device model (ioport needs it). */
export const HVM_DEVICE_MODEL = 'hvm-device-model';

const registry = new WeakMap<Kernel, HvmNodeParts>();

/** The HVM parts behind a guest kernel built by buildHvmNode, or undefined. */
export function hvmPartsOf(kernel: Kernel): HvmNodeParts | undefined {
  return registry.get(kernel);
}

export function buildHvmNode(sim: Simulator, spec: HvmNodeSpec): { kernel: Kernel; cpus: HvmVcpu[]; drops: () => number; parts: HvmNodeParts } {
  const x = spec.xen;
  const h = spec.hvm;
  const l = spec.dom0Linux;
  const n = spec.cores.length;
  const pcpus = buildPcpus(sim, spec.cores, x, spec.noise ? sim.rng.stream(`xen/${spec.name}/t_timer`) : null);
  const dom0 = new Vcpu(sim, `${spec.name}/dom0.v0`, pcpus[x.dom0Pcpu % n]!, dom0Sedf(x));
  const guestVcpu = new Vcpu(sim, `${spec.name}/hvm.v0`, pcpus[h.guestPcpu % n]!, guestSedf(x));
  const cpu = new HvmVcpu(sim, guestVcpu, {
    vmExitNs: h.vmExitNs,
    vmEntryNs: h.vmEntryNs,
    ioreqSendNs: h.ioreqSendNs,
    evtchnLatencyNs: x.evtchnLatencyNs,
    vlapicEoiNs: h.vlapicEoiNs,
    guestIrqNs: spec.host.irqNs,
  });
  const kernel = new Kernel(sim, spec.name, spec.address, spec.host, [cpu], cpu);
  const dom0Sched = new O1Scheduler(sim, dom0, {
    defTimesliceNs: l.defTimesliceNs,
    minTimesliceNs: l.minTimesliceNs,
    wakeupNs: l.dom0WakeupNs,
    contextSwitchNs: l.dom0SwitchNs,
    chunkNs: l.chunkNs,
  });
  const device = new Rtl8139Device(h);
  const dmCosts = { ioreqHandleNs: h.ioreqHandleNs, portHandlerNs: h.portHandlerNs };
  let dm: QemuDm;
  const partsExtra: Partial<HvmNodeParts> = {};
  let drops: () => number;
  if (spec.dm.kind === 'dom0') {
    const q = spec.dm.qemu;
    const qemuTask = dom0Sched.addTask('qemu-dm', q.qemuNice, false, q.qemuSleepAvgNs);
    const host = new Dom0QemuHost(qemuTask, dom0, x, h, l, q);
    dm = new QemuDm(sim, `${spec.name}/qemu-dm`, host, dmCosts);
    host.dm = dm;
    const tap = new TapBackend(spec.nic, dom0, h.dmCopyNsPerByte, l.dom0SyscallNs, x, q, q.tapQueuePackets);
    tap.dm = dm;
    dm.backend = tap;
    // dom0's e1000 (no NAPI): per frame the driver, netif_rx and the bridge, towards the tap.
    spec.nic.attachDriver(new NapiPoller(sim, tap, dom0, spec.nic, x.nicDriverPacketNs + x.bridgeNs, x.evtchnUpcallNs));
    Object.assign(partsExtra, { qemuTask, tap });
    drops = () => tap.drops + tap.nicDrops;
  } else {
    const s = spec.dm.stubdom;
    const stubVcpu = new Vcpu(sim, `${spec.name}/stubdom.v0`, pcpus[s.stubdomPcpu % n]!, guestSedf(x));
    const host = new StubdomHost(stubVcpu, x, h, s);
    dm = new QemuDm(sim, `${spec.name}/stubdom-qemu`, host, dmCosts);
    host.dm = dm;
    const netback = new Netback(sim, spec.name, dom0, x, spec.nic);
    spec.nic.attachDriver(new NapiPoller(sim, netback, dom0, new Dom0NicRx(spec.nic, netback), x.nicDriverPacketNs + x.bridgeNs, x.evtchnUpcallNs));
    // The stub domain's vif carries the HVM guest's frames: the bridge forwards its address there.
    const vif = netback.createVif('vif2.0', spec.address);
    // Mini-OS netfront asks for receive by grant copy (request-rx-copy = 1, research B2).
    vif.rxCopy = true;
    const netfront = new MiniosNetfront(sim, vif, stubVcpu, h.dmCopyNsPerByte, s);
    vif.evtchn = new EventChannel(sim, 'vif2.0', spec.name, x, stubVcpu, netfront, dom0, vif);
    netfront.dm = dm;
    netfront.open();
    dm.backend = netfront;
    Object.assign(partsExtra, { stubVcpu, netfront, netback, vif });
    drops = () => vif.rxDrops + netback.unknownDrops;
  }
  dm.nic = device;
  cpu.server = dm;
  const driver = new Rtl8139Driver(sim, cpu, device, kernel, spec.host, h, 1000);
  dm.onIrqRise = () => driver.interrupt();
  driver.lineHigh = () => dm.irqLineHigh;
  kernel.attachDevice(driver);
  if (spec.noise) {
    // dom0 and the HVM guest each with their kernel's noise (the profile's host section). Mini-OS
    // has no daemons and an almost empty timer handler: the stub domain gets none.
    for (const v of [dom0, guestVcpu]) v.interruptions = hostInterruptions(spec.host, sim.rng.stream(`noise/${v.name}`));
  }
  const loadTasks: O1Task[] = [];
  const parts: HvmNodeParts = {
    kind: spec.dm.kind,
    kernel,
    cpu,
    guestVcpu,
    dom0,
    dom0Sched,
    dm,
    device,
    driver,
    ...partsExtra,
    loadTasks,
    addDom0Load(k: number) {
      for (let i = 0; i < k; i++) {
        const name = `load${loadTasks.length}`;
        if (l.loadSleepNs === 0) {
          loadTasks.push(dom0Sched.addTask(name, l.loadNice, true));
          continue;
        }
        // Bursts of loadRunNs and sleeps of loadSleepNs, from the run's start. Such a process has
        // been alternating for long: each cycle adds its sleep to sleep_avg and takes off only its
        // run divided by the bonus, so it sits at MAX_SLEEP_AVG (docs/model-hvm.md).
        const t = dom0Sched.addTask(name, l.loadNice, false, 10 * l.defTimesliceNs);
        loadTasks.push(t);
        const burst = (): void => t.run(l.loadRunNs, sleepThenBurst);
        const sleepThenBurst = (): void => void sim.schedule(l.loadSleepNs, burst);
        burst();
      }
    },
    inb: () => cpu.accessWait(REG.Unassigned, false, 0),
  };
  registry.set(kernel, parts);
  return { kernel, cpus: [cpu], drops: () => drops() + driver.txDrops, parts };
}

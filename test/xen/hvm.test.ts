import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import { Core } from '../../src/hw/cpu.js';
import { ETH_HEADER_BYTES, Packet } from '../../src/hw/packet.js';
import { O1Scheduler, o1TimesliceNs } from '../../src/os/o1sched.js';
import type { KernelProfile } from '../../src/scenario/types.js';
import { runIoport } from '../../src/workloads/ioport.js';
import { runStream } from '../../src/workloads/stream.js';
import { hvmPartsOf, type HvmNodeParts } from '../../src/xen/hvm/node.js';
import type { Dom0LinuxParams, HvmParams, QemuDom0Params, StubdomParams } from '../../src/xen/hvm/params.js';
import type { XenParams } from '../../src/xen/profile.js';
import { clusterConfig, profile, quietProfile } from '../support/profiles.js';

type Sections = { xen: XenParams; hvm: HvmParams; dom0Linux: Dom0LinuxParams; qemuDom0: QemuDom0Params; stubdom: StubdomParams };
const sec = (p: KernelProfile): Sections => p.sections as unknown as Sections;

function cluster(prof: KernelProfile, noise = false, nodes = 2, seed = 1): Cluster {
  return buildCluster(new Simulator({ seed }), clusterConfig({ nodes }), prof, { noise });
}
function hvm(c: Cluster, i: number): HvmNodeParts {
  const x = hvmPartsOf(c.nodes[i]!.kernel);
  if (x === undefined) throw new Error(`node ${i} is not an HVM node`);
  return x;
}

test('O(1) timeslices: task_timeslice of 2.6.9-2.6.18 (100 ms at nice 0, 5 ms at 19, 800 ms at -20)', () => {
  const p = { defTimesliceNs: 100e6, minTimesliceNs: 5e6 };
  assert.equal(o1TimesliceNs(0, p), 100e6);
  assert.equal(o1TimesliceNs(19, p), 5e6);
  assert.equal(o1TimesliceNs(-20, p), 800e6);
  assert.equal(o1TimesliceNs(10, p), 50e6);
});

test('O(1): a woken task of equal priority waits for the hog to use up its timeslice; an interactive one (sleep_avg) preempts at the next piece', () => {
  const p = { defTimesliceNs: 100e6, minTimesliceNs: 5e6, wakeupNs: 5000, contextSwitchNs: 4000, chunkNs: 100000 };
  for (const history of [0, 1e9]) {
    const sim = new Simulator({ seed: 1 });
    const s = new O1Scheduler(sim, new Core(sim, 'cpu0'), p);
    const hog = s.addTask('hog', 0, true);
    const t = s.addTask('probe', 0, false, history);
    let doneAt = -1;
    // Woken 1 us after it was created: too short a sleep to earn a bonus of its own.
    sim.at(1000, () => t.run(1000, () => (doneAt = sim.now)));
    sim.run(1e9);
    // A CPU-bound task with no sleep_avg is penalised: priority 125.
    assert.equal(hog.prio, 125);
    if (history === 0) {
      // Equal priority: the hog's slice (work only, after its 5 us wake-up) must run out first.
      assert.equal(doneAt, 5000 + 100e6 + 5000 + 1000);
    } else {
      // MAX_SLEEP_AVG: bonus 10, priority 115: preempts at the end of the hog's running piece.
      assert.equal(t.prio, 115);
      assert.equal(doneAt, 5000 + 100000 + 5000 + 1000);
    }
  }
});

/** The inb round trip summed from the profile's parameters (every VCPU and qemu-dm idle between accesses). */
function ioportSumNs(prof: KernelProfile): number {
  const { xen: x, hvm: h, dom0Linux: l, qemuDom0: q, stubdom: s } = sec(prof);
  const guestOut = h.vmExitNs + h.ioreqSendNs + x.evtchnLatencyNs;
  const back = x.evtchnLatencyNs + x.vcpuWakeNs + h.vmEntryNs;
  const handle = h.ioreqHandleNs + h.portHandlerNs;
  if (prof.path === 'xen-hvm') {
    // dom0's VCPU wakes, takes the upcall, the evtchn driver wakes qemu-dm, which runs its main
    // loop's system calls, handles the ioreq and notifies with an ioctl (syscall + hypercall).
    return guestOut + x.vcpuWakeNs + x.evtchnUpcallNs + q.evtchnDriverNs + l.dom0WakeupNs + q.syscallsPerEvent * l.dom0SyscallNs + handle + l.dom0SyscallNs + x.hypercallNs + back;
  }
  // The stub domain's VCPU wakes, takes the upcall, switches to the qemu thread; calls, not syscalls.
  return guestOut + x.vcpuWakeNs + x.evtchnUpcallNs + s.threadSwitchNs + s.callsPerEvent * s.callNs + handle + x.hypercallNs + back;
}

for (const name of ['xen-hvm', 'xen-hvm-stubdom']) {
  test(`${name}: the inb round trip is the sum of the profile's trap-path costs (noise off)`, () => {
    const prof = quietProfile(name);
    const m = runIoport(cluster(prof), { ops: 10, dom0LoadProcs: 0 });
    assert.equal(Math.round(m.latencyUs! * 1000), ioportSumNs(prof));
  });

  test(`${name}: a small frame reaches the physical NIC after the sum of the transmit path's costs (noise off)`, () => {
    const prof = quietProfile(name);
    const { xen: x, hvm: h, dom0Linux: l, qemuDom0: q, stubdom: s } = sec(prof);
    const c = cluster(prof);
    const n0 = hvm(c, 0);
    const sim = c.sim;
    let sentAt = -1;
    const nic = c.nodes[0]!.nic;
    const orig = nic.send.bind(nic);
    nic.send = (pkt, cpu) => {
      sentAt = sim.now;
      sim.stop();
      return orig(pkt, cpu);
    };
    const pkt = new Packet(1, 2, { flowLabel: 'test' }, 0, 10, 0, 65535, 0, 1448);
    const frame = Math.max(60, pkt.ipBytes + ETH_HEADER_BYTES);
    sim.at(1000, () => n0.driver.send(pkt, n0.cpu));
    sim.run(1e9);
    // The guest VCPU wakes, copies into tx_buf and writes TxStatus: one trap to the device model.
    // Each work item is rounded to whole ns where it is charged.
    const r = Math.round;
    let want = 1000 + x.vcpuWakeNs + r(h.guestDriverPacketNs + frame * prof.host.copyNsPerByte) + h.vmExitNs + h.ioreqSendNs + x.evtchnLatencyNs;
    const handle = h.ioreqHandleNs + h.portHandlerNs + frame * h.dmCopyNsPerByte;
    const len = pkt.ipBytes + ETH_HEADER_BYTES;
    if (name === 'xen-hvm') {
      // qemu-dm sends in its tap write(): syscall, copy, tun, bridge and e1000 driver, then notifies.
      want += x.vcpuWakeNs + x.evtchnUpcallNs + q.evtchnDriverNs + l.dom0WakeupNs + q.syscallsPerEvent * l.dom0SyscallNs;
      want += r(handle + l.dom0SyscallNs + q.tapPacketNs + x.bridgeNs + x.nicDriverPacketNs + len * h.dmCopyNsPerByte + l.dom0SyscallNs + x.hypercallNs);
    } else {
      // Mini-OS netfront copies into a granted page; netback in dom0 maps it, bridge and e1000.
      want += x.vcpuWakeNs + x.evtchnUpcallNs + s.threadSwitchNs + s.callsPerEvent * s.callNs;
      want += r(handle + s.miniosNetfrontPacketNs + len * h.dmCopyNsPerByte + x.hypercallNs);
      want += x.hypercallNs + x.evtchnLatencyNs + x.vcpuWakeNs + x.evtchnUpcallNs;
      want += r(x.hypercallNs + x.grantMapNs + x.headerCopyBytes * x.copyNsPerByte + x.netbackPacketNs) + x.bridgeNs + x.nicDriverPacketNs;
    }
    assert.equal(sentAt, want);
  });
}

test('dom0 load: an interactive qemu-dm preempts CPU-bound processes; one without bonus waits a timeslice per inb; I/O-bound load of its priority delays it by bursts; the stub domain does not notice', () => {
  const dom0 = quietProfile('xen-hvm');
  const stub = quietProfile('xen-hvm-stubdom');
  const slice = sec(dom0).dom0Linux.defTimesliceNs;
  const withSec = (name: 'qemuDom0' | 'dom0Linux', over: Record<string, number>): KernelProfile => ({ ...dom0, sections: { ...dom0.sections, [name]: { ...sec(dom0)[name], ...over } } });
  const d0 = runIoport(cluster(dom0), { ops: 5, dom0LoadProcs: 0 }).latencyUs!;
  // The profile's qemu-dm has an idle history (MAX_SLEEP_AVG): it preempts the hogs at once;
  // what load adds is the piece it waits behind and the switches, microseconds.
  const dHog = runIoport(cluster(dom0), { ops: 5, dom0LoadProcs: 2 }).latencyUs!;
  assert.ok(dHog > d0 && dHog < d0 + 20, `interactive qemu-dm, 2 CPU-bound processes: ${dHog} us vs ${d0} us`);
  // Without bonus it is their equal: each inb waits for the hogs' 100 ms slices.
  const busy = withSec('qemuDom0', { qemuSleepAvgNs: 0 });
  const b1 = runIoport(cluster(busy), { ops: 3, dom0LoadProcs: 1 }).latencyUs!;
  const b2 = runIoport(cluster(busy), { ops: 3, dom0LoadProcs: 2 }).latencyUs!;
  assert.ok(b1 * 1000 > 0.9 * slice && b1 * 1000 < 1.1 * slice, `no bonus, 1 hog: ${b1} us`);
  assert.ok(b2 * 1000 > 1.8 * slice && b2 * 1000 < 2.2 * slice, `no bonus, 2 hogs: ${b2} us`);
  // Four I/O-bound processes (5 ms bursts, 5 ms sleeps) are interactive too: qemu-dm waits for bursts.
  const io = withSec('dom0Linux', { loadRunNs: 5e6, loadSleepNs: 5e6 });
  const i4 = runIoport(cluster(io), { ops: 5, dom0LoadProcs: 4 }).latencyUs!;
  assert.ok(i4 > 1000, `4 I/O-bound processes: ${i4} us`);
  const s0 = runIoport(cluster(stub), { ops: 5, dom0LoadProcs: 0 }).latencyUs!;
  const s2 = runIoport(cluster(stub), { ops: 5, dom0LoadProcs: 2 }).latencyUs!;
  assert.equal(s2, s0);
});

test('random streams over the emulated NIC: every byte once and in order; RX ring, TX descriptors, tap queue and vif rings within capacity', () => {
  fc.assert(
    fc.property(
      fc.record({
        path: fc.constantFrom('xen-hvm', 'xen-hvm-stubdom'),
        seed: fc.integer({ min: 1, max: 1e6 }),
        sizeBytes: fc.integer({ min: 1, max: 60000 }),
        sockBufBytes: fc.constantFrom(0, 4096, 65536),
        rxBufBytes: fc.constantFrom(8192, 16384, 32768),
        txDescriptors: fc.integer({ min: 1, max: 4 }),
        tapQueuePackets: fc.constantFrom(2, 500),
        noise: fc.boolean(),
      }),
      (k) => {
        const base = profile(k.path);
        const s = sec(base);
        const prof: KernelProfile = {
          ...base,
          sections: { ...base.sections, hvm: { ...s.hvm, rxBufBytes: k.rxBufBytes, txDescriptors: k.txDescriptors }, ...(k.path === 'xen-hvm' ? { qemuDom0: { ...s.qemuDom0, tapQueuePackets: k.tapQueuePackets } } : {}) },
        };
        const c = cluster(prof, k.noise, 2, k.seed);
        runStream(c, { sizeBytes: k.sizeBytes, sockBufBytes: k.sockBufBytes });
        const recv = c.nodes[1]!.kernel.connections;
        assert.equal(recv.length, 1);
        // TCP queues data only at rcv_nxt: delivered == written means once and in order.
        assert.equal(recv[0]!.stats.bytesDelivered, k.sizeBytes);
        for (const i of [0, 1]) {
          const x = hvm(c, i);
          assert.ok(x.device.maxRxRingUsedBytes <= k.rxBufBytes, `RX ring ${x.device.maxRxRingUsedBytes} > ${k.rxBufBytes}`);
          assert.ok(x.driver.maxQdisc <= 1000);
          if (x.tap) assert.ok(x.tap.maxQueue <= k.tapQueuePackets, `tap ${x.tap.maxQueue} > ${k.tapQueuePackets}`);
          if (x.vif) {
            assert.ok(x.vif.tx.maxOutstanding <= 256 && x.vif.rx.maxOutstanding <= 256);
            assert.ok(x.netback!.maxPending <= 256);
          }
          // Every frame the guest sent left through the device model.
          assert.equal(x.device.txFrames, x.driver.txPackets);
        }
      },
    ),
    { numRuns: 30, seed: 2008 },
  );
});

test('ioport on a profile whose path has no HVM device model is refused before any simulation, naming the field', async () => {
  const { scenarioFile } = await import('../scenario/helpers.js');
  const { loadScenario } = await import('../../src/scenario/load.js');
  const { ScenarioError } = await import('../../src/scenario/errors.js');
  const file = scenarioFile('ioport-native.yaml', { workload: { type: 'ioport' } });
  assert.throws(() => loadScenario(file), (e: unknown) => e instanceof ScenarioError && /workload\.type: workload type ioport needs a node path with hvm-device-model; profile \S+ has path native/.test(e.message) && /xen-hvm or xen-hvm-stubdom/.test(e.message));
  // The same block on the HVM profiles loads.
  assert.equal(loadScenario(scenarioFile('ioport-hvm.yaml', { profiles: ['xen-hvm', 'xen-hvm-stubdom'], workload: { type: 'ioport' } })).profiles.length, 2);
});

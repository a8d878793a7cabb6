import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { spawn, type ProcessBody } from '../../src/engine/process.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import { serializationNs } from '../../src/hw/link.js';
import { ETH_HEADER_BYTES, IP_HEADER_BYTES, TCP_HEADER_BYTES } from '../../src/hw/packet.js';
import { ProcCtx, readExactly, writeAll } from '../../src/os/syscalls.js';
import { runLaten } from '../../src/workloads/laten.js';
import { runMpiPingpong } from '../../src/workloads/mpi-pingpong.js';
import { runStream } from '../../src/workloads/stream.js';
import type { KernelProfile } from '../../src/scenario/types.js';
import { miniosPartsOf, type MiniosNodeParts } from '../../src/xen/minios/node.js';
import { MINIOS_PARAMS, type MiniosParams } from '../../src/xen/minios/params.js';
import type { LwipConn } from '../../src/xen/minios/lwip.js';
import { XEN_PARAMS, type XenParams } from '../../src/xen/profile.js';
import { clusterConfig, quietProfile, UNMODERATED_NIC } from '../support/profiles.js';

const cfg = clusterConfig({ nodes: 2 });

function section<T>(prof: KernelProfile, name: string, schema: Record<string, unknown>): T {
  const s = prof.sections[name];
  if (s === undefined || Object.keys(schema).some((k) => typeof s[k] !== 'number')) throw new Error(`${prof.name}: no loaded ${name} section`);
  return s as unknown as T;
}
const mp = (prof: KernelProfile): MiniosParams => section<MiniosParams>(prof, 'minios', MINIOS_PARAMS);
const xp = (prof: KernelProfile): XenParams => section<XenParams>(prof, 'xen', XEN_PARAMS);

function withMinios(prof: KernelProfile, over: Partial<MiniosParams>): KernelProfile {
  return { ...prof, sections: { ...prof.sections, minios: { ...mp(prof), ...over } } };
}

function cluster(prof: KernelProfile, nodes = 2, seed = 1): Cluster {
  return buildCluster(new Simulator({ seed }), clusterConfig({ nodes }), prof, { noise: false });
}

function parts(c: Cluster, i: number): MiniosNodeParts {
  const x = miniosPartsOf(c.nodes[i]!.kernel);
  if (x === undefined) throw new Error(`node ${i} is not a Mini-OS node`);
  return x;
}

const quiet = quietProfile('minios', {}, UNMODERATED_NIC);

/** Time from a write of `size` bytes by a rank in domain `dom` of node 0 until a rank in domain `dom` of node 1 has read them. */
function firstMessageNs(prof: KernelProfile, size: number, dom = 1): number {
  const c = cluster(prof);
  const sim = c.sim;
  const a = c.nodes[0]!;
  const b = c.nodes[1]!;
  const [sa, sb] = a.kernel.open(b.kernel, { nodelay: true });
  const ca = new ProcCtx(sim, a.cpus[dom]!, a.kernel.params, 'w');
  const cb = new ProcCtx(sim, b.cpus[dom]!, b.kernel.params, 'r');
  ca.own(sa);
  cb.own(sb);
  let doneNs = -1;
  function* writer(): ProcessBody<void> {
    yield* writeAll(ca, sa, size);
  }
  function* reader(): ProcessBody<void> {
    yield* readExactly(cb, sb, size);
    doneNs = sim.now;
  }
  spawn(sim, writer(), 'w');
  spawn(sim, reader(), 'r');
  sim.run(1e9);
  assert.ok(doneNs > 0, 'the message never arrived');
  return doneNs;
}

/** One way, from the profile alone: every VCPU on the path is idle (blocked) when the frame reaches it. */
function handSumNs(prof: KernelProfile, size: number): number {
  const p = mp(prof);
  const x = xp(prof);
  const n = prof.nic;
  const r = Math.round;
  const ip = IP_HEADER_BYTES + TCP_HEADER_BYTES + size;
  const frame = ip + ETH_HEADER_BYTES;
  const wire = serializationNs(ip, cfg.link.rateBps);
  const wake = x.vcpuWakeNs;
  // Sender domain: write() is a function call and a copy; the tcpip thread's netconn round trip;
  // tcp_output, checksum, the copy into a granted page; the notify hypercall. The writer's VCPU
  // was idle before the write (nothing ran yet): its first item pays the wake-up.
  const sender = wake + r(p.callNs + size * p.copyNsPerByte) + r(2 * p.threadSwitchNs) + r(p.tcpOutputNs + size * p.checksumNsPerByte + p.netfrontPacketNs + frame * p.copyNsPerByte) + x.hypercallNs;
  // dom0 TX: the event (IPI, upcall on a blocked VCPU), netback's batch (map hypercall, map, header copy), bridge and driver.
  const dom0Tx = x.evtchnLatencyNs + x.evtchnUpcallNs + wake + r(x.hypercallNs + x.grantMapNs + x.headerCopyBytes * x.copyNsPerByte + x.netbackPacketNs) + (x.bridgeNs + x.nicDriverPacketNs);
  const net = n.dmaNs + wire + cfg.link.propagationNs + cfg.switch.fabricLatencyNs + wire + cfg.link.propagationNs + n.dmaNs;
  // dom0 RX: the e1000 interrupt as an event upcall (dom0 blocked), driver and bridge; netback's
  // grant copy into the domain's posted page (one GNTTABOP_copy), the notification.
  const dom0Rx = x.evtchnUpcallNs + wake + (x.nicDriverPacketNs + x.bridgeNs) + r(x.grantMapNs + frame * x.copyNsPerByte + x.netbackPacketNs + x.hypercallNs) + x.hypercallNs;
  // Receiver domain: the event (IPI, upcall, the blocked VCPU's wake), netfront and the memcpy
  // into a pbuf (the page is reposted; netback asked for no notification), the switch to the
  // tcpip thread, tcp_input and checksum, the switch to the rank's thread, read() as a function
  // call and a copy.
  const receiver = x.evtchnLatencyNs + x.evtchnUpcallNs + wake + r(p.netfrontPacketNs + frame * p.copyNsPerByte) + p.threadSwitchNs + r(p.tcpInputNs + size * p.checksumNsPerByte) + p.threadSwitchNs + r(p.callNs + size * p.copyNsPerByte);
  return sender + dom0Tx + net + dom0Rx + receiver;
}

test('minios: a small message one way is the hand sum of the profile parameters (noise off)', () => {
  for (const size of [1, 32, 1000]) {
    const model = firstMessageNs(quiet, size);
    const hand = handSumNs(quiet, size);
    console.log(`minios one-way ${size} B: model ${model} ns, by hand ${hand} ns`);
    assert.equal(model, hand, `${size} B`);
  }
});

/** Deterministic pseudo-random numbers for the random tests (xorshift). */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
}

test('random streams between Mini-OS domains (across nodes and co-located): every byte once and in order; pbuf pool, mailbox and rings within capacity', () => {
  const rand = rng(12);
  let sawDrops = false;
  for (let trial = 0; trial < 8; trial++) {
    const wnd = [2048, 8192, 65535][Math.floor(rand() * 3)]!;
    const over: Partial<MiniosParams> = {
      tcpWndBytes: wnd,
      tcpSndBufBytes: [3000, 16384, 65535][Math.floor(rand() * 3)]!,
      pbufPoolSize: 2 + Math.floor(rand() * 40),
      mboxSlots: 1 + Math.floor(rand() * 40),
      rtoNs: 5e6,
      nagle: rand() < 0.5 ? 1 : 0,
    };
    const prof = withMinios(quiet, over);
    const c = cluster(prof, 2, trial + 1);
    const sim = c.sim;
    const flows: Array<{ w: LwipConn; r: LwipConn; bytes: number; read: number }> = [];
    // Flows: node 0 domain k -> node 1 domain k, and one co-located pair on node 1 (domains 2 -> 3).
    const ends: Array<[number, number, number, number]> = [[0, 0, 1, 0], [0, 1, 1, 1], [1, 2, 1, 3]];
    for (const [na, da, nb, db] of ends) {
      const a = c.nodes[na]!;
      const b = c.nodes[nb]!;
      const [sa, sb] = a.kernel.open(b.kernel, { nodelay: rand() < 0.5 });
      const ca = new ProcCtx(sim, a.cpus[da]!, a.kernel.params, `w${da}`);
      const cb = new ProcCtx(sim, b.cpus[db]!, b.kernel.params, `r${db}`);
      ca.own(sa);
      cb.own(sb);
      const bytes = 1 + Math.floor(rand() * 300000);
      const f = { w: sa as LwipConn, r: sb as LwipConn, bytes, read: 0 };
      flows.push(f);
      const chunkW = 1 + Math.floor(rand() * 20000);
      const chunkR = 1 + Math.floor(rand() * 20000);
      spawn(sim, (function* (): ProcessBody<void> {
        for (let left = bytes; left > 0; left -= chunkW) yield* writeAll(ca, sa, Math.min(left, chunkW));
      })(), 'w');
      spawn(sim, (function* (): ProcessBody<void> {
        for (let left = bytes; left > 0; left -= chunkR) {
          const n = Math.min(left, chunkR);
          yield* readExactly(cb, sb, n);
          f.read += n;
        }
      })(), 'r');
    }
    sim.run(600e9);
    for (const f of flows) {
      assert.equal(f.read, f.bytes, `trial ${trial}: read ${f.read} of ${f.bytes}`);
      assert.equal(f.r.stats.bytesDelivered, f.bytes);
      assert.equal(f.r.readableBytes, 0);
      assert.equal(f.w.stats.bytesWritten, f.bytes);
      assert.equal(f.w.unackedBytes, 0, 'everything acknowledged in the end');
      // Every byte on the wire at least once; beyond once only by retransmission.
      assert.ok(f.w.stats.bytesSent >= f.bytes);
      if (f.w.stats.retransmits === 0) assert.equal(f.w.stats.bytesSent, f.bytes);
    }
    for (let i = 0; i < 2; i++) {
      const m = parts(c, i);
      for (const d of m.domains) {
        assert.ok(d.maxPbufsUsed <= over.pbufPoolSize!, `pbufs ${d.maxPbufsUsed} > ${over.pbufPoolSize}`);
        assert.ok(d.maxMbox <= over.mboxSlots!, `mailbox ${d.maxMbox} > ${over.mboxSlots}`);
        assert.equal(d.pbufsUsed, 0, 'every pbuf back in the pool');
        assert.ok(d.vif.tx.maxOutstanding <= d.vif.tx.size && d.vif.rx.maxOutstanding <= d.vif.rx.size);
        if (d.drops > 0) sawDrops = true;
      }
    }
  }
  // The small pools must have dropped somewhere, so recovery was exercised.
  assert.ok(sawDrops, 'no trial dropped a frame');
});

/** A segment's path one way without the application's calls and without wake-ups: a lower bound on it under load. */
function framePathLowerNs(prof: KernelProfile, size: number): number {
  const p = mp(prof);
  const x = xp(prof);
  const wakes = 4 * x.vcpuWakeNs; // sending domain, dom0 TX, dom0 RX, receiving domain
  const app = 2 * Math.round(p.callNs + size * p.copyNsPerByte) + Math.round(2 * p.threadSwitchNs) + p.threadSwitchNs;
  return handSumNs(prof, size) - wakes - app;
}

test('a stream into a Mini-OS receiver with the 2048-byte default window is bounded by window / RTT; the tuned window lifts it past the bound', () => {
  const size = 400000;
  const def = quietProfile('minios', {}, UNMODERATED_NIC);
  const tuned = quietProfile('minios-tuned', {}, UNMODERATED_NIC);
  const wnd = mp(def).tcpWndBytes;
  assert.equal(wnd, 2048);
  // A byte can leave only once the ACK for the byte a window before it is back: a data segment
  // and an ACK must each cross the path in between.
  const rttLowerNs = framePathLowerNs(def, 0) + framePathLowerNs(def, 0);
  const boundMBps = (wnd / rttLowerNs) * 1e3;
  const d = runStream(cluster(def), { type: 'stream', sizeBytes: size });
  const t = runStream(cluster(tuned), { type: 'stream', sizeBytes: size });
  console.log(`stream ${size} B: default window ${d.bandwidthMBps!.toFixed(2)} MB/s (bound ${boundMBps.toFixed(2)} MB/s, RTT >= ${rttLowerNs} ns), tuned ${t.bandwidthMBps!.toFixed(2)} MB/s`);
  assert.ok(d.bandwidthMBps! <= boundMBps, `default ${d.bandwidthMBps} > bound ${boundMBps}`);
  assert.ok(t.bandwidthMBps! > 1.5 * boundMBps, `tuned ${t.bandwidthMBps} not above the default bound ${boundMBps}`);
});

test('ch_p4 runs unchanged over lwIP: MPI ping-pong is faster than over the PV guest (unmoderated NIC, noise off); laten with co-located ranks crosses dom0 between domains', () => {
  const pvProf = quietProfile('xen-3.0.1', {}, UNMODERATED_NIC);
  const pv = runMpiPingpong(cluster(pvProf), { sizeBytes: 64, ops: 30 }).latencyUs!;
  const mo = runMpiPingpong(cluster(quiet), { sizeBytes: 64, ops: 30 }).latencyUs!;
  // Raising the per-call cost to a PV guest's system call slows Mini-OS a little, not to the PV guest.
  const slowCalls = runMpiPingpong(cluster(withMinios(quiet, { callNs: pvProf.host.syscallNs })), { sizeBytes: 64, ops: 30 }).latencyUs!;
  console.log(`mpi-pingpong 64 B one way, unmoderated NIC: xen-3.0.1 ${pv.toFixed(2)} us, minios ${mo.toFixed(2)} us, minios with ${pvProf.host.syscallNs} ns calls ${slowCalls.toFixed(2)} us`);
  assert.ok(mo < pv, `minios ${mo} not below PV ${pv}`);
  assert.ok(slowCalls > mo && slowCalls < pv);
  // 8 ranks on 2 nodes (cyclic): pairs share a node, each rank in its own domain.
  const c = cluster(quiet);
  const r = runLaten(c, { procs: 8, sizeBytes: 0, ops: 10 });
  assert.ok(r.latencyUs! > 0);
  for (let i = 0; i < 2; i++) {
    const m = parts(c, i);
    const busy = m.domains.filter((d) => d.rxPackets > 0);
    assert.equal(busy.length, 4, `node ${i}: every domain received`);
    assert.equal(m.netback.unknownDrops, 0);
  }
});

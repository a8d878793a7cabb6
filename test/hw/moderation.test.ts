import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster } from '../../src/cluster/cluster.js';
import { dynamicItr, itrGapNs } from '../../src/hw/nic.js';
import { IP_HEADER_BYTES, TCP_HEADER_BYTES } from '../../src/hw/packet.js';
import { serializationNs } from '../../src/hw/link.js';
import { runPingpong } from '../../src/workloads/pingpong.js';
import { runStream } from '../../src/workloads/stream.js';
import { clusterConfig, profile } from '../support/profiles.js';

const cfg = clusterConfig();

test('the driver arithmetic: ITR register in 256 ns units, dynamic rate from the octet balance', () => {
  // e1000_configure_rx / e1000_watchdog write 1e9 / (itr * 256).
  assert.equal(itrGapNs(8000), 488 * 256);
  assert.equal(itrGapNs(2000), 1953 * 256);
  assert.equal(itrGapNs(0), 0);
  assert.equal(dynamicItr(0, 0), 8000); // idle window
  assert.equal(dynamicItr(5e6, 5e6), 2000); // symmetric
  assert.equal(dynamicItr(0, 1e7), 8000); // one way
  assert.equal(dynamicItr(1e6, 3e6), 2000 + Math.floor((200 * 6000) / 400));
});

test('0-byte ping-pong with the 2.6.12 driver defaults (noise off) is the hand sum from the moderation parameters', () => {
  const prof = profile('rhel-2.6.12');
  const n = prof.nic;
  const h = prof.host;
  const r = runPingpong(buildCluster(new Simulator({ seed: 1 }), cfg, prof, { noise: false }), { type: 'pingpong', sizeBytes: 0, ops: 200 });
  // The unmoderated one-way time (the parts of test/os/tcp.test.ts) is far below the throttle
  // interval, and the TX descriptor timer (TIDV) of each send expires inside the next interval:
  // each node takes two interrupts per round trip (the reply's RX, the previous send's TX), each a
  // full ITR interval after the other. So the round trip is 2 intervals: the half is one.
  const wire = serializationNs(IP_HEADER_BYTES + TCP_HEADER_BYTES, cfg.link.rateBps);
  const sys = h.syscallNs;
  const oneWayUnmoderatedNs = sys + h.txSkbNs + n.dmaNs + wire + cfg.link.propagationNs + cfg.switch.fabricLatencyNs + wire + cfg.link.propagationNs + n.dmaNs + h.irqNs + h.rxPacketNs + h.wakeupNs + sys;
  const gap = Math.floor(1e9 / (n.interruptThrottleRate * 256)) * 256;
  assert.equal(n.rxIntDelayUnits, 0);
  assert.ok(2 * oneWayUnmoderatedNs < gap && n.txIntDelayUnits * 1024 < gap, 'the throttle binds');
  assert.equal(Math.round(r.latencyUs! * 1000), gap);
  assert.equal(gap, 124928);
});

test('RxIntDelay (RDTR) adds its packet timer to the one-way time when nothing throttles (noise off)', () => {
  const base = profile('rhel-2.6.12', {}, { interruptThrottleRate: 0 });
  const delayed = profile('rhel-2.6.12', {}, { interruptThrottleRate: 0, rxIntDelayUnits: 10 });
  const run = (p: typeof base) => runPingpong(buildCluster(new Simulator({ seed: 1 }), cfg, p, { noise: false }), { type: 'pingpong', sizeBytes: 0, ops: 100 }).latencyUs!;
  // One frame per direction: the packet timer (10 x 1.024 us) expires before RADV (128 x 1.024 us).
  assert.equal(Math.round(run(delayed) * 1000) - Math.round(run(base) * 1000), 10 * 1024);
});

test('a bulk stream interrupts the receiver at most once per throttle interval, and the cap binds', () => {
  const prof = profile('rhel-2.6.12');
  const sim = new Simulator({ seed: 1 });
  const c = buildCluster(sim, cfg, prof, { noise: false });
  runStream(c, { type: 'stream', sizeBytes: 16 * 2 ** 20 });
  const elapsed = sim.now;
  const gap = itrGapNs(prof.nic.interruptThrottleRate);
  const irqs = c.nodes[1]!.nic.irqs;
  assert.ok(irqs <= 1 + Math.floor(elapsed / gap), `${irqs} interrupts in ${elapsed} ns`);
  assert.ok(irqs >= 0.9 * (elapsed / gap), `${irqs} interrupts: the cap does not bind`);
});

test('dynamic mode (2.6.9 default): the watchdog moves a ping-pong to 2000 ints/s; 2.6.12 stays at its fixed 8000', () => {
  const run = (name: string) => {
    const c = buildCluster(new Simulator({ seed: 3 }), cfg, profile(name), { noise: false });
    const r = runPingpong(c, { type: 'pingpong', sizeBytes: 0, ops: 9000 });
    return { lat: r.latencyUs!, hist: c.nodes[0]!.nic.itrHistory };
  };
  const a = run('rhel-2.6.9');
  const b = run('rhel-2.6.12');
  // 9000 round trips of at least 2 x 125 us outlast one 2 s watchdog period, whatever its phase.
  assert.ok(a.hist.length >= 1 && a.hist.every((x) => x === 2000), `2.6.9 ITR history ${a.hist}`);
  assert.ok(a.lat * 1000 > itrGapNs(8000) && a.lat * 1000 < itrGapNs(2000), `2.6.9 ${a.lat} us`);
  assert.deepEqual(b.hist, []);
  assert.equal(Math.round(b.lat * 1000), itrGapNs(8000));
});

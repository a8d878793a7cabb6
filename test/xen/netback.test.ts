import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { Core } from '../../src/hw/cpu.js';
import { LinkChannel } from '../../src/hw/link.js';
import { Nic } from '../../src/hw/nic.js';
import { FLAG_ACK, type FrameSink, Packet } from '../../src/hw/packet.js';
import { Netback } from '../../src/xen/netback.js';
import { attachGuest, buildPcpus, dom0Sedf, guestSedf } from '../../src/xen/node.js';
import { Vcpu } from '../../src/xen/vcpu.js';
import { profile, UNMODERATED_NIC } from '../support/profiles.js';
import { paramsOf } from './helpers.js';

class CountingSink implements FrameSink {
  frames = 0;
  receiveFrame(_pkt: Packet): void {
    this.frames++;
  }
}

test('three backlogged vifs on one dom0: netback serves them round robin (within 5 %)', () => {
  const prof = profile('xen-3.0.1', { tickNs: 0, daemonIntervalNs: 0, longDetourIntervalNs: 0 }, UNMODERATED_NIC);
  const p = paramsOf(prof);
  const sim = new Simulator({ seed: 1 });
  const cores = buildPcpus(sim, [0, 1, 2, 3].map((i) => new Core(sim, `h/cpu${i}`)), p, sim.rng.stream('t_timer'));
  const dom0 = new Vcpu(sim, 'h/dom0', cores[0]!, dom0Sedf(p));
  const sink = new CountingSink();
  const nic = new Nic(sim, 'h/eth0', prof.nic, { tso: false, rxBufferTruesizeBytes: prof.host.rxSkbTruesizeBytes });
  nic.attachLink(new LinkChannel(sim, 'h->sw', 1e9, 500, sink));
  const nb = new Netback(sim, 'h', dom0, p, nic);
  const guests = [1, 2, 3].map((g) => {
    const vcpu = new Vcpu(sim, `h/d${g}.v0`, cores[g]!, guestSedf(p));
    return attachGuest(sim, 'h', nb, `vif${g}.0`, 10 + g, [vcpu], prof.host, p);
  });
  // Each guest queues far more full-size frames than the wire can carry in the window, to an
  // address off this host (out through the NIC): all three stay backlogged throughout.
  const to = { flowLabel: 'sink' };
  for (const g of guests) {
    for (let i = 0; i < 900; i++) g.netfront.send(new Packet(g.vif.address, 99, to, i * 1448, 1448, 0, 65535, FLAG_ACK, 1448), g.kernel.units[0]!);
  }
  // The first vif to notify fills the empty pending pool on its own at start; once all three
  // have requests queued, count the packets served in a window of steady backlog.
  sim.run(3e6);
  const before = guests.map((g) => g.vif.txServed);
  sim.run(9e6);
  const served = guests.map((g, i) => g.vif.txServed - before[i]!);
  const min = Math.min(...served);
  const max = Math.max(...served);
  // The wire (not dom0) limits the total: ~9 ms / 12.3 us frames.
  assert.ok(sink.frames > 600, `only ${sink.frames} frames left the NIC`);
  for (const g of guests) assert.ok(g.netfront.txPackets < 900, 'a guest ran out of backlog: the window is not saturated');
  assert.ok((max - min) / max <= 0.05, `served per vif ${served.join(', ')}`);
  // netback never held more than MAX_PENDING_REQS guest packets at once, and did hold many:
  // the NIC's clean delay keeps slots busy, so the global limit is what paces the vifs.
  assert.ok(nb.maxPending <= p.maxPendingTx);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { LinkChannel, serializationNs } from '../../src/hw/link.js';
import { FLAG_ACK, Packet, type FrameSink, wireBytes } from '../../src/hw/packet.js';

const flow = { flowLabel: 'f' };

test('a frame carrying a 1500-byte IP packet occupies a 1 Gb/s link for 12.304 us', () => {
  // 1500 + 14 header + 4 FCS = 1518-byte frame, + 8 preamble/SFD + 12 gap = 1538 bytes = 12304 bits.
  assert.equal(wireBytes(1500), 1538);
  assert.equal(serializationNs(1500, 1e9), 12304);
});

test('a minimum frame occupies a 1 Gb/s link for 0.672 us', () => {
  // A 20-byte IP packet is padded to the 64-byte minimum frame: 64 + 20 = 84 bytes = 672 ns.
  assert.equal(wireBytes(20), 84);
  assert.equal(wireBytes(46), 84);
  assert.equal(wireBytes(47), 85);
  assert.equal(serializationNs(20, 1e9), 672);
  assert.equal(serializationNs(1500, 1e8), 123040);
});

test('frames leave back to back and arrive one propagation delay after their last bit', () => {
  const sim = new Simulator();
  const arrivals: number[] = [];
  const sink: FrameSink = { receiveFrame: () => arrivals.push(sim.now) };
  const ch = new LinkChannel(sim, 'l', 1e9, 500, sink);
  const pkt = () => new Packet(1, 2, flow, 0, 1448, 0, 0, FLAG_ACK, 1448); // IP 1500 bytes
  ch.transmitAt(pkt(), 0);
  ch.transmitAt(pkt(), 0);
  assert.equal(ch.backlogFrames(0), 2);
  assert.equal(ch.backlogBytes(0), 2 * 1538);
  assert.equal(ch.backlogFrames(12304), 1);
  ch.transmitAt(pkt(), 100000);
  assert.equal(ch.backlogFrames(100000), 1);
  sim.run();
  assert.deepEqual(arrivals, [12304 + 500, 2 * 12304 + 500, 100000 + 12304 + 500]);
  assert.equal(ch.backlogFrames(200000), 0);
});

test('data frames are counted apart from pure ACKs: a one-way stream of N bytes is ceil(N / MSS) data frames towards the receiver, none back', async () => {
  const { buildCluster } = await import('../../src/cluster/cluster.js');
  const { runStream } = await import('../../src/workloads/stream.js');
  const { clusterConfig, profile } = await import('../support/profiles.js');
  const sim = new Simulator({ seed: 5 });
  const c = buildCluster(sim, clusterConfig({ nodes: 2 }), profile('rhel-2.6.12'));
  const sizeBytes = 1_000_000;
  runStream(c, { type: 'stream', sizeBytes });
  const [toSender, toReceiver] = c.switch.ports;
  const mss = 1448; // 1500 - 20 IP - 32 TCP with timestamps
  assert.equal(toReceiver!.dataFramesSent, Math.ceil(sizeBytes / mss));
  assert.equal(toSender!.dataFramesSent, 0);
  assert.ok(toSender!.framesSent > 0, 'the ACKs are frames all the same');
});

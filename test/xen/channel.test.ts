/**
 * Co-located guest domains (the xen path's `domains` section) and the inter-domain channel
 * between them (src/xen/channel.ts, docs/model-xen-channel.md).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { spawn, type ProcessBody } from '../../src/engine/process.js';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster, kernelOfCpu, nodeKernels, type Cluster } from '../../src/cluster/cluster.js';
import { Core } from '../../src/hw/cpu.js';
import { IP_HEADER_BYTES, Packet, TCP_HEADER_BYTES, type NetDevice } from '../../src/hw/packet.js';
import type { ExecUnit } from '../../src/hw/exec-unit.js';
import { ProcCtx, readExactly, writeAll } from '../../src/os/syscalls.js';
import type { KernelProfile } from '../../src/scenario/types.js';
import { connectDomains, DOMAIN_PARAMS, fifoEntryBytes, type ChannelEnd, type DomainParams } from '../../src/xen/channel.js';
import { buildPcpus, guestSedf, xenPartsOf } from '../../src/xen/node.js';
import { Vcpu } from '../../src/xen/vcpu.js';
import { PATHS } from '../../src/paths/registry.js';
import { loadProfile } from '../../src/scenario/profiles.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clusterConfig, quietProfile, UNMODERATED_NIC } from '../support/profiles.js';
import { paramsOf } from './helpers.js';

const DEFAULTS = Object.fromEntries(Object.entries(DOMAIN_PARAMS).map(([k, s]) => [k, s.default!])) as unknown as DomainParams;

function withDomains(prof: KernelProfile, over: Partial<DomainParams>): KernelProfile {
  return { ...prof, sections: { ...prof.sections, domains: { ...DEFAULTS, ...prof.sections.domains, ...over } } };
}

const native = quietProfile('rhel-2.6.12', {}, UNMODERATED_NIC);
const xen = quietProfile('xen-3.0.1', {}, UNMODERATED_NIC);
const oneRankDomains = withDomains(xen, { guestVcpus: 1 });
const channel = withDomains(xen, { guestVcpus: 1, interDomainChannel: 1 });

function oneNode(prof: KernelProfile, seed = 1, cpusPerNode = 4): Cluster {
  return buildCluster(new Simulator({ seed }), clusterConfig({ nodes: 1, cpusPerNode }), prof);
}

const WARMUP = 20;

/** Raw TCP ping-pong between processes on CPUs 0 and 1 of node 0 (each on its CPU's kernel): one-way us. */
function colocatedPingpong(c: Cluster, size: number, ops: number): number {
  const sim = c.sim;
  const node = c.nodes[0]!;
  const ka = kernelOfCpu(node, 0);
  const kb = kernelOfCpu(node, 1);
  const [sa, sb] = ka.connect(kb, { nodelay: true });
  const ca = new ProcCtx(sim, node.cpus[0]!, ka.params, 'ping');
  const cb = new ProcCtx(sim, node.cpus[1]!, kb.params, 'pong');
  ca.own(sa);
  cb.own(sb);
  const t = { start: 0, end: -1 };
  function* client(): ProcessBody<void> {
    for (let i = 0; i < WARMUP + ops; i++) {
      if (i === WARMUP) t.start = sim.now;
      yield* writeAll(ca, sa, size);
      yield* readExactly(ca, sa, size);
    }
    t.end = sim.now;
    sim.stop();
  }
  function* server(): ProcessBody<void> {
    for (let i = 0; i < WARMUP + ops; i++) {
      yield* readExactly(cb, sb, size);
      yield* writeAll(cb, sb, size);
    }
  }
  spawn(sim, client(), 'ping');
  spawn(sim, server(), 'pong');
  sim.run(60e9);
  assert.ok(t.end > 0, 'the ping-pong finished');
  return (t.end - t.start) / ops / 2 / 1000;
}

test('a node of one-VCPU guest domains: a kernel, a vif and an address per domain; the switch reaches every one', () => {
  const c = buildCluster(new Simulator({ seed: 1 }), clusterConfig({ nodes: 2, cpusPerNode: 4 }), oneRankDomains);
  const n0 = c.nodes[0]!;
  const kernels = nodeKernels(n0);
  assert.equal(kernels.length, 4);
  assert.equal(new Set(kernels.map((k) => k.address)).size, 4);
  for (let cpu = 0; cpu < 4; cpu++) assert.deepEqual(xenPartsOf(kernelOfCpu(n0, cpu))!.guestVcpus, [n0.cpus[cpu]]);
  // Without the channel a co-located peer is reached through netfront; node 1's last domain through the wire.
  const [a] = kernelOfCpu(n0, 1).connect(kernelOfCpu(n0, 2));
  assert.equal(a.device, xenPartsOf(kernelOfCpu(n0, 1))!.netfront);
  const [x, y] = kernelOfCpu(n0, 3).connect(kernelOfCpu(c.nodes[1]!, 3));
  assert.ok(x.device !== y.device && y.device === xenPartsOf(kernelOfCpu(c.nodes[1]!, 3))!.netfront);
  // With the channel: every pair of domains has one, and connections between them use it.
  const cc = oneNode(channel);
  const ends = xenPartsOf(kernelOfCpu(cc.nodes[0]!, 0))!.channels;
  assert.equal(ends.length, 3);
  const [s] = kernelOfCpu(cc.nodes[0]!, 0).connect(kernelOfCpu(cc.nodes[0]!, 2));
  assert.equal(s.device, ends[1]);
});

test('co-located ranks over the channel: the one-way time of a small message is the sum of its costs, and lies between loopback and netfront', () => {
  const size = 64;
  const ops = 100;
  const c = oneNode(channel);
  const lat = colocatedPingpong(c, size, ops);
  const a = xenPartsOf(kernelOfCpu(c.nodes[0]!, 0))!.channels[0]!;
  const b = a.peer;
  // Every packet (but a warm-up ACK or so) finds the consumer idle: an event per packet each way, none held.
  for (const e of [a, b]) {
    assert.ok(e.notifies <= e.txPackets && e.notifies >= 0.98 * e.txPackets, `${e.name}: ${e.notifies} events for ${e.txPackets} packets`);
    assert.equal(e.heldPackets, 0);
  }
  const p = paramsOf(xen);
  const h = xen.host;
  const ip = size + IP_HEADER_BYTES + TCP_HEADER_BYTES;
  const writeNs = h.syscallNs + size * h.copyNsPerByte + h.txSkbNs; // write() and TCP output
  const sendNs = p.netfrontPacketNs + ip * h.copyNsPerByte; // the hook, the copy into the FIFO
  const eventNs = p.hypercallNs + p.evtchnLatencyNs + p.vcpuWakeNs + p.evtchnUpcallNs; // to a blocked VCPU
  const recvNs = p.netfrontPacketNs + ip * h.copyNsPerByte + h.rxPacketNs; // copy out, IP/TCP input
  const readNs = h.wakeupNs + h.syscallNs + size * h.copyNsPerByte; // the reader wakes and reads
  const byHandUs = (writeNs + sendNs + eventNs + recvNs + readNs) / 1000;
  console.log(`channel one-way ${lat.toFixed(3)} us, by hand ${byHandUs.toFixed(3)} us`);
  // Exact but for the rounding of each work item to whole ns.
  assert.ok(Math.abs(lat - byHandUs) < 0.005, `model ${lat} us vs by hand ${byHandUs} us`);

  const loopback = colocatedPingpong(oneNode(native), size, ops);
  const netfront = colocatedPingpong(oneNode(oneRankDomains), size, ops);
  console.log(`co-located one-way: native loopback ${loopback.toFixed(2)} us < channel ${lat.toFixed(2)} us < netfront/netback ${netfront.toFixed(2)} us`);
  assert.ok(loopback < lat && lat < netfront, `loopback ${loopback}, channel ${lat}, netfront ${netfront}`);
});

test('the channel refuses a FIFO that cannot hold one packet; its capacity and slot size are the schema defaults', () => {
  assert.equal(DEFAULTS.channelFifoBytes, 64 * 4096);
  assert.equal(DEFAULTS.guestVcpus, 0);
  assert.equal(DEFAULTS.interDomainChannel, 0);
  assert.equal(fifoEntryBytes(1500, 8), 8 + 1504);
  assert.equal(fifoEntryBytes(52, 8), 8 + 56);
  const xenPath = PATHS.find((x) => x.sections.domains !== undefined)!;
  type Sections = Parameters<NonNullable<typeof xenPath.problem>>[1];
  const sections = (d: Partial<DomainParams>): Sections => ({ xen: paramsOf(xen), domains: { ...DEFAULTS, interDomainChannel: 1, ...d } }) as unknown as Sections;
  const bad = xenPath.problem!(xen.host, sections({ channelFifoBytes: 1511 }));
  assert.equal(bad?.section, 'domains');
  assert.equal(bad?.param, 'channelFifoBytes');
  assert.match(bad!.allowed, /at least 1512 B/);
  assert.equal(xenPath.problem!(xen.host, sections({ channelFifoBytes: 1512 })), undefined);
  // Without the channel its FIFO is not used: no rule.
  assert.equal(xenPath.problem!(xen.host, sections({ interDomainChannel: 0, channelFifoBytes: 64 })), undefined);
});

test('a profile whose channel FIFO cannot hold a packet is refused at load, naming the field and what is allowed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xenhpc-chan-'));
  const f = join(dir, 'tiny.yaml');
  writeFileSync(f, 'extends: xen-3.0.1\ndomains:\n  guestVcpus: 1\n  interDomainChannel: 1\n  channelFifoBytes: 1000\n');
  assert.throws(() => loadProfile(f, join(dir, 's.yaml')), (e: Error) => /domains\.channelFifoBytes: 1000 B cannot hold one 1500-byte packet.*allowed: at least 1512 B/.test(e.message));
  writeFileSync(f, 'extends: xen-3.0.1\ndomains:\n  guestVcpus: 1\n  interDomainChannel: 1\n  channelFifoBytes: 1512\n');
  assert.equal(loadProfile(f, join(dir, 's.yaml')).sections.domains!.channelFifoBytes, 1512);
});

/** Two one-VCPU domains on one host joined by a channel, whose kernels only record what arrives. */
function bareChannel(sim: Simulator, d: DomainParams): { ends: [ChannelEnd, ChannelEnd]; vcpus: [Vcpu, Vcpu]; got: [Packet[], Packet[]] } {
  const p = paramsOf(xen);
  const cores = [new Core(sim, 'c0'), new Core(sim, 'c1')];
  const pcpus = buildPcpus(sim, cores, p, null);
  const va = new Vcpu(sim, 'a.v0', pcpus[0]!, guestSedf(p));
  const vb = new Vcpu(sim, 'b.v0', pcpus[1]!, guestSedf(p));
  const got: [Packet[], Packet[]] = [[], []];
  const sink = (i: 0 | 1): { netifReceive(pkt: Packet, unit: ExecUnit): void; addRoute(address: number, dev: NetDevice): void } => ({
    netifReceive: (pkt) => void got[i].push(pkt),
    addRoute: () => undefined,
  });
  const ends = connectDomains(sim, 'h', { name: 'a', vcpus: [va], kernel: sink(0), address: 1 }, { name: 'b', vcpus: [vb], kernel: sink(1), address: 2 }, xen.host, p, d);
  return { ends, vcpus: [va, vb], got };
}

test('random traffic both ways through small FIFOs: every packet once and in order, the FIFO never over its capacity, the sender waits instead of dropping', () => {
  const to = { flowLabel: 'test' };
  let runsThatWaited = 0;
  fc.assert(
    fc.property(
      fc.record({
        slotBytes: fc.constantFrom(1, 8, 64),
        extraBytes: fc.integer({ min: 0, max: 20000 }),
        packets: fc.array(fc.record({ from: fc.integer({ min: 0, max: 1 }), len: fc.integer({ min: 0, max: 1448 }), gapNs: fc.integer({ min: 0, max: 20000 }) }), { minLength: 1, maxLength: 120 }),
      }),
      (k) => {
        const sim = new Simulator({ seed: 1 });
        const d: DomainParams = { ...DEFAULTS, interDomainChannel: 1, channelSlotBytes: k.slotBytes, channelFifoBytes: fifoEntryBytes(1500, k.slotBytes) + k.extraBytes };
        const { ends, vcpus, got } = bareChannel(sim, d);
        const sent: [Packet[], Packet[]] = [[], []];
        let t = 0;
        class Sender {
          constructor(readonly i: 0 | 1, readonly pkt: Packet) {}
          go(): void {
            sent[this.i].push(this.pkt);
            ends[this.i].send(this.pkt, vcpus[this.i]);
          }
        }
        for (const x of k.packets) {
          t += x.gapNs;
          const i = x.from as 0 | 1;
          const s = new Sender(i, new Packet(i + 1, 2 - i, to, sent[i].length, x.len, 0, 0, 0, 1448));
          sim.at(t, Sender.prototype.go, s);
        }
        sim.run(10e9);
        for (const i of [0, 1] as const) {
          // Delivered by the other end, in the order sent, each once.
          assert.deepEqual(got[1 - i], sent[i]);
          const e = ends[i];
          assert.ok(e.out.maxUsedBytes <= e.out.capacityBytes, `${e.name}: ${e.out.maxUsedBytes} B in a FIFO of ${e.out.capacityBytes}`);
          assert.equal(e.out.usedBytes, 0);
          assert.equal(e.heldNow, 0);
        }
        if (ends[0].heldPackets + ends[1].heldPackets > 0) runsThatWaited++;
      },
    ),
    { numRuns: 60, seed: 12 },
  );
  assert.ok(runsThatWaited > 0, 'no run filled a FIFO: the waiting path went untested');
});

test('random streams between co-located domains over small FIFOs: every byte arrives once, no loss, no retransmission', () => {
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 1e6 }),
        sizeBytes: fc.integer({ min: 1, max: 60000 }),
        fifoBytes: fc.integer({ min: fifoEntryBytes(1500, 8), max: 20000 }),
        sockBufBytes: fc.constantFrom(0, 4096, 65536),
        noise: fc.boolean(),
      }),
      (k) => {
        const prof = withDomains(k.noise ? xen : quietProfile('xen-3.0.1'), { guestVcpus: 1, interDomainChannel: 1, channelFifoBytes: k.fifoBytes });
        const c = oneNode(prof, k.seed);
        const sim = c.sim;
        const node = c.nodes[0]!;
        const ka = kernelOfCpu(node, 0);
        const kb = kernelOfCpu(node, 2);
        const [sa, sb] = ka.connect(kb, { sockBufBytes: k.sockBufBytes });
        const ca = new ProcCtx(sim, node.cpus[0]!, ka.params, 'src');
        const cb = new ProcCtx(sim, node.cpus[2]!, kb.params, 'sink');
        ca.own(sa);
        cb.own(sb);
        let done = false;
        spawn(sim, (function* (): ProcessBody<void> { yield* writeAll(ca, sa, k.sizeBytes); })(), 'src');
        spawn(sim, (function* (): ProcessBody<void> { yield* readExactly(cb, sb, k.sizeBytes); done = true; sim.stop(); })(), 'sink');
        sim.run(600e9);
        assert.ok(done, 'the stream finished');
        assert.equal(sb.stats.bytesDelivered, k.sizeBytes);
        assert.equal(sb.readableBytes, 0);
        assert.equal(sa.stats.retransmits, 0);
        for (const e of xenPartsOf(ka)!.channels) assert.ok(e.out.maxUsedBytes <= k.fifoBytes);
        assert.equal(node.extraDrops!(), 0);
      },
    ),
    { numRuns: 25, seed: 7 },
  );
});

import { Simulator } from '../src/engine/simulator.js';
import { buildCluster } from '../src/cluster/cluster.js';
import { runStream } from '../src/workloads/stream.js';
import { runPingpong } from '../src/workloads/pingpong.js';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
const prof = (n: string) => { const y = parse(readFileSync(`scenarios/profiles/${n}.yaml`, 'utf8')); return { ...y, source: n }; };
const cfg = { nodes: 4, cpusPerNode: 4, placement: 'block' as const, link: { rateBps: 1e9, propagationNs: 500 }, switch: { portBufferBytes: 262144, fabricLatencyNs: 3000, portRateBps: 0 } };
for (const name of ['rhel-2.6.12', 'rhel-2.6.9']) {
  const sim = new Simulator({ seed: 1 });
  const c = buildCluster(sim, cfg, prof(name));
  const t0 = Date.now();
  const r = runStream(c, { type: 'stream', sizeBytes: Number(process.argv[2] ?? 64 * 2 ** 20), streams: Number(process.argv[3] ?? 1) });
  const conn = c.nodes[0]!.kernel.connections[0]!;
  console.log(name, 'stream', r, 'wall ms', Date.now() - t0, 'events', sim.eventsRun, 'frames', c.switch.ports.reduce((a, p) => a + p.framesSent, 0), 'drops', c.switch.drops, conn.stats, 'frag', c.nodes[0]!.kernel.fragmentChargeBytes);
  const sim2 = new Simulator({ seed: 1 });
  const c2 = buildCluster(sim2, cfg, prof(name));
  console.log(name, 'pingpong', runPingpong(c2, { type: 'pingpong', sizeBytes: 32, ops: 100 }));
}

/** stream with bidirectional: true: two flows in opposite directions between the same hosts. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildCluster } from '../../src/cluster/cluster.js';
import { Simulator } from '../../src/engine/simulator.js';
import { runStream } from '../../src/workloads/stream.js';
import { expandPoints, loadScenario } from '../../src/scenario/index.js';
import { runPoint } from '../../src/runner/run-point.js';
import { clusterConfig, profile } from '../support/profiles.js';
import { SCENARIOS, tempDir, writeScenario } from '../cli/helpers.js';

const MB = 2 ** 20;

test('bidirectional: each host sends and receives sizeBytes on two connections, and the bandwidth counts both', () => {
  const sim = new Simulator({ seed: 1 });
  const c = buildCluster(sim, clusterConfig({ nodes: 2, cpusPerNode: 2 }), profile('rhel-2.6.12'));
  const bi = runStream(c, { sizeBytes: 4 * MB, bidirectional: true });
  for (const n of c.nodes) {
    // Two connections per host: one it sends on, one it receives on (each end of both).
    const conns = n.kernel.connections;
    assert.equal(conns.length, 2, n.name);
    assert.deepEqual(conns.map((x) => x.stats.bytesWritten).sort((a, b) => a - b), [0, 4 * MB], `${n.name} writes on one connection`);
    assert.deepEqual(conns.map((x) => x.stats.bytesDelivered).sort((a, b) => a - b), [0, 4 * MB], `${n.name} reads on the other`);
  }
  const sim1 = new Simulator({ seed: 1 });
  const uni = runStream(buildCluster(sim1, clusterConfig({ nodes: 2, cpusPerNode: 2 }), profile('rhel-2.6.12')), { sizeBytes: 4 * MB });
  // Full duplex: both directions together carry more than one, and less than two saturated links
  // (1448 payload bytes per 1538 on the wire at 1 Gb/s: 117.7 MB/s each way).
  assert.ok(bi.bandwidthMBps! > 1.3 * uni.bandwidthMBps!, `bi ${bi.bandwidthMBps} vs uni ${uni.bandwidthMBps}`);
  assert.ok(bi.bandwidthMBps! < 2 * (1e9 / 8 / 1e6) * (1448 / 1538), `bi ${bi.bandwidthMBps} exceeds two saturated directions`);
});

test('a scenario compares a stream with its bidirectional twin: mode bi tells the rows apart; a plain stream keeps an empty mode', () => {
  const dir = tempDir();
  const s = loadScenario(writeScenario(dir, 's.yaml', `name: b
cluster: { nodes: 2, cpusPerNode: 2 }
profiles: [rhel-2.6.12]
noise: off
workloads:
  - { type: stream, sizeBytes: 1048576 }
  - { type: stream, sizeBytes: 1048576, bidirectional: true }
`));
  const [a, b] = expandPoints(s).map((p) => runPoint(s, p));
  assert.equal(a!.mode, '');
  assert.equal(b!.mode, 'bi');
  assert.ok(Number(b!.bandwidth_MBps) > Number(a!.bandwidth_MBps));
  // The committed two-sender scenario loads with bidirectional false, so its rows are as before.
  const two = loadScenario(join(SCENARIOS, 'stream-two-senders.yaml'));
  assert.ok(two.parts.every((p) => p.workload.type !== 'stream' || p.workload.bidirectional === false));
  assert.match(readFileSync(join(SCENARIOS, '..', 'docs', 'scenarios.md'), 'utf8'), /\| `bidirectional` \| boolean \|/);
});

test('bidirectional takes true or false only', () => {
  const dir = tempDir();
  assert.throws(
    () => loadScenario(writeScenario(dir, 's.yaml', 'profiles: [rhel-2.6.12]\nworkload: { type: stream, bidirectional: "yes" }\n')),
    /s\.yaml:2:\d+: workload\.bidirectional: expected true or false, got "yes"; allowed: true, false/,
  );
  assert.throws(
    () => loadScenario(writeScenario(dir, 't.yaml', 'profiles: [rhel-2.6.12]\nworkload: { type: pingpong, bidirectional: true }\n')),
    /workload\.bidirectional: not a field of workload type pingpong/,
  );
});

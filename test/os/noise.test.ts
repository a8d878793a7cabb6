import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RngStreams } from '../../src/engine/rng.js';
import { Interruptions, type InterruptionStream } from '../../src/hw/interruptions.js';
import { createHostNoise, expectedNoiseShare, type HostNoiseParams } from '../../src/os/noise.js';
import { profile } from '../support/profiles.js';

const host = profile('rhel-2.6.12').host;
const none: HostNoiseParams = { hz: 0, tickNs: 0, daemonIntervalNs: 0, daemonMedianNs: 0, daemonSigma: 0, longDetourIntervalNs: 0, longDetourMinNs: 0, longDetourMaxNs: 0 };

/** Interruption time a stream puts in [0, horizonNs), and how many interruptions. */
function busyIn(s: InterruptionStream, horizonNs: number): { ns: number; n: number } {
  let ns = 0;
  let n = 0;
  while (s.headStartNs < horizonNs) {
    ns += s.headDurationNs;
    n++;
    assert.ok(Number.isInteger(s.headStartNs) && Number.isInteger(s.headDurationNs) && s.headDurationNs > 0);
    s.advance();
  }
  return { ns, n };
}

test('each noise source takes the CPU share its parameters say over a long run', () => {
  const rng = new RngStreams('share');
  // Tick alone: exactly hz ticks a second at tickNs each.
  const [tick] = createHostNoise({ ...none, hz: host.hz, tickNs: host.tickNs }, rng.stream('t'));
  const t = busyIn(tick!, 10e9);
  assert.equal(t.n, 10 * host.hz);
  assert.equal(t.ns / 10e9, (host.hz * host.tickNs) / 1e9);
  // Detours: 2000 s is about 10^4 detours; the log-normal mean has a relative error of about 2 %.
  const detourP = { ...none, daemonIntervalNs: host.daemonIntervalNs, daemonMedianNs: host.daemonMedianNs, daemonSigma: host.daemonSigma };
  const [d] = createHostNoise(detourP, rng.stream('d'));
  const dShare = busyIn(d!, 2000e9).ns / 2000e9;
  assert.ok(Math.abs(dShare / expectedNoiseShare(detourP) - 1) < 0.08, `detours ${dShare} vs ${expectedNoiseShare(detourP)}`);
  // Long detours: 10^6 s is about 1.7 x 10^4 of them.
  const longP = { ...none, longDetourIntervalNs: host.longDetourIntervalNs, longDetourMinNs: host.longDetourMinNs, longDetourMaxNs: host.longDetourMaxNs };
  const [l] = createHostNoise(longP, rng.stream('l'));
  const lShare = busyIn(l!, 1e15).ns / 1e15;
  assert.ok(Math.abs(lShare / expectedNoiseShare(longP) - 1) < 0.05, `long detours ${lShare} vs ${expectedNoiseShare(longP)}`);
  // Tsafrir's range for the tick at 1000 Hz: 0.5-1.5 % of a CPU.
  assert.ok(expectedNoiseShare({ ...none, hz: host.hz, tickNs: host.tickNs }) >= 0.005 && expectedNoiseShare({ ...none, hz: host.hz, tickNs: host.tickNs }) <= 0.015);
});

test('a CPU-bound work item is stretched by the noise share: work / (1 - share)', () => {
  const ints = new Interruptions(createHostNoise(host, new RngStreams('stretch').stream('cpu0')));
  const workNs = 200e9;
  const end = ints.stretch(0, workNs);
  const share = expectedNoiseShare(host);
  const stolenShare = (end - workNs) / end;
  assert.equal(end - workNs, ints.stolenNs);
  assert.ok(Math.abs(stolenShare / share - 1) < 0.03, `stolen ${stolenShare} vs ${share}`);
});

test('each CPU and each seed has its own realisation; the same seed gives the same one', () => {
  const firstStarts = (seed: string, cpu: number) => {
    const ss = createHostNoise(host, new RngStreams(seed).stream(`noise/n0/cpu${cpu}`));
    return ss.map((s) => [s.headStartNs, s.headDurationNs]);
  };
  assert.deepEqual(firstStarts('1#0', 0), firstStarts('1#0', 0));
  assert.notDeepEqual(firstStarts('1#0', 0), firstStarts('1#0', 1));
  assert.notDeepEqual(firstStarts('1#0', 0), firstStarts('1#1', 0));
  assert.equal(createHostNoise(none, new RngStreams('x').stream('y')).length, 0);
});

test('noise on: 10 replications of native com on the paper path differ, with a CoV inside the measured range', async () => {
  const { loadScenario, expandPoints } = await import('../../src/scenario/index.js');
  const { runPoint } = await import('../../src/runner/run-point.js');
  const { fileURLToPath } = await import('node:url');
  const file = fileURLToPath(new URL('../../../scenarios/paper-2006.yaml', import.meta.url));
  // No run-to-run CoV of GigE MPI bandwidth was found (research A1 gaps). The bounds: above
  // 0.001 % (the noise-free model gave 0.0001 %), below 3 %: the noise takes about 1 % of a
  // CPU (Tsafrir's tick range plus the detours), and the paper's mean and maximum figures differ by
  // whole percent at most.
  for (const [size, ops] of [[16384, 20], [1048576, 4]] as const) {
    for (const mode of ['uni', 'bi']) {
      const s = loadScenario(file, ['profiles=[rhel-2.6.12]', 'replications=10', `workloads=[{type: com, procs: 2, ops: ${ops}, mode: ${mode}, sizeBytes: ${size}}]`]);
      const bw = expandPoints(s).map((p) => runPoint(s, p).bandwidth_MBps as number);
      assert.equal(bw.length, 10);
      const mean = bw.reduce((a, b) => a + b, 0) / bw.length;
      const sd = Math.sqrt(bw.reduce((a, b) => a + (b - mean) ** 2, 0) / (bw.length - 1));
      const cov = sd / mean;
      assert.ok(new Set(bw).size > 1, `${mode} ${size}: replications identical`);
      assert.ok(cov > 1e-5 && cov < 0.03, `${mode} ${size}: CoV ${(cov * 100).toFixed(4)} %`);
    }
  }
});

test('noise off: no interruption exists on any CPU', async () => {
  const { Simulator } = await import('../../src/engine/simulator.js');
  const { buildCluster } = await import('../../src/cluster/cluster.js');
  const { clusterConfig } = await import('../support/profiles.js');
  const off = buildCluster(new Simulator({ seed: 1 }), clusterConfig(), profile('rhel-2.6.12'), { noise: false });
  for (const n of off.nodes) for (const c of n.cores) assert.equal(c.interruptions, null);
  const on = buildCluster(new Simulator({ seed: 1 }), clusterConfig(), profile('rhel-2.6.12'));
  for (const n of on.nodes) for (const c of n.cores) assert.ok(c.interruptions !== null && !c.interruptions.empty);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { Core } from '../../src/hw/cpu.js';
import { Interruptions, PeriodicStream } from '../../src/hw/interruptions.js';
import type { Cluster } from '../../src/cluster/cluster.js';
import { factorStepFlops, linpackFlops, runLinpack, solveStepFlops } from '../../src/workloads/linpack.js';

/** A one-core "cluster": all linpack needs is node 0's first CPU. */
function oneCore(noise?: { periodNs: number; costNs: number; phaseNs: number }): { cluster: Cluster; core: Core } {
  const sim = new Simulator({ seed: '1' });
  const core = new Core(sim, 'n0/cpu0');
  if (noise) core.interruptions = new Interruptions([new PeriodicStream(noise.periodNs, noise.phaseNs, noise.costNs)]);
  return { cluster: { sim, nodes: [{ cpus: [core] }] } as unknown as Cluster, core };
}

test('DGEFA and DGESL step flops add up to LINPACK count: 2/3 n^3 - n^2/2 - n/6 and 2 n^2 - n', () => {
  for (const n of [2, 7, 100, 3000]) {
    let f = 0;
    for (let k = 0; k < n - 1; k++) f += factorStepFlops(n, k);
    let s = 0;
    for (let j = 0; j < 2 * n; j++) s += solveStepFlops(n, j);
    assert.equal(f, Math.round((2 / 3) * n ** 3 - n ** 2 / 2 - n / 6), `factor n=${n}`);
    assert.equal(s, 2 * n * n - n, `solve n=${n}`);
  }
  assert.equal(Math.round(linpackFlops(3000)), 18_018_000_000);
});

test('without noise, linpack time is flops / sustained rate, and Mflops is the nominal count over that time', () => {
  const n = 300;
  const { cluster, core } = oneCore();
  // 1000 Mflop/s sustained: 1 ns per flop.
  const m = runLinpack(cluster, { type: 'linpack', matrixOrder: n, peakMflops: 2000, flopEfficiency: 0.5 });
  const factorFlops = Math.round((2 / 3) * n ** 3 - n ** 2 / 2 - n / 6);
  assert.equal(m.factorNs, factorFlops);
  assert.equal(m.solveNs, 2 * n * n - n);
  assert.equal(m.elapsedNs, m.factorNs + m.solveNs);
  assert.equal(core.busyNs, m.elapsedNs);
  assert.ok(Math.abs(m.mflops - linpackFlops(n) / m.elapsedNs * 1e3) < 1e-9);
  // The nominal count is a little above what DGEFA does, so Mflops is a little above the sustained rate.
  assert.ok(m.mflops > 1000 && m.mflops < 1010, `${m.mflops}`);
});

test('noise on the CPU stretches every phase by what it takes: a 1 % tick costs 1 % of the time and lowers Mflops by 1 %', () => {
  const n = 400;
  const w = { type: 'linpack' as const, matrixOrder: n, peakMflops: 2000, flopEfficiency: 0.5 };
  const quiet = runLinpack(oneCore().cluster, w);
  // A 10 us interruption every 1 ms: 1 % of the CPU.
  const { cluster, core } = oneCore({ periodNs: 1e6, costNs: 10_000, phaseNs: 123_456 });
  const noisy = runLinpack(cluster, w);
  const stolen = core.interruptions!.stolenNs;
  assert.equal(noisy.elapsedNs, quiet.elapsedNs + stolen);
  const share = stolen / noisy.elapsedNs;
  assert.ok(Math.abs(share - 0.01) < 0.0005, `share ${share}`);
  assert.ok(noisy.factorNs > quiet.factorNs && noisy.solveNs >= quiet.solveNs);
  assert.ok(Math.abs(noisy.mflops / quiet.mflops - 1 / (1 + stolen / quiet.elapsedNs)) < 1e-9);
});

test('the factor phase is submitted in n-1 blocks, so other work on the CPU interleaves between them', () => {
  const n = 50;
  const { cluster, core } = oneCore();
  let before = -1;
  // Another domain's item submitted at 10 us runs after the block in progress, not after the whole phase.
  cluster.sim.schedule(10_000, () => {
    before = core.idleAtNs;
    core.exec(5000);
  });
  const m = runLinpack(cluster, { type: 'linpack', matrixOrder: n, peakMflops: 1000, flopEfficiency: 1 });
  // 1 ns per flop: the block in progress at 10 us is the first whose cumulative end passes it.
  let endOfBlockNs = 0;
  for (let k = 0; endOfBlockNs <= 10_000; k++) endOfBlockNs += factorStepFlops(n, k);
  assert.equal(before, endOfBlockNs);
  assert.equal(m.elapsedNs, Math.round((2 / 3) * n ** 3 - n ** 2 / 2 - n / 6) + 2 * n * n - n + 5000);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { replicationSeed } from '../../src/engine/rng.js';
import { ScenarioError, ValueError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { countWorkloads, expandPoints, expandWorkloads, parseRange, parseShard, shardPoints } from '../../src/scenario/sweep.js';
import type { WorkloadSpec } from '../../src/scenario/types.js';
import { NATIVE, NATIVE_OLD, scenarioFile } from './helpers.js';

test('parseRange: A..B ranges step by factor 2 and include both ends', () => {
  const r = parseRange('2^5..2^23');
  assert.equal(r.length, 19);
  assert.equal(r[0], 32);
  assert.equal(r[18], 8388608);
  for (let i = 1; i < r.length; i++) assert.equal(r[i], 2 * (r[i - 1] as number));
  assert.deepEqual(parseRange('32..1024'), [32, 64, 128, 256, 512, 1024]);
  assert.deepEqual(parseRange('1e3..4e3'), [1000, 2000, 4000]);
  // The end is included only when the factor hits it.
  assert.deepEqual(parseRange('3..10'), [3, 6]);
  assert.deepEqual(parseRange('64..64'), [64]);
});

test('parseRange: object forms and lists', () => {
  assert.deepEqual(parseRange({ from: 1, to: 10, step: 3 }), [1, 4, 7, 10]);
  assert.deepEqual(parseRange({ from: 1, to: 1000, factor: 10 }), [1, 10, 100, 1000]);
  assert.deepEqual(parseRange({ from: '2^4', to: '2^6' }), [16, 32, 64]);
  assert.deepEqual(parseRange([32, 'x', 128]), [32, 'x', 128]);
  assert.deepEqual(parseRange('uni'), ['uni']);
});

test('parseRange: refuses empty, descending, malformed and huge ranges', () => {
  for (const bad of ['2^10..2^5', [], '2^5...2^10', '..8', { from: 8, to: 1 }, { from: 1, to: 8, step: 0 }, { from: 1, to: 8, factor: 1 }, { from: 1, to: 1e12, step: 1 }, { from: 1 }, { from: 1, to: 2, step: 1, factor: 2 }]) {
    assert.throws(() => parseRange(bad), ValueError, JSON.stringify(bad));
  }
  assert.throws(() => parseRange('2^10..2^5'), /descending/);
});

const base: WorkloadSpec = { type: 'com', mode: 'uni', sizeBytes: 32, procs: 2, ops: 100 };

test('cross product: first sweep key outermost, count = product of lengths', () => {
  const sweep = { fields: { sizeBytes: [32, 64, 128], mode: ['uni', 'bi'] }, combine: 'cross' as const };
  const ws = expandWorkloads(base, sweep);
  assert.equal(ws.length, 6);
  assert.equal(countWorkloads(sweep), 6);
  assert.deepEqual(
    ws.map((w) => `${w.sizeBytes}/${w.mode}`),
    ['32/uni', '32/bi', '64/uni', '64/bi', '128/uni', '128/bi'],
  );
  // Unswept fields come from the base workload.
  assert.ok(ws.every((w) => w.ops === 100 && w.procs === 2 && w.type === 'com'));
});

test('zip pairs values position by position', () => {
  const sweep = { fields: { sizeBytes: [32, 64, 128], procs: [2, 4, 8] }, combine: 'zip' as const };
  const ws = expandWorkloads(base, sweep);
  assert.equal(countWorkloads(sweep), 3);
  assert.deepEqual(ws.map((w) => [w.sizeBytes, w.procs]), [[32, 2], [64, 4], [128, 8]]);
});

test('no sweep: one workload equal to the base', () => {
  assert.deepEqual(expandWorkloads(base, { fields: {}, combine: 'cross' }), [base]);
});

function twoProfileScenario() {
  return loadScenario(
    scenarioFile('two.yaml', {
      seed: 'abc',
      replications: 3,
      profiles: [NATIVE, NATIVE_OLD],
      workload: { type: 'com' },
      sweep: { sizeBytes: '2^5..2^8', mode: ['uni', 'bi'] },
    }),
  );
}

test('expandPoints: profile-major order, sequential indices, replications innermost', () => {
  const s = twoProfileScenario();
  const pts = expandPoints(s);
  assert.equal(pts.length, 2 * 8 * 3);
  pts.forEach((p, i) => assert.equal(p.index, i));
  assert.ok(pts.slice(0, 24).every((p) => p.profile.name === 'test-native'));
  assert.ok(pts.slice(24).every((p) => p.profile.name === 'test-native-old'));
  assert.deepEqual(pts.slice(0, 4).map((p) => [p.workload.sizeBytes, p.workload.mode, p.replication]), [
    [32, 'uni', 0],
    [32, 'uni', 1],
    [32, 'uni', 2],
    [32, 'bi', 0],
  ]);
});

test('seeds: common random numbers across profiles and points, distinct across replications', () => {
  const s = twoProfileScenario();
  const pts = expandPoints(s);
  for (const p of pts) assert.equal(p.seed, replicationSeed('abc', p.replication));
  const seeds = new Set(pts.map((p) => p.seed));
  assert.equal(seeds.size, 3);
  const a = pts.find((p) => p.profile.name === 'test-native' && p.workload.sizeBytes === 64 && p.replication === 2)!;
  const b = pts.find((p) => p.profile.name === 'test-native-old' && p.workload.sizeBytes === 256 && p.replication === 2)!;
  assert.equal(a.seed, b.seed);
});

test('shards partition the points exactly', () => {
  const pts = expandPoints(twoProfileScenario());
  for (const n of [1, 2, 3, 5, 7, 48, 100]) {
    const seen = new Map<number, number>();
    for (let i = 1; i <= n; i++) {
      for (const p of shardPoints(pts, i, n)) {
        assert.equal(seen.has(p.index), false, `point ${p.index} in two shards`);
        assert.equal((p.index % n) + 1, i);
        seen.set(p.index, i);
      }
    }
    assert.equal(seen.size, pts.length, `n=${n}: union is not all points`);
  }
  // Balanced: shard sizes differ by at most one.
  const sizes = [1, 2, 3, 4, 5].map((i) => shardPoints(pts, i, 5).length);
  assert.ok(Math.max(...sizes) - Math.min(...sizes) <= 1);
});

test('parseShard reads i/n and refuses nonsense with a --shard message', () => {
  assert.deepEqual(parseShard('3/16'), { index: 3, count: 16 });
  assert.deepEqual(parseShard(' 1 / 1 '), { index: 1, count: 1 });
  for (const bad of ['0/4', '5/4', '3', 'a/b', '1/0', '-1/4']) {
    assert.throws(() => parseShard(bad), (e: unknown) => e instanceof ScenarioError && e.message.startsWith(`--shard ${bad}:`) && !e.message.includes('\n'));
  }
  assert.throws(() => shardPoints([], 0, 3), ScenarioError);
});

/** A top-level sweep over scenario fields (dotted paths into cluster and profiles), crossed with the workload sweep. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ScenarioError, expandPoints, loadScenario } from '../../src/scenario/index.js';
import { SCENARIOS, cliIn, tempDir, writeScenario } from '../cli/helpers.js';

const RING = `name: ring512
seed: 3
replications: 2
cluster: { nodes: 2, cpusPerNode: 2 }
profiles: [rhel-2.6.12, xen-3.0.1]
workload: { type: com, procs: 2, ops: 3, mode: uni }
sweep:
  sizeBytes: [1024, 65536]
  cluster.link.rateBps: [1e8, 1e9]
  profiles.xen-3.0.1.xen.txRingSlots: [4, 512]
outputs: { dir: out }
`;

const csv = (p: string) => {
  const [head, ...lines] = readFileSync(p, 'utf8').trim().split('\n');
  const cols = head!.split(',');
  return { cols, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i]!, v]))) };
};

function loadError(text: string, overrides: string[] = []): ScenarioError {
  const dir = tempDir();
  try {
    loadScenario(writeScenario(dir, 's.yaml', text), overrides);
  } catch (e) {
    if (e instanceof ScenarioError) return e;
    throw e;
  }
  assert.fail('expected a ScenarioError');
}

describe('sweeps over scenario fields', () => {
  test('the 512-slot ring at two link rates: one file, one command; every file has both fields as columns and no point pools', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 'ring.yaml', RING);
    const r = await cliIn(['run', s, '-q', '--jobs', '1'], cwd);
    assert.equal(r.code, 0, r.stderr);
    const res = csv(join(cwd, 'out', 'results.csv'));
    assert.deepEqual(res.cols.slice(0, 4), ['scenario', 'cluster.link.rateBps', 'profiles.xen-3.0.1.xen.txRingSlots', 'profile']);
    // 2 rates x 2 ring sizes x 2 profiles x 2 sizes x 2 replications.
    assert.equal(res.rows.length, 32);
    const combos = new Set(res.rows.map((x) => `${x['cluster.link.rateBps']}/${x['profiles.xen-3.0.1.xen.txRingSlots']}`));
    assert.deepEqual([...combos], ['100000000/4', '100000000/512', '1000000000/4', '1000000000/512']);
    const sum = csv(join(cwd, 'out', 'summary.csv'));
    assert.ok(sum.cols.includes('cluster.link.rateBps') && sum.cols.includes('profiles.xen-3.0.1.xen.txRingSlots'));
    const bw = sum.rows.filter((x) => x.metric === 'bandwidth_MBps');
    assert.equal(bw.length, 16, 'one summary point per (rate, ring, profile, size)');
    assert.ok(bw.every((x) => x.n === '2'), 'each summary point holds its 2 replications, never rows of another value');
    const cmp = csv(join(cwd, 'out', 'compare.csv'));
    assert.ok(cmp.cols.includes('cluster.link.rateBps') && cmp.cols.includes('profiles.xen-3.0.1.xen.txRingSlots'));
    assert.equal(cmp.rows.filter((x) => x.metric === 'bandwidth_MBps').length, 8);
    // The swept values reach the model: a 4-slot ring is slower at 1 Gb/s than a 512-slot one, and the link rate matters.
    const mean = (rate: string, ring: string, size: string, profile = 'xen-3.0.1') => Number(bw.find((x) => x['cluster.link.rateBps'] === rate && x['profiles.xen-3.0.1.xen.txRingSlots'] === ring && x.size_bytes === size && x.profile === profile)!.mean);
    assert.ok(mean('1000000000', '4', '1024') < mean('1000000000', '512', '1024'));
    assert.ok(mean('100000000', '512', '65536') < mean('1000000000', '512', '65536'));
    // The ring key changes only the xen profile: rhel's rows are the same at both ring values.
    assert.equal(mean('1000000000', '4', '65536', 'rhel-2.6.12'), mean('1000000000', '512', '65536', 'rhel-2.6.12'));
    const points = await cliIn(['points', s], cwd);
    assert.match(points.stdout, /com sizeBytes=1024 cluster\.link\.rateBps=100000000 profiles\.xen-3\.0\.1\.xen\.txRingSlots=4\n/);
    const manifest = JSON.parse(readFileSync(join(cwd, 'out', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.scenario.params.fields, { 'cluster.link.rateBps': [1e8, 1e9], 'profiles.xen-3.0.1.xen.txRingSlots': [4, 512] });
  });

  test("--set 'sweep={...}' sweeps scenario fields beside a workloads list; keys without a dot stay workload fields", () => {
    const quick = join(SCENARIOS, 'quickstart.yaml');
    const s = loadScenario(quick, ['sweep={cluster.switch.portBufferBytes: [65536, 262144]}', 'replications=1']);
    assert.deepEqual(s.params?.fields, { 'cluster.switch.portBufferBytes': [65536, 262144] });
    const pts = expandPoints(s);
    assert.equal(pts.length, 2 * expandPoints(loadScenario(quick, ['replications=1'])).length);
    assert.deepEqual([...new Set(pts.map((p) => p.cluster!.switch.portBufferBytes))], [65536, 262144]);
    const plain = loadScenario(join(SCENARIOS, 'pingpong-trace.yaml'));
    assert.equal(plain.params, undefined);
    assert.ok(expandPoints(plain).every((p) => p.params === undefined && p.cluster === undefined));
  });

  test('errors name the sweep key, the value and what is allowed', () => {
    const base = RING.replace(/sweep:[\s\S]*outputs/, 'sweep:\n  KEY\noutputs');
    const e1 = loadError(base.replace('KEY', 'cluster.link.rate: [1e8]'));
    assert.match(e1.message, /s\.yaml:\d+:\d+: sweep\.cluster\.link\.rate: unknown scenario field; did you mean cluster\.link\.rateBps\?; allowed: cluster\.nodes, .*cluster\.link\.rateBps/);
    const e2 = loadError(base.replace('KEY', 'cluster.link.rateBps: [1e9, 5]'));
    assert.match(e2.message, /sweep\.cluster\.link\.rateBps: value 5: cluster\.link\.rateBps: 5 is below the minimum 1e6; allowed: number in \[1e6, 1e12\]/);
    const e3 = loadError(base.replace('KEY', 'profiles.xen-3.0.1.xen.txRingSlots: [256, 300]'));
    assert.match(e3.message, /sweep\.profiles\.xen-3\.0\.1\.xen\.txRingSlots: value 300: .*txRingSlots: 300 slots is not a power of 2/);
    const e4 = loadError(base.replace('KEY', 'profiles.xen-3.0.2.xen.txRingSlots: [256]'));
    assert.match(e4.message, /no profile of this scenario starts "xen-3\.0\.2\.xen\.txRingSlots"; allowed: .*NAME one of rhel-2\.6\.12, xen-3\.0\.1/);
    const e5 = loadError(base.replace('KEY', 'profiles.xen-3.0.1.xen.txRingSlot: [256]'));
    assert.match(e5.message, /sweep\.profiles\.xen-3\.0\.1\.xen\.txRingSlot: value 256: .*unknown/);
    // A value that breaks a workload only with that cluster: the workload's procs need more CPUs.
    const e6 = loadError(base.replace('KEY', 'cluster.cpusPerNode: [1, 2]').replace('procs: 2', 'procs: 48'));
    assert.match(e6.message, /sweep\.cluster\.cpusPerNode: value 1: workload\.procs: 48 is above the maximum 32/);
    const e7 = loadError(base.replace('KEY', 'cluster.nodes: [2]\n  combine: zip').replace('  sizeBytes: [1024, 65536]\n', ''));
    assert.match(e7.message, /sweep\.combine: combine applies to workload fields/);
  });
});

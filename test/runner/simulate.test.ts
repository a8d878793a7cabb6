/** simulate(), resume, merge and the point-key derivation, through the library API. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError, expandPoints, loadScenario, mergeShardFiles, pointKey, rowKey, runPoint, simulate } from '../../src/index.js';
import { ProgressReporter, progressLine } from '../../src/cli/progress.js';
import type { Progress } from '../../src/runner/simulate.js';
import { PointError, assertPlainData } from '../../src/runner/pool.js';
import { WORKLOADS } from '../../src/workloads/registry.js';
import { fieldSweepable } from '../../src/workloads/module.js';
import { scenarioFingerprint } from '../../src/runner/fingerprint.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'xenhpc-run-'));
const read = (p: string): string => readFileSync(p, 'utf8');

const MIXED = `name: mixed
seed: 5
replications: 2
cluster: { nodes: 3, cpusPerNode: 2 }
profiles: [rhel-2.6.12, rhel-2.6.9]
workloads:
  - { type: pingpong, ops: 2, sweep: { sizeBytes: [32, 4096] } }
  - { type: com, ops: 2, procs: 2, sweep: { mode: [uni, bi], sizeBytes: [1024] } }
  - { type: laten, ops: 2, sweep: { procs: [2, 4] } }
  - { type: stream, streams: 2, sizeBytes: 65536 }
outputs: { dir: out, figures: [bandwidth, latency] }
`;

function scenarioFile(dir: string, text = MIXED): string {
  const f = join(dir, 's.yaml');
  writeFileSync(f, text);
  return f;
}

describe('simulate', () => {
  test('pointKey derives the identifying columns exactly as runPoint writes them', () => {
    const s = loadScenario(scenarioFile(tmp()));
    const points = expandPoints(s);
    assert.equal(points.length, 2 * 7 * 2);
    for (const p of points) assert.equal(pointKey(s, p), rowKey(runPoint(s, p) as unknown as Record<string, string | number>), `point ${p.index}`);
  });

  test('every field a workload can sweep is in the run key, so summaries never pool two values', () => {
    const values: Record<string, string> = {
      mode: '[uni, bi]', sizeBytes: '[32, 64]', procs: '[2, 4]', ops: '[2, 3]', fromNode: '[0, 2]',
      toNode: '[2, 3]', streams: '[1, 2]', sockBufBytes: '[8192, 16384]', matrixOrder: '[20, 30]', op: '[barrier, bcast]', bidirectional: '[false, true]', dom0LoadProcs: '[0, 1]',
    };
    const dir = tmp();
    for (const { type, fields, needsPathFeature } of WORKLOADS) {
      // A workload that needs a path feature (ioport: an HVM device model) on a profile that has it.
      const prof = needsPathFeature === undefined ? 'rhel-2.6.12' : 'xen-hvm';
      for (const field of Object.keys(fields).filter((f) => fieldSweepable(fields[f]!))) {
        assert.ok(values[field], `no test values for ${type}.${field}`);
        const text = `name: k\nreplications: 1\ncluster: { nodes: 4, cpusPerNode: 2 }\nprofiles: [${prof}]\nworkloads:\n  - { type: ${type}, sweep: { ${field}: ${values[field]} } }\n`;
        const s = loadScenario(scenarioFile(dir, text));
        const keys = expandPoints(s).map((p) => pointKey(s, p));
        assert.equal(new Set(keys).size, 2, `${type}.${field}: both values must give distinct run keys`);
      }
    }
  });

  test('jobs 1 and jobs 2 write identical files; figures only with data', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir));
    const a = await simulate(s, { jobs: 1, outDir: join(dir, 'a') });
    const b = await simulate(s, { jobs: 2, outDir: join(dir, 'b') });
    assert.equal(a.ran, 28);
    assert.deepEqual(a.points, [...Array(28).keys()]);
    for (const f of ['results.csv', 'summary.csv', 'compare.csv', 'bandwidth.svg', 'latency.svg']) assert.equal(read(join(dir, 'b', f)), read(join(dir, 'a', f)), f);
    assert.deepEqual(b.rows, a.rows);
    assert.ok(a.summary.length > 0 && a.compare.length > 0);
  });

  test('aborted after N points, then resumed: identical to an uninterrupted run', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir));
    const full = await simulate(s, { jobs: 1, outDir: join(dir, 'full') });
    for (const jobs of [1, 2]) {
      const out = join(dir, `part${jobs}`);
      const ac = new AbortController();
      const first = await simulate(s, {
        jobs, outDir: out, signal: ac.signal,
        onProgress: (p) => {
          if (p.done >= 5) ac.abort();
        },
      });
      assert.equal(first.aborted, true);
      assert.ok(first.rows.length >= 5 && first.rows.length < 28, `${first.rows.length}`);
      assert.deepEqual(readdirSync(out), ['results.partial.csv']);
      const partial = read(join(out, 'results.partial.csv')).trim().split('\n');
      assert.equal(partial[0]!.split(',')[0], 'point');
      assert.equal(partial.length - 1, first.rows.length);
      const second = await simulate(s, { jobs, outDir: out, resume: true });
      assert.equal(second.skipped, first.rows.length);
      assert.equal(second.ran, 28 - first.rows.length);
      for (const f of ['results.csv', 'summary.csv', 'compare.csv']) assert.equal(read(join(out, f)), read(join(dir, 'full', f)), `jobs ${jobs} ${f}`);
      assert.ok(!existsSync(join(out, 'results.partial.csv')));
      // Resuming a complete run runs nothing and rewrites the same bytes.
      const third = await simulate(s, { jobs, outDir: out, resume: true });
      assert.equal(third.ran, 0);
      assert.equal(read(join(out, 'results.csv')), read(join(dir, 'full', 'results.csv')));
    }
    assert.equal(full.aborted, false);
  });

  test('resume refuses rows of another scenario', async () => {
    const dir = tmp();
    const f = scenarioFile(dir);
    await simulate(loadScenario(f), { jobs: 1, outDir: join(dir, 'o') });
    const changed = loadScenario(f, ['seed=6']);
    await assert.rejects(simulate(changed, { jobs: 1, outDir: join(dir, 'o'), resume: true }), (e: unknown) => e instanceof InputError && /results\.csv:2: scenario_sha256: row was computed from a different scenario/.test(e.message));
  });

  test('results.csv names its scenario: every row ends with the fingerprint, and merge refuses results of two scenarios', async () => {
    const dir = tmp();
    const f = scenarioFile(dir);
    const s = loadScenario(f);
    await simulate(s, { jobs: 1, outDir: join(dir, 'a') });
    await simulate(loadScenario(f, ['seed=6']), { jobs: 1, outDir: join(dir, 'b') });
    const lines = read(join(dir, 'a', 'results.csv')).trim().split('\n');
    assert.ok(lines[0]!.endsWith(',scenario_sha256'), lines[0]);
    assert.ok(lines.slice(1).every((l) => l.endsWith(`,${scenarioFingerprint(s)}`)));
    assert.throws(() => mergeShardFiles([join(dir, 'a', 'results.csv'), join(dir, 'b', 'results.csv')], s), (e: unknown) => e instanceof InputError && /different scenario/.test(e.message));
  });

  test('shards partition the points and merge back in order', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir));
    const full = await simulate(s, { jobs: 1, write: false });
    const files: string[] = [];
    for (let i = 3; i >= 1; i--) {
      const r = await simulate(s, { jobs: 1, shard: { index: i, count: 3 }, outDir: dir });
      assert.deepEqual(r.summary, []);
      assert.ok(r.points.every((p) => p % 3 === i - 1));
      files.push(join(dir, `results.shard-${i}-of-3.csv`));
    }
    assert.ok(!existsSync(join(dir, 'results.csv')), 'a shard writes only its own file');
    const m = mergeShardFiles(files, s);
    assert.deepEqual(m.rows, full.rows);
    assert.deepEqual(mergeShardFiles(files).rows, full.rows);
    assert.throws(() => mergeShardFiles(files.slice(1)), /points missing/);
  });

  test('write: false leaves the disk alone', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir), [`outputs.dir=${join(dir, 'never')}`]);
    const r = await simulate(s, { jobs: 2, write: false });
    assert.equal(r.rows.length, 28);
    assert.deepEqual(r.files, []);
    assert.ok(!existsSync(join(dir, 'never')));
  });

  test('the scenario sent to workers is plain data; class instances are refused', () => {
    const s = loadScenario(scenarioFile(tmp()));
    assert.doesNotThrow(() => assertPlainData(s));
    assert.throws(() => assertPlainData({ ...s, extra: new Map() }), /scenario\.extra is a Map instance/);
  });
});

describe('integrity: resume and merge trust only complete rows of the same scenario', () => {
  test('a partial file cut in the middle of its last row, or with a damaged cell: those rows are recomputed, not copied', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir));
    await simulate(s, { jobs: 1, outDir: join(dir, 'full') });
    for (const damage of ['cut', 'cell'] as const) {
      const out = join(dir, damage);
      const ac = new AbortController();
      const first = await simulate(s, { jobs: 1, outDir: out, signal: ac.signal, onProgress: (p) => p.done >= 6 && ac.abort() });
      assert.equal(first.rows.length, 6);
      const path = join(out, 'results.partial.csv');
      const text = read(path);
      if (damage === 'cut') writeFileSync(path, text.slice(0, text.trimEnd().lastIndexOf(',') - 20)); // inside the last row
      else {
        const lines = text.split('\n');
        const cells = lines[2]!.split(',');
        cells[cells.length - 2] = ''; // events of the second row emptied
        lines[2] = cells.join(',');
        writeFileSync(path, lines.join('\n'));
      }
      const second = await simulate(s, { jobs: 1, outDir: out, resume: true });
      assert.equal(second.damaged.length, 1, damage);
      assert.equal(second.skipped, 5, damage);
      assert.equal(second.ran, 28 - 5, damage);
      assert.equal(read(join(out, 'results.csv')), read(join(dir, 'full', 'results.csv')), damage);
    }
  });

  test('resume refuses a partial file of a scenario whose rows look the same (a profile parameter changed)', async () => {
    const dir = tmp();
    const f = scenarioFile(dir);
    const ac = new AbortController();
    await simulate(loadScenario(f), { jobs: 1, outDir: dir, signal: ac.signal, onProgress: (p) => p.done >= 3 && ac.abort() });
    const changed = loadScenario(f, ['cluster.link.rateBps=1e8']);
    await assert.rejects(
      simulate(changed, { jobs: 1, outDir: dir, resume: true }),
      (e: unknown) => e instanceof InputError && /results\.partial\.csv:2: scenario_sha256: row was computed from a different scenario/.test(e.message),
    );
  });

  test('linpack rows (no bandwidth, optime or latency) are whole rows: a linpack shard merges and a finished linpack run resumes with nothing to run', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir), ['workloads=[{type: linpack, matrixOrder: 40}]']);
    await simulate(s, { jobs: 1, shard: { index: 1, count: 1 }, outDir: join(dir, 'shard') });
    const merged = mergeShardFiles([join(dir, 'shard', 'results.shard-1-of-1.csv')], s);
    assert.ok(merged.rows.length > 0 && merged.rows.every((r) => Number(r.mflops) > 0));
    await simulate(s, { jobs: 1, outDir: join(dir, 'full') });
    const again = await simulate(s, { jobs: 1, outDir: join(dir, 'full'), resume: true });
    assert.equal(again.ran, 0);
  });

  test('merge refuses shards of two scenarios, with and without --scenario; a shard of the right one merges', async () => {
    const dir = tmp();
    const f = scenarioFile(dir);
    const a = loadScenario(f);
    const b = loadScenario(f, ['cluster.link.propagationNs=900']);
    await simulate(a, { jobs: 1, shard: { index: 1, count: 2 }, outDir: join(dir, 'a') });
    await simulate(a, { jobs: 1, shard: { index: 2, count: 2 }, outDir: join(dir, 'a') });
    await simulate(b, { jobs: 1, shard: { index: 2, count: 2 }, outDir: join(dir, 'b') });
    const a1 = join(dir, 'a', 'results.shard-1-of-2.csv');
    const a2 = join(dir, 'a', 'results.shard-2-of-2.csv');
    const b2 = join(dir, 'b', 'results.shard-2-of-2.csv');
    assert.equal(mergeShardFiles([a1, a2], a).rows.length, 28);
    assert.throws(() => mergeShardFiles([a1, b2]), (e: unknown) => e instanceof InputError && /shard-2-of-2\.csv:2: scenario_sha256: row was computed from a different scenario than the rows of .*shard-1-of-2\.csv/.test(e.message));
    assert.throws(() => mergeShardFiles([a1, b2], a), /scenario_sha256: row was computed from a different scenario/);
    assert.throws(() => mergeShardFiles([a1, a2], b), /scenario_sha256: row was computed from a different scenario/);
  });

  test('the fingerprint covers what changes a row (profile parameters, cluster, seed) and nothing else', () => {
    const dir = tmp();
    const f = scenarioFile(dir);
    const base = scenarioFingerprint(loadScenario(f));
    assert.match(base, /^[0-9a-f]{64}$/);
    assert.equal(scenarioFingerprint(loadScenario(f)), base, 'deterministic');
    assert.equal(scenarioFingerprint(loadScenario(f, ['outputs.dir=elsewhere', 'description=other words'])), base, 'outputs and prose do not change rows');
    const moved = join(tmp(), 'moved.yaml');
    writeFileSync(moved, MIXED);
    assert.equal(scenarioFingerprint(loadScenario(moved)), base, 'the file location does not change rows');
    // A sweep over scenario fields holds each variant's profiles, with the files they came from:
    // a checkout elsewhere (other source paths) must give the same fingerprint, another value not.
    const swept = loadScenario(f, ['sweep={profiles.rhel-2.6.12.host.wakeupNs: [1000, 2000]}']);
    const sweptBase = scenarioFingerprint(swept);
    const elsewhere = structuredClone(swept);
    const relocate = (v: unknown): void => {
      if (!v || typeof v !== 'object') return;
      for (const [k, x] of Object.entries(v)) {
        if (k === 'source' && typeof x === 'string') (v as Record<string, unknown>)[k] = `/another/checkout/${x.split('/').pop()}`;
        else relocate(x);
      }
    };
    relocate(elsewhere);
    assert.ok(elsewhere.params!.variants[0]!.profiles[0]!.source!.startsWith('/another/'), 'the variants carry source paths');
    assert.equal(scenarioFingerprint(elsewhere), sweptBase, 'variant profiles from another checkout');
    (elsewhere.params!.variants[1]!.profiles[0]!.host as { wakeupNs: number }).wakeupNs += 1;
    assert.notEqual(scenarioFingerprint(elsewhere), sweptBase, 'a variant profile value changes rows');
    for (const o of ['seed=6', 'cluster.link.rateBps=1e8', 'profiles=[{name: rhel-2.6.12, base: rhel-2.6.12, set: {host.wakeupNs: 1}}, rhel-2.6.9]', 'replications=3']) {
      assert.notEqual(scenarioFingerprint(loadScenario(f, [o])), base, o);
    }
  });
});

describe('a failing point names itself and keeps what was done', () => {
  test('the rows before the failing point are in results.partial.csv, and the error names the point', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir));
    const points = expandPoints(s);
    // Break one profile: every point of it throws inside the model.
    const broken = s.profiles[1]!;
    (broken as { host: unknown }).host = undefined;
    const firstBad = Math.min(...points.filter((p) => p.profile.name === broken.name).map((p) => p.index));
    assert.ok(firstBad > 0);
    const seen: string[] = [];
    await assert.rejects(
      simulate(s, { jobs: 1, outDir: dir, onProgress: (p) => p.running && seen.push(p.running) }),
      (e: unknown) => e instanceof PointError && e.index === firstBad && e.message.startsWith(`point #${firstBad} ${broken.name} `),
    );
    const partial = read(join(dir, 'results.partial.csv')).trim().split('\n').slice(1);
    assert.deepEqual(partial.map((l) => Number(l.split(',')[0])), [...Array(firstBad).keys()]);
    assert.ok(seen.some((r) => r.startsWith(`#${firstBad} ${broken.name} `)), 'the progress named the failing point while it ran');
    assert.match(progressLine({ done: 3, total: 10, skipped: 0, elapsedMs: 1000, running: '#3 x com uni 32 B rep 0' }), / · running #3 x com uni 32 B rep 0$/);
  });

  test('a failure on the very first point still leaves the (empty) partial file docs/cli.md promises', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir));
    for (const p of s.profiles) (p as { host: unknown }).host = undefined;
    await assert.rejects(simulate(s, { jobs: 2, outDir: dir }), PointError);
    assert.deepEqual(readdirSync(dir).sort(), ['results.partial.csv', 's.yaml']);
  });
});

describe('progress', () => {
  test('line format and ETA from the points run in this session', () => {
    assert.equal(progressLine({ done: 12, total: 76, skipped: 0, elapsedMs: 42_000 }), '[12/76] 15% · 0:42 elapsed · ETA 3:44');
    assert.equal(progressLine({ done: 10, total: 20, skipped: 10, elapsedMs: 1000 }), '[10/20] 50% · 0:01 elapsed · ETA ?');
    assert.equal(progressLine({ done: 20, total: 20, skipped: 0, elapsedMs: 3_723_000 }), '[20/20] 100% · 1:02:03 elapsed');
  });

  test('with estimated work, the share and the ETA are of the work: ten small points of twenty are 1 % done, not 50 %', () => {
    // 10 of 20 points done, 10 of 1000 estimated events, in 10 s: 990 events left at 1 per second.
    assert.equal(progressLine({ done: 10, total: 20, skipped: 0, elapsedMs: 10_000, work: { done: 10, total: 1000, ran: 10 } }), '[10/20] 1% · 0:10 elapsed · ETA 16:30');
    // Resumed work counts as done but not as this session's rate: 500 resumed, 10 run in 10 s.
    assert.equal(progressLine({ done: 15, total: 20, skipped: 5, elapsedMs: 10_000, work: { done: 510, total: 1000, ran: 10 } }), '[15/20] 51% · 0:10 elapsed · ETA 8:10');
  });

  test('simulate weighs points by their estimated events: a 32 B point done first is a small share of a run with a 1 MiB point', async () => {
    const dir = tmp();
    const s = loadScenario(scenarioFile(dir, `name: w\nreplications: 1\ncluster: { nodes: 2, cpusPerNode: 1 }\nprofiles: [rhel-2.6.12]\nworkloads:\n  - { type: pingpong, ops: 2, sweep: { sizeBytes: [32, 1048576] } }\noutputs: { dir: out, figures: [] }\n`));
    const seen: Progress[] = [];
    await simulate(s, { jobs: 1, outDir: dir, onProgress: (p) => seen.push(structuredClone(p)) });
    const afterFirst = seen.find((p) => p.done === 1)!;
    assert.ok(afterFirst.work!.done / afterFirst.work!.total < 0.1, `the 32 B point is ${afterFirst.work!.done} of ${afterFirst.work!.total} estimated events`);
    assert.ok(progressLine(afterFirst).startsWith('[1/2] 0% '), progressLine(afterFirst));
    const last = seen.at(-1)!;
    assert.equal(last.work!.done, last.work!.total);
    assert.equal(last.work!.ran, last.work!.total);
  });

  test('plain mode: one line per 10 % (or 30 s); off mode: nothing', () => {
    let t = 0;
    const out: string[] = [];
    const r = new ProgressReporter({ write: (s) => (out.push(s), true) }, 'plain', () => t);
    for (let d = 0; d <= 100; d++) r.update({ done: d, total: 100, skipped: 0, elapsedMs: t });
    assert.equal(out.length, 10);
    assert.ok(out.every((l) => l.endsWith('\n')));
    out.length = 0;
    const slow = new ProgressReporter({ write: (s) => (out.push(s), true) }, 'plain', () => t);
    slow.update({ done: 0, total: 1000, skipped: 0, elapsedMs: 0 });
    t = 31_000;
    slow.update({ done: 1, total: 1000, skipped: 0, elapsedMs: t });
    assert.equal(out.length, 1, 'a line after 30 s even below the next 10 %');
    const off = new ProgressReporter({ write: () => assert.fail('quiet wrote') }, 'off');
    off.update({ done: 1, total: 1, skipped: 0, elapsedMs: 0 });
  });
});

describe('report-lite', () => {
  test('every kind report-lite lists is drawn by src/report from a real summary, with the points the runner counts', async () => {
    const lite = await import('../../src/runner/report-lite.js');
    const { figurePoints } = await import('../../src/runner/outputs.js');
    const r = await simulate(loadScenario(scenarioFile(tmp())), { jobs: 1, write: false });
    const lp = await simulate(loadScenario(scenarioFile(tmp()), ['workloads=[{type: linpack, matrixOrder: 40}]']), { jobs: 1, write: false });
    const summary = [...r.summary, ...lp.summary];
    assert.deepEqual([...lite.FIGURE_KINDS].sort(), ['bandwidth', 'latency', 'latency-size', 'linpack', 'max-bandwidth', 'optime', 'stream-bandwidth']);
    for (const kind of lite.FIGURE_KINDS) {
      const n = figurePoints(kind, summary);
      assert.ok(n > 0, `${kind}: MIXED and a linpack run have data for it`);
      const svg = await lite.figureSvg(kind, summary);
      assert.match(svg, /^<svg[\s\S]*<\/svg>\s*$/, kind);
    }
    await assert.rejects(lite.figureSvg('no-such-kind' as never, summary));
  });
});

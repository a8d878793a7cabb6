/** simulate(), resume, merge and the point-key derivation, through the library API. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError, expandPoints, loadScenario, mergeShardFiles, pointKey, rowKey, runPoint, simulate } from '../../src/index.js';
import { ProgressReporter, progressLine } from '../../src/cli/progress.js';
import { assertPlainData } from '../../src/runner/pool.js';
import { TYPE_FIELDS, UNSWEPT_FIELDS } from '../../src/scenario/load.js';

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
      toNode: '[2, 3]', streams: '[1, 2]', sockBufBytes: '[8192, 16384]', matrixOrder: '[20, 30]',
    };
    const dir = tmp();
    for (const [type, fields] of Object.entries(TYPE_FIELDS)) {
      for (const field of fields) {
        if ((UNSWEPT_FIELDS as readonly string[]).includes(field)) continue; // the loader refuses sweeping them (test/scenario/load.test.ts)
        const text = `name: k\nreplications: 1\ncluster: { nodes: 4, cpusPerNode: 2 }\nprofiles: [rhel-2.6.12]\nworkloads:\n  - { type: ${type}, sweep: { ${field}: ${values[field]} } }\n`;
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
    await assert.rejects(simulate(changed, { jobs: 1, outDir: join(dir, 'o'), resume: true }), (e: unknown) => e instanceof InputError && /results\.csv:2: profile: .*matches no point/.test(e.message));
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

describe('progress', () => {
  test('line format and ETA from the points run in this session', () => {
    assert.equal(progressLine({ done: 12, total: 76, skipped: 0, elapsedMs: 42_000 }), '[12/76] 15% · 0:42 elapsed · ETA 3:44');
    assert.equal(progressLine({ done: 10, total: 20, skipped: 10, elapsedMs: 1000 }), '[10/20] 50% · 0:01 elapsed · ETA ?');
    assert.equal(progressLine({ done: 20, total: 20, skipped: 0, elapsedMs: 3_723_000 }), '[20/20] 100% · 1:02:03 elapsed');
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
  test('FIGURE_KINDS matches src/report', async () => {
    const lite = await import('../../src/runner/report-lite.js');
    const full = await import('../../src/report/figures.js');
    assert.deepEqual(lite.FIGURE_KINDS, full.FIGURE_KINDS);
  });
});

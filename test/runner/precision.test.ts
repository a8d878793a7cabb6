/** --precision: replications that stop when the 95 % CI is narrow enough, deterministically. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { expandPoints, loadScenario, simulate } from '../../src/index.js';
import { StoppingRule, parsePrecision, relHalfWidth, replicationGroups } from '../../src/runner/precision.js';
import { textRow, type TextRow } from '../../src/runner/points.js';
import { MEASURED_COLUMNS } from '../../src/runner/report-lite.js';
import { summarize, tQuantile } from '../../src/report/stats.js';
import { cliIn } from '../cli/helpers.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'xenhpc-prec-'));
const read = (p: string): string => readFileSync(p, 'utf8');

// laten with noise off repeats exactly (zero variance: stops at --min-reps); Xen com bi varies by a
// few per cent between replications (never within 0.01 %: runs to --reps).
const SCENARIO = `name: prec
seed: 3
replications: 8
cluster: { nodes: 4, cpusPerNode: 2, link: { rateBps: 1e8, propagationNs: 500 } }
profiles: [rhel-2.6.12, xen-3.0.1]
workloads:
  - { type: com, procs: 2, ops: 5, sweep: { mode: [uni, bi], sizeBytes: [1024, 65536] } }
  - { type: laten, ops: 10, sweep: { procs: [2, 4] } }
outputs: { dir: out, figures: [] }
`;

function scenarioFile(dir: string, text = SCENARIO): string {
  const f = join(dir, 's.yaml');
  writeFileSync(f, text);
  return f;
}

const FILES = ['results.csv', 'summary.csv', 'compare.csv'];

describe('--precision', () => {
  test('parsePrecision takes 1% and 0.01 alike and refuses 0, >1 and words', () => {
    assert.equal(parsePrecision('1%'), 0.01);
    assert.equal(parsePrecision(' 0.5 % '), 0.005);
    assert.equal(parsePrecision('0.01'), 0.01);
    for (const bad of ['0', '0%', 'abc', '-1%', '1.5', '', '1%%']) assert.equal(typeof parsePrecision(bad), 'string', bad);
  });

  test('relHalfWidth is the Student-t half-width over the mean', () => {
    // n = 4, mean 10, sd = sqrt(20/3); t(0.975, 3) = 3.182446
    const v = [7, 9, 11, 13];
    const expected = (3.182446305284263 * Math.sqrt(20 / 3)) / 2 / 10;
    assert.ok(Math.abs(relHalfWidth(v) - expected) < 1e-9, String(relHalfWidth(v)));
    assert.equal(relHalfWidth([5, 5, 5]), 0);
    assert.equal(relHalfWidth([-1, 1]), Infinity);
  });

  test('a com program is one group across its sizes; each replication is one job of it', () => {
    const s = loadScenario(scenarioFile(tmp()));
    const groups = replicationGroups(expandPoints(s));
    // per profile: com uni, com bi (2 sizes each), laten 2, laten 4
    assert.equal(groups.length, 8);
    assert.deepEqual(groups.map((g) => g.reps.length), new Array(8).fill(8));
    assert.deepEqual(groups.map((g) => g.reps[0]!.length), [2, 2, 1, 1, 2, 2, 1, 1]);
  });

  test('StoppingRule on made-up rows: constant figures stop at minReps, a spread one runs to the last replication, a narrowing one stops where its CI first fits', () => {
    const s = loadScenario(scenarioFile(tmp()));
    const points = expandPoints(s);
    const groups = replicationGroups(points);
    // Group 0 (a com program, 2 sizes): constant. Group 2 (laten 2): alternating 10/20, never within 1 %.
    // Group 3 (laten 4): 100, 101, 99, 100, 100, ...: wider than 1 % at k = 3, narrower later.
    const value = (g: number, r: number): number => (g === 2 ? (r % 2 ? 20 : 10) : g === 3 ? [100, 101, 99, 100][r] ?? 100 : 50);
    const rows = new Map<number, TextRow>();
    const rule = new StoppingRule(points, { relHalfWidth: 0.01, minReps: 3 }, (i) => rows.get(i));
    groups.forEach((g, gi) => g.reps.forEach((job, r) => job.forEach((i) => rows.set(i, textRow({ latency_us: value(gi, r), bandwidth_MBps: '' })))));
    rule.updateAll();
    const out = rule.outcomes().map((o) => o.outcome!);
    assert.equal(out[0]!.replications, 3);
    assert.equal(out[0]!.met, true);
    assert.equal(out[2]!.replications, 8);
    assert.equal(out[2]!.met, false);
    // Alternating 10/20: mean 15, s = sqrt(200/7). 1 % of 15 needs n with t(n-1) s / sqrt(n) <= 0.15:
    // about (1.96 x 5.345 / 0.15)^2 = 4,880, and the projection is the first n that fits.
    const n = out[2]!.projectedReplications;
    const fits = (m: number): boolean => (tQuantile(0.975, m - 1) * Math.sqrt(200 / 7)) / Math.sqrt(m) <= 0.15;
    assert.ok(n > 4800 && n < 5000, `projected ${n}`);
    assert.ok(fits(n) && !fits(n - 1), `${n} is the first that fits`);
    assert.equal(out[0]!.projectedReplications, out[0]!.replications, 'a met group needs what it ran');
    let expected = 8;
    for (let k = 3; k <= 8; k++) {
      if (relHalfWidth(Array.from({ length: k }, (_, r) => value(3, r))) <= 0.01) {
        expected = k;
        break;
      }
    }
    assert.ok(expected > 3 && expected < 8, `made-up data should stop in between (${expected})`);
    assert.equal(out[3]!.replications, expected);
    // beyondStop: group 0's replication 3 is dropped, its replication 2 kept.
    assert.equal(rule.beyondStop(groups[0]!.reps[3]![0]!), true);
    assert.equal(rule.beyondStop(groups[0]!.reps[2]![0]!), false);
  });

  test('jobs 1 and 2 write the same bytes; zero variance stops at --min-reps, wide variance runs to --reps; the stop is the first k the rule accepts', async () => {
    const dir = tmp();
    const file = scenarioFile(dir);
    const s = loadScenario(file);
    const precision = { relHalfWidth: 0.0001, minReps: 3 };
    const a = await simulate(s, { jobs: 1, outDir: join(dir, 'a'), precision });
    await simulate(s, { jobs: 2, outDir: join(dir, 'b'), precision });
    for (const f of FILES) assert.equal(read(join(dir, 'b', f)), read(join(dir, 'a', f)), f);
    const groups = a.precision!.groups;
    for (const g of groups.filter((x) => x.workload.startsWith('laten'))) {
      assert.equal(g.replications, 3, `${g.profile} ${g.workload}`);
      assert.equal(g.met, true);
    }
    const xenBi = groups.find((g) => g.profile === 'xen-3.0.1' && g.workload.startsWith('com bi'))!;
    assert.equal(xenBi.replications, 8);
    assert.equal(xenBi.met, false);
    // results.csv holds exactly the replications each point needed.
    const rows = read(join(dir, 'a', 'results.csv')).trim().split('\n').slice(1);
    const expectedRows = groups.reduce((n, g) => n + g.replications! * g.points, 0);
    assert.equal(rows.length, expectedRows);
    const manifest = JSON.parse(read(join(dir, 'a', 'manifest.json'))) as { precision: { relHalfWidth: number; minReps: number; maxReps: number } };
    assert.deepEqual([manifest.precision.relHalfWidth, manifest.precision.minReps, manifest.precision.maxReps], [0.0001, 3, 8]);

    // Against a full run: each group's stop is the first k >= 3 whose first k rows meet 1 %
    // (recomputed here from the full rows with summarize, not with the runner's rule).
    const full = await simulate(s, { jobs: 2, write: false });
    const points = expandPoints(s);
    const rowsOf = new Map(full.points.map((p, k) => [p, full.rows[k]!]));
    const loose = await simulate(s, { jobs: 2, outDir: join(dir, 'c'), precision: { relHalfWidth: 0.01, minReps: 3 } });
    let early = 0;
    for (const [gi, g] of replicationGroups(points).entries()) {
      let stop = 8;
      for (let k = 3; k <= 8; k++) {
        const ok = g.reps[0]!.every((_, pos) =>
          MEASURED_COLUMNS.every((c) => {
            const v = g.reps.slice(0, k).map((job) => rowsOf.get(job[pos]!)![c]).filter((x) => x !== '').map(Number);
            if (v.length === 0) return true;
            const st = summarize(v);
            return st.ci95High - st.mean <= 0.01 * Math.abs(st.mean);
          }),
        );
        if (ok) {
          stop = k;
          break;
        }
      }
      assert.equal(loose.precision!.groups[gi]!.replications, stop, `group ${gi}`);
      if (stop < 8) early++;
    }
    assert.ok(early >= 4, `some groups stop early at 1 % (${early})`);
  });

  test('--resume is exact in both directions: a full run resumed with --precision, a --precision run resumed without', async () => {
    const dir = tmp();
    const file = scenarioFile(dir);
    const s = loadScenario(file);
    const precision = { relHalfWidth: 0.02, minReps: 3 };
    await simulate(s, { jobs: 1, outDir: join(dir, 'full') });
    await simulate(s, { jobs: 1, outDir: join(dir, 'prec'), precision });
    cpSync(join(dir, 'full'), join(dir, 'r1'), { recursive: true });
    const r1 = await simulate(s, { jobs: 1, outDir: join(dir, 'r1'), precision, resume: true });
    assert.equal(r1.ran, 0);
    cpSync(join(dir, 'prec'), join(dir, 'r2'), { recursive: true });
    await simulate(s, { jobs: 1, outDir: join(dir, 'r2'), resume: true });
    for (const f of FILES) {
      assert.equal(read(join(dir, 'r1', f)), read(join(dir, 'prec', f)), `r1 ${f}`);
      assert.equal(read(join(dir, 'r2', f)), read(join(dir, 'full', f)), `r2 ${f}`);
    }
    assert.notEqual(read(join(dir, 'prec', 'results.csv')), read(join(dir, 'full', 'results.csv')));
  });

  test('bad values exit 2 with one line naming the flag, before anything is written', async () => {
    const cwd = tmp();
    const s = scenarioFile(cwd);
    const bad: [string[], RegExp][] = [
      [['--precision', '0'], /--precision/],
      [['--precision', 'abc'], /--precision/],
      [['--precision', '150%'], /--precision/],
      [['--precision', '1%', '--min-reps', '1'], /--min-reps/],
      [['--precision', '1%', '--min-reps', '9'], /--min-reps.*8 replications/],
      [['--precision', '1%', '--min-reps', 'x'], /--min-reps/],
      [['--min-reps', '3'], /--min-reps.*only with --precision/],
      [['--precision', '1%', '--shard', '1/2'], /--precision with --shard/],
      [['--precision', '1%', '--reps', '1'], /--precision.*at least 2/],
    ];
    for (const [flags, re] of bad) {
      for (const cmd of ['run', 'validate']) {
        if (cmd === 'validate' && flags.includes('--shard')) continue;
        const r = await cliIn([cmd, s, '--out', 'o', ...flags], cwd);
        assert.equal(r.code, 2, `${cmd} ${flags.join(' ')}: ${r.stderr}`);
        const lines = r.stderr.split('\n').filter((l) => l !== '');
        assert.equal(lines.length, 1, r.stderr);
        assert.match(lines[0]!, re);
      }
    }
    assert.deepEqual(readdirSync(cwd), ['s.yaml']);
  });
});

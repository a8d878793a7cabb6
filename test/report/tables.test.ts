import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RESULT_COLUMNS, SUMMARY_COLUMNS, compareRows, summaryRows, type ResultRow } from '../../src/report/tables.js';
import { readCsv, writeCsvAtomic } from '../../src/report/csv.js';

function close(actual: unknown, expected: number, tol = 1e-12): void {
  assert.equal(typeof actual, 'number');
  assert.ok(Math.abs((actual as number) - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

function row(profile: string, sizeBytes: number, replication: number, bandwidthMBps: number): ResultRow {
  return {
    scenario: 's', profile, workload: 'com', mode: 'uni', size_bytes: sizeBytes, procs: 2, ops: 100, sock_buf_bytes: '', from_node: '', to_node: '', replication, seed: 100 + replication,
    bandwidth_MBps: bandwidthMBps, optime_us: '', latency_us: '', factor_s: '', solve_s: '', total_s: '', mflops: '', elapsed_ns: 1_000_000, retransmits: 0, timeouts: 0, drops: '', events: 500,
  };
}

function laten(profile: string, replication: number, latencyUs: number): ResultRow {
  return {
    scenario: 's', profile, workload: 'laten', mode: '', size_bytes: '', procs: 4, ops: 100, sock_buf_bytes: '', from_node: '', to_node: '', replication, seed: 7,
    bandwidth_MBps: '', optime_us: '', latency_us: latencyUs, factor_s: '', solve_s: '', total_s: '', mflops: '', elapsed_ns: 5000, retransmits: '', timeouts: '', drops: '', events: 9,
  };
}

// xen appears first overall; at size 2048 rhel's rows come first, yet both points list xen first.
const RESULTS: ResultRow[] = [
  row('xen', 1024, 0, 10), row('xen', 1024, 1, 12), row('xen', 1024, 2, 14),
  row('rhel', 1024, 0, 20), row('rhel', 1024, 1, 22), row('rhel', 1024, 2, 24),
  row('rhel', 2048, 0, 90), row('rhel', 2048, 1, 91), row('rhel', 2048, 2, 95),
  row('xen', 2048, 0, 100), row('xen', 2048, 1, 104),
  laten('xen', 0, 50), laten('rhel', 0, 60),
];

test('summary: one row per point, profile and metric that has numbers, in first-appearance order', () => {
  const s = summaryRows(RESULTS);
  assert.deepEqual(
    s.map((r) => `${r.workload}/${r.size_bytes}/${r.profile}/${r.metric}`),
    [
      'com/1024/xen/bandwidth_MBps', 'com/1024/xen/retransmits', 'com/1024/rhel/bandwidth_MBps', 'com/1024/rhel/retransmits',
      'com/2048/xen/bandwidth_MBps', 'com/2048/xen/retransmits', 'com/2048/rhel/bandwidth_MBps', 'com/2048/rhel/retransmits',
      'laten//xen/latency_us', 'laten//rhel/latency_us',
    ],
  );
  // xen at 1024: 10,12,14 → mean 12, sd 2, CI 12 ± qt(.975,2)·2/√3 = 12 ± 4.9682754235006605
  const x = s[0]!;
  assert.equal(x.n, 3);
  assert.equal(x.mean, 12);
  assert.equal(x.sd, 2);
  assert.equal(x.min, 10);
  assert.equal(x.max, 14);
  close(x.ci95_low, 12 - 4.9682754235006605);
  close(x.ci95_high, 12 + 4.9682754235006605);
  assert.deepEqual(Object.keys(x), [...SUMMARY_COLUMNS]);
  // laten has n = 1: sd 0 and a point interval; its mode is absent.
  assert.deepEqual(s[8], {
    scenario: 's', profile: 'xen', workload: 'laten', mode: '', size_bytes: '', procs: 4, ops: 100, sock_buf_bytes: '', from_node: '', to_node: '', metric: 'latency_us',
    n: 1, mean: 50, sd: 0, min: 50, max: 50, ci95_low: 50, ci95_high: 50,
  });
});

test('compare: Welch test per point, metric and profile pair', () => {
  const c = compareRows(RESULTS);
  assert.deepEqual(
    c.map((r) => `${r.size_bytes}/${r.metric}/${r.profile_a}-${r.profile_b}`),
    ['1024/bandwidth_MBps/xen-rhel', '1024/retransmits/xen-rhel', '2048/bandwidth_MBps/xen-rhel', '2048/retransmits/xen-rhel', '/latency_us/xen-rhel'],
  );
  // 10,12,14 vs 20,22,24: se² = 4/3 + 4/3, t = -10/√(8/3) = -6.123724357, df 4, R p-value = 0.003602233
  const a = c[0]!;
  assert.equal(a.mean_a, 12);
  assert.equal(a.mean_b, 22);
  assert.equal(a.diff, -10);
  close(a.t, -6.123724356957945);
  close(a.df, 4);
  close(a.p, 0.0036022326091040033, 1e-10);
  assert.equal(a.significant, true);
  // retransmits all 0 on both sides: the documented degenerate case.
  assert.equal(c[1]!.t, 0);
  assert.equal(c[1]!.p, 1);
  // 100,104 vs 90,91,95 (xen is profile_a although rhel came first at this point):
  // R t.test → t = 3.973597, df = 2.142433, p-value = 0.05164 — not significant at 0.95.
  const b = c[2]!;
  close(b.t, 3.973597071195131);
  close(b.df, 2.1424332344213655);
  close(b.p, 0.051637339107371165, 1e-9);
  assert.equal(b.significant, false);
  // One run per side: no variance, so NaN and not significant.
  assert.ok(Number.isNaN(c[4]!.t) && Number.isNaN(c[4]!.p));
  assert.equal(c[4]!.significant, false);
});

test('results read back from CSV (all strings) give byte-identical summary and compare files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'xenhpc-tables-'));
  try {
    writeCsvAtomic(join(dir, 'results.csv'), RESULT_COLUMNS, RESULTS);
    const back = readCsv(join(dir, 'results.csv'));
    assert.deepEqual(back.columns, [...RESULT_COLUMNS]);
    writeCsvAtomic(join(dir, 'a.csv'), SUMMARY_COLUMNS, summaryRows(RESULTS));
    writeCsvAtomic(join(dir, 'b.csv'), SUMMARY_COLUMNS, summaryRows(back));
    assert.equal(readFileSync(join(dir, 'b.csv'), 'utf8'), readFileSync(join(dir, 'a.csv'), 'utf8'));
    const cols = Object.keys(compareRows(RESULTS)[0]!);
    writeCsvAtomic(join(dir, 'c.csv'), cols, compareRows(RESULTS));
    writeCsvAtomic(join(dir, 'd.csv'), cols, compareRows(back));
    const text = readFileSync(join(dir, 'c.csv'), 'utf8');
    assert.equal(readFileSync(join(dir, 'd.csv'), 'utf8'), text);
    // The degenerate rows as pandas reads them: t 0, p 1; NaN for the single-run pair.
    assert.match(text, /\ns,com,uni,1024,2,100,,,,retransmits,xen,rhel,0,0,0,0,4,1,false\n/);
    assert.match(text, /\ns,laten,,,4,100,,,,latency_us,xen,rhel,50,60,-10,NaN,NaN,NaN,false\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

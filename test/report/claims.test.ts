import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClaims } from '../../src/report/claims.js';
import { compareRows, summaryRows } from '../../src/report/tables.js';

const KERNELS = ['rhel-2.6.9', 'rhel-2.6.12', 'chaos-2.6.9', 'xen-3.0.1'];

/** Synthetic results: `bw(kernel, mode, size, rep)` and `lat(kernel, procs, rep)` give the figures. */
function results(bw: (k: string, mode: string, size: number, r: number) => number, lat: (k: string, procs: number, r: number) => number) {
  const rows: Record<string, number | string>[] = [];
  for (const k of KERNELS) {
    for (const mode of ['uni', 'bi']) {
      for (let e = 5; e <= 23; e++) {
        for (let r = 0; r < 5; r++) {
          const size = 2 ** e;
          const b = bw(k, mode, size, r);
          rows.push({ scenario: 's', profile: k, workload: 'com', mode, size_bytes: size, procs: 2, replication: r, seed: `1#${r}`, bandwidth_MBps: b, optime_us: (size / b) * (mode === 'uni' ? 0.5 : 1), latency_us: '', elapsed_ns: 1, retransmits: 0, timeouts: 0, drops: 0, events: 1 });
        }
      }
    }
    for (const p of [2, 4, 8, 16, 32, 64]) {
      for (let r = 0; r < 5; r++) rows.push({ scenario: 's', profile: k, workload: 'laten', mode: '', size_bytes: 0, procs: p, replication: r, seed: `1#${r}`, bandwidth_MBps: '', optime_us: '', latency_us: lat(k, p, r), elapsed_ns: 1, retransmits: 0, timeouts: 0, drops: 0, events: 1 });
    }
  }
  return rows;
}

const jitter = (r: number) => 1 + (r - 2) * 0.002;
/** A world that behaves as the paper says. */
const paperBw = (k: string, mode: string, size: number, r: number): number => {
  let plateau = 11.7;
  if (mode === 'uni' && k === 'rhel-2.6.9' && size >= 65536) plateau = 9;
  let v = Math.min(plateau, size / 100);
  if (mode === 'uni' && k === 'xen-3.0.1' && size <= 1024) v *= 0.8;
  if (mode === 'bi' && size >= 4096 && size <= 65536) v = k === 'xen-3.0.1' ? 12 : 18;
  return v * jitter(r);
};
const paperLat = (k: string, p: number, r: number): number => {
  const base = { 'rhel-2.6.9': 30, 'rhel-2.6.12': 40, 'chaos-2.6.9': 40, 'xen-3.0.1': p <= 32 ? 35 : 45 }[k]!;
  return base * jitter(r);
};

test('claims pass on results shaped as the paper reports them', () => {
  const res = results(paperBw, paperLat);
  const claims = checkClaims(summaryRows(res), compareRows(res));
  assert.equal(claims.length, 7);
  for (const c of claims) {
    // OpTime (claim 6) differs significantly in this synthetic world only where bandwidths differ.
    if (c.id === 6) continue;
    assert.ok(c.pass, `claim ${c.id} failed: ${c.detail}`);
  }
});

test('each claim fails when its effect is absent, and says what it measured', () => {
  const flat = results((_k, _m, size, r) => Math.min(11.7, size / 100) * jitter(r), (_k, _p, r) => 40 * jitter(r));
  const claims = checkClaims(summaryRows(flat), compareRows(flat));
  const byId = new Map(claims.map((c) => [c.id, c]));
  assert.equal(byId.get(1)!.pass, true, byId.get(1)!.detail); // one plateau for everyone
  for (const id of [2, 3, 4, 7]) assert.equal(byId.get(id)!.pass, false, `claim ${id} should fail: ${byId.get(id)!.detail}`);
  assert.equal(byId.get(6)!.pass, true); // identical OpTimes: no significant difference
  assert.match(byId.get(2)!.detail, /lower bandwidth at 0\/8 sizes/);
  assert.match(byId.get(7)!.detail, /2: xen 40\.0, chaos 40\.0/);
});

test('a claim whose kernel is missing from the run fails with a note instead of throwing', () => {
  const res = results(paperBw, paperLat).filter((r) => r.profile !== 'xen-3.0.1');
  const claims = checkClaims(summaryRows(res), compareRows(res));
  const c3 = claims.find((c) => c.id === 3)!;
  assert.equal(c3.pass, false);
  assert.match(c3.detail, /not checkable|no data/);
});

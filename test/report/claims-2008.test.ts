import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkClaims2008, welchFromStats } from '../../src/report/claims-2008.js';
import { CLAIM_SETS } from '../../src/report/claim-sets.js';
import { compareRows, summaryRows } from '../../src/report/tables.js';

const DOM0 = 'xen-hvm';
const STUB = 'xen-hvm-stubdom';

const PV = 'xen-3.0.1';
const MINI = 'minios';
const TUNED = 'minios-tuned';
const PP_SIZES = [64, 1024, 4096];

/** Synthetic results: `inb(profile, load, rep)` in us, `bw(profile, rep)` in MB/s, `pp(profile, size, rep)` MPI latency in us. */
function tables(inb: (k: string, load: number, r: number) => number, bw: (k: string, r: number) => number, pp: (k: string, size: number, r: number) => number = paperPp) {
  const rows: Record<string, number | string>[] = [];
  for (const k of [PV, MINI, TUNED]) {
    for (const size of PP_SIZES) {
      for (let r = 0; r < 5; r++) rows.push({ scenario: 's', profile: k, workload: 'mpi-pingpong', mode: '', size_bytes: size, procs: 2, ops: 50, replication: r, seed: `1#${r}`, bandwidth_MBps: '', optime_us: '', latency_us: pp(k, size, r), elapsed_ns: 1, retransmits: 0, timeouts: 0, drops: 0, events: 1 });
    }
  }
  for (const k of [DOM0, STUB]) {
    for (const load of [0, 1, 4]) {
      for (let r = 0; r < 5; r++) rows.push({ scenario: 's', profile: k, workload: 'ioport', mode: '', size_bytes: '', procs: load, ops: 20, replication: r, seed: `1#${r}`, bandwidth_MBps: '', optime_us: '', latency_us: inb(k, load, r), elapsed_ns: 1, retransmits: 0, timeouts: 0, drops: 0, events: 1 });
    }
    for (let r = 0; r < 5; r++) rows.push({ scenario: 's', profile: k, workload: 'stream', mode: '', size_bytes: 2e6, procs: 2, replication: r, seed: `1#${r}`, bandwidth_MBps: bw(k, r), optime_us: '', latency_us: '', elapsed_ns: 1, retransmits: 0, timeouts: 0, drops: 0, events: 1 });
  }
  const summary = summaryRows(rows);
  return { summary, compare: compareRows(rows) };
}

const jitter = (r: number) => 1 + (r - 2) * 0.01;
/** The paper's shape: stub half the round trip, dom0's grows with load, stub's does not; +25 % throughput. */
const paperInb = (k: string, load: number, r: number) => (k === STUB ? 13 : 26 * (1 + 2000 * load)) * jitter(r);
const paperBw = (k: string, r: number) => (k === STUB ? 10 : 8) * jitter(r);
/** Claim 4's shape: Mini-OS below PV at small sizes; lwIP's default window loses at 4 KiB, the tuned one does not. */
function paperPp(k: string, size: number, r: number): number {
  const pv = 130 + size / 50;
  const mini = 115 + size / 60;
  return (k === PV ? pv : k === MINI && size > 2048 ? 500 : mini) * jitter(r);
}

function run(inb = paperInb, bw = paperBw, pp = paperPp) {
  const t = tables(inb, bw, pp);
  return checkClaims2008(t.summary as never, t.compare as never);
}

test('paper-2008 claims pass on results shaped as the paper says', () => {
  const c = run();
  assert.deepEqual(c.map((x) => x.pass), [true, true, true, true], c.map((x) => x.detail).join('\n'));
});

test('claim 1 fails when the stub domain saves less than 30 % of the round trip, or the difference is noise', () => {
  const close = run((k, l, r) => (k === STUB ? 20 : 26) * (1 + 2000 * l * (k === DOM0 ? 1 : 0)) * jitter(r));
  assert.equal(close[0]!.pass, false);
  const same = run((k, l, r) => 26 * (1 + 2000 * l * (k === DOM0 ? 1 : 0)) * jitter(r));
  assert.equal(same[0]!.pass, false);
});

test('claim 2 fails outside the 20-30 % band, either side', () => {
  assert.equal(run(paperInb, (k, r) => (k === STUB ? 8.8 : 8) * jitter(r))[1]!.pass, false);
  assert.equal(run(paperInb, (k, r) => (k === STUB ? 13 : 8) * jitter(r))[1]!.pass, false);
  assert.equal(run(paperInb, (k, r) => 8 * jitter(r))[1]!.pass, false);
});

test('claim 3 fails when dom0 load does not slow qemu-dm, or slows the stub domain too', () => {
  const flat = run((k, _l, r) => (k === STUB ? 13 : 26) * jitter(r));
  assert.equal(flat[2]!.pass, false);
  const both = run((k, l, r) => (k === STUB ? 13 : 26) * (1 + l) * jitter(r));
  assert.equal(both[2]!.pass, false);
});

test('claim 4 fails when tuned Mini-OS domains are not lower than the PV guest at some size, or when the default windows already win at the largest size', () => {
  const notLower = run(paperInb, paperBw, (k, size, r) => (k === TUNED && size === 1024 ? paperPp(PV, size, r) : paperPp(k, size, r)));
  assert.equal(notLower[3]!.pass, false, notLower[3]!.detail);
  const noise = run(paperInb, paperBw, (k, size, r) => (k === TUNED ? paperPp(PV, size, r) * (r % 2 ? 0.9 : 1.1) : paperPp(k, size, r)));
  assert.equal(noise[3]!.pass, false, noise[3]!.detail);
  const untunedWins = run(paperInb, paperBw, (k, size, r) => paperPp(k === MINI ? TUNED : k, size, r));
  assert.equal(untunedWins[3]!.pass, false, untunedWins[3]!.detail);
  // Roles name other profiles: the claim reads them.
  const t = tables(paperInb, paperBw, (k, size, r) => paperPp(k === PV ? TUNED : k === TUNED ? PV : k, size, r));
  assert.equal(checkClaims2008(t.summary as never, t.compare as never, { pv: TUNED, miniosTuned: PV })[3]!.pass, true);
});

test('claims without their workloads say what is missing instead of passing', () => {
  const c = checkClaims2008([], []);
  assert.ok(c.every((x) => !x.pass && x.detail.startsWith('not checkable')));
});

test('welchFromStats agrees with the known case: equal means are not significant, separated tight ones are', () => {
  assert.equal(welchFromStats({ n: 5, mean: 10, sd: 1 }, { n: 5, mean: 10, sd: 1 }).significant, false);
  assert.equal(welchFromStats({ n: 5, mean: 10, sd: 0.1 }, { n: 5, mean: 12, sd: 0.1 }).significant, true);
});

test('claim sets: the scenario picks one by name; paper-2008 roles map to profiles', () => {
  assert.deepEqual(Object.keys(CLAIM_SETS).sort(), ['paper-2006', 'paper-2008']);
  const t = tables(paperInb, paperBw);
  // Swapped roles turn the paper's shape upside down: claim 1 must fail.
  const swapped = CLAIM_SETS['paper-2008']!.check(t.summary as never, t.compare as never, { dom0: STUB, stubdom: DOM0 });
  assert.equal(swapped[0]!.pass, false);
});

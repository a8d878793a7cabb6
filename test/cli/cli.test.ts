/**
 * The built CLI as a user runs it: exit codes, one-line errors with nothing written, determinism
 * across --jobs, shards + merge, Ctrl-C + --resume, validate, trace, plot, profiles.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { EventEmitter } from 'node:events';
import { CLI, TINY, cli, cliIn, listFiles, tempDir, writeScenario } from './helpers.js';

const read = (p: string): string => readFileSync(p, 'utf8');
/** A manifest.json's fields other than its wall-clock times (which differ between any two runs). */
function withoutTimes(text: string): Record<string, unknown> {
  const { startedAt, endedAt, ...rest } = JSON.parse(text) as Record<string, unknown>;
  assert.ok(typeof startedAt === 'string' && typeof endedAt === 'string' && startedAt <= endedAt, `${String(startedAt)} .. ${String(endedAt)}`);
  return rest;
}

describe('determinism', () => {
  test('--jobs 2 and --jobs 1 write byte-identical results, summary and compare', () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    assert.equal(cli(['run', s, '--jobs', '1', '--out', 'a', '-q'], cwd).code, 0);
    const r = cli(['run', s, '--jobs', '2', '--out', 'b', '-q'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote b\/results\.csv \(results, 12 rows\)/);
    for (const f of ['results.csv', 'summary.csv', 'compare.csv']) assert.equal(read(join(cwd, 'b', f)), read(join(cwd, 'a', f)), f);
    assert.equal(read(join(cwd, 'a', 'results.csv')).trim().split('\n').length, 13);
    // The manifests differ only in their times and the command line that made them.
    const { command: ca, ...ma } = withoutTimes(read(join(cwd, 'a', 'manifest.json')));
    const { command: cb, ...mb } = withoutTimes(read(join(cwd, 'b', 'manifest.json')));
    assert.deepEqual(mb, ma);
    assert.deepEqual([(ca as string[]).slice(2), (cb as string[]).slice(2)], [['run', s, '--jobs', '1', '--out', 'a', '-q'], ['run', s, '--jobs', '2', '--out', 'b', '-q']]);
    assert.ok(!existsSync(join(cwd, 'a', 'results.partial.csv')), 'partial removed after a complete run');
  });

  test('4 shards merged equal the unsharded run byte for byte', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    assert.equal((await cliIn(['run', s, '--out', 'full', '-q'], cwd)).code, 0);
    for (let i = 1; i <= 4; i++) {
      const r = await cliIn(['run', s, '--shard', `${i}/4`, '--out', 'sh', '-q'], cwd);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.stdout.trim().split('\n'), [`wrote sh/results.shard-${i}-of-4.csv (shard results, 3 rows)`, `wrote sh/manifest.shard-${i}-of-4.json (provenance, 3 result rows)`]);
      const man = JSON.parse(read(join(cwd, 'sh', `manifest.shard-${i}-of-4.json`))) as { shard: unknown; points: number; totalPoints: number };
      assert.deepEqual([man.shard, man.points, man.totalPoints], [{ index: i, count: 4 }, 3, 12]);
    }
    const shards = [4, 2, 3, 1].map((i) => join('sh', `results.shard-${i}-of-4.csv`));
    const m = await cliIn(['merge', ...shards, '--scenario', s, '--out', 'merged'], cwd);
    assert.equal(m.code, 0, m.stderr);
    for (const f of ['results.csv', 'summary.csv', 'compare.csv']) assert.equal(read(join(cwd, 'merged', f)), read(join(cwd, 'full', f)), f);
    // merge --scenario writes the provenance a run writes: the same scenario and fingerprint.
    assert.deepEqual(withoutTimes(read(join(cwd, 'merged', 'manifest.json'))), { ...withoutTimes(read(join(cwd, 'full', 'manifest.json'))), madeBy: 'merge' });
    // Without --scenario the point column orders the rows.
    assert.equal((await cliIn(['merge', ...shards, '--out', 'plain/all.csv'], cwd)).code, 0);
    assert.equal(read(join(cwd, 'plain', 'all.csv')), read(join(cwd, 'full', 'results.csv')));
    // A missing shard is refused, and nothing is written.
    const miss = await cliIn(['merge', ...shards.slice(0, 3), '--scenario', s, '--out', 'bad'], cwd);
    assert.equal(miss.code, 2);
    assert.match(miss.stderr, /3 of 12 points .* missing/);
    const dup = await cliIn(['merge', shards[0]!, shards[0]!, '--out', 'bad'], cwd);
    assert.equal(dup.code, 2);
    assert.match(dup.stderr, /also in/);
    assert.ok(!existsSync(join(cwd, 'bad')));
  });

  test('SIGINT after the first point stops with exit 130 and a partial file of exactly that point; --resume then equals an uninterrupted run', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    // In-process, with the signal sent by a hook when the first point completes: no timing involved.
    const signals = new EventEmitter();
    let sent = 0;
    const r = await cliIn(['run', s, '--jobs', '1', '--out', 'part'], cwd, {
      signals,
      onProgress: (p) => {
        if (p.done === 1 && sent++ === 0) signals.emit('SIGINT');
      },
    });
    assert.equal(sent, 1);
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopped after 1\/12 points; rerun with --resume to continue from part\/results\.partial\.csv/);
    assert.equal(signals.listenerCount('SIGINT'), 0, 'handlers removed');
    assert.deepEqual(listFiles(join(cwd, 'part')), ['results.partial.csv'], 'only the partial file, no temp files, no final files');
    const partial = read(join(cwd, 'part', 'results.partial.csv')).trim().split('\n');
    assert.equal(partial.length - 1, 1);
    assert.match(partial[1]!, /^0,tiny,/);
    const resumed = await cliIn(['run', s, '--jobs', '2', '--out', 'part', '--resume'], cwd);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, /resumed: 1 points taken from the earlier run, 11 run now/);
    assert.equal((await cliIn(['run', s, '--out', 'full', '-q'], cwd)).code, 0);
    for (const f of ['results.csv', 'summary.csv', 'compare.csv']) assert.equal(read(join(cwd, 'part', f)), read(join(cwd, 'full', f)), f);
    assert.deepEqual(listFiles(join(cwd, 'part')), ['compare.csv', 'manifest.json', 'results.csv', 'summary.csv']);
  });

  test('a signal after every point has finished does not stop the run: exit 0, every final file complete, no partial file', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const signals = new EventEmitter();
    const r = await cliIn(['run', s, '--jobs', '1', '--out', 'late'], cwd, { signals, onProgress: (p) => p.done === p.total && p.total > 0 && signals.emit('SIGTERM') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /terminated after every point had finished: the run completed/);
    assert.equal((await cliIn(['run', s, '--out', 'full', '-q'], cwd)).code, 0);
    assert.deepEqual(listFiles(join(cwd, 'late')), listFiles(join(cwd, 'full')));
    for (const f of listFiles(join(cwd, 'full'))) {
      if (f === 'manifest.json') assert.deepEqual(withoutTimes(read(join(cwd, 'late', f))), withoutTimes(read(join(cwd, 'full', f))));
      else assert.equal(read(join(cwd, 'late', f)), read(join(cwd, 'full', f)), f);
    }
  });

  test('--point-timeout stops a point past the limit, names it, and keeps the finished rows for --resume', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const signals = new EventEmitter();
    await cliIn(['run', s, '--jobs', '1', '--out', 'o', '-q'], cwd, { signals, onProgress: (p) => p.done === 2 && signals.emit('SIGINT') });
    // 1 ms: less than a worker thread takes to start, so the first point run now is past it.
    const r = await cliIn(['run', s, '--jobs', '1', '--out', 'o', '--resume', '--point-timeout', '0.001', '-q'], cwd);
    assert.equal(r.code, 124, r.stderr);
    const lines = r.stderr.trim().split('\n');
    assert.match(lines[0]!, /^error: point #2 rhel-2\.6\.1\d pingpong \d+ B .*rep \d did not finish within 0\.001 s wall clock \(--point-timeout\)/);
    assert.match(lines[1]!, /^kept 2 finished points in o\/results\.partial\.csv; fix the cause and rerun with --resume$/);
    assert.deepEqual(listFiles(join(cwd, 'o')), ['results.partial.csv']);
    assert.equal((await cliIn(['run', s, '--point-timeout', 'soon'], cwd)).code, 2);
  });
});

describe('commands', () => {
  test('points lists each point with its index and job, honours --set, prints the count; bad input exits 2 with one line', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const r = await cliIn(['points', s], cwd);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^point\s+job\s+runs\s+profile\s+rep\s+workload$/);
    assert.equal(lines[lines.length - 1], '12 points in 12 jobs');
    // Expansion order: profile, then size, then replication (as trace --point counts).
    const rows = lines.slice(1, -1).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(rows.map((c) => c[0]), [...Array(12).keys()].map(String));
    assert.deepEqual(rows[3], ['3', '3', 'alone', 'rhel-2.6.12', '1', 'pingpong', 'sizeBytes=1024']);
    assert.deepEqual(rows[11], ['11', '11', 'alone', 'rhel-2.6.9', '1', 'pingpong', 'sizeBytes=65536']);
    // --set changes the points listed.
    const one = await cliIn(['points', s, '--set', 'replications=1', '--set', 'sweep.sizeBytes=[32]'], cwd);
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout.trim().split('\n').pop(), '2 points in 2 jobs');
    // A com program: every size of one (profile, replication) is one job.
    const com = writeScenario(cwd, 'c.yaml', 'name: c\nreplications: 2\ncluster: { nodes: 2, cpusPerNode: 2 }\nprofiles: [rhel-2.6.12]\nworkload: { type: com, mode: uni, procs: 2, ops: 2 }\nsweep: { sizeBytes: [32, 1024, 4096] }\n');
    const c = await cliIn(['points', com], cwd);
    assert.equal(c.code, 0, c.stderr);
    const cl = c.stdout.trim().split('\n');
    assert.equal(cl[cl.length - 1], '6 points in 2 jobs (2 multi-size programs)');
    const comRows = cl.slice(1, -1).map((l) => l.trim().split(/\s+/));
    assert.deepEqual(comRows.map((c) => c.slice(0, 7).join(' ')), [0, 1, 0, 1, 0, 1].map((job, i) => `${i} ${job} program of 3 rhel-2.6.12 ${job}`));
    assert.match(cl[1]!, /sizeBytes=32$/);
    assert.match(cl[6]!, /sizeBytes=4096$/);
    // Bad input: one line, exit 2, nothing on stdout.
    for (const args of [['points', s, '--set', 'bogus=1'], ['points', 'missing.yaml'], ['points']]) {
      const bad = await cliIn(args, cwd);
      assert.equal(bad.code, 2, args.join(' '));
      assert.equal(bad.stdout, '');
      assert.match(bad.stderr, /^error: [^\n]+\n$/);
    }
    assert.match((await cliIn(['points'], cwd)).stderr, /points: missing the scenario file/);
  });

  test('validate exits 1 and prints FAIL when claims cannot hold', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const r = await cliIn(['validate', s, '-q'], cwd);
    assert.equal(r.code, 1, r.stderr);
    const claims = r.stdout.split('\n').filter((l) => /^(PASS|FAIL) \d\./.test(l));
    assert.equal(claims.length, 8);
    assert.ok(claims.every((l) => l.startsWith('FAIL')), 'a pingpong-only run supports no claim');
    assert.match(r.stdout, /0\/8 claims pass/);
  });

  test('trace writes only the asked layers and reports the row count', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const r = await cliIn(['trace', s, '--layers', 'wire,tcp', '--nodes', 'n0', '--out', 't/trace.csv'], cwd);
    assert.equal(r.code, 0, r.stderr);
    const lines = read(join(cwd, 't', 'trace.csv')).trim().split('\n');
    assert.equal(lines[0], 'time_ns,node,layer,event,flow,seq,bytes,queue');
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.ok(rows.length > 10);
    assert.match(r.stdout, new RegExp(`\\(${rows.length} rows,`));
    assert.ok(rows.every((c) => (c[2] === 'wire' || c[2] === 'tcp') && c[1] === 'n0'));
    const nic = await cliIn(['trace', s, '--layers', 'nic', '--nodes', 'n1', '--out', 'nic.csv'], cwd);
    assert.equal(nic.code, 0, nic.stderr);
    const nicRows = read(join(cwd, 'nic.csv')).trim().split('\n').slice(1);
    assert.ok(nicRows.length > 0 && nicRows.every((l) => l.split(',')[1] === 'n1/eth0'), '--nodes n1 includes its NIC');
    assert.ok(new Set(rows.map((c) => c[2])).size === 2, 'both layers present');
    const times = rows.map((c) => Number(c[0]));
    const win = await cliIn(['trace', s, '--from', String(times[3]), '--to', String(times[8]), '--out', 'w.csv'], cwd);
    assert.equal(win.code, 0, win.stderr);
    const wt = read(join(cwd, 'w.csv')).trim().split('\n').slice(1).map((l) => Number(l.split(',')[0]));
    assert.ok(wt.length > 0 && wt.every((t) => t >= times[3]! && t <= times[8]!));
    assert.deepEqual(listFiles(cwd), ['nic.csv', 's.yaml', 't/trace.csv', 'w.csv']);
  });

  test('plot draws the figures that have data', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    assert.equal((await cliIn(['run', s, '-q'], cwd)).code, 0);
    const r = await cliIn(['plot', 'out/results.csv', '--out', 'figs'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listFiles(join(cwd, 'figs')), ['latency.svg']);
    assert.match(read(join(cwd, 'figs', 'latency.svg')), /^<svg/);
    assert.match(r.stderr, /no data for bandwidth/);
    assert.equal((await cliIn(['plot', 'out/results.csv', '--figures', 'bandwith'], cwd)).code, 2);
  });

  test('profiles list and show', async () => {
    const cwd = tempDir();
    const l = await cliIn(['profiles', 'list'], cwd);
    assert.equal(l.code, 0);
    assert.match(l.stdout, /^rhel-2\.6\.12\s+RHEL4/m);
    assert.match(l.stdout, /^rhel-2\.6\.9\s/m);
    const s = await cliIn(['profiles', 'show', 'rhel-2.6.12'], cwd);
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /^\s+syscallNs\s+\d+ ns\s+entry and exit of a socket system call$/m);
    assert.match(s.stdout, /^nic:$/m);
    assert.doesNotMatch(s.stdout, /^xen:$/m);
    // A profile that extends another shows every value, and marks the ones it changes.
    const c = await cliIn(['profiles', 'show', 'chaos-2.6.9'], cwd);
    assert.equal(c.code, 0, c.stderr);
    assert.match(c.stdout, /^extends: rhel-2\.6\.9 /m);
    assert.match(c.stdout, /^\* daemonIntervalNs\s+1000000000 ns /m);
    assert.match(c.stdout, /^ {2}syscallNs\s+700 ns /m, 'inherited, unmarked');
    assert.match(c.stdout, /^ {2}minRtoNs\s+200000000 ns /m, 'a schema default is shown too');
    assert.equal(c.stdout.match(/^\* /gm)?.length, 2, 'chaos changes two values of rhel-2.6.9');
    const x = await cliIn(['profiles', 'show', 'xen-3.0.1'], cwd);
    assert.match(x.stdout, /^xen:$/m);
    assert.match(x.stdout, /^ {2}extraQuantumNs\s+500000 ns /m);
  });

  test('--help of each command has examples; no command is exit 2', () => {
    const cwd = tempDir();
    for (const c of ['run', 'validate', 'points', 'trace', 'plot', 'merge']) {
      const r = cli([c, '--help'], cwd);
      assert.equal(r.code, 0);
      assert.match(r.stdout, /Examples:/, c);
    }
    assert.equal(cli([], cwd).code, 2);
    // A bad input as a real process: exit 2, one line, no stack (the in-process tests cover the classes).
    const bad = cli(['run', 'nope.yaml'], cwd);
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr, 'error: nope.yaml: cannot read scenario file (no such file)\n');
    assert.ok(read(CLI).startsWith('#!/usr/bin/env node\n'));
  });
});


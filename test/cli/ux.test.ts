/** What a user trips on at the command line: typos, -q, help layout, errors that name the flag, cost estimates. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { COMMAND_OPTIONS } from '../../src/cli/app.js';
import { estimateEvents } from '../../src/runner/cost.js';
import { runPoint } from '../../src/runner/run-point.js';
import { expandPoints, loadScenario } from '../../src/scenario/index.js';
import { SCENARIOS, TINY, cli, cliIn, tempDir, writeScenario } from './helpers.js';

const COMMANDS = ['run', 'validate', 'points', 'trace', 'plot', 'merge', 'profiles list', 'profiles show'];

describe('command-line usability', () => {
  test('a mistyped option gets a suggestion from that command\'s options, exit 2', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const r = await cliIn(['run', s, '--rep', '3', '--jbos', '2'], cwd);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: unknown options --rep \(did you mean --reps\?\), --jbos \(did you mean --jobs\?\); this command takes --set, --reps/);
    const t = await cliIn(['trace', s, '--layer', 'wire'], cwd);
    assert.match(t.stderr, /unknown option --layer \(did you mean --layers\?\)/);
    // points has no --layers: no suggestion from another command's options.
    const p = await cliIn(['points', s, '--layers', 'wire'], cwd);
    assert.match(p.stderr, /^error: unknown option --layers; this command takes --set, --reps, --ops, --quiet/);
    const x = await cliIn(['run', s, 'extra'], cwd);
    assert.match(x.stderr, /^error: unexpected argument "extra"/);
    assert.equal(r.stdout + t.stdout + p.stdout, '');
  });

  test('the option lists behind the suggestions are what each command\'s --help shows', async () => {
    const cwd = tempDir();
    for (const c of COMMANDS) {
      const r = cli([...c.split(' '), '--help'], cwd);
      assert.equal(r.code, 0, c);
      const shown = [...r.stdout.matchAll(/^\s+(?:-\w, )?--([\w-]+)/gm)].map((m) => m[1]!).filter((o) => !['help', 'version', 'quiet'].includes(o));
      assert.deepEqual([...shown].sort(), [...COMMAND_OPTIONS[c.split(' ')[0]!]!].sort(), c);
      assert.match(r.stdout, /-q, --quiet/, `${c} takes -q`);
    }
  });

  test('-q on every command; points -q prints the count line only', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    assert.equal((await cliIn(['profiles', 'list', '-q'], cwd)).code, 0);
    assert.equal((await cliIn(['profiles', 'show', 'rhel-2.6.12', '-q'], cwd)).code, 0);
    const p = await cliIn(['points', s, '-q'], cwd);
    assert.equal(p.code, 0, p.stderr);
    assert.match(p.stdout, /^12 points in 12 jobs; estimated [\d.]+k? events, about .* on one thread/);
    assert.equal(p.stdout.split('\n').length, 2);
    const t = await cliIn(['trace', s, '-q', '--layers', 'wire', '--out', 't.csv'], cwd);
    assert.equal(t.code, 0, t.stderr);
    const r = await cliIn(['run', s, '-q', '--jobs', '1', '--set', 'sweep.sizeBytes=[32]', '--set', 'profiles=[rhel-2.6.12]'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, '');
    assert.equal((await cliIn(['plot', join(cwd, 'out', 'results.csv'), '-q', '--out', 'figs'], cwd)).code, 0);
  });

  test('help examples keep each command line whole (own line, at most 78 columns)', async () => {
    const cwd = tempDir();
    for (const c of COMMANDS) {
      const out = cli([...c.split(' '), '--help'], cwd).stdout;
      const ex = out.slice(out.indexOf('Examples:')).split('\n').slice(1).filter((l) => l.trim() !== '');
      assert.ok(ex.length > 0, c);
      for (const l of ex) {
        assert.ok(/^ {2}xenhpc /.test(l) || /^ {6}\S/.test(l), `${c}: "${l}" is a command or its description`);
        if (l.startsWith('  xenhpc ')) assert.ok(l.length <= 78, `${c}: ${l.length} columns: ${l}`);
      }
    }
  });

  test('an error in what --set, --ops or --reps wrote names that flag, not a line of the file', async () => {
    const cwd = tempDir();
    const quick = join(SCENARIOS, 'quickstart.yaml'); // a workloads list, no workload block
    const w = await cliIn(['points', quick, '--set', 'workload.ops=5'], cwd);
    assert.equal(w.code, 2);
    assert.match(w.stderr, /^error: --set workload\.ops=5: workload: cannot be used together with workloads/);
    const o = await cliIn(['points', quick, '--ops', 'abc'], cwd);
    assert.match(o.stderr, /^error: --ops abc: workloads\[0\]\.ops: expected a number, got "abc"/);
    const r = await cliIn(['points', quick, '--reps', '0'], cwd);
    assert.match(r.stderr, /^error: --reps 0: replications: 0 is below the minimum 1/);
  });

  test('the cost estimate of points is within a factor of 2 of the events the points take', () => {
    const s = loadScenario(join(SCENARIOS, 'quickstart.yaml'), ['replications=1', 'profiles=[rhel-2.6.12, xen-3.0.1, xen-passthrough, minios-tuned]', 'workloads=[{type: com, ops: 3, sequence: independent, sweep: {mode: [uni, bi], sizeBytes: [32, 65536]}}, {type: laten, ops: 5, sweep: {procs: [2, 8]}}]']);
    // The HVM paths run raw TCP and port accesses, not MPI.
    const hvm = loadScenario(join(SCENARIOS, 'quickstart.yaml'), ['replications=1', 'profiles=[xen-hvm, xen-hvm-stubdom]', 'workloads=[{type: stream, sizeBytes: 200000}, {type: ioport, ops: 20}]']);
    for (const p of [...expandPoints(s), ...expandPoints(hvm)]) {
      const sc = p.profile.path.startsWith('xen-hvm') ? hvm : s;
      const real = Number(runPoint(sc, p).events);
      const est = estimateEvents(p);
      assert.ok(est >= real / 2 && est <= real * 2, `point ${p.index} (${p.profile.name} ${p.workload.type} ${p.workload.mode ?? ''} ${p.workload.sizeBytes ?? ''}): estimated ${est}, ran ${real}`);
    }
  });

  test('a Xen ring must be a power of 2 (io/ring.h); 512 is accepted as a multi-page what-if', async () => {
    const cwd = tempDir();
    const s = join(SCENARIOS, 'pingpong-trace.yaml');
    const ring = (n: number) => `profiles=[{name: big, base: xen-3.0.1, set: {xen.txRingSlots: ${n}}}]`;
    const bad = await cliIn(['points', s, '-q', '--set', ring(300)], cwd);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /profiles\[0\]\.set\.xen\.txRingSlots: 300 slots is not a power of 2 .*would have 256\); allowed: a power of 2 from 1 to 4096; 256 fill one 4 KiB page/);
    const ok = await cliIn(['points', s, '-q', '--set', ring(512)], cwd);
    assert.equal(ok.code, 0, ok.stderr);
  });
});

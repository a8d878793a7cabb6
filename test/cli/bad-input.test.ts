/**
 * The built CLI as a user runs it: exit codes, one-line errors with nothing written, determinism
 * (fixtures, flags, CSVs).
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, TINY, cliIn, listFiles, tempDir, writeScenario } from './helpers.js';

const read = (p: string): string => readFileSync(p, 'utf8');
const STACK_LINE = /^\s+at /m;

/** Expected field per fixture, from the table in test/fixtures/README.md. */
function fixtureTable(): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of read(join(FIXTURES, 'README.md')).split('\n')) {
    const c = /^\|\s*(\d\d-[^|]+?)\s*\|\s*[^|]*\|\s*`([^`]+)`/.exec(line);
    if (c) m.set(c[1]!, c[2]!);
  }
  return m;
}

describe('bad input: exit 2, one line, nothing written', () => {
  const table = fixtureTable();
  const files = readdirSync(FIXTURES).filter((f) => /^\d\d-.*\.(ya?ml|json)$/.test(f));

  test('the fixture table covers every fixture file', () => {
    assert.ok(files.length >= 30, `only ${files.length} fixtures`);
    for (const f of files) assert.ok(table.has(f), `${f} missing from README table`);
  });

  for (const f of files) {
    test(`run ${f}`, async () => {
      const cwd = tempDir();
      const r = await cliIn(['run', join(FIXTURES, f), '--jobs', '2'], cwd);
      assert.equal(r.code, 2, r.stderr);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, r.stderr);
      assert.ok(lines[0]!.includes(table.get(f)!), `${lines[0]} lacks ${table.get(f)}`);
      assert.ok(lines[0]!.includes(f), 'names the file');
      assert.doesNotMatch(r.stderr, STACK_LINE);
      assert.deepEqual(readdirSync(cwd), [], 'no output created');
      assert.equal(r.stdout, '');
    });
  }

  test('bad flags and bad CSVs are exit 2 with one line and no files', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    const bad: [string[], RegExp][] = [
      [['run', s, '--jobs', '0'], /--jobs/],
      [['run', s, '--shard', '5/4'], /shard/],
      [['run', s, '--set', 'cluster.nodez=3'], /cluster\.nodez/],
      [['run', s, '--reps', '1e9'], /replications/],
      [['run', s, '--bogus'], /bogus/],
      [['trace', s, '--layers', 'wire,wir'], /"wir".*allowed: wire/],
      [['trace', s, '--nodes', 'n7'], /n7/],
      [['plot', s], /missing column/],
      [['merge', s], /missing column/],
      [['plot', 'nope.csv'], /nope\.csv: no such file/],
      [['profiles', 'show', 'rhel-2.6.13'], /rhel-2\.6\.13.*did you mean rhel-2\.6\.1/],
      [['validate', s, '--shard', '1/2'], /shard/],
    ];
    for (const [args, re] of bad) {
      const r = await cliIn(args, cwd);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, re);
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
    assert.deepEqual(listFiles(cwd), ['s.yaml']);
  });

  test('every output path is checked before anything runs: one line naming the flag or field, exit 2, nothing written', async () => {
    const cwd = tempDir();
    const s = writeScenario(cwd, 's.yaml', TINY);
    writeFileSync(join(cwd, 'afile'), 'x');
    mkdirSync(join(cwd, 'adir'));
    mkdirSync(join(cwd, 'o1', 'results.csv'), { recursive: true });
    const outside = writeScenario(cwd, 'outside.yaml', `${TINY}`.replace('outputs: { dir: out }', 'outputs: { dir: out, trace: { file: ../x.csv } }'));
    const bad: [string[], RegExp][] = [
      [['run', s, '--out', 'afile'], /^error: --out: afile is an existing file/],
      [['run', s, '--out', 'afile/below'], /^error: --out: afile\/below lies below .*afile, which is a file/],
      [['run', s, '--out', 'a', '--out', 'b'], /^error: --out given 2 times/],
      [['run', s, '--jobs', '1', '--jobs', '2'], /^error: --jobs given 2 times/],
      [['run', s, '--out', 'o1'], /^error: --out: .*results\.csv is a directory/],
      [['run', s, '--out', ''], /^error: .*--out/],
      [['trace', s, '--out', 'adir'], /^error: --out: adir is a directory/],
      [['trace', s, '--out', 'adir/'], /^error: --out: adir\/ is a directory/],
      [['trace', s, '--out', 'afile/t.csv'], /^error: --out: afile\/t\.csv lies below .*afile, which is a file/],
      [['run', outside], /outside\.yaml:\d+:\d+: outputs\.trace\.file: "\.\.\/x\.csv" is not a plain file name/],
      [['merge', s, '--out', 'afile/r.csv'], /^error: --out: afile is an existing file/],
      [['plot', s, '--out', 'afile'], /^error: --out: afile is an existing file/],
      [['run'], /^error: run: missing the scenario file/],
      [['trace'], /^error: trace: missing the scenario file/],
      [['merge'], /^error: merge: missing the shard files/],
    ];
    for (const [args, re] of bad) {
      const r = await cliIn(args, cwd);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, re, args.join(' '));
      assert.equal(r.stdout, '', args.join(' '));
    }
    assert.deepEqual(listFiles(cwd), ['afile', 'outside.yaml', 's.yaml']);
    assert.deepEqual(readdirSync(join(cwd, 'adir')), []);
  });
});

/**
 * The built CLI as a user runs it: exit codes, one-line errors with nothing written, determinism
 * (fixtures, flags, CSVs).
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURES, TINY, cli, cliAsync, listFiles, tempDir, writeScenario } from './helpers.js';

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

describe('bad input: exit 2, one line, nothing written', { concurrency: 4 }, () => {
  const table = fixtureTable();
  const files = readdirSync(FIXTURES).filter((f) => /^\d\d-.*\.(ya?ml|json)$/.test(f));

  test('the fixture table covers every fixture file', () => {
    assert.ok(files.length >= 30, `only ${files.length} fixtures`);
    for (const f of files) assert.ok(table.has(f), `${f} missing from README table`);
  });

  for (const f of files) {
    test(`run ${f}`, async () => {
      const cwd = tempDir();
      const r = await cliAsync(['run', join(FIXTURES, f), '--jobs', '2'], cwd);
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

  test('bad flags and bad CSVs are exit 2 with one line and no files', () => {
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
      const r = cli(args, cwd);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      const lines = r.stderr.split('\n').filter((l) => l !== '');
      assert.equal(lines.length, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(lines[0]!, re);
      assert.doesNotMatch(r.stderr, STACK_LINE);
    }
    assert.deepEqual(listFiles(cwd), ['s.yaml']);
  });
});


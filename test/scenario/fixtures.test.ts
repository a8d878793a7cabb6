/**
 * Every broken fixture in test/fixtures must be refused with a one-line ScenarioError that points
 * at the right file, line and column and names the field. Expectations live in
 * test/fixtures/README.md so the table and the tests cannot drift apart.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadScenario } from '../../src/scenario/load.js';
import { FIXTURES, ROOT } from './helpers.js';

interface Row {
  file: string;
  lineCol: string;
  expected: string;
}

const rows: Row[] = readFileSync(join(FIXTURES, 'README.md'), 'utf8')
  .split('\n')
  .map((l) => /^\|\s*(\d\d-[^|\s]+)\s*\|\s*(\d+:\d+)\s*\|\s*`([^`]+)`\s*\|/.exec(l))
  .filter((m): m is RegExpExecArray => m !== null)
  .map((m) => ({ file: m[1]!, lineCol: m[2]!, expected: m[3]! }));

test('the README table lists every numbered fixture, at least 22 of them', () => {
  const files = readdirSync(FIXTURES).filter((f) => /^\d\d-/.test(f)).sort();
  assert.deepEqual(rows.map((r) => r.file).sort(), files);
  assert.ok(files.length >= 22);
  assert.ok(files.some((f) => f.endsWith('.json')));
});

for (const row of rows) {
  test(`fixture ${row.file} is refused at ${row.lineCol} naming ${row.expected}`, () => {
    // A relative path as a user would type it: the message must repeat it as given.
    const file = relative(process.cwd(), join(FIXTURES, row.file)) || join(FIXTURES, row.file);
    let err: unknown;
    try {
      loadScenario(file);
    } catch (e) {
      err = e;
    }
    assert.ok(err instanceof ScenarioError, `expected a ScenarioError, got ${String(err)}`);
    const msg = err.message;
    assert.ok(!msg.includes('\n'), `message is not one line: ${msg}`);
    assert.ok(msg.startsWith(`${file}:${row.lineCol}: `), `message does not start with ${file}:${row.lineCol}: -- ${msg}`);
    assert.ok(msg.includes(row.expected), `message lacks ${row.expected}: ${msg}`);
    assert.doesNotMatch(msg, /\bat .*\.(js|ts):\d+/, 'stack-trace text in the message');
    assert.ok(!msg.includes(ROOT + 'dist'), 'message mentions compiled code');
  });
}

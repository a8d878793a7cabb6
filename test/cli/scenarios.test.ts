/**
 * The built CLI as a user runs it: every committed scenario (but the paper's)
 * runs as committed.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SCENARIOS, cliAsync, tempDir } from './helpers.js';

const read = (p: string): string => readFileSync(p, 'utf8');

describe('committed scenarios run', { concurrency: 2 }, () => {
  const files = readdirSync(SCENARIOS).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.includes('paper-2006'));
  for (const f of files) {
    test(f, async () => {
      const cwd = tempDir();
      const fast = f === 'quickstart.yaml' ? ['--ops', '2', '--reps', '1'] : [];
      const r = await cliAsync(['run', join(SCENARIOS, f), '-q', '--out', 'o', ...fast], cwd);
      assert.equal(r.code, 0, r.stderr);
      const results = read(join(cwd, 'o', 'results.csv')).trim().split('\n');
      assert.ok(results.length > 1);
      // A point's row must carry a measurement, not only blanks.
      assert.ok(results.slice(1).every((l) => /,\d+(\.\d+)?,/.test(l)));
      if (f === 'pingpong-trace.yaml') {
        const trace = read(join(cwd, 'o', 'trace.csv')).trim().split('\n').slice(1);
        assert.ok(trace.length > 100);
        assert.deepEqual([...new Set(trace.map((l) => l.split(',')[2]))].sort(), ['nic', 'tcp', 'wire']);
        // nodes: [n0, n1] keeps the nodes' own devices (n0/eth0) and leaves the switch out.
        assert.deepEqual([...new Set(trace.map((l) => l.split(',')[1]))].sort(), ['n0', 'n0/eth0', 'n1', 'n1/eth0']);
      }
    });
  }
});

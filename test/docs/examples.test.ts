/** The library examples: each runs as it is with Node, and docs/library.md shows each file exactly. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadScenario, simulate, typedRow, type TypedResultRow } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const DIR = join(ROOT, 'examples', 'library');
const EXPECT: Record<string, RegExp> = {
  'sweep-rate.mjs': /^0\.1 Gb\/s: native \d+\.\d MB\/s, xen \d+\.\d MB\/s\n1 Gb\/s: native \d+\.\d MB\/s, xen \d+\.\d MB\/s\n$/,
  'trace-point.mjs': /^\d+ trace rows; latency \d+(\.\d+)? us\nfirst segment sent: \d+,n0,tcp,send,n0:\d+>n1:\d+,0,32,\d+\n$/,
  'custom-profile.mjs': /^xen-3\.0\.1 vs xen-slow-upcall: latency [\d.]+ vs [\d.]+ us, p = [\d.e-]+, significant: true\n$/,
};

test('every examples/library/*.mjs runs with node as it is, and docs/library.md shows it verbatim', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.mjs')).sort();
  assert.deepEqual(files, Object.keys(EXPECT).sort());
  const doc = readFileSync(join(ROOT, 'docs', 'library.md'), 'utf8');
  for (const f of files) {
    const text = readFileSync(join(DIR, f), 'utf8');
    assert.ok(doc.includes('```js\n' + text + '```'), `docs/library.md shows examples/library/${f} exactly`);
    const cwd = mkdtempSync(join(tmpdir(), 'xenhpc-example-'));
    const r = spawnSync(process.execPath, [join(DIR, f)], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, `${f}: ${r.stderr}`);
    assert.match(r.stdout, EXPECT[f]!, f);
  }
});

test('simulate returns records typed by column; typedRow types a text row the same way', async () => {
  const s = loadScenario(join(ROOT, 'scenarios', 'pingpong-trace.yaml'), ['replications=1', 'workload.ops=3', 'outputs.trace=null', 'profiles=[rhel-2.6.12]']);
  const r = await simulate(s, { jobs: 1, write: false });
  const rec: TypedResultRow = r.records[0]!;
  // Compile-time types (this file does not build if they change) and the values behind them.
  const latency: number | null = rec.latency_us;
  const profile: string = rec.profile;
  assert.equal(profile, 'rhel-2.6.12');
  assert.equal(typeof latency, 'number');
  assert.equal(latency, Number(r.rows[0]!.latency_us));
  assert.equal(rec.bandwidth_MBps, null, 'an empty cell is null, not 0 or NaN');
  assert.equal(rec.mode, '', 'a text column stays text');
  assert.equal(rec.seed, r.rows[0]!.seed);
  assert.deepEqual(typedRow(r.rows[0]!), rec);
  assert.deepEqual(typedRow({ replication: '3', extra: 'x', n: '2.5', empty: '' }), { replication: 3, extra: 'x', n: 2.5, empty: null });
});

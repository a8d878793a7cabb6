import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, scenarioFile } from '../scenario/helpers.js';
import { loadScenario } from '../../src/scenario/load.js';
import { expandPoints } from '../../src/scenario/sweep.js';
import { runPoint } from '../../src/runner/run-point.js';
import { MEASURED_COLUMNS } from '../../src/report/tables.js';
import { WORKLOADS } from '../../src/workloads/registry.js';
import { fieldRange } from '../../src/workloads/module.js';
import { clusterConfig } from '../support/profiles.js';

const TYPES = WORKLOADS.map((m) => m.type);

test('the registry lists each workload type once, and the layers that loop over it (scenario, cluster, runner, cli) name none of them in a string literal', () => {
  assert.equal(new Set(TYPES).size, TYPES.length);
  assert.ok(TYPES.length >= 6, `${TYPES.length} workloads`);
  for (const folder of ['scenario', 'cluster', 'runner', 'cli']) {
    const dir = join(ROOT, 'src', folder);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length > 0, folder);
    for (const f of files) {
      const text = readFileSync(join(dir, f), 'utf8');
      for (const t of TYPES) {
        const literal = new RegExp(`(['"\`])${t.replace(/[-]/g, '\\-')}\\1`);
        assert.doesNotMatch(text, literal, `src/${folder}/${f} names workload ${t}`);
      }
    }
  }
});

/** The rows of docs/scenarios.md's `workload` field table: field -> cells. */
function docFieldTable(): Map<string, { unit: string; dflt: string; types: string[]; allowed: string }> {
  const md = readFileSync(join(ROOT, 'docs', 'scenarios.md'), 'utf8');
  const start = md.indexOf('### `workload`\n');
  assert.ok(start >= 0, 'docs/scenarios.md has a ### `workload` section');
  const section = md.slice(start, md.indexOf('\n### ', start + 1));
  const rows = new Map<string, { unit: string; dflt: string; types: string[]; allowed: string }>();
  for (const line of section.split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | `field` | type | unit | default | types | allowed |
    if (cells.length !== 8 || !/^`\w+`$/.test(cells[1]!)) continue;
    rows.set(cells[1]!.slice(1, -1), { unit: cells[3]!, dflt: cells[4]!, types: cells[5]!.split(',').map((s) => s.trim()), allowed: cells[6]! });
  }
  return rows;
}

test('every declared workload field is in docs/scenarios.md with its unit, its default and the types that take it', () => {
  const rows = docFieldTable();
  assert.ok(rows.has('type'));
  for (const t of TYPES) assert.ok(rows.get('type')!.allowed.includes(`\`${t}\``), `type ${t} missing from the type row`);
  for (const m of WORKLOADS) {
    for (const [name, f] of Object.entries(m.fields)) {
      const row = rows.get(name);
      assert.ok(row, `${m.type}.${name} has no row in docs/scenarios.md`);
      assert.equal(row.unit, f.unit, `${m.type}.${name}: unit`);
      assert.ok(row.dflt.includes(`\`${String(f.default)}\``), `${m.type}.${name}: default ${f.default} not in "${row.dflt}"`);
      assert.ok(row.types.includes(m.type) || row.types.includes('all'), `${m.type}.${name}: "${row.types.join(', ')}" lacks ${m.type}`);
    }
  }
  // And no row documents a field no workload declares.
  const declared = new Set(WORKLOADS.flatMap((m) => Object.keys(m.fields)));
  for (const name of rows.keys()) if (name !== 'type') assert.ok(declared.has(name), `docs/scenarios.md documents ${name}, which no workload declares`);
});

test('every declared default is within its own range on the default cluster, and enums list their default', () => {
  const cluster = clusterConfig();
  for (const m of WORKLOADS) {
    for (const [name, f] of Object.entries(m.fields)) {
      if (f.kind === 'enum') {
        assert.ok(f.values.includes(f.default), `${m.type}.${name}`);
        continue;
      }
      if (f.kind === 'boolean') {
        assert.equal(typeof f.default, 'boolean', `${m.type}.${name}`);
        continue;
      }
      const r = fieldRange(f, cluster);
      assert.ok(f.default >= r.min && f.default <= r.max, `${m.type}.${name}: ${f.default} outside [${r.min}, ${r.max}]`);
      if (f.kind === 'integer') assert.ok(Number.isInteger(f.default), `${m.type}.${name}`);
      assert.equal(f.check?.(f.default, ''), undefined, `${m.type}.${name}: the default fails its own check`);
    }
  }
});

test('a run of each workload fills exactly the measured columns its module declares', () => {
  // Small enough to be quick: linpack at n = 40, a 64 KiB stream, ten operations elsewhere.
  const small: Record<string, Record<string, number>> = { linpack: { matrixOrder: 40 }, stream: { sizeBytes: 65536 } };
  // A workload that needs a path feature (ioport: an HVM device model) runs on a profile that has it.
  const spec = (m: (typeof WORKLOADS)[number]) => ({ type: m.type, ...('ops' in m.fields ? { ops: 10 } : {}), ...small[m.type] });
  const plain = WORKLOADS.filter((m) => m.needsPathFeature === undefined);
  const s = loadScenario(scenarioFile('every-workload.yaml', { noise: 'off', workloads: plain.map(spec) }));
  const hvm = WORKLOADS.filter((m) => m.needsPathFeature !== undefined);
  const sh = loadScenario(scenarioFile('every-hvm-workload.yaml', { noise: 'off', profiles: ['xen-hvm'], workloads: hvm.map(spec) }));
  const points = [...expandPoints(s).map((p) => [s, p] as const), ...expandPoints(sh).map((p) => [sh, p] as const)];
  assert.equal(points.length, WORKLOADS.length);
  for (const [sc, p] of points) {
    const m = WORKLOADS.find((x) => x.type === p.workload.type)!;
    const row = runPoint(sc, p);
    const filled = MEASURED_COLUMNS.filter((c) => row[c] !== '');
    assert.deepEqual(filled, MEASURED_COLUMNS.filter((c) => m.columns.includes(c)), `${m.type}: filled ${filled.join(', ')}`);
    for (const c of filled) assert.ok(typeof row[c] === 'number' && row[c] > 0, `${m.type}.${c} = ${row[c]}`);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { HOST_PARAMS, NIC_PARAMS, type ParamSpec } from '../../src/os/profile.js';
import { PATHS } from '../../src/paths/registry.js';
import { listProfiles, loadProfile } from '../../src/scenario/profiles.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const docs = ['model.md', 'model-xen.md', 'model-hvm.md', 'model-minios.md'].map((f) => readFileSync(`${root}docs/${f}`, 'utf8')).join('\n');

/** The table row of the model docs whose first cell names a parameter (`a` or `a / b`). */
function documentedRow(name: string): string | undefined {
  return docs.split('\n').find((l) => {
    if (!l.startsWith('|')) return false;
    const first = l.split('|')[1]!.replace(/`/g, '');
    return first.split('/').some((n) => n.trim() === name);
  });
}

test('every profile parameter has a table row with its unit and a source in the model docs', () => {
  // Every section of every registered path: a new path's parameters need their rows too.
  const all: Record<string, ParamSpec> = Object.assign({}, HOST_PARAMS, NIC_PARAMS, ...PATHS.flatMap((path) => Object.values(path.sections)));
  // The schemas are what the built-in profiles are made of: a Xen profile exists, and every loaded
  // profile has exactly the schema's keys (so a parameter the model reads cannot escape the docs).
  const loaded = listProfiles().map((p) => loadProfile(p.name, `${root}scenarios/x.yaml`));
  assert.ok(loaded.some((p) => p.path === 'xen') && loaded.some((p) => p.path === 'native'), 'built-in native and Xen profiles exist');
  for (const p of loaded) {
    assert.deepEqual(Object.keys(p.host).sort(), Object.keys(HOST_PARAMS).sort(), `${p.name}: host keys`);
    assert.deepEqual(Object.keys(p.nic).sort(), Object.keys(NIC_PARAMS).sort(), `${p.name}: nic keys`);
    const path = PATHS.find((x) => x.name === p.path)!;
    assert.deepEqual(Object.keys(p.sections).sort(), Object.keys(path.sections).sort(), `${p.name}: the sections of path ${p.path}`);
    for (const [s, schema] of Object.entries(path.sections)) assert.deepEqual(Object.keys(p.sections[s]!).sort(), Object.keys(schema).sort(), `${p.name}: ${s} keys`);
  }
  for (const [name, spec] of Object.entries(all)) {
    const row = documentedRow(name);
    assert.ok(row, `${name} has no row in docs/model.md or docs/model-xen.md`);
    const cells = row.split('|').map((c) => c.trim());
    assert.ok(cells.some((c) => c.replace(/`/g, '') === spec.unit), `${name}: unit ${spec.unit} not in its row: ${row}`);
    assert.ok(cells[cells.length - 2]!.length > 10, `${name}: no source or reasoning in its row`);
  }
});

test('profiles hold physical parameters only: no key outside the schema, no workload or kernel names as keys', () => {
  const dir = `${root}scenarios/profiles/`;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml'))) {
    const p = parse(readFileSync(dir + f, 'utf8')) as Record<string, Record<string, unknown>>;
    for (const key of Object.keys(p.host ?? {})) assert.ok(key in HOST_PARAMS, `${f}: host.${key} is not in the schema`);
    for (const key of Object.keys(p.nic ?? {})) assert.ok(key in NIC_PARAMS, `${f}: nic.${key} is not in the schema`);
    const own = PATHS.find((x) => x.name === (p.path as unknown as string))?.sections ?? {};
    for (const [s, schema] of Object.entries(own)) for (const key of Object.keys(p[s] ?? {})) assert.ok(key in schema, `${f}: ${s}.${key} is not in the schema`);
    for (const section of ['host', 'nic', ...Object.keys(own)]) for (const v of Object.values(p[section] ?? {})) assert.equal(typeof v, 'number', `${f}: ${section} values are numbers`);
  }
});

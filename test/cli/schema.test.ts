/** schema/scenario.schema.json: generated from the loader's rule tables; accepts every committed scenario, rejects the broken fixtures a schema can see. */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { SCHEMA_FILE, scenarioSchemaText } from '../../src/cli/schema.js';
import { FIXTURES, SCENARIOS } from './helpers.js';

/**
 * Fixtures whose error a JSON Schema cannot see, and why: the loader checks them (test/scenario/
 * fixtures.test.ts). Every other fixture must be rejected by the schema.
 */
const NOT_SCHEMA_DETECTABLE: Record<string, string> = {
  '06-odd-procs.yaml': 'procs must be even: a check in the workload module, not a range',
  '07-unknown-profile.yaml': 'profile names and files are resolved on disk',
  '09-bad-range.yaml': 'the range syntax inside a string ("2^5...2^10")',
  '10-descending-range.yaml': 'from <= to inside a range string',
  '11-zip-unequal.yaml': 'list lengths compared across sweep keys',
  '12-message-too-large.yaml': 'a number written as text (2^40) is checked by the loader',
  '14-yaml-syntax.yaml': 'not YAML: the parser refuses it before any schema',
  '15-json-syntax.json': 'not JSON: the parser refuses it before any schema',
  '18-same-from-to.yaml': 'fromNode != toNode compares two fields',
  '22-too-many-runs.yaml': 'the run count multiplies sweeps, profiles and replications',
  '23-ops-times-procs.yaml': 'ops x procs multiplies two fields',
  '27-too-many-streams.yaml': 'streams <= nodes - 1 depends on the cluster',
  '28-swept-from-equals-to.yaml': 'fromNode != toNode across swept values',
  '31-trace-window.yaml': 'toNs > fromNs compares two fields',
  '35-duplicate-json-key.json': 'a duplicate key is gone once JSON.parse has read it',
};

const validator = () => new Ajv({ strict: false, allErrors: false }).compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')));

test('the committed schema is what `npm run schema` generates from the rule tables', () => {
  assert.equal(readFileSync(SCHEMA_FILE, 'utf8'), scenarioSchemaText(), 'schema/scenario.schema.json is stale: run npm run schema');
});

test('the schema accepts every committed scenario, and a sweep over scenario fields and a bidirectional stream', () => {
  const v = validator();
  const files = readdirSync(SCENARIOS).filter((f) => /\.ya?ml$/.test(f));
  assert.ok(files.length >= 8);
  for (const f of files) assert.ok(v(parse(readFileSync(join(SCENARIOS, f), 'utf8'))), `${f}: ${JSON.stringify(v.errors)}`);
  const more = [
    { profiles: ['xen-3.0.1'], workload: { type: 'com', procs: 2 }, sweep: { sizeBytes: [1024, 65536], 'cluster.link.rateBps': [1e8, 1e9], 'profiles.xen-3.0.1.xen.txRingSlots': [256, 512] } },
    { profiles: ['rhel-2.6.12', { name: 'v', base: 'rhel-2.6.12', set: { 'host.syscallNs': 100, nic: { txRingSlots: 512 } } }], workloads: [{ type: 'stream', bidirectional: true }], sweep: { 'cluster.nodes': [2, 4] } },
  ];
  for (const doc of more) assert.ok(v(doc), JSON.stringify(v.errors));
});

test('the schema rejects every broken fixture a schema can see; the others are listed with the reason', () => {
  const v = validator();
  const files = readdirSync(FIXTURES).filter((f) => /^\d\d-.*\.(ya?ml|json)$/.test(f));
  assert.ok(files.length >= 42);
  for (const f of Object.keys(NOT_SCHEMA_DETECTABLE)) assert.ok(files.includes(f), `${f} is listed but does not exist`);
  for (const f of files) {
    const text = readFileSync(join(FIXTURES, f), 'utf8');
    let doc: unknown;
    try {
      doc = f.endsWith('.json') ? JSON.parse(text) : parse(text);
    } catch {
      assert.ok(f in NOT_SCHEMA_DETECTABLE, `${f} does not parse, yet is not listed`);
      continue;
    }
    const ok = v(doc);
    if (f in NOT_SCHEMA_DETECTABLE) assert.ok(ok, `${f} is listed as invisible to the schema, but the schema rejects it: take it off the list`);
    else assert.ok(!ok, `${f}: the schema accepts a broken fixture`);
  }
  // A few rejections by name: an unknown key, a workload field of another type, a dotted sweep key outside cluster/profiles.
  assert.ok(!v({ profiles: ['a'], workload: { type: 'com', procs: 2 }, sweep: { 'outputs.dir': ['x'] } }));
  assert.ok(!v({ profiles: ['a'], workload: { type: 'linpack' }, sweep: { sizeBytes: [1] } }));
  assert.ok(!v({ profiles: ['a'], workloads: [{ type: 'com' }], sweep: { sizeBytes: [1] } }), 'beside a list, the top-level sweep takes dotted keys only');
  assert.ok(!v({ profiles: ['a'], workload: { type: 'stream', bidirectional: 'yes' } }));
});

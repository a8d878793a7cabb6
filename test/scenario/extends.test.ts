/** Profiles that `extends:` another: resolved values, schema defaults, and the errors of a bad chain. */
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { HOST_PARAMS, NIC_PARAMS } from '../../src/os/profile.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { loadProfile } from '../../src/scenario/profiles.js';
import type { KernelProfile } from '../../src/scenario/types.js';
import { cli } from '../cli/helpers.js';
import { ROOT } from './helpers.js';

const anchor = join(ROOT, 'scenarios', 'x.yaml');
const builtin = (name: string): KernelProfile => loadProfile(name, anchor);

/** The `section.param` keys whose values differ between two profiles of the same path. */
function differences(a: KernelProfile, b: KernelProfile): string[] {
  const out: string[] = [];
  for (const [s, x, y] of [['host', a.host, b.host], ['nic', a.nic, b.nic]] as const) {
    for (const k of Object.keys(x) as (keyof typeof x)[]) if (x[k] !== (y as typeof x)[k]) out.push(`${s}.${k}`);
  }
  for (const s of Object.keys(a.sections)) for (const k of Object.keys(a.sections[s]!)) if (a.sections[s]![k] !== b.sections[s]?.[k]) out.push(`${s}.${k}`);
  return out.sort();
}

function refused(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ScenarioError, `not a ScenarioError: ${String(e)}`);
    return e.message;
  }
  assert.fail('expected a ScenarioError');
}

function dir(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'xenhpc-extends-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(d, name), text);
  return d;
}

test('chaos-2.6.9 and rhel-2.6.12 are rhel-2.6.9 with exactly their documented differences, every value resolved', () => {
  const base = builtin('rhel-2.6.9');
  const chaos = builtin('chaos-2.6.9');
  const r12 = builtin('rhel-2.6.12');
  assert.deepEqual(differences(chaos, base), ['host.daemonIntervalNs', 'host.tsoFragmentDefect']);
  assert.deepEqual(differences(r12, base), ['host.tsoFragmentDefect', 'nic.interruptThrottleRate']);
  assert.equal(chaos.host.daemonIntervalNs, 1e9);
  assert.equal(r12.nic.interruptThrottleRate, 8000);
  for (const p of [chaos, r12]) {
    assert.equal(p.path, 'native', `${p.name} inherits the path`);
    assert.deepEqual(p.extends?.name, 'rhel-2.6.9');
    assert.deepEqual(Object.keys(p.host).sort(), Object.keys(HOST_PARAMS).sort());
    assert.deepEqual(Object.keys(p.nic).sort(), Object.keys(NIC_PARAMS).sort());
  }
  // Name and description are the file's own, not the base's.
  assert.equal(chaos.name, 'chaos-2.6.9');
  assert.notEqual(chaos.description, base.description);
});

test('a parameter no file gives takes its schema default; one without a default is missing', () => {
  const base = builtin('rhel-2.6.9');
  for (const k of ['minRtoNs', 'delackMinNs', 'quickAcks', 'loopbackMtuBytes'] as const) {
    assert.equal(base.host[k], HOST_PARAMS[k].default, `${k} from the schema`);
  }
  assert.deepEqual([base.host.minRtoNs, base.host.delackMinNs, base.host.quickAcks, base.host.loopbackMtuBytes], [200e6, 40e6, 16, 16436]);
  const host = { ...base.host } as Record<string, number>;
  delete host.tickNs;
  const d = dir({ 'p.json': JSON.stringify({ path: 'native', host, nic: base.nic }) });
  assert.match(refused(() => loadProfile('p.json', join(d, 's.yaml'))), /p\.json:1:\d+: host\.tickNs: missing parameter .*extends/);
});

test('a profile extends a base by path, relative to its own file, through a chain', () => {
  const d = dir({
    'mid.yaml': 'extends: chaos-2.6.9\nnic: { dmaNs: 1500 }\n',
    'leaf.yaml': 'name: leaf\nextends: mid.yaml\nhost:\n  wakeupNs: 4000\n',
  });
  const leaf = loadProfile('leaf.yaml', join(d, 'elsewhere.yaml'));
  assert.equal(leaf.name, 'leaf');
  assert.equal(leaf.extends?.name, 'mid');
  assert.deepEqual(differences(leaf, builtin('chaos-2.6.9')), ['host.wakeupNs', 'nic.dmaNs']);
  assert.equal(leaf.host.daemonIntervalNs, 1e9, 'from chaos-2.6.9, two levels up');
});

test('a Xen profile extending a Xen base changes only what it gives', () => {
  const d = dir({ 'x.yaml': 'extends: xen-3.0.1\nxen:\n  txRingSlots: 128\n' });
  const x = loadProfile('x.yaml', join(d, 's.yaml'));
  assert.equal(x.path, 'xen');
  assert.deepEqual(differences(x, builtin('xen-3.0.1')), ['xen.txRingSlots']);
  // The cross-parameter rule still applies to the resolved values.
  const bad = dir({ 'x.yaml': 'extends: xen-3.0.1\nxen:\n  extraQuantumNs: 3000\n' });
  assert.match(refused(() => loadProfile('x.yaml', join(bad, 's.yaml'))), /x\.yaml:3:\d+: xen\.extraQuantumNs: 3000 ns leaves no time/);
});

test('a cycle of extends is refused at the extends line, naming the cycle', () => {
  const d = dir({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': 'path: native\nextends: a.yaml\n', 'self.yaml': 'extends: self.yaml\n' });
  const m = refused(() => loadProfile('a.yaml', join(d, 's.yaml')));
  assert.match(m, /b\.yaml:2:\d+: extends: profiles extend each other in a cycle \(a\.yaml -> b\.yaml -> a\.yaml\)/);
  assert.match(refused(() => loadProfile('self.yaml', join(d, 's.yaml'))), /self\.yaml:1:\d+: extends: .*cycle \(self\.yaml -> self\.yaml\)/);
});

test('an unknown base is refused with a suggestion and the allowed names', () => {
  const d = dir({ 'u.yaml': 'description: typo\nextends: rhel-2.6.99\n', 'v.yaml': 'extends: 7\n' });
  const m = refused(() => loadProfile('u.yaml', join(d, 's.yaml')));
  assert.match(m, /u\.yaml:2:\d+: extends: unknown profile "rhel-2\.6\.99"; did you mean rhel-2\.6\.9\?; allowed: .*rhel-2\.6\.12/);
  assert.match(refused(() => loadProfile('v.yaml', join(d, 's.yaml'))), /v\.yaml:1:\d+: extends: expected a profile name or path, got 7/);
});

test('a path change across extends is refused at the path line', () => {
  const d = dir({ 'p.yaml': 'extends: rhel-2.6.9\npath: xen\nxen: {}\n', 'q.yaml': 'extends: rhel-2.6.9\nxen:\n  txRingSlots: 64\n' });
  assert.match(refused(() => loadProfile('p.yaml', join(d, 's.yaml'))), /p\.yaml:2:\d+: path: path xen differs from the path of the base profile rhel-2\.6\.9 \(native\).*allowed: path: native, or no extends/);
  // A section of another path, in a profile that inherits the native path.
  assert.match(refused(() => loadProfile('q.yaml', join(d, 's.yaml'))), /q\.yaml:2:\d+: xen: xen parameters given for a path native profile; allowed: only with path: xen/);
});

test('the CLI refuses a bad chain with exit 2 and one located line', () => {
  const d = dir({ 'a.yaml': 'extends: b.yaml\n', 'b.yaml': 'extends: a.yaml\n', 's.yaml': 'profiles: [a.yaml]\nworkload: { type: laten }\n' });
  for (const args of [['profiles', 'show', join(d, 'a.yaml')], ['run', join(d, 's.yaml'), '--out', join(d, 'out')]]) {
    const r = cli(args, d);
    assert.equal(r.code, 2, r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0]!, /\.yaml:1:\d+: extends: profiles extend each other in a cycle/);
  }
});

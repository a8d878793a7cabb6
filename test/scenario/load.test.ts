import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { HOST_PARAMS, NIC_PARAMS } from '../../src/os/profile.js';
import { ScenarioError } from '../../src/scenario/errors.js';
import { LIMITS, loadScenario } from '../../src/scenario/load.js';
import { BUILTIN_PROFILE_DIR, listProfiles, loadProfile } from '../../src/scenario/profiles.js';
import { XEN_PARAMS } from '../../src/xen/profile.js';
import { FIXTURES, NATIVE, NATIVE_OLD, scenarioFile, writeTemp, xenProfileFile } from './helpers.js';

/** Run f, expect a one-line ScenarioError, return its message. */
function refused(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof ScenarioError, `not a ScenarioError: ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `not one line: ${e.message}`);
    return e.message;
  }
  assert.fail('expected a ScenarioError');
}

test('defaults are filled for a minimal com scenario', () => {
  const file = scenarioFile('minimal.yaml', { workload: { type: 'com' } });
  const s = loadScenario(file);
  assert.equal(s.name, 'minimal');
  assert.equal(s.description, '');
  assert.equal(s.file, file);
  assert.equal(s.seed, '1');
  assert.equal(s.replications, 1);
  assert.deepEqual(s.cluster, {
    nodes: 4,
    cpusPerNode: 4,
    placement: 'cyclic',
    link: { rateBps: 1e9, propagationNs: 500 },
    switch: { portBufferBytes: 262144, fabricLatencyNs: 3000, portRateBps: 0 },
  });
  assert.deepEqual(s.workload, { type: 'com', mode: 'uni', sizeBytes: 32, procs: 2, ops: 100, sequence: 'program' });
  assert.deepEqual(s.sweep, { fields: {}, combine: 'cross' });
  assert.deepEqual(s.outputs, { dir: 'out', results: true, summary: true, compare: true, figures: [] });
  assert.equal(s.profiles.length, 1);
  assert.equal(s.profiles[0]!.name, 'test-native');
  assert.equal(s.profiles[0]!.path, 'native');
  assert.deepEqual(s.profiles[0]!.sections, {});
});

test('each workload type gets its own defaults and only its own fields', () => {
  const w = (type: string) => loadScenario(scenarioFile(`t-${type}.yaml`, { workload: { type } })).workload;
  assert.deepEqual(w('stream'), { type: 'stream', sizeBytes: 1048576, fromNode: 0, toNode: 1, streams: 1, sockBufBytes: 0, bidirectional: false });
  assert.deepEqual(w('pingpong'), { type: 'pingpong', sizeBytes: 32, ops: 100, fromNode: 0, toNode: 1, sockBufBytes: 0 });
  assert.deepEqual(w('mpi-pingpong'), { type: 'mpi-pingpong', sizeBytes: 32, ops: 100 });
  assert.deepEqual(w('laten'), { type: 'laten', sizeBytes: 0, procs: 2, ops: 100 });
  assert.deepEqual(w('linpack'), { type: 'linpack', matrixOrder: 3000, peakMflops: 6800, flopEfficiency: 0.2 });
});

test('linpack fields: out of range and on another type are refused, naming the field', () => {
  const load = (workload: object) => () => loadScenario(scenarioFile('lp.yaml', { workload }));
  assert.match(refused(load({ type: 'linpack', flopEfficiency: 0 })), /flopEfficiency/);
  assert.match(refused(load({ type: 'linpack', flopEfficiency: 1.5 })), /flopEfficiency/);
  assert.match(refused(load({ type: 'linpack', matrixOrder: 2.5 })), /matrixOrder/);
  assert.match(refused(load({ type: 'com', matrixOrder: 1000 })), /matrixOrder.*not a field of workload type com/);
  assert.match(refused(load({ type: 'linpack', ops: 10 })), /ops.*not a field of workload type linpack/);
  // Not in the run key: a sweep would pool its values in one summary point.
  const swept = () => loadScenario(scenarioFile('lp-sweep.yaml', { workload: { type: 'linpack' }, sweep: { flopEfficiency: [0.1, 0.2] } }));
  assert.match(refused(swept), /flopEfficiency.*cannot be swept/);
});

test('numbers: 1e9, 2^20 and 1<<20 strings; integer seed becomes a string', () => {
  const file = writeTemp(
    'numbers.yaml',
    `seed: 42\nprofiles: [${NATIVE}]\ncluster:\n  link: { rateBps: 1e8 }\n  switch: { portBufferBytes: 1<<20 }\nworkload: { type: stream, sizeBytes: 2^20 }\n`,
  );
  const s = loadScenario(file);
  assert.equal(s.seed, '42');
  assert.equal(s.cluster.link.rateBps, 1e8);
  assert.equal(s.cluster.switch.portBufferBytes, 1048576);
  assert.equal(s.workload.sizeBytes, 1048576);
});

test('a full scenario in JSON loads, sweep and outputs included', () => {
  const file = writeTemp(
    'full.json',
    JSON.stringify({
      name: 'full',
      description: 'd',
      seed: 'x',
      replications: 2,
      cluster: { nodes: 8, cpusPerNode: 2, placement: 'cyclic' },
      profiles: [NATIVE],
      workload: { type: 'com', procs: 4 },
      sweep: { sizeBytes: { from: 32, to: 128, factor: 2 }, procs: [2, 4, 8, 16], combine: 'cross' },
      outputs: { dir: 'o', compare: false, figures: ['bandwidth', 'optime'], trace: { layers: 'wire,tcp', nodes: [0, 'n1'], toNs: 1e9 } },
    }),
  );
  const s = loadScenario(file);
  assert.equal(s.cluster.placement, 'cyclic');
  assert.deepEqual(s.sweep.fields, { sizeBytes: [32, 64, 128], procs: [2, 4, 8, 16] });
  assert.deepEqual(Object.keys(s.sweep.fields), ['sizeBytes', 'procs']);
  assert.deepEqual(s.outputs, {
    dir: 'o',
    results: true,
    summary: true,
    compare: false,
    figures: ['bandwidth', 'optime'],
    trace: { layers: ['wire', 'tcp'], nodes: ['n0', 'n1'], toNs: 1e9, file: 'trace.csv' },
  });
});

test('--set overrides values, adds missing ones and can replace the profile list', () => {
  const file = scenarioFile('set.yaml', { workload: { type: 'com', ops: 50 }, sweep: { sizeBytes: [32, 64] } });
  const s = loadScenario(file, [
    'cluster.link.rateBps=1e8',
    'workload.ops=10',
    'replications=3',
    'sweep.sizeBytes=2^5..2^10',
    `profiles=[${NATIVE_OLD}]`,
    'sweep.mode=[uni, bi]',
  ]);
  assert.equal(s.cluster.link.rateBps, 1e8);
  assert.equal(s.cluster.link.propagationNs, 500);
  assert.equal(s.workload.ops, 10);
  assert.equal(s.replications, 3);
  assert.deepEqual(s.sweep.fields.sizeBytes, [32, 64, 128, 256, 512, 1024]);
  assert.deepEqual(s.sweep.fields.mode, ['uni', 'bi']);
  assert.deepEqual(s.profiles.map((p) => p.name), ['test-native-old']);
  // null removes a field, giving back its default.
  assert.equal(loadScenario(file, ['workload.ops=null']).workload.ops, 100);
});

test('--set errors: unknown path names the nearest valid path; bad value points at --set', () => {
  const file = scenarioFile('set-bad.yaml', { workload: { type: 'com' } });
  let m = refused(() => loadScenario(file, ['cluster.link.rate=1e8']));
  assert.ok(m.startsWith('--set cluster.link.rate=1e8: cluster.link.rate: unknown field'), m);
  assert.ok(m.includes('did you mean cluster.link.rateBps?'), m);
  m = refused(() => loadScenario(file, ['workload.ops=0']));
  assert.ok(m.startsWith('--set workload.ops=0: workload.ops:'), m);
  assert.ok(m.includes('allowed: integer in [1, 1e7]'), m);
  m = refused(() => loadScenario(file, ['replications']));
  assert.ok(m.startsWith('--set replications:'), m);
  m = refused(() => loadScenario(file, ['workload.ops=[1,']));
  assert.ok(m.startsWith('--set workload.ops=[1,:'), m);
  // An error in a field the override did not touch still points into the file.
  const bad = scenarioFile('set-bad2.yaml', { cluster: { nodes: 1 }, workload: { type: 'com' } });
  m = refused(() => loadScenario(bad, ['workload.ops=10']));
  assert.ok(m.startsWith(`${bad}:`), m);
  assert.ok(m.includes('cluster.nodes'), m);
});

test('profile overrides: inline set changes one parameter; a variant gets a new name', () => {
  const file = writeTemp(
    'prof.yaml',
    `profiles:\n  - ${NATIVE}\n  - { name: fast-wakeup, base: ${NATIVE}, description: variant, set: { host.wakeupNs: 6000, nic: { txRingSlots: 4096 } } }\n  - { name: ${NATIVE_OLD}, set: { host.tso: 0 } }\nworkload: { type: com }\n`,
  );
  const s = loadScenario(file);
  const [a, b, c] = s.profiles;
  assert.equal(a!.name, 'test-native');
  assert.equal(a!.host.wakeupNs, 3000);
  assert.equal(b!.name, 'fast-wakeup');
  assert.equal(b!.description, 'variant');
  assert.equal(b!.host.wakeupNs, 6000);
  assert.equal(b!.nic.txRingSlots, 4096);
  // Everything not overridden is the base's.
  assert.deepEqual({ ...b!.host, wakeupNs: 3000 }, a!.host);
  assert.equal(c!.name, 'test-native-old');
  assert.equal(c!.host.tso, 0);
  assert.equal(c!.host.tsoFragmentDefect, 1);
});

test('profile files: every parameter required, unknown ones refused with a suggestion', () => {
  const good = loadProfile(NATIVE, '/anywhere/scenario.yaml');
  assert.deepEqual(Object.keys(good.host).sort(), Object.keys(HOST_PARAMS).sort());
  assert.deepEqual(Object.keys(good.nic).sort(), Object.keys(NIC_PARAMS).sort());
  assert.equal(good.source, NATIVE);

  const text = (edit: (s: string) => string) => edit(`${JSON.stringify(good.host)}`);
  const profile = (host: string, extra = '') => writeTemp('p.json', `{"name":"p","path":"native","host":${host},"nic":${JSON.stringify(good.nic)}${extra}}`);
  let f = profile(text((s) => s.replace('"syscallNs"', '"syscalNs"')));
  let m = refused(() => loadProfile(f, f));
  assert.ok(m.startsWith(`${f}:1:`), m);
  assert.ok(m.includes('host.syscalNs: unknown parameter; did you mean syscallNs?'), m);
  f = profile(text((s) => s.replace(/"tickNs":[^,]+,/, '')));
  m = refused(() => loadProfile(f, f));
  assert.ok(m.includes('host.tickNs: missing'), m);
  f = profile(text((s) => s.replace(/"tso":\d+/, '"tso":0.5')));
  m = refused(() => loadProfile(f, f));
  assert.ok(m.includes('host.tso: must be an integer'), m);
  f = profile(JSON.stringify(good.host), ',"xen":{}');
  m = refused(() => loadProfile(f, f));
  assert.ok(m.includes('xen:'), m);
});

test('a xen profile needs a xen section with every XEN_PARAMS key', () => {
  const f = xenProfileFile();
  const p = loadProfile(f, f);
  assert.equal(p.path, 'xen');
  // `domains` may be left out: every parameter of it has a default (one guest, no channel).
  assert.deepEqual(Object.keys(p.sections), ['xen', 'domains']);
  assert.deepEqual(p.sections.domains, { guestVcpus: 0, interDomainChannel: 0, channelFifoBytes: 262144, channelSlotBytes: 8 });
  assert.deepEqual(Object.keys(p.sections.xen!).sort(), Object.keys(XEN_PARAMS).sort());
  const noXen = writeTemp('nox.yaml', `name: nox\npath: xen\nhost: ${JSON.stringify(p.host)}\nnic: ${JSON.stringify(p.nic)}\n`);
  const m = refused(() => loadProfile(noXen, noXen));
  assert.ok(m.startsWith(`${noXen}:`) && m.includes('xen:'), m);
});

test('built-in profiles resolve from the package, not from the working directory', (t) => {
  const names = listProfiles().map((p) => p.name);
  if (!existsSync(join(BUILTIN_PROFILE_DIR, 'rhel-2.6.12.yaml'))) {
    t.skip('scenarios/profiles/rhel-2.6.12.yaml not written yet');
    return;
  }
  assert.ok(names.includes('rhel-2.6.12'));
  const cwd = process.cwd();
  try {
    process.chdir(FIXTURES);
    const p = loadProfile('rhel-2.6.12', '/somewhere/else/s.yaml');
    assert.equal(p.name, 'rhel-2.6.12');
    assert.equal(p.source, join(BUILTIN_PROFILE_DIR, 'rhel-2.6.12.yaml'));
  } finally {
    process.chdir(cwd);
  }
  assert.ok(refused(() => loadProfile('../profiles/rhel-2.6.12', '/x/s.yaml')).includes('unknown profile'));
});

test('a missing scenario file is one line naming it', () => {
  const m = refused(() => loadScenario('/no/such/dir/scn.yaml'));
  assert.ok(m.startsWith('/no/such/dir/scn.yaml: '), m);
  assert.ok(m.includes('no such file'), m);
});

test('limits: exact boundaries are accepted, one past is refused', () => {
  const ok = (workload: Record<string, unknown>, extra: Record<string, unknown> = {}) => loadScenario(scenarioFile('lim.yaml', { workload, ...extra }));
  assert.equal(ok({ type: 'pingpong', sizeBytes: LIMITS.maxMessageBytes, ops: 1 }).workload.sizeBytes, 2 ** 30);
  refused(() => ok({ type: 'pingpong', sizeBytes: LIMITS.maxMessageBytes + 1, ops: 1 }));
  assert.equal(ok({ type: 'stream', sizeBytes: '2^36' }).workload.sizeBytes, 2 ** 36);
  refused(() => ok({ type: 'stream', sizeBytes: 2 ** 36 + 1 }));
  assert.equal(ok({ type: 'com' }, { replications: 100000 }).replications, 100000);
  refused(() => ok({ type: 'com' }, { replications: 100001 }));
  // procs up to nodes x cpusPerNode x 16 (4 x 4 x 16 = 256).
  assert.equal(ok({ type: 'laten', procs: 256 }).workload.procs, 256);
  assert.ok(refused(() => ok({ type: 'laten', procs: 258 })).includes('workload.procs'));
  // ops x sizeBytes x pairs x directions <= 2^40 for com.
  assert.equal(ok({ type: 'com', mode: 'bi', procs: 2, ops: 1024, sizeBytes: 2 ** 29 }).workload.ops, 1024);
  assert.ok(refused(() => ok({ type: 'com', mode: 'bi', procs: 4, ops: 1024, sizeBytes: 2 ** 29 })).includes('2^40'));
  // Exactly 1e6 runs is fine.
  assert.equal(ok({ type: 'com' }, { replications: 1000, sweep: { sizeBytes: { from: 1, to: 1000, step: 1 } } }).replications, 1000);
});

test('YAML alias bombs are refused, not expanded', () => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 0; i < 8; i++) lines.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(', ')}]`);
  const f = writeTemp('bomb.yaml', `${lines.join('\n')}\nprofiles: [${NATIVE}]\nworkload: { type: com }\n`);
  const m = refused(() => loadScenario(f));
  assert.ok(m.startsWith(f), m);
  // Refused by the alias guard, before validation would complain about the keys.
  assert.match(m, /alias/i);
});

test('a workloads list holds several workload blocks, each with its own sweep, expanded in file order', async () => {
  const { writeFileSync, mkdtempSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { tmpdir } = await import('node:os');
  const { expandPoints } = await import('../../src/scenario/sweep.js');
  const dir = mkdtempSync(join(tmpdir(), 'xenhpc-parts-'));
  const file = join(dir, 's.yaml');
  const prof = join(process.cwd(), 'test/fixtures/profiles/test-native.yaml');
  writeFileSync(file, `profiles: [${JSON.stringify(prof)}]\nworkloads:\n  - type: com\n    sweep: { mode: [uni, bi], sizeBytes: [32, 64] }\n  - type: laten\n    sweep: { procs: [2, 4, 8] }\n`);
  const s = loadScenario(file);
  assert.equal(s.parts.length, 2);
  const pts = expandPoints(s);
  assert.deepEqual(pts.map((p) => `${p.workload.type}:${p.workload.mode ?? ''}:${p.workload.type === 'laten' ? p.workload.procs : p.workload.sizeBytes}`), ['com:uni:32', 'com:uni:64', 'com:bi:32', 'com:bi:64', 'laten::2', 'laten::4', 'laten::8']);
  writeFileSync(file, `profiles: [${JSON.stringify(prof)}]\nworkload: { type: laten }\nworkloads:\n  - type: com\n`);
  assert.throws(() => loadScenario(file), /workload: cannot be used together with workloads/);
  writeFileSync(file, `profiles: [${JSON.stringify(prof)}]\nworkloads:\n  - type: linpack\n    sizeBytes: 4\n`);
  assert.throws(() => loadScenario(file), /s\.yaml:4:5: workloads\[0\]\.sizeBytes: not a field of workload type linpack/);
});

test('noise: on by default, off from the file or --set, anything else refused naming the field', () => {
  const file = scenarioFile('noise.yaml', { workload: { type: 'com' } });
  assert.equal(loadScenario(file).noise, 'on');
  assert.equal(loadScenario(file, ['noise=off']).noise, 'off');
  assert.equal(loadScenario(scenarioFile('noise-off.yaml', { noise: 'off', workload: { type: 'com' } })).noise, 'off');
  const m = refused(() => loadScenario(file, ['noise=quiet']));
  assert.ok(m.includes('noise') && m.includes('on, off'), m);
  const b = refused(() => loadScenario(scenarioFile('noise-bool.yaml', { noise: false, workload: { type: 'com' } })));
  assert.ok(b.includes('noise'), b);
});

test('a JSON scenario with a UTF-8 byte-order mark loads like one without', () => {
  const body = JSON.stringify({ profiles: [NATIVE], workload: { type: 'laten', ops: 7 } });
  const plain = loadScenario(writeTemp('plain.json', body));
  const bom = loadScenario(writeTemp('bom.json', `\uFEFF${body}`));
  assert.equal(bom.workload.ops, 7);
  assert.deepEqual({ ...bom, file: '', name: '' }, { ...plain, file: '', name: '' });
});

test('cluster.switch.portRateBps: 0 means the link rate (as documented); 1 is refused', () => {
  const ok = loadScenario(writeTemp('pr0.yaml', `profiles: [${NATIVE}]\nworkload: {type: laten}\ncluster: {switch: {portRateBps: 0}}\n`));
  assert.equal(ok.cluster.switch.portRateBps, 0);
  const two = loadScenario(writeTemp('pr1.yaml', `profiles: [${NATIVE}]\nworkload: {type: laten}\ncluster: {switch: {portRateBps: 1e8}}\n`));
  assert.equal(two.cluster.switch.portRateBps, 1e8);
  assert.match(refused(() => loadScenario(writeTemp('pr2.yaml', `profiles: [${NATIVE}]\nworkload: {type: laten}\ncluster: {switch: {portRateBps: 1}}\n`))), /cluster\.switch\.portRateBps/);
});

test('underscores group digits and nothing else', () => {
  const s = loadScenario(writeTemp('us.yaml', `profiles: [${NATIVE}]\nworkload: {type: laten, ops: "1_000"}\n`));
  assert.equal(s.workload.ops, 1000);
  for (const bad of ['_1__0', '1__0', '10_', '_10', '1_e3']) {
    assert.match(refused(() => loadScenario(writeTemp('us2.yaml', `profiles: [${NATIVE}]\nworkload: {type: laten, ops: "${bad}"}\n`))), /workload\.ops: expected a number/, bad);
  }
});

test('control characters are refused in names and keys, from the file and from --set; a multi-line description is fine', () => {
  const f = writeTemp('cc.yaml', `description: |\n  two\n  lines\nprofiles: [${NATIVE}]\nworkload: {type: laten}\n`);
  assert.equal(loadScenario(f).description, 'two\nlines\n');
  for (const c of ['\\0', '\\x1b', '\\x7f', '\\u0085', '\\u2028', '\\r']) {
    assert.match(refused(() => loadScenario(f, [`name="a${c}b"`])), /--set name=.*control character/, c);
  }
  const key = writeTemp('cck.json', JSON.stringify({ profiles: [NATIVE], workload: { type: 'laten' }, cluster: { 'no\u0001des': 2 } }));
  assert.match(refused(() => loadScenario(key)), /key "no\\u0001des" holds a control character/);
});

test('nesting is limited before any parser recurses: 200,000 levels of JSON, flow YAML and block YAML', () => {
  const n = 200_000;
  for (const [name, text] of [
    ['deep.json', `{"profiles": ${'['.repeat(n)}${']'.repeat(n)}}`],
    ['deep-flow.yaml', `profiles: ${'['.repeat(n)}${']'.repeat(n)}\n`],
    ['deep-block.yaml', `${'- '.repeat(n)}x\n`],
  ] as const) {
    assert.match(refused(() => loadScenario(writeTemp(name, text))), /nested (more than 64 levels deep|too deep to read)/, name);
  }
});

test('JSON duplicate keys are refused at any depth, as YAML refuses them; equal keys in different objects are fine', () => {
  const ok = writeTemp('nodup.json', `{"profiles": ["${NATIVE}"], "workload": {"type": "laten"}, "cluster": {"link": {"rateBps": 1e9}, "switch": {"fabricLatencyNs": 1}}}`);
  assert.equal(loadScenario(ok).cluster.link.rateBps, 1e9);
  const deep = writeTemp('dup.json', `{"profiles": ["${NATIVE}"], "workload": {"type": "laten"}, "cluster": {"link": {"rateBps": 1e9, "rateBps": 1e8}}}`);
  assert.match(refused(() => loadScenario(deep)), /dup\.json:1:\d+: cluster\.link\.rateBps: duplicate key "rateBps"/);
  const escaped = writeTemp('dup2.json', `{"profiles": ["${NATIVE}"], "workload": {"type": "laten"}, "w\\u006frkload": {"type": "com"}}`);
  assert.match(refused(() => loadScenario(escaped)), /duplicate key "workload"/);
});

test('xen parameters that leave an extra quantum no time for work are refused, in a profile override and in a profile file', () => {
  const over = scenarioFile('xq.yaml', { profiles: [{ name: 'xq', base: 'xen-3.0.1', set: { 'xen.extraQuantumNs': 3000 } }], workload: { type: 'laten' } });
  const m = refused(() => loadScenario(over));
  assert.match(m, /profiles\[0\]\.set\.xen\.extraQuantumNs: 3000 ns leaves no time for work after schedNs \+ domainSwitchNs/);
  // The same quantum with a cheaper scheduler is fine.
  const ok = scenarioFile('xq-ok.yaml', { profiles: [{ name: 'xq', base: 'xen-3.0.1', set: { 'xen.extraQuantumNs': 3000, 'xen.schedNs': 100, 'xen.domainSwitchNs': 100 } }], workload: { type: 'laten' } });
  assert.equal(loadScenario(ok).profiles[0]!.sections.xen!.extraQuantumNs, 3000);
});

test('a workloads block may name the profiles it runs on: points only for those, HVM-only workloads allowed beside others; bad names refused', async () => {
  const { expandPoints } = await import('../../src/scenario/sweep.js');
  const file = scenarioFile('part-profiles.yaml', {
    profiles: ['xen-hvm', 'xen-3.0.1', 'minios'],
    workloads: [
      { type: 'ioport', profiles: ['xen-hvm'], ops: 3 },
      { type: 'mpi-pingpong', profiles: ['xen-3.0.1', 'minios'], ops: 3, sweep: { sizeBytes: [64, 1024] } },
      { type: 'pingpong', ops: 3 },
    ],
  });
  const s = loadScenario(file);
  assert.deepEqual(s.parts.map((p) => p.profiles), [['xen-hvm'], ['xen-3.0.1', 'minios'], undefined]);
  const pts = expandPoints(s).map((p) => `${p.profile.name}/${p.workload.type}`);
  assert.deepEqual(pts, ['xen-hvm/ioport', 'xen-hvm/pingpong', 'xen-3.0.1/mpi-pingpong', 'xen-3.0.1/mpi-pingpong', 'xen-3.0.1/pingpong', 'minios/mpi-pingpong', 'minios/mpi-pingpong', 'minios/pingpong']);
  // ioport on every profile still needs the HVM path.
  const all = scenarioFile('part-all.yaml', { profiles: ['xen-hvm', 'minios'], workloads: [{ type: 'ioport' }] });
  assert.match(refused(() => loadScenario(all)), /needs a node path/);
  const unknown = scenarioFile('part-bad.yaml', { profiles: ['xen-hvm'], workloads: [{ type: 'pingpong', profiles: ['minios'] }] });
  assert.match(refused(() => loadScenario(unknown)), /workloads\[0\]\.profiles\[0\]: not a profile of this scenario/);
  const dup = scenarioFile('part-dup.yaml', { profiles: ['xen-hvm'], workloads: [{ type: 'pingpong', profiles: ['xen-hvm', 'xen-hvm'] }] });
  assert.match(refused(() => loadScenario(dup)), /duplicate/);
  const empty = scenarioFile('part-empty.yaml', { profiles: ['xen-hvm'], workloads: [{ type: 'pingpong', profiles: [] }] });
  assert.match(refused(() => loadScenario(empty)), /non-empty list/);
});

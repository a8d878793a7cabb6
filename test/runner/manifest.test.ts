/** manifest.json: what it records, how it traces to results.csv, and reading a commit from .git without git. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { loadScenario, simulate } from '../../src/index.js';
import { FINGERPRINT_COLUMN, scenarioFingerprint } from '../../src/runner/fingerprint.js';
import { gitCommitOf, manifestFileName, type Manifest } from '../../src/runner/manifest.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'xenhpc-manifest-'));
const read = (p: string): string => readFileSync(p, 'utf8');

const SCENARIO = `name: prov
seed: 11
replications: 2
cluster: { nodes: 2, cpusPerNode: 2, link: { rateBps: 1e8 } }
profiles:
  - rhel-2.6.12
  - { name: xen-slow, base: xen-3.0.1, set: { host.wakeupNs: 4321 } }
workload: { type: pingpong, ops: 2 }
sweep: { sizeBytes: [32, 4096] }
outputs: { dir: out }
`;

describe('manifest.json', () => {
  test('a run writes it beside results.csv; its fingerprint is results.csv\'s column and its scenario the loaded one', async () => {
    const dir = tmp();
    const file = join(dir, 's.yaml');
    writeFileSync(file, SCENARIO);
    const s = loadScenario(file);
    const out = join(dir, 'out');
    const r = await simulate(s, { jobs: 1, outDir: out, command: ['node', 'xenhpc', 'run', 's.yaml'] });
    assert.deepEqual(r.files.filter((f) => f.kind === 'manifest').map((f) => f.path), [join(out, 'manifest.json')]);
    const m = JSON.parse(read(join(out, 'manifest.json'))) as Manifest;
    // Every results row ends with the fingerprint the manifest holds.
    const lines = read(join(out, 'results.csv')).trim().split('\n');
    const header = lines[0]!.split(',');
    assert.equal(header[header.length - 1], FINGERPRINT_COLUMN);
    const column = new Set(lines.slice(1).map((l) => l.split(',').pop()));
    assert.deepEqual([...column], [m.scenarioSha256]);
    assert.equal(m.scenarioSha256, scenarioFingerprint(s));
    assert.match(m.scenarioSha256, /^[0-9a-f]{64}$/);
    // The scenario as loaded: defaults filled (switch buffer), overrides applied (the profile's set).
    assert.deepEqual(m.scenario, JSON.parse(JSON.stringify(s)));
    assert.equal(m.scenario.cluster.link.rateBps, 1e8);
    assert.equal(typeof m.scenario.cluster.switch.portBufferBytes, 'number');
    assert.equal((m.profiles['xen-slow']!.host as { wakeupNs: number }).wakeupNs, 4321);
    assert.ok(m.profiles['xen-slow']!.xen, 'a Xen profile records its Xen parameters');
    assert.equal(m.profiles['rhel-2.6.12']!.xen, undefined);
    assert.deepEqual([m.seed, m.replications, m.points, m.totalPoints, m.shard, m.madeBy], ['11', 2, 8, 8, null, 'run']);
    assert.deepEqual(m.command, ['node', 'xenhpc', 'run', 's.yaml']);
    assert.equal(m.node, process.version);
    assert.match(m.xenhpc.version, /^\d+\.\d+\.\d+/);
    // Either a commit, or the reason there is none.
    assert.ok(m.xenhpc.gitCommit !== undefined ? /^[0-9a-f]{40,64}$/.test(m.xenhpc.gitCommit) : (m.xenhpc.gitCommitUnknown ?? '') !== '');
    assert.ok(!Number.isNaN(Date.parse(m.startedAt)) && m.startedAt <= m.endedAt);
  });

  test('a shard writes manifest.shard-i-of-n.json; an aborted run writes none', async () => {
    const dir = tmp();
    const file = join(dir, 's.yaml');
    writeFileSync(file, SCENARIO);
    const s = loadScenario(file);
    const out = join(dir, 'out');
    await simulate(s, { jobs: 1, outDir: out, shard: { index: 2, count: 3 } });
    const m = JSON.parse(read(join(out, manifestFileName({ index: 2, count: 3 })))) as Manifest;
    assert.equal(manifestFileName({ index: 2, count: 3 }), 'manifest.shard-2-of-3.json');
    assert.deepEqual(m.shard, { index: 2, count: 3 });
    assert.equal(m.totalPoints, 8);
    assert.equal(m.points, read(join(out, 'results.shard-2-of-3.csv')).trim().split('\n').length - 1);
    const ac = new AbortController();
    const aborted = await simulate(s, { jobs: 1, outDir: join(dir, 'stop'), signal: ac.signal, onProgress: (p) => p.done >= 1 && ac.abort() });
    assert.equal(aborted.aborted, true);
    assert.equal(aborted.files.some((f) => f.kind === 'manifest'), false);
  });
});

describe('gitCommitOf', () => {
  const A = 'a'.repeat(40);
  const B = 'b'.repeat(40);
  test('a .git directory: detached HEAD, a loose ref, a packed ref, an unborn branch', () => {
    const root = tmp();
    const git = join(root, '.git');
    mkdirSync(join(git, 'refs', 'heads'), { recursive: true });
    writeFileSync(join(git, 'HEAD'), `${A}\n`);
    assert.deepEqual(gitCommitOf(root), { commit: A });
    writeFileSync(join(git, 'HEAD'), 'ref: refs/heads/main\n');
    writeFileSync(join(git, 'packed-refs'), `# pack-refs with: peeled\n${B} refs/heads/main\n`);
    assert.deepEqual(gitCommitOf(root), { commit: B });
    writeFileSync(join(git, 'refs', 'heads', 'main'), `${A}\n`);
    assert.deepEqual(gitCommitOf(root), { commit: A }, 'a loose ref wins over packed-refs');
    writeFileSync(join(git, 'HEAD'), 'ref: refs/heads/none\n');
    assert.match(('reason' in gitCommitOf(root) ? (gitCommitOf(root) as { reason: string }).reason : ''), /refs\/heads\/none has no commit/);
  });

  test('a worktree (.git file naming a gitdir whose refs live in the common dir); no .git at all', () => {
    const root = tmp();
    const main = join(root, 'main', '.git');
    const wt = join(main, 'worktrees', 'w');
    mkdirSync(join(main, 'refs', 'heads'), { recursive: true });
    mkdirSync(wt, { recursive: true });
    writeFileSync(join(main, 'refs', 'heads', 'topic'), `${B}\n`);
    writeFileSync(join(wt, 'HEAD'), 'ref: refs/heads/topic\n');
    writeFileSync(join(wt, 'commondir'), '../..\n');
    const work = join(root, 'w');
    mkdirSync(work);
    writeFileSync(join(work, '.git'), `gitdir: ${wt}\n`);
    assert.deepEqual(gitCommitOf(work), { commit: B });
    const bare = tmp();
    const r = gitCommitOf(bare);
    assert.ok('reason' in r && /no \.git/.test(r.reason));
  });
});

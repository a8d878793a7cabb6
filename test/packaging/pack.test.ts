/**
 * `npm pack` makes a package that installs into an empty folder and runs the quickstart through its
 * bin, as a user (or a container build) does. Dependencies come from npm's cache when they are
 * there (--prefer-offline). About 10 s; XENHPC_SKIP_PACK=1 skips it where npm cannot install.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const skip = process.env.XENHPC_SKIP_PACK === '1' ? 'XENHPC_SKIP_PACK=1' : false;

function run(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, XENHPC_DEBUG: '' } });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')} (in ${cwd}) exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

test('npm pack: the tarball installs in an empty folder and its bin runs the quickstart', { skip, timeout: 180_000 }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'xenhpc-pack-'));
  try {
    // --ignore-scripts: dist/ is built already (the tests run from it); `prepare` would rebuild it
    // under the feet of test files running in parallel.
    const packed = JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    const files = packed[0]!.files.map((f) => f.path);
    assert.ok(files.includes('bin/xenhpc.js') && files.includes('dist/src/cli/main.js') && files.includes('scenarios/quickstart.yaml') && files.includes('scenarios/profiles/xen-3.0.1.yaml') && files.includes('schema/scenario.schema.json') && files.includes('examples/slurm/sweep.sbatch'), 'bin, build, scenarios, profiles, schema and examples are packed');
    assert.ok(!files.some((f) => f.startsWith('dist/test/') || f.startsWith('src/') || f.startsWith('test/')), 'no tests or sources in the package');
    const app = join(dir, 'app');
    run('mkdir', [app], dir);
    writeFileSync(join(app, 'package.json'), '{"name":"pack-test","version":"1.0.0","private":true}\n');
    run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(dir, packed[0]!.filename)], app);
    const bin = join(app, 'node_modules', '.bin', 'xenhpc');
    assert.ok(existsSync(bin), 'node_modules/.bin/xenhpc');
    const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
    assert.equal(run(bin, ['--version'], app).trim(), version);
    // The quickstart, reduced: 1 replication, 5 operations per sample, two kernels.
    const quick = join(app, 'node_modules', 'xenhpc', 'scenarios', 'quickstart.yaml');
    const out = run(bin, ['run', quick, '--reps', '1', '--ops', '5', '--set', 'profiles=[rhel-2.6.12, xen-3.0.1]', '-q', '--out', 'out', '--jobs', '1'], app);
    assert.match(out, /wrote out\/results\.csv \(results, 32 rows\)/);
    assert.deepEqual(readdirSync(join(app, 'out')).sort(), ['bandwidth.svg', 'compare.csv', 'latency.svg', 'manifest.json', 'optime.svg', 'report.html', 'results.csv', 'summary.csv']);
    const manifest = JSON.parse(readFileSync(join(app, 'out', 'manifest.json'), 'utf8'));
    assert.equal(manifest.xenhpc.version, version);
    assert.match(manifest.xenhpc.gitCommitUnknown, /installed package/);
    const results = readFileSync(join(app, 'out', 'results.csv'), 'utf8').trim().split('\n');
    assert.equal(results.length, 33);
    assert.ok(results.slice(1).every((l) => l.endsWith(`,${manifest.scenarioSha256}`)), 'every row carries the manifest fingerprint');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

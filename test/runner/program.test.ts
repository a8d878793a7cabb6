/** Presta com as one program (sequence: program): job grouping, carried-over state, determinism. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster } from '../../src/cluster/cluster.js';
import { expandPoints, loadScenario, runPoint, simulate } from '../../src/index.js';
import { expandJobs, longestFirst } from '../../src/runner/jobs.js';
import { estimateEvents } from '../../src/runner/cost.js';
import { runJob } from '../../src/runner/run-point.js';
import { runComProgram } from '../../src/workloads/com.js';
import { clusterConfig, quietProfile } from '../support/profiles.js';

const tmp = (): string => mkdtempSync(join(tmpdir(), 'xenhpc-prog-'));
const read = (p: string): string => readFileSync(p, 'utf8');

function scenario(sequence: string, extra = ''): ReturnType<typeof loadScenario> {
  const dir = tmp();
  const f = join(dir, 's.yaml');
  writeFileSync(
    f,
    `name: prog
seed: 3
replications: 2
cluster: { nodes: 2, cpusPerNode: 2 }
profiles: [rhel-2.6.12, xen-3.0.1]
workloads:
  - { type: com, ops: 3, procs: 2, ${sequence ? `sequence: ${sequence}, ` : ''}sweep: { mode: [uni, bi], sizeBytes: [1024, 65536, 2048] } }
  - { type: laten, ops: 2, sweep: { procs: [2] } }
${extra}outputs: { dir: out, figures: [] }
`,
  );
  return loadScenario(f);
}

describe('sequence: program', () => {
  test('com is a program by default: one job per (profile, mode, replication) holding its sizes in sweep order; laten points stay alone', () => {
    const s = scenario('');
    const points = expandPoints(s);
    const jobs = expandJobs(points);
    // 2 profiles x (2 modes x 2 replications com programs + 2 laten points).
    assert.equal(jobs.length, 2 * (4 + 2));
    for (const job of jobs) {
      const ps = job.map((i) => points[i]!);
      if (ps[0]!.workload.type === 'laten') {
        assert.equal(job.length, 1);
        continue;
      }
      assert.deepEqual(ps.map((p) => p.workload.sizeBytes), [1024, 65536, 2048]);
      for (const p of ps) {
        assert.equal(p.profile.name, ps[0]!.profile.name);
        assert.equal(p.workload.mode, ps[0]!.workload.mode);
        assert.equal(p.replication, ps[0]!.replication);
        // The seed is the replication's, whatever the size.
        assert.equal(p.seed, ps[0]!.seed);
      }
    }
    const independent = expandJobs(expandPoints(scenario('independent')));
    assert.equal(independent.length, points.length);
  });

  test('longestFirst hands out the Xen com programs first, then native ones, laten last; equal jobs keep their order', () => {
    const points = expandPoints(scenario(''));
    const jobs = expandJobs(points);
    const ordered = longestFirst(jobs, points);
    assert.deepEqual([...ordered].map(String).sort(), jobs.map(String).sort(), 'the same jobs');
    const cost = (job: number[]): number => job.reduce((s, i) => s + estimateEvents(points[i]!), 0);
    for (let k = 1; k < ordered.length; k++) assert.ok(cost(ordered[k - 1]!) >= cost(ordered[k]!), `job ${k} is not longer than the one before it`);
    // In scenario order the native programs come first; the Xen path costs more events per frame.
    assert.equal(points[ordered[0]![0]!]!.profile.name, 'xen-3.0.1');
    assert.equal(points[jobs[0]![0]!]!.profile.name, 'rhel-2.6.12');
    assert.equal(points[ordered.at(-1)![0]!]!.workload.type, 'laten');
    // Two replications of one program cost the same: replication 0 stays before replication 1.
    const reps = ordered.filter((j) => points[j[0]!]!.profile.name === 'xen-3.0.1' && points[j[0]!]!.workload.mode === 'bi').map((j) => points[j[0]!]!.replication);
    assert.deepEqual(reps, [0, 1]);
  });

  test('a later size starts with the connection state the earlier sizes left: cwnd above a fresh connection\'s, and a faster run', () => {
    const w = { type: 'com' as const, mode: 'uni' as const, procs: 2, ops: 3 };
    const fresh = (): ReturnType<typeof buildCluster> => buildCluster(new Simulator({ seed: 1 }), clusterConfig({ nodes: 2 }), quietProfile('rhel-2.6.12'));
    const c = fresh();
    const cwndAtSizeEnd: number[] = [];
    const senderConn = (): { cwnd: number } => c.nodes[0]!.kernel.connections.reduce((a, b) => (b.stats.bytesSent > a.stats.bytesSent ? b : a));
    const program = runComProgram(c, w, [262144, 2048], { placement: 'cyclic' }, () => cwndAtSizeEnd.push(senderConn().cwnd));
    const initial = quietProfile('rhel-2.6.12').host.initialCwndSegments;
    assert.ok(cwndAtSizeEnd[0]! > 2 * initial, `cwnd after the 256 KiB size: ${cwndAtSizeEnd[0]} (initial ${initial})`);
    // The 2 KiB size alone, on fresh connections.
    const alone = runComProgram(fresh(), w, [2048], { placement: 'cyclic' });
    assert.ok(program[1]!.elapsedNs < alone[0]!.elapsedNs, `2 KiB after 256 KiB: ${program[1]!.elapsedNs} ns; alone: ${alone[0]!.elapsedNs} ns`);
  });

  test('a job of one size gives exactly runPoint\'s row, and independent jobs are runPoint', () => {
    for (const seq of ['program', 'independent']) {
      const s = scenario(seq);
      const points = expandPoints(s);
      for (const job of expandJobs(points)) {
        if (seq === 'independent' || job.length === 1) {
          assert.deepEqual(runJob(s, job.map((i) => points[i]!)), job.map((i) => runPoint(s, points[i]!)));
          continue;
        }
        const one = runJob(s, [points[job[0]!]!]);
        assert.deepEqual(one, [runPoint(s, points[job[0]!]!)]);
        // Later sizes run on used connections: their rows differ from the independent ones.
        const rows = runJob(s, job.map((i) => points[i]!));
        assert.equal(rows.length, job.length);
        assert.deepEqual(rows[0]!.optime_us, one[0]!.optime_us);
        assert.notDeepEqual(rows.slice(1).map((r) => r.elapsed_ns), job.slice(1).map((i) => runPoint(s, points[i]!).elapsed_ns));
        return;
      }
    }
  });

  test('program mode: --jobs 1 and 2 write identical files; a resume after losing one row of a program reruns it and gives the same bytes', async () => {
    const s = scenario('program');
    const dir = tmp();
    const a = await simulate(s, { jobs: 1, outDir: join(dir, 'a') });
    const b = await simulate(s, { jobs: 2, outDir: join(dir, 'b') });
    assert.deepEqual(b.rows, a.rows);
    assert.equal(a.rows.length, expandPoints(s).length);
    for (const f of ['results.csv', 'summary.csv', 'compare.csv']) assert.equal(read(join(dir, 'b', f)), read(join(dir, 'a', f)), f);
    // Drop the middle size of one program and resume: that job runs again, only the missing row is taken.
    const lines = read(join(dir, 'a', 'results.csv')).split('\n');
    const victim = lines.findIndex((l) => l.includes(',com,bi,65536,'));
    assert.ok(victim > 0);
    writeFileSync(join(dir, 'a', 'results.csv'), lines.filter((_, i) => i !== victim).join('\n'));
    const c = await simulate(s, { jobs: 2, outDir: join(dir, 'a'), resume: true });
    assert.equal(c.ran, 1);
    assert.equal(c.skipped, a.rows.length - 1);
    assert.equal(read(join(dir, 'a', 'results.csv')), read(join(dir, 'b', 'results.csv')));
  });

  test('shards take whole programs: they partition the points, and their rows are the unsharded rows', async () => {
    const s = scenario('program');
    const points = expandPoints(s);
    const full = await simulate(s, { jobs: 1, write: false });
    const seen = new Map<number, string>();
    for (const index of [1, 2, 3]) {
      const part = await simulate(s, { jobs: 1, write: false, shard: { index, count: 3 } });
      part.points.forEach((p, k) => {
        assert.ok(!seen.has(p), `point ${p} in two shards`);
        seen.set(p, JSON.stringify(part.rows[k]));
      });
      for (const job of expandJobs(points)) {
        const inShard = job.filter((i) => part.points.includes(i)).length;
        assert.ok(inShard === 0 || inShard === job.length, `job ${job} split across shards`);
      }
    }
    assert.equal(seen.size, points.length);
    full.points.forEach((p, k) => assert.equal(seen.get(p), JSON.stringify(full.rows[k])));
  });

  test('sequence cannot be swept, and only program or independent are allowed', () => {
    assert.throws(() => scenario('sometimes'), /sequence.*program.*independent/s);
    const dir = tmp();
    const f = join(dir, 's.yaml');
    writeFileSync(f, 'name: x\nprofiles: [rhel-2.6.12]\nworkload: { type: com }\nsweep: { sequence: [program, independent] }\n');
    assert.throws(() => loadScenario(f), /sequence cannot be swept/);
  });
});

/**
 * Every committed scenario (but the paper's) runs as committed, through the CLI's main in-process
 * (the CLI's own behaviour as a process is tested in cli.test.ts), and every row holds a measurement.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { csvParse } from 'd3-dsv';
import { SCENARIOS, cliIn, tempDir } from './helpers.js';

const read = (p: string): string => readFileSync(p, 'utf8');

/** The metric cells of a results.csv row must hold a measurement, and the run must have done work. */
function checkRows(csv: string, file: string): void {
  const rows = csvParse(csv);
  assert.ok(rows.length > 0, `${file}: no rows`);
  rows.forEach((r, i) => {
    const metrics = ['bandwidth_MBps', 'optime_us', 'latency_us'].map((c) => r[c] ?? '').filter((v) => v !== '');
    assert.ok(metrics.length > 0, `${file} row ${i + 2}: no bandwidth, optime or latency`);
    for (const v of metrics) assert.ok(Number.isFinite(Number(v)) && Number(v) > 0, `${file} row ${i + 2}: metric ${JSON.stringify(v)} is not a positive number`);
    assert.ok(Number(r.elapsed_ns) > 0 && Number.isInteger(Number(r.elapsed_ns)), `${file} row ${i + 2}: elapsed_ns ${r.elapsed_ns}`);
    assert.ok(Number(r.events) > 0 && Number.isInteger(Number(r.events)), `${file} row ${i + 2}: events ${r.events}`);
  });
}

describe('committed scenarios run', () => {
  test('the row check refuses blank measurements (it is not a pattern that matches any row)', () => {
    const header = 'scenario,profile,workload,mode,size_bytes,procs,ops,sock_buf_bytes,from_node,to_node,replication,seed,bandwidth_MBps,optime_us,latency_us,elapsed_ns,retransmits,drops,events';
    assert.throws(() => checkRows(`${header}\ns,rhel-2.6.12,com,uni,1024,2,10,,,,0,1#0,,,,,0,0,`, 'blank'), /no bandwidth, optime or latency/);
    assert.throws(() => checkRows(`${header}\ns,rhel-2.6.12,com,uni,1024,2,10,,,,0,1#0,NaN,,,5,0,0,9`, 'nan'), /not a positive number/);
    checkRows(`${header}\ns,rhel-2.6.12,com,uni,1024,2,10,,,,0,1#0,80.5,12.1,,5,0,0,9`, 'good');
  });

  const files = readdirSync(SCENARIOS).filter((f) => /\.(ya?ml|json)$/.test(f) && !f.includes('paper-2006'));
  for (const f of files) {
    test(f, async () => {
      const cwd = tempDir();
      const fast = f === 'quickstart.yaml' ? ['--ops', '2', '--reps', '1'] : [];
      const r = await cliIn(['run', join(SCENARIOS, f), '-q', '--out', 'o', ...fast], cwd);
      assert.equal(r.code, 0, r.stderr);
      // A point's row must carry a measurement, not only blanks.
      checkRows(read(join(cwd, 'o', 'results.csv')), f);
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

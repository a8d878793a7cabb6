/**
 * Trace memory: a traced simulation streams at least 10^7 trace rows (all layers) to a CSV through
 * TraceBus and TraceCsvWriter, and the process's resident memory must stay bounded (< 300 MB),
 * since the writer flushes every 64 kB instead of keeping rows.
 *
 *   tsc -p . && node dist/bench/trace-memory.js [minRows=1e7] [--keep]
 *
 * The run is a raw Gigabit TCP stream between two nodes, sized from a short calibration run so
 * it yields at least `minRows` rows. RSS is sampled inside the sink every 65,536 records (the
 * simulation is synchronous, so a timer would never fire during it). Prints rows written, file
 * size, wall time, rows/s and peak RSS; exits 1 if peak RSS reaches 300 MB.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { TraceBus, type TraceSink } from '../src/engine/trace.js';
import { TraceCsvWriter } from '../src/report/csv.js';
import { runPoint } from '../src/runner/run-point.js';
import { expandPoints, loadScenario } from '../src/scenario/index.js';

const LIMIT_MB = 300;
const args = process.argv.slice(2);
const minRows = Number(args.find((a) => !a.startsWith('--')) ?? 1e7);
const keep = args.includes('--keep');

/** Counts records and samples RSS, passing everything on. */
class MeasuringSink implements TraceSink {
  records = 0;
  peakRss = process.memoryUsage.rss();
  constructor(private readonly next: TraceSink | null) {}
  record(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void {
    if ((++this.records & 0xffff) === 0) {
      const rss = process.memoryUsage.rss();
      if (rss > this.peakRss) this.peakRss = rss;
    }
    this.next?.record(timeNs, node, layer, event, flow, seq, bytes, queue);
  }
}

const dir = mkdtempSync(join(tmpdir(), 'xenhpc-trace-bench-'));
const scenarioFile = join(dir, 'stream.yaml');
const streamScenario = (bytes: number): void =>
  writeFileSync(scenarioFile, `name: trace-memory\nseed: 1\nreplications: 1\ncluster: { nodes: 2, cpusPerNode: 2 }\nprofiles: [rhel-2.6.12]\nworkload: { type: stream, sizeBytes: ${bytes} }\n`);

// Calibration: rows per byte of stream, without writing anything.
const calBytes = 8 * 2 ** 20;
streamScenario(calBytes);
let s = loadScenario(scenarioFile);
const cal = new MeasuringSink(null);
runPoint(s, expandPoints(s)[0]!, new TraceBus(cal));
const bytes = Math.ceil(((minRows * 1.05) / cal.records) * calBytes / 65536) * 65536;

streamScenario(bytes);
s = loadScenario(scenarioFile);
const out = join(dir, 'trace.csv');
const writer = new TraceCsvWriter(out);
const sink = new MeasuringSink(writer);
const t0 = performance.now();
try {
  runPoint(s, expandPoints(s)[0]!, new TraceBus(sink));
  writer.close();
} catch (e) {
  writer.abort();
  throw e;
}
const wallS = (performance.now() - t0) / 1000;
const size = statSync(out).size;
const peakMb = sink.peakRss / 2 ** 20;
console.log(`stream of ${(bytes / 2 ** 20).toFixed(0)} MiB, all layers (calibration: ${(cal.records / calBytes * 1448).toFixed(2)} rows per 1448-byte segment)`);
console.log(`rows written   ${writer.rows.toLocaleString('en-US')}`);
console.log(`trace.csv      ${(size / 1e6).toFixed(0)} MB (${(size / writer.rows).toFixed(1)} bytes/row)`);
console.log(`wall time      ${wallS.toFixed(1)} s (${Math.round(writer.rows / wallS).toLocaleString('en-US')} rows/s)`);
console.log(`peak RSS       ${peakMb.toFixed(0)} MB (limit ${LIMIT_MB} MB)`);
if (keep) console.log(`kept ${out}`);
else rmSync(dir, { recursive: true, force: true });
if (writer.rows < minRows) {
  console.error(`FAIL: only ${writer.rows} rows, fewer than ${minRows}`);
  process.exitCode = 1;
}
if (peakMb >= LIMIT_MB) {
  console.error(`FAIL: peak RSS ${peakMb.toFixed(0)} MB >= ${LIMIT_MB} MB`);
  process.exitCode = 1;
}

// examples/library/trace-point.mjs: One point with a streamed event trace (docs/trace.md), then its rows read back.
//   node examples/library/trace-point.mjs         (writes trace.csv in the working directory)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expandPoints, loadScenario, runTracedPoint } from 'xenhpc';

const s = loadScenario(fileURLToPath(new URL('../../scenarios/pingpong-trace.yaml', import.meta.url)), ['workload.ops=10']);
const first = expandPoints(s)[0];
const t = runTracedPoint(s, first, { layers: ['wire', 'tcp'], nodes: ['n0'] }, 'trace.csv');
console.log(`${t.rows} trace rows; latency ${t.row.latency_us} us`);
const sends = readFileSync('trace.csv', 'utf8').split('\n').filter((l) => l.includes(',tcp,send,'));
console.log(`first segment sent: ${sends[0]}`);

import { loadScenario, expandPoints } from '../src/scenario/index.js';
import { runPoint } from '../src/runner/run-point.js';
const sc = loadScenario(process.argv[2]!, process.argv.slice(3));
const pts = expandPoints(sc);
const t0 = Date.now();
for (const p of pts) { const t = Date.now(); const r = runPoint(sc, p); console.log([r.profile, r.workload, r.mode, r.size_bytes, r.procs, r.replication, r.bandwidth_MBps, r.optime_us, r.latency_us, r.retransmits, r.drops, Date.now() - t].join('\t')); }
console.error('total wall', Date.now() - t0);

/**
 * npm run bench:tso-defect: an experiment, not a speed benchmark. Does the pre-2.6.11
 * tcp_fragment defect (rhel-2.6.9) make a bulk stream slower than the fixed kernel (rhel-2.6.12)?
 * The two profiles differ in that flag only, so each pair of runs below is the same seed and
 * path with and without the defect.
 *
 * Part 1: one loss-free stream per socket buffer size. Part 2: 2-3 streams into one switch port
 * whose rate (200 Mb/s to 1 Gb/s) and buffer (48-256 KiB) make them lose packets, so cwnd falls
 * and TSO is switched off, the two events that make Linux split queued TSO frames. It prints how
 * many pairs differ, the median and mean relative difference, and the timeouts,
 * fast retransmits and charged bytes summed over all runs. Give seeds as arguments to repeat
 * part 2 over them (npm run bench:tso-defect -- 1 2 3 4 5). docs/validation.md (claim 2) reports
 * the result.
 */
import { Simulator } from '../src/engine/simulator.js';
import { buildCluster } from '../src/cluster/cluster.js';
import { runStream } from '../src/workloads/stream.js';
import type { KernelProfile } from '../src/scenario/types.js';
import { clusterConfig, profile } from '../test/support/profiles.js';

const KERNELS = ['rhel-2.6.12', 'rhel-2.6.9'] as const;
const MiB = 2 ** 20;
const profiles = KERNELS.map((k) => profile(k));
/** Seeds to run part 2 with, from the command line (npm run bench:tso-defect -- 1 2 3); default 1. */
const seeds = process.argv.slice(2).map(Number);
if (seeds.length === 0) seeds.push(1);
if (seeds.some((x) => !Number.isInteger(x))) throw new Error(`seeds must be integers: ${process.argv.slice(2).join(' ')}`);

interface Outcome {
  bandwidthMBps: number;
  timeouts: number;
  fastRetransmits: number;
  drops: number;
  charges: number;
  chargedBytes: number;
}

function run(p: KernelProfile, seed: number, portRateBps: number, portBufferBytes: number, streams: number, sockBufBytes: number, sizeBytes: number): Outcome {
  const c = buildCluster(new Simulator({ seed }), clusterConfig({ switch: { portBufferBytes, fabricLatencyNs: 3000, portRateBps } }), p);
  const r = runStream(c, { type: 'stream', sizeBytes, streams, sockBufBytes });
  const conns = c.nodes.flatMap((n) => n.kernel.connections);
  const sum = (f: (x: (typeof conns)[number]) => number) => conns.reduce((a, x) => a + f(x), 0);
  return {
    bandwidthMBps: r.bandwidthMBps!,
    timeouts: sum((x) => x.stats.timeouts),
    fastRetransmits: sum((x) => x.stats.fastRetransmits),
    drops: c.switch.drops,
    charges: c.nodes.reduce((a, n) => a + n.kernel.fragmentCharges, 0),
    chargedBytes: c.nodes.reduce((a, n) => a + n.kernel.fragmentChargeBytes, 0),
  };
}

const fmt = (x: number, d = 2) => x.toFixed(d);

console.log('Part 1: one loss-free stream of 64 MiB at 1 Gb/s');
console.log('sock_buf_bytes  2.6.12 MB/s  2.6.9 MB/s  charges(2.6.9)');
for (const sock of [0, 32768, 131071]) {
  const [fixed, defect] = profiles.map((p) => run(p, 1, 0, 262144, 1, sock, 64 * MiB)) as [Outcome, Outcome];
  console.log(`${String(sock).padStart(14)}  ${fmt(fixed.bandwidthMBps, 3).padStart(11)}  ${fmt(defect.bandwidthMBps, 3).padStart(10)}  ${defect.charges}`);
}

console.log(`\nPart 2: 2-3 streams of 4 MiB into one port, 200 Mb/s-1 Gb/s, 48-256 KiB of port buffer, seed ${seeds.join(', ')}`);
const diffs: number[] = [];
const totals = KERNELS.map(() => ({ timeouts: 0, fastRetransmits: 0, charges: 0, chargedBytes: 0 }));
let slower = 0;
let faster = 0;
let worst = { diff: 0, label: '' };
let best = { diff: 0, label: '' };
/** Configurations (all seeds together) in which one kernel took more timeouts than the other. */
const moreTimeouts = KERNELS.map(() => new Set<string>());
const configs: { sock: number; rate: number; buf: number; streams: number }[] = [];
for (const sock of [65536, 131071])
  for (const rate of [2e8, 3e8, 4e8, 5e8, 6e8, 7e8, 8e8, 9e8, 0])
    for (let buf = 49152; buf <= 262144; buf += 16384) for (const streams of [2, 3]) configs.push({ sock, rate, buf, streams });
for (const seed of seeds) {
  for (const { sock, rate, buf, streams } of configs) {
    const outs = profiles.map((p) => run(p, seed, rate, buf, streams, sock, 4 * MiB)) as [Outcome, Outcome];
    if (outs[0].drops === 0 && outs[1].drops === 0) continue;
    outs.forEach((o, i) => {
      const t = totals[i]!;
      t.timeouts += o.timeouts;
      t.fastRetransmits += o.fastRetransmits;
      t.charges += o.charges;
      t.chargedBytes += o.chargedBytes;
    });
    const diff = outs[1].bandwidthMBps / outs[0].bandwidthMBps - 1;
    diffs.push(diff);
    const config = `${rate === 0 ? 1000 : rate / 1e6} Mb/s, ${buf / 1024} KiB, ${streams} streams, sock ${sock}`;
    if (outs[0].timeouts !== outs[1].timeouts) moreTimeouts[outs[0].timeouts > outs[1].timeouts ? 0 : 1]!.add(config);
    const label = `${config}, seed ${seed}: ${fmt(outs[0].bandwidthMBps)} vs ${fmt(outs[1].bandwidthMBps)} MB/s, timeouts ${outs[0].timeouts} vs ${outs[1].timeouts}`;
    if (diff < -0.001) slower++;
    if (diff > 0.001) faster++;
    if (diff < worst.diff) worst = { diff, label };
    if (diff > best.diff) best = { diff, label };
  }
}
const n = diffs.length;
const mean = diffs.reduce((a, b) => a + b, 0) / n;
const sd = Math.sqrt(diffs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
console.log(`lossy pairs: ${n}; 2.6.9 slower by > 0.1 %: ${slower}, faster: ${faster}, within 0.1 %: ${n - slower - faster}`);
const median = [...diffs].sort((a, b) => a - b)[Math.floor(n / 2)]!;
console.log(`difference (2.6.9 / 2.6.12 - 1): median ${fmt(median * 100)} %, mean ${fmt(mean * 100)} % +- ${fmt((sd / Math.sqrt(n)) * 100)} % (standard error)`);
KERNELS.forEach((k, i) => {
  const t = totals[i]!;
  console.log(`${k.padEnd(12)} timeouts ${t.timeouts}, fast retransmits ${t.fastRetransmits}, tcp_fragment charges ${t.charges} (${fmt(t.chargedBytes / MiB, 1)} MiB), more timeouts than the other kernel in ${moreTimeouts[i]!.size} configurations`);
});
if (worst.label !== '') console.log(`largest slowdown: ${fmt(worst.diff * 100, 1)} % (${worst.label})`);
if (best.label !== '') console.log(`largest speed-up: ${fmt(best.diff * 100, 1)} % (${best.label})`);

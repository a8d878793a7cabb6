/**
 * The 2008 paper's HVM claims (Thibault and Deegan, HPCVirt'08, section 5 and Figure 5), checked
 * against a run's summary and compare tables like the 2006 claims (claims.ts). The profiles
 * standing for "qemu in dom0" and "qemu in a stub domain" are roles the scenario names
 * (`claims.roles`); thresholds are stated in each title and in docs/validation-2008.md.
 *
 *  1. An HVM guest's inb round trip is far shorter with the device model in a stub domain.
 *  2. The emulated NIC's throughput is 20-30 % higher with the stub domain.
 *  3. With dom0 loaded, the dom0 device model's latency degrades; the stub domain's does not.
 *  4. (the issue's extrapolation of section 4) MPI ranks in Mini-OS domains: lower small-message
 *     latency than a PV Linux guest on the same path, if lwIP's windows are tuned.
 */
import type { ClaimResult, CompareLike, SummaryLike } from './claims.js';
import { tTwoSidedP } from './stats.js';

export interface Claim2008Options {
  /** Profile whose device model is a dom0 process (default xen-hvm). */
  dom0?: string;
  /** Profile whose device model runs in a stub domain (default xen-hvm-stubdom). */
  stubdom?: string;
  /** Smallest relative reduction that makes a round trip "far shorter" (default 0.3). */
  farShorter?: number;
  /** The paper's throughput gain band (default 0.20..0.30). */
  gainLow?: number;
  gainHigh?: number;
  /** Smallest relative latency rise under load that counts as "degrades" (default 0.5). */
  degrades?: number;
  /** Largest relative change under load that counts as "does not degrade" (default 0.05). */
  unchanged?: number;
  /** Claim 4: the PV Linux guest (default xen-3.0.1), Mini-OS domains with lwIP's default windows (minios) and tuned (minios-tuned). */
  pv?: string;
  minios?: string;
  miniosTuned?: string;
}

interface Stat {
  n: number;
  mean: number;
  sd: number;
}

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const pct = (x: number): string => `${fmt(x * 100, 1)} %`;

/** Welch's t-test from two summaries (mean, sd, n): p, and significance at 0.95. */
export function welchFromStats(a: Stat, b: Stat): { t: number; p: number; significant: boolean } {
  if (a.n < 2 || b.n < 2) return { t: NaN, p: NaN, significant: false };
  const va = (a.sd * a.sd) / a.n;
  const vb = (b.sd * b.sd) / b.n;
  const se2 = va + vb;
  const diff = a.mean - b.mean;
  if (se2 === 0) return diff === 0 ? { t: 0, p: 1, significant: false } : { t: diff > 0 ? Infinity : -Infinity, p: 0, significant: true };
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  const p = tTwoSidedP(t, df);
  return { t, p, significant: p < 0.05 };
}

function stat(summary: readonly SummaryLike[], profile: string, workload: string, key: 'procs' | 'size_bytes', value: number, metric: string): Stat | undefined {
  const r = summary.find((x) => x.profile === profile && x.workload === workload && Number(x[key]) === value && x.metric === metric);
  return r && { n: Number(r.n), mean: Number(r.mean), sd: Number(r.sd) };
}

function points(summary: readonly SummaryLike[], workload: string, key: 'procs' | 'size_bytes', metric: string): number[] {
  const s = new Set<number>();
  for (const r of summary) if (r.workload === workload && r.metric === metric) s.add(Number(r[key]));
  return [...s].sort((a, b) => a - b);
}

export function checkClaims2008(summary: readonly SummaryLike[], _compare: readonly CompareLike[], opts: Claim2008Options = {}): ClaimResult[] {
  const kDom0 = opts.dom0 ?? 'xen-hvm';
  const kStub = opts.stubdom ?? 'xen-hvm-stubdom';
  const far = opts.farShorter ?? 0.3;
  const lo = opts.gainLow ?? 0.2;
  const hi = opts.gainHigh ?? 0.3;
  const degrades = opts.degrades ?? 0.5;
  const unchanged = opts.unchanged ?? 0.05;
  const kPv = opts.pv ?? 'xen-3.0.1';
  const kMini = opts.minios ?? 'minios';
  const kTuned = opts.miniosTuned ?? 'minios-tuned';
  const LAT = 'latency_us';
  const BW = 'bandwidth_MBps';
  const results: ClaimResult[] = [];
  const claim = (id: number, title: string, f: () => { pass: boolean; detail: string }): void => {
    try {
      results.push({ id, title, ...f() });
    } catch (e) {
      results.push({ id, title, pass: false, detail: `not checkable: ${(e as Error).message}` });
    }
  };
  const need = (s: Stat | undefined, what: string): Stat => {
    if (!s) throw new Error(`no data for ${what}`);
    return s;
  };
  const loads = (): number[] => {
    const l = points(summary, 'ioport', 'procs', LAT);
    if (l.length === 0) throw new Error('no ioport results');
    return l;
  };

  claim(1, `inb round trip (ioport, least dom0 load in the run): with the device model in a stub domain at least ${far * 100} % shorter than in dom0, and significantly so (Welch p < 0.05)`, () => {
    const load = loads()[0]!;
    const d = need(stat(summary, kDom0, 'ioport', 'procs', load, LAT), `${kDom0} ioport at dom0 load ${load}`);
    const s = need(stat(summary, kStub, 'ioport', 'procs', load, LAT), `${kStub} ioport at dom0 load ${load}`);
    const t = welchFromStats(s, d);
    const reduction = 1 - s.mean / d.mean;
    return {
      pass: reduction >= far && t.significant && s.mean < d.mean,
      detail: `at ${load} dom0 load processes: stub domain ${fmt(s.mean)} us vs dom0 ${fmt(d.mean)} us (${pct(reduction)} shorter, p=${fmt(t.p, 3)})`,
    };
  });

  claim(2, `Emulated NIC throughput (stream, largest size in the run): ${lo * 100}-${hi * 100} % higher with the stub domain than with qemu-dm in dom0`, () => {
    const sizes = points(summary, 'stream', 'size_bytes', BW);
    if (sizes.length === 0) throw new Error('no stream results');
    const size = sizes[sizes.length - 1]!;
    const d = need(stat(summary, kDom0, 'stream', 'size_bytes', size, BW), `${kDom0} stream ${size}`);
    const s = need(stat(summary, kStub, 'stream', 'size_bytes', size, BW), `${kStub} stream ${size}`);
    const gain = s.mean / d.mean - 1;
    return { pass: gain >= lo && gain <= hi, detail: `${size} B: stub domain ${fmt(s.mean)} MB/s vs dom0 ${fmt(d.mean)} MB/s: ${gain >= 0 ? '+' : ''}${pct(gain)}` };
  });

  claim(3, `Loaded dom0 (ioport, most vs least dom0 load in the run): the dom0 device model's round trip at least ${degrades * 100} % longer and significantly so (Welch p < 0.05); the stub domain's within ${unchanged * 100} % of its unloaded value`, () => {
    const l = loads();
    if (l.length < 2) throw new Error('ioport ran at one dom0 load only: sweep dom0LoadProcs');
    const l0 = l[0]!;
    const l1 = l[l.length - 1]!;
    const d0 = need(stat(summary, kDom0, 'ioport', 'procs', l0, LAT), `${kDom0} ioport at load ${l0}`);
    const d1 = need(stat(summary, kDom0, 'ioport', 'procs', l1, LAT), `${kDom0} ioport at load ${l1}`);
    const s0 = need(stat(summary, kStub, 'ioport', 'procs', l0, LAT), `${kStub} ioport at load ${l0}`);
    const s1 = need(stat(summary, kStub, 'ioport', 'procs', l1, LAT), `${kStub} ioport at load ${l1}`);
    const td = welchFromStats(d1, d0);
    const rise = d1.mean / d0.mean - 1;
    const stubChange = s1.mean / s0.mean - 1;
    const parts = l.map((x) => {
      const a = stat(summary, kDom0, 'ioport', 'procs', x, LAT);
      const b = stat(summary, kStub, 'ioport', 'procs', x, LAT);
      return `${x}: dom0 ${a ? fmt(a.mean) : '-'} / stub ${b ? fmt(b.mean) : '-'}`;
    });
    return {
      pass: rise >= degrades && td.significant && Math.abs(stubChange) <= unchanged,
      detail: `us by dom0 load processes: ${parts.join('; ')}; dom0 ${rise >= 0 ? '+' : ''}${pct(rise)} (p=${fmt(td.p, 3)}), stub domain ${stubChange >= 0 ? '+' : ''}${pct(stubChange)}`,
    };
  });

  claim(4, 'Small-message MPI latency (mpi-pingpong, every size in the run): ranks in Mini-OS domains with tuned lwIP windows significantly lower than the PV Linux guest (Welch p < 0.05) at every size; with lwIP\'s default windows not lower than the PV guest at the largest size', () => {
    const PP = 'mpi-pingpong';
    const sizes = points(summary, PP, 'size_bytes', LAT);
    if (sizes.length === 0) throw new Error('no mpi-pingpong results');
    let pass = true;
    const parts = sizes.map((size) => {
      const v = need(stat(summary, kPv, PP, 'size_bytes', size, LAT), `${kPv} ${PP} ${size} B`);
      const m = need(stat(summary, kMini, PP, 'size_bytes', size, LAT), `${kMini} ${PP} ${size} B`);
      const t = need(stat(summary, kTuned, PP, 'size_bytes', size, LAT), `${kTuned} ${PP} ${size} B`);
      const w = welchFromStats(t, v);
      if (!(t.mean < v.mean && w.significant)) pass = false;
      return `${size} B: PV ${fmt(v.mean)}, Mini-OS ${fmt(m.mean)}, tuned ${fmt(t.mean)} us (tuned ${pct(1 - t.mean / v.mean)} lower, p=${fmt(w.p, 3)})`;
    });
    const top = sizes[sizes.length - 1]!;
    const vTop = need(stat(summary, kPv, PP, 'size_bytes', top, LAT), `${kPv} ${PP} ${top} B`);
    const mTop = need(stat(summary, kMini, PP, 'size_bytes', top, LAT), `${kMini} ${PP} ${top} B`);
    const untunedLoses = mTop.mean >= vTop.mean;
    return { pass: pass && untunedLoses, detail: `${parts.join('; ')}; default windows at ${top} B ${untunedLoses ? 'not lower' : 'lower'} than PV` };
  });

  return results;
}

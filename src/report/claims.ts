/**
 * The 2006 paper's claims (DESIGN.md section 4), checked against a run's summary and compare
 * tables. Each check says what it measured, with means and t-tests, so a FAIL shows how far off
 * the model is. Thresholds are stated in the check titles and in docs/validation.md; they are
 * about the shape of the result (lower, higher, converges, within 5 %), never about a kernel.
 */

/** Rows as summaryRows()/compareRows() give them, or as read back from CSV (strings). */
export type SummaryLike = Readonly<Record<string, number | string | boolean>>;
export type CompareLike = Readonly<Record<string, number | string | boolean>>;

/** The figures of one summary point, as numbers. */
interface Stat {
  n: number;
  mean: number;
  sd: number;
  max: number;
}

export interface ClaimResult {
  id: number;
  title: string;
  pass: boolean;
  detail: string;
}

export interface ClaimOptions {
  /** Profile names standing for the paper's four kernels. */
  rhel269?: string;
  rhel2612?: string;
  chaos?: string;
  xen?: string;
  /** Relative tolerance for "the same plateau" (default 0.05). */
  tolerance?: number;
  /**
   * Smallest relative difference a "significantly lower/higher" needs besides p < 0.05 (default
   * 0.01): a model without run-to-run variance makes any difference, however small, significant.
   */
  minEffect?: number;
}

const fmt = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : String(x));
const isSig = (c: CompareLike): boolean => c.significant === true || c.significant === 'true';
const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

class Tables {
  constructor(
    readonly summary: readonly SummaryLike[],
    readonly compare: readonly CompareLike[],
  ) {}

  /** The largest linpack matrix (size_bytes = 8 n^2) in the run, or undefined. */
  linpackSize(): number | undefined {
    const s = this.points('linpack', '', 'size_bytes', 'mflops');
    return s.length ? s[s.length - 1] : undefined;
  }

  row(profile: string, workload: string, mode: string, key: 'size_bytes' | 'procs', value: number, metric: string): Stat | undefined {
    const r = this.summary.find((x) => x.profile === profile && x.workload === workload && str(x.mode) === mode && Number(x[key]) === value && x.metric === metric);
    return r && { n: Number(r.n), mean: Number(r.mean), sd: Number(r.sd), max: Number(r.max) };
  }

  /** Values of `key` present for a workload/mode/metric, ascending. */
  points(workload: string, mode: string, key: 'size_bytes' | 'procs', metric: string): number[] {
    const s = new Set<number>();
    for (const r of this.summary) if (r.workload === workload && str(r.mode) === mode && r.metric === metric) s.add(Number(r[key]));
    return [...s].sort((a, b) => a - b);
  }

  /** The t-test between a and b at a point (either order), oriented so mean_a belongs to a. */
  test(a: string, b: string, workload: string, mode: string, key: 'size_bytes' | 'procs', value: number, metric: string): { meanA: number; meanB: number; t: number; p: number; sig: boolean } | undefined {
    for (const c of this.compare) {
      if (c.workload !== workload || str(c.mode) !== mode || Number(c[key]) !== value || c.metric !== metric) continue;
      const meanA = Number(c.mean_a);
      const meanB = Number(c.mean_b);
      const t = Number(c.t);
      if (c.profile_a === a && c.profile_b === b) return { meanA, meanB, t, p: Number(c.p), sig: isSig(c) };
      if (c.profile_a === b && c.profile_b === a) return { meanA: meanB, meanB: meanA, t: -t, p: Number(c.p), sig: isSig(c) };
    }
    return undefined;
  }
}

const log2 = (x: number): string => `2^${Math.round(Math.log2(x))}`;

/** What every 2006 claim's check reads: the tables, which profile is which kernel, the thresholds. */
class Ctx2006 {
  readonly T: Tables;
  readonly k269: string;
  readonly k2612: string;
  readonly kChaos: string;
  readonly kXen: string;
  readonly tol: number;
  readonly minEffect: number;

  constructor(summary: readonly SummaryLike[], compare: readonly CompareLike[], opts: ClaimOptions) {
    this.T = new Tables(summary, compare);
    this.k269 = opts.rhel269 ?? 'rhel-2.6.9';
    this.k2612 = opts.rhel2612 ?? 'rhel-2.6.12';
    this.kChaos = opts.chaos ?? 'chaos-2.6.9';
    this.kXen = opts.xen ?? 'xen-3.0.1';
    this.tol = opts.tolerance ?? 0.05;
    this.minEffect = opts.minEffect ?? 0.01;
  }

  need(row: Stat | undefined, what: string): Stat {
    if (!row) throw new Error(`no data for ${what}`);
    return row;
  }

  /** The com message sizes of a mode, ascending (an error when there are none). */
  sizes(mode: string): number[] {
    const s = this.T.points('com', mode, 'size_bytes', BW);
    if (s.length === 0) throw new Error(`no com ${mode} results`);
    return s;
  }

  largest(mode: string): number {
    const s = this.sizes(mode);
    return s[s.length - 1]!;
  }

  /**
   * Whether kernel `k`'s com `metric` at `size` is significantly (Welch, p < 0.05) below (-1) or
   * above (+1) both 2.6.12 and CHAOS, by at least minEffect of their means.
   */
  beyondNatives(k: string, size: number, metric: string, direction: -1 | 1, mode = 'uni'): boolean {
    return [this.k2612, this.kChaos].every((o) => {
      const t = this.T.test(k, o, 'com', mode, 'size_bytes', size, metric);
      return t !== undefined && t.sig && Math.sign(t.meanA - t.meanB) === direction && Math.abs(t.meanA / t.meanB - 1) >= this.minEffect;
    });
  }
}

/** One claim: its title (with the thresholds in use) and its check, which throws when the run lacks its data. */
interface Claim2006 {
  id: number;
  title(ctx: Ctx2006): string;
  check(ctx: Ctx2006): { pass: boolean; detail: string };
}

const BW = 'bandwidth_MBps';
const OP = 'optime_us';
const LAT = 'latency_us';
const pct = (x: number, d = 0): string => `${fmt(x * 100, d)} %`;

const CLAIMS: readonly Claim2006[] = [
  {
    id: 1,
    title: (ctx) => `Large messages: every kernel reaches the same plateau (within ${ctx.tol * 100} %), uni and bi, except RHEL 2.6.9 uni`,
    check: (ctx) => {
      const parts: string[] = [];
      const means: number[] = [];
      for (const mode of ['uni', 'bi']) {
        const size = ctx.largest(mode);
        for (const k of [ctx.k269, ctx.k2612, ctx.kChaos, ctx.kXen]) {
          if (mode === 'uni' && k === ctx.k269) continue;
          const m = ctx.need(ctx.T.row(k, 'com', mode, 'size_bytes', size, BW), `${k} ${mode} ${size}`).mean;
          means.push(m);
          parts.push(`${k} ${mode} ${fmt(m)}`);
        }
      }
      const hi = Math.max(...means);
      const lo = Math.min(...means);
      return { pass: lo >= hi * (1 - ctx.tol), detail: `at ${log2(ctx.largest('uni'))} B, MB/s: ${parts.join('; ')}; spread ${fmt((1 - lo / hi) * 100, 1)} %` };
    },
  },
  {
    id: 2,
    title: (ctx) => `RHEL 2.6.9 uni: for large messages (>= 2^16) its mean bandwidth is significantly lower than both RHEL 2.6.12's and CHAOS's and its mean OpTime significantly higher (Welch p < 0.05 and >= ${ctx.minEffect * 100} % apart), at the largest size and at half the large sizes or more`,
    check: (ctx) => {
      const big = ctx.sizes('uni').filter((s) => s >= 65536);
      if (big.length === 0) throw new Error('no com uni results at 2^16 or above');
      let lowerBw = 0;
      let higherOp = 0;
      let atLargest = false;
      const parts: string[] = [];
      for (const s of big) {
        const bw = ctx.beyondNatives(ctx.k269, s, BW, -1);
        const op = ctx.beyondNatives(ctx.k269, s, OP, 1);
        if (bw) lowerBw++;
        if (op) higherOp++;
        if (s === big[big.length - 1]) atLargest = bw && op;
        const t = ctx.T.test(ctx.k269, ctx.k2612, 'com', 'uni', 'size_bytes', s, BW);
        if (t) parts.push(`${log2(s)}: ${fmt(t.meanA)} vs ${fmt(t.meanB)} (t=${fmt(t.t)}, p=${fmt(t.p, 3)})`);
      }
      const half = Math.ceil(big.length / 2);
      return {
        pass: atLargest && lowerBw >= half && higherOp >= half,
        detail: `lower bandwidth at ${lowerBw}/${big.length} sizes, higher OpTime at ${higherOp}/${big.length}, both at the largest: ${atLargest ? 'yes' : 'no'}; 2.6.9 vs 2.6.12 MB/s ${parts.join('; ')}`,
      };
    },
  },
  {
    id: 3,
    title: (ctx) => `Xen uni bandwidth significantly lower than CHAOS and RHEL 2.6.12 at every size <= 2^10 (Welch p < 0.05, >= ${ctx.minEffect * 100} % lower) and converging for large ones (within ${ctx.tol * 100} % of CHAOS at the largest size); bi: at sizes <= 2^10 the difference is insignificant (at most 20 % of the Xen/CHAOS and Xen/2.6.12 t-tests significant)`,
    check: (ctx) => {
      const small = ctx.sizes('uni').filter((s) => s <= 1024);
      let lower = 0;
      const parts: string[] = [];
      for (const s of small) {
        if (ctx.beyondNatives(ctx.kXen, s, BW, -1)) lower++;
        const t = ctx.T.test(ctx.kXen, ctx.kChaos, 'com', 'uni', 'size_bytes', s, BW);
        if (t) parts.push(`${log2(s)}: ${fmt(t.meanA)} vs ${fmt(t.meanB)}`);
      }
      const size = ctx.largest('uni');
      const x = ctx.need(ctx.T.row(ctx.kXen, 'com', 'uni', 'size_bytes', size, BW), 'xen uni largest').mean;
      const c = ctx.need(ctx.T.row(ctx.kChaos, 'com', 'uni', 'size_bytes', size, BW), 'chaos uni largest').mean;
      const converged = Math.abs(x / c - 1) <= ctx.tol;
      // The second sentence: bidirectional small messages show no significant difference.
      const smallBi = ctx.sizes('bi').filter((s) => s <= 1024);
      let biTests = 0;
      let biSig = 0;
      const biAt: string[] = [];
      for (const s of smallBi) {
        for (const o of [ctx.kChaos, ctx.k2612]) {
          const t = ctx.T.test(ctx.kXen, o, 'com', 'bi', 'size_bytes', s, BW);
          if (!t) continue;
          biTests++;
          if (t.sig) {
            biSig++;
            biAt.push(`${log2(s)} vs ${o} ${fmt(t.meanA)}/${fmt(t.meanB)} (${pct(t.meanA / t.meanB - 1, 1)})`);
          }
        }
      }
      const biInsignificant = biTests > 0 && biSig <= 0.2 * biTests;
      return {
        pass: small.length > 0 && lower === small.length && converged && biInsignificant,
        detail: `uni: Xen below both at ${lower}/${small.length} small sizes (Xen vs CHAOS MB/s ${parts.join('; ')}); at ${log2(size)}: Xen ${fmt(x)} vs CHAOS ${fmt(c)}; bi <= 2^10: ${biSig} of ${biTests} t-tests significant${biAt.length ? ': ' + biAt.slice(0, 4).join('; ') + (biAt.length > 4 ? '; ...' : '') : ''}`,
      };
    },
  },
  {
    id: 4,
    title: () => 'Bi: CHAOS and RHEL 2.6.12 hypersaturate between 2^12 and 2^16 (mean above the large-message plateau); Xen does not reach them, and even its best run is lower at 2^14 and 2^15',
    check: (ctx) => {
      const size = ctx.largest('bi');
      const parts: string[] = [];
      let pass = true;
      for (const k of [ctx.kChaos, ctx.k2612]) {
        const plateau = ctx.need(ctx.T.row(k, 'com', 'bi', 'size_bytes', size, BW), `${k} bi plateau`).mean;
        const mid = ctx.sizes('bi').filter((s) => s >= 4096 && s <= 65536);
        const peak = Math.max(...mid.map((s) => ctx.need(ctx.T.row(k, 'com', 'bi', 'size_bytes', s, BW), `${k} bi ${s}`).mean));
        parts.push(`${k} peak ${fmt(peak)} vs plateau ${fmt(plateau)}`);
        if (!(peak > plateau * (1 + ctx.tol))) pass = false;
      }
      for (const s of [16384, 32768]) {
        const xMax = ctx.need(ctx.T.row(ctx.kXen, 'com', 'bi', 'size_bytes', s, BW), `xen bi ${s}`).max;
        const others = Math.min(...[ctx.kChaos, ctx.k2612].map((k) => ctx.need(ctx.T.row(k, 'com', 'bi', 'size_bytes', s, BW), `${k} bi ${s}`).max));
        parts.push(`${log2(s)} best run: Xen ${fmt(xMax)} vs ${fmt(others)}`);
        if (!(xMax < others)) pass = false;
      }
      return { pass, detail: parts.join('; ') };
    },
  },
  {
    id: 5,
    title: (ctx) => `Bi: RHEL 2.6.9's mean bandwidth is significantly lower than both CHAOS's and RHEL 2.6.12's (Welch p < 0.05, >= ${ctx.minEffect * 100} % lower) at one size or more in 2^12..2^16, while its best run matches theirs (within ${ctx.tol * 100} % of the better best run at every size): the lower mean comes from variance`,
    check: (ctx) => {
      let worst = 0;
      let worstAt = 0;
      for (const s of ctx.sizes('bi')) {
        const m = ctx.need(ctx.T.row(ctx.k269, 'com', 'bi', 'size_bytes', s, BW), `2.6.9 bi ${s}`).max;
        const o = Math.max(...[ctx.kChaos, ctx.k2612].map((k) => ctx.need(ctx.T.row(k, 'com', 'bi', 'size_bytes', s, BW), `${k} bi ${s}`).max));
        const d = Math.abs(m / o - 1);
        if (d > worst) {
          worst = d;
          worstAt = s;
        }
      }
      const mid = ctx.sizes('bi').filter((s) => s >= 4096 && s <= 65536);
      const lowerAt: string[] = [];
      for (const s of mid) {
        if (!ctx.beyondNatives(ctx.k269, s, BW, -1, 'bi')) continue;
        const m = ctx.need(ctx.T.row(ctx.k269, 'com', 'bi', 'size_bytes', s, BW), `2.6.9 bi ${s}`);
        const c = ctx.need(ctx.T.row(ctx.kChaos, 'com', 'bi', 'size_bytes', s, BW), `chaos bi ${s}`);
        lowerAt.push(`${log2(s)} (${fmt(m.mean)} vs CHAOS ${fmt(c.mean)}, sd ${fmt(m.sd)} vs ${fmt(c.sd)})`);
      }
      const maxMatches = worst <= ctx.tol;
      return {
        pass: lowerAt.length > 0 && maxMatches,
        detail: `mean significantly lower than both at ${lowerAt.length}/${mid.length} sizes in 2^12..2^16${lowerAt.length ? ': ' + lowerAt.join('; ') : ''}; largest gap between 2.6.9's best run and the others' best: ${fmt(worst * 100, 1)} % at ${log2(worstAt || 1)}`,
      };
    },
  },
  {
    id: 6,
    title: () => 'OpTime: no significant difference between Xen, CHAOS and RHEL 2.6.12 for messages >= 2^16 (uni and bi), at 80 % of the sizes or more',
    check: (ctx) => {
      let tests = 0;
      let sig = 0;
      const sigAt: string[] = [];
      for (const mode of ['uni', 'bi']) {
        for (const s of ctx.sizes(mode).filter((x) => x >= 65536)) {
          for (const [a, b] of [[ctx.kXen, ctx.kChaos], [ctx.kXen, ctx.k2612], [ctx.kChaos, ctx.k2612]] as const) {
            const t = ctx.T.test(a, b, 'com', mode, 'size_bytes', s, OP);
            if (!t) continue;
            tests++;
            if (t.sig) {
              sig++;
              sigAt.push(`${mode} ${log2(s)} ${a}/${b} (${fmt(t.meanA, 0)} vs ${fmt(t.meanB, 0)} us)`);
            }
          }
        }
      }
      return { pass: tests > 0 && sig <= 0.2 * tests, detail: `${sig} of ${tests} t-tests significant${sigAt.length ? ': ' + sigAt.slice(0, 6).join('; ') + (sigAt.length > 6 ? '; ...' : '') : ''}` };
    },
  },
  {
    id: 7,
    title: () => 'Latency (laten): Xen below CHAOS and RHEL 2.6.12 up to 32 processes and above them beyond; RHEL 2.6.9 lowest of all',
    check: (ctx) => {
      const procs = ctx.T.points('laten', '', 'procs', LAT);
      if (procs.length === 0) throw new Error('no laten results');
      const parts: string[] = [];
      let pass = true;
      for (const p of procs) {
        const v = (k: string) => ctx.need(ctx.T.row(k, 'laten', '', 'procs', p, LAT), `${k} laten ${p}`).mean;
        const x = v(ctx.kXen);
        const c = v(ctx.kChaos);
        const r = v(ctx.k2612);
        const o = v(ctx.k269);
        const xenOk = p <= 32 ? x < c && x < r : x > c && x > r;
        const lowest = o <= Math.min(x, c, r);
        if (!xenOk || !lowest) pass = false;
        parts.push(`${p}: xen ${fmt(x, 1)}, chaos ${fmt(c, 1)}, 2.6.12 ${fmt(r, 1)}, 2.6.9 ${fmt(o, 1)}${xenOk && lowest ? '' : ' (x)'}`);
      }
      return { pass, detail: `us by processes: ${parts.join('; ')}` };
    },
  },
  {
    id: 8,
    title: () => 'LINPACK (Figure 5): Xen Mflops 2 % below CHAOS (-3 % to -1 %) and 3 % above both RHEL kernels (+2 % to +4 %); Xen factor and total times above CHAOS\'s (means) and significantly below both RHEL kernels\' (Welch p < 0.05); no significant solve-time difference between Xen and any other kernel',
    check: (ctx) => {
      const size = ctx.T.linpackSize();
      if (size === undefined) throw new Error('no linpack results');
      const mean = (k: string, metric: string) => ctx.need(ctx.T.row(k, 'linpack', '', 'size_bytes', size, metric), `${k} linpack ${metric}`).mean;
      const xM = mean(ctx.kXen, 'mflops');
      const vsChaos = xM / mean(ctx.kChaos, 'mflops') - 1;
      const vsRhel = [ctx.k269, ctx.k2612].map((k) => xM / mean(k, 'mflops') - 1);
      const mflopsOk = vsChaos >= -0.03 && vsChaos <= -0.01 && vsRhel.every((d) => d >= 0.02 && d <= 0.04);
      const slowerThanChaos = ['factor_s', 'total_s'].every((m) => mean(ctx.kXen, m) > mean(ctx.kChaos, m));
      const fasterThanRhel = ['factor_s', 'total_s'].every((m) =>
        [ctx.k269, ctx.k2612].every((k) => {
          const t = ctx.T.test(ctx.kXen, k, 'linpack', '', 'size_bytes', size, m);
          return t !== undefined && t.sig && t.meanA < t.meanB;
        }),
      );
      const solveSig: string[] = [];
      let solveTests = 0;
      for (const k of [ctx.kChaos, ctx.k269, ctx.k2612]) {
        const t = ctx.T.test(ctx.kXen, k, 'linpack', '', 'size_bytes', size, 'solve_s');
        if (!t) continue;
        solveTests++;
        if (t.sig) solveSig.push(`${k} (${fmt(t.meanA, 4)} vs ${fmt(t.meanB, 4)} s, p=${fmt(t.p, 3)})`);
      }
      const solveOk = solveTests === 3 && solveSig.length === 0;
      const fChaos = ctx.T.test(ctx.kXen, ctx.kChaos, 'linpack', '', 'size_bytes', size, 'factor_s');
      return {
        pass: mflopsOk && slowerThanChaos && fasterThanRhel && solveOk,
        detail: `Mflops Xen ${fmt(xM, 1)}: ${pct(vsChaos, 2)} vs CHAOS, ${pct(vsRhel[0]!, 2)} vs 2.6.9, ${pct(vsRhel[1]!, 2)} vs 2.6.12; factor s Xen ${fmt(mean(ctx.kXen, 'factor_s'), 3)} vs CHAOS ${fmt(mean(ctx.kChaos, 'factor_s'), 3)}${fChaos ? ` (p=${fmt(fChaos.p, 3)})` : ''}, total s ${fmt(mean(ctx.kXen, 'total_s'), 3)} vs ${fmt(mean(ctx.kChaos, 'total_s'), 3)}; Xen significantly faster than both RHEL in factor and total: ${fasterThanRhel ? 'yes' : 'no'}; solve time significantly different from ${solveSig.length ? solveSig.join('; ') : 'none'}`,
      };
    },
  },
];

/** Check the eight claims; profiles missing from the run make the claims that need them fail with a note. */
export function checkClaims(summary: readonly SummaryLike[], compare: readonly CompareLike[], opts: ClaimOptions = {}): ClaimResult[] {
  const ctx = new Ctx2006(summary, compare, opts);
  return CLAIMS.map(({ id, title, check }) => {
    const t = title(ctx);
    try {
      return { id, title: t, ...check(ctx) };
    } catch (e) {
      return { id, title: t, pass: false, detail: `not checkable: ${(e as Error).message}` };
    }
  });
}

/**
 * Which summary rows each figure draws, decided by the shape of the data (metric, mode, which
 * point field varies), never by a workload's name, and the "% difference from a baseline kernel"
 * numbers. Free of vega, so the runner can count a figure's points and choose the figures that fit
 * a run without loading it.
 */
import type { FigureKind } from './figure-kinds.js';
import { parseNumber } from './csv.js';
import { tQuantile } from './stats.js';
import { isParamColumn } from './tables.js';

/** A summary.csv row as produced by summaryRows or read back from the file. */
export type SummaryLike = Readonly<Record<string, number | string | undefined>>;

export interface FigureShape {
  metric: string;
  /** Modes drawn (one panel each when several); null: any mode. */
  modes: string[] | null;
  /** The x axis; null for a per-metric bar chart (linpack). */
  x: 'size_bytes' | 'procs' | null;
  /**
   * A metric two figures share (latency against processes and against message size): each
   * workload's rows go to the figure whose x is the field that varies in them (procs if it takes
   * several values or there is no message size, else size_bytes).
   */
  splitByVaryingField?: boolean;
}

/** The table the lead merges with the workload registry: figure kind -> the data it draws. */
export const FIGURE_SHAPES: Record<FigureKind, FigureShape> = {
  bandwidth: { metric: 'bandwidth_MBps', modes: ['uni', 'bi'], x: 'size_bytes' },
  'max-bandwidth': { metric: 'bandwidth_MBps', modes: ['bi'], x: 'size_bytes' },
  optime: { metric: 'optime_us', modes: ['uni', 'bi'], x: 'size_bytes' },
  latency: { metric: 'latency_us', modes: null, x: 'procs', splitByVaryingField: true },
  'latency-size': { metric: 'latency_us', modes: null, x: 'size_bytes', splitByVaryingField: true },
  'stream-bandwidth': { metric: 'bandwidth_MBps', modes: ['', 'bi'], x: 'size_bytes' },
  linpack: { metric: 'mflops', modes: null, x: null },
};

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

function distinct(rows: readonly SummaryLike[], field: string): Set<string> {
  return new Set(rows.map((r) => text(r[field])));
}

/** The x field a workload's rows of a split metric vary along. */
function varyingField(rows: readonly SummaryLike[]): 'procs' | 'size_bytes' {
  const sizes = [...distinct(rows, 'size_bytes')].map(Number).filter((s) => Number.isFinite(s) && s > 0);
  return distinct(rows, 'procs').size > 1 || sizes.length === 0 ? 'procs' : 'size_bytes';
}

/** The summary rows a figure of this kind draws (before dropping points a log axis cannot show). */
export function figureRows(kind: FigureKind, summary: readonly SummaryLike[]): SummaryLike[] {
  const shape = FIGURE_SHAPES[kind];
  if (!shape) throw new Error(`unknown figure kind ${JSON.stringify(kind)}`);
  const rows = summary.filter((r) => r.metric === shape.metric && (shape.modes === null || shape.modes.includes(text(r.mode))));
  if (!shape.splitByVaryingField) return rows;
  const byWorkload = new Map<string, SummaryLike[]>();
  for (const r of rows) {
    const w = text(r.workload);
    const list = byWorkload.get(w) ?? [];
    list.push(r);
    byWorkload.set(w, list);
  }
  return [...byWorkload.values()].filter((g) => varyingField(g) === shape.x).flat();
}

/**
 * The swept scenario fields (dotted columns such as `cluster.link.rateBps`) that take more than
 * one value in `rows`: points that differ in them must not share a line or a bar.
 */
export function varyingParams(rows: readonly SummaryLike[]): string[] {
  const cols = rows.length ? Object.keys(rows[0]!).filter(isParamColumn) : [];
  return cols.filter((c) => distinct(rows, c).size > 1);
}

/**
 * A row's values of the given swept fields, `name=value, ...` ('' for none); a field is named by
 * its last path segment (`rateBps`) unless another of them ends the same way.
 */
export function variantLabel(params: readonly string[], r: SummaryLike): string {
  const last = (c: string): string => c.slice(c.lastIndexOf('.') + 1);
  const name = (c: string): string => (params.filter((o) => last(o) === last(c)).length > 1 ? c : last(c));
  return params.map((c) => `${name(c)}=${text(r[c])}`).join(', ');
}

/**
 * The panel of each row: for a split figure one per workload, and per value of the other point
 * field when it takes several (latency at several sizes drawn against processes); for every
 * figure one per combination of the swept scenario fields that vary. '' when the figure has one
 * panel only.
 */
export function panelOf(kind: FigureKind, rows: readonly SummaryLike[]): (r: SummaryLike) => string {
  const shape = FIGURE_SHAPES[kind];
  const params = varyingParams(rows);
  const variant = (r: SummaryLike): string => variantLabel(params, r);
  if (!shape.splitByVaryingField || shape.x === null) return variant;
  const other = shape.x === 'procs' ? 'size_bytes' : 'procs';
  const workloads = distinct(rows, 'workload');
  // A figure of any mode (latency) splits modes too: a collective's op is its mode.
  const modes = shape.modes === null ? distinct(rows, 'mode') : new Set<string>();
  const others = distinct(rows, other);
  const unit = other === 'procs' ? ' processes' : ' bytes';
  return (r) =>
    [workloads.size > 1 ? text(r.workload) : '', modes.size > 1 ? text(r.mode) : '', others.size > 1 ? `${text(r[other])}${unit}` : '', variant(r)].filter((x) => x).join(', ');
}

/** Metrics a baseline figure compares (the measured ones, not the loss counters, which are often 0). */
export const BASELINE_METRICS: readonly (readonly [string, string])[] = [
  ['bandwidth_MBps', 'bandwidth'], ['optime_us', 'OpTime'], ['latency_us', 'latency'],
  ['factor_s', 'factor time'], ['solve_s', 'solve time'], ['total_s', 'total time'], ['mflops', 'Mflops'],
];

/**
 * A profile's mean against a baseline's at one point, in percent of the baseline's mean, with the
 * 95 % Welch confidence interval of the difference of means (the interval of the t-test that
 * compare.csv reports: se^2 = sd_a^2/n_a + sd_b^2/n_b, Welch-Satterthwaite df, t quantile 0.975)
 * divided by the baseline's mean. The baseline's mean is taken as exact in the division: the
 * interval is that of the difference, expressed in percent of the baseline.
 * lo/hi are undefined without a variance estimate (n < 2 on either side).
 */
export function percentDifference(a: SummaryLike, base: SummaryLike): { pct: number; lo?: number; hi?: number } | undefined {
  const ma = parseNumber(a.mean);
  const mb = parseNumber(base.mean);
  if (ma === null || mb === null || !Number.isFinite(ma) || !Number.isFinite(mb) || mb === 0) return undefined;
  const scale = 100 / Math.abs(mb);
  const diff = ma - mb;
  const out: { pct: number; lo?: number; hi?: number } = { pct: diff * scale };
  const na = parseNumber(a.n) ?? 0;
  const nb = parseNumber(base.n) ?? 0;
  const sa = parseNumber(a.sd);
  const sb = parseNumber(base.sd);
  if (na < 2 || nb < 2 || sa === null || sb === null || !Number.isFinite(sa) || !Number.isFinite(sb)) return out;
  const va = (sa * sa) / na;
  const vb = (sb * sb) / nb;
  const se2 = va + vb;
  let half = 0;
  if (se2 > 0) {
    const df = (se2 * se2) / ((va * va) / (na - 1) + (vb * vb) / (nb - 1));
    half = tQuantile(0.975, df) * Math.sqrt(se2);
  }
  out.lo = (diff - half) * scale;
  out.hi = (diff + half) * scale;
  return out;
}

/** The fields that, besides the profile, identify a summary point. */
const POINT_KEY = ['scenario', 'workload', 'mode', 'size_bytes', 'procs', 'ops', 'sock_buf_bytes', 'from_node', 'to_node', 'metric'];
const pointKey = (r: SummaryLike): string => JSON.stringify([...POINT_KEY, ...Object.keys(r).filter(isParamColumn).sort()].map((k) => text(r[k])));

export interface BaselinePoint {
  panel: string;
  profile: string;
  /** Numeric position on the point axis (message size or processes), for ordering. */
  x: number;
  xLabel: string;
  y: number;
  lo: number;
  hi: number;
  mean: number;
  baselineMean: number;
  n: number;
  [k: string]: number | string;
}

function sizeLabel(bytes: number): string {
  const e = Math.log2(bytes);
  return Number.isInteger(e) ? `2^${e}` : `${bytes}`;
}

/**
 * The points of a "% difference from <baseline>" figure: for every point and measured metric where
 * the baseline profile has a mean, every other profile's difference in percent with its 95 % CI.
 * One panel per workload, mode and metric; its x is the point field that varies there.
 */
export function baselinePoints(summary: readonly SummaryLike[], baseline: string): BaselinePoint[] {
  const base = new Map<string, SummaryLike>();
  for (const r of summary) if (r.profile === baseline) base.set(pointKey(r), r);
  const labels = new Map(BASELINE_METRICS);
  const rows = summary.filter((r) => r.profile !== baseline && labels.has(text(r.metric)) && base.has(pointKey(r)));
  // Per panel, which field varies (the x axis).
  const params = varyingParams(rows);
  const panelName = (r: SummaryLike): string => `${text(r.workload)}${text(r.mode) ? ` ${text(r.mode)}` : ''}: ${labels.get(text(r.metric))}${params.length ? ` (${variantLabel(params, r)})` : ''}`;
  const groups = new Map<string, SummaryLike[]>();
  for (const r of rows) groups.set(panelName(r), [...(groups.get(panelName(r)) ?? []), r]);
  const out: BaselinePoint[] = [];
  for (const [panel, g] of groups) {
    const axis = distinct(g, 'procs').size > 1 && distinct(g, 'size_bytes').size <= 1 ? 'procs' : 'size_bytes';
    for (const r of g) {
      const d = percentDifference(r, base.get(pointKey(r))!);
      if (!d) continue;
      const xv = parseNumber(r[axis]) ?? 0;
      const xLabel = axis === 'procs' ? `${xv} procs` : xv > 0 ? sizeLabel(xv) : `${parseNumber(r.procs) ?? ''} procs`;
      out.push({
        panel, profile: text(r.profile), x: Number.isFinite(xv) ? xv : 0, xLabel, y: d.pct, lo: d.lo ?? d.pct, hi: d.hi ?? d.pct,
        mean: parseNumber(r.mean) ?? NaN, baselineMean: parseNumber(base.get(pointKey(r))!.mean) ?? NaN, n: parseNumber(r.n) ?? 0,
      });
    }
  }
  return out;
}

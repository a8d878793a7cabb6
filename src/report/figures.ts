import { parse as vegaParse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parseNumber } from './csv.js';

import type { FigureKind } from './figure-kinds.js';
export { FIGURE_KINDS, type FigureKind } from './figure-kinds.js';

export interface FigureOptions {
  /** Overrides the default title of the kind. */
  title?: string;
  /** Size of one panel. */
  widthPx?: number;
  heightPx?: number;
  /**
   * Every profile of the run in the scenario's order. Profile i always gets colour i and marker i,
   * in every figure, whether or not it has data there. Default: first appearance in the summary
   * (which follows the scenario's profile order).
   */
  profiles?: readonly string[];
  /** linpack: the profile the others are divided by (the paper: CHAOS). Default chaos-2.6.9 if present, else the first profile. */
  referenceProfile?: string;
}

/** Colours (Tableau 10) and markers by position in the profile order, cycling past their length. */
export const PROFILE_COLOURS = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'] as const;
export const PROFILE_MARKERS = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left', 'stroke', 'wedge'] as const;

/** The profile order of a figure: given, or first appearance in the whole summary. */
export function profileOrder(summary: readonly SummaryLike[], given?: readonly string[]): string[] {
  const seen = new Set<string>(given ?? []);
  const out = [...seen];
  for (const r of summary) {
    const p = String(r.profile ?? '');
    if (!seen.has(p)) {
      seen.add(p);
      out.push(p);
    }
  }
  return out;
}

/** The fixed colour and marker scales of a profile order. */
function profileScales(order: readonly string[]): { color: object; shape: object } {
  return {
    color: { field: 'profile', type: 'nominal', title: 'kernel', scale: { domain: order, range: order.map((_, i) => PROFILE_COLOURS[i % PROFILE_COLOURS.length]) } },
    shape: { field: 'profile', type: 'nominal', title: 'kernel', scale: { domain: order, range: order.map((_, i) => PROFILE_MARKERS[i % PROFILE_MARKERS.length]) } },
  };
}

/** A summary.csv row as produced by summaryRows or read back from the file. */
type SummaryLike = Readonly<Record<string, number | string | undefined>>;

interface KindSpec {
  metric: string;
  /** Column plotted on y: the replication mean, or `max` for the paper's best-run figure. */
  stat: 'mean' | 'max';
  x: 'size_bytes' | 'procs';
  xTitle: string;
  yTitle: string;
  title: string;
  logY: boolean;
  errorBars: boolean;
  /** Modes kept (and one panel each); null: a single panel, mode ignored. */
  modes: string[] | null;
}

const KINDS: Record<Exclude<FigureKind, 'linpack'>, KindSpec> = {
  bandwidth: {
    metric: 'bandwidth_MBps', stat: 'mean', x: 'size_bytes', xTitle: 'message size (bytes)', yTitle: 'bandwidth (MB/s)',
    title: 'Presta com bandwidth, mean and 95% CI', logY: false, errorBars: true, modes: ['uni', 'bi'],
  },
  'max-bandwidth': {
    metric: 'bandwidth_MBps', stat: 'max', x: 'size_bytes', xTitle: 'message size (bytes)', yTitle: 'bandwidth (MB/s)',
    title: 'Presta com bidirectional bandwidth, best run', logY: false, errorBars: false, modes: ['bi'],
  },
  optime: {
    metric: 'optime_us', stat: 'mean', x: 'size_bytes', xTitle: 'message size (bytes)', yTitle: 'OpTime (µs)',
    title: 'Presta com OpTime, mean and 95% CI', logY: true, errorBars: true, modes: ['uni', 'bi'],
  },
  latency: {
    metric: 'latency_us', stat: 'mean', x: 'procs', xTitle: 'processes', yTitle: 'max latency (µs)',
    title: 'Presta laten maximum latency, mean and 95% CI', logY: true, errorBars: true, modes: null,
  },
};

/** Powers of two spanning the data, as tick values, so the log2 axis reads 2^5 … 2^23 like the paper's. */
function powersOfTwo(xs: number[]): number[] {
  const lo = Math.floor(Math.log2(Math.min(...xs)));
  const hi = Math.ceil(Math.log2(Math.max(...xs)));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(2 ** e);
  return ticks;
}

/**
 * The vega-lite spec of a figure: one line (with points) per profile, error bars from the 95% CI,
 * x on a log2 axis, one column panel per mode. Exported so tests and users can inspect or restyle it.
 */
export function figureSpec(kind: FigureKind, summary: readonly SummaryLike[], opts: FigureOptions = {}): TopLevelSpec {
  if (kind === 'linpack') return linpackSpec(summary, opts);
  const k = KINDS[kind];
  const data: Record<string, number | string>[] = [];
  for (const r of summary) {
    if (r.metric !== k.metric) continue;
    const mode = String(r.mode ?? '');
    if (k.modes && !k.modes.includes(mode)) continue;
    const x = parseNumber(r[k.x]);
    const y = parseNumber(r[k.stat]);
    // Non-finite or (on log axes) non-positive points cannot be drawn; leaving them out beats a broken scale.
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y) || x <= 0 || (k.logY && y <= 0)) continue;
    const lo = parseNumber(r.ci95_low) ?? y;
    const hi = parseNumber(r.ci95_high) ?? y;
    data.push({
      profile: String(r.profile ?? ''), mode, x, y,
      lo: Number.isFinite(lo) && (!k.logY || lo > 0) ? lo : y,
      hi: Number.isFinite(hi) ? hi : y,
    });
  }
  const xs = data.map((d) => d.x as number);
  const x = {
    field: 'x', type: 'quantitative' as const, title: k.xTitle,
    scale: { type: 'log' as const, base: 2, nice: false },
    axis: { values: xs.length ? powersOfTwo(xs) : [], labelExpr: "'2^' + format(log(datum.value) / LN2, 'd')", grid: true },
  };
  const { color, shape } = profileScales(profileOrder(summary, opts.profiles));
  const yScale = k.logY ? { type: 'log' as const } : { zero: true };
  const y = { field: 'y', type: 'quantitative', title: k.yTitle, scale: yScale };
  const layer: object[] = [
    { mark: { type: 'line' }, encoding: { x, y, color } },
    { mark: { type: 'point', filled: true, size: 50 }, encoding: { x, y, color, shape } },
  ];
  if (k.errorBars) {
    layer.push({
      mark: { type: 'errorbar', ticks: true },
      encoding: { x, y: { field: 'lo', type: 'quantitative', title: k.yTitle, scale: yScale }, y2: { field: 'hi' }, color },
    });
  }
  const width = opts.widthPx ?? 480;
  const height = opts.heightPx ?? 260;
  const title = opts.title ?? k.title;
  const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', title, data: { values: data } };
  if (k.modes && k.modes.length > 1) {
    const present = k.modes.filter((m) => data.some((d) => d.mode === m));
    return {
      ...base,
      facet: { column: { field: 'mode', type: 'nominal', title: 'mode', sort: present } },
      spec: { width, height, layer },
      resolve: { scale: { y: 'shared' } },
    } as TopLevelSpec;
  }
  return { ...base, width, height, layer } as TopLevelSpec;
}

/** The metrics of Figure 5, in the paper's order, with the axis label of each. */
export const LINPACK_METRICS = [['factor_s', 'factor time'], ['solve_s', 'solve time'], ['total_s', 'total time'], ['mflops', 'Mflops']] as const;

/**
 * Figure 5: per LINPACK metric, each profile's mean relative to the reference profile's mean, as
 * grouped bars of (mean / reference - 1) in percent with the 95 % CI scaled alike (lower is better
 * for times, higher for Mflops).
 */
function linpackSpec(summary: readonly SummaryLike[], opts: FigureOptions): TopLevelSpec {
  const order = profileOrder(summary, opts.profiles);
  const present = new Set(summary.filter((r) => r.workload === 'linpack').map((r) => String(r.profile)));
  const ref = opts.referenceProfile ?? (present.has('chaos-2.6.9') ? 'chaos-2.6.9' : order.find((p) => present.has(p)) ?? '');
  const data: Record<string, number | string>[] = [];
  for (const [metric, label] of LINPACK_METRICS) {
    const rows = summary.filter((r) => r.workload === 'linpack' && r.metric === metric);
    const refRow = rows.find((r) => r.profile === ref);
    const refMean = refRow ? parseNumber(refRow.mean) : null;
    if (refMean === null || !Number.isFinite(refMean) || refMean === 0) continue;
    const pct = (v: number): number => (v / refMean - 1) * 100;
    for (const r of rows) {
      const m = parseNumber(r.mean);
      if (m === null || !Number.isFinite(m)) continue;
      const lo = parseNumber(r.ci95_low);
      const hi = parseNumber(r.ci95_high);
      data.push({
        profile: String(r.profile), metric: label, y: pct(m),
        lo: lo !== null && Number.isFinite(lo) ? pct(lo) : pct(m),
        hi: hi !== null && Number.isFinite(hi) ? pct(hi) : pct(m),
      });
    }
  }
  const { color } = profileScales(order);
  const x = { field: 'metric', type: 'nominal', title: null, sort: LINPACK_METRICS.map((m) => m[1]), axis: { labelAngle: 0 } };
  const xOffset = { field: 'profile', type: 'nominal', sort: order };
  // The difference from the reference in percent: the paper's ratios sit within a few percent of 1,
  // which bars drawn from 0 would hide.
  const yTitle = `% difference from ${ref}`;
  const yScale = { zero: true };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title ?? `LINPACK LU ${linpackOrderLabel(summary)} relative to ${ref}: lower is better for times, higher for Mflops`,
    data: { values: data },
    width: opts.widthPx ?? 480,
    height: opts.heightPx ?? 260,
    layer: [
      { mark: { type: 'bar' }, encoding: { x, xOffset, y: { field: 'y', type: 'quantitative', title: yTitle, scale: yScale }, color } },
      { mark: { type: 'errorbar', ticks: true }, encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' } } },
    ],
  } as TopLevelSpec;
}

/** "3000d" from the matrix's bytes (8 n^2), as the paper titles Figure 5. */
function linpackOrderLabel(summary: readonly SummaryLike[]): string {
  const r = summary.find((x) => x.workload === 'linpack');
  const bytes = r ? parseNumber(r.size_bytes) : null;
  return bytes ? `${Math.round(Math.sqrt(bytes / 8))}d` : '';
}

/** Renders a figure to an SVG string, headless (vega's SVG renderer needs no canvas). */
export async function figureSvg(kind: FigureKind, summary: readonly SummaryLike[], opts: FigureOptions = {}): Promise<string> {
  const view = new View(vegaParse(compile(figureSpec(kind, summary, opts)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

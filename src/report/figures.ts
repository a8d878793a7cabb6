import { parse as vegaParse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { parseNumber } from './csv.js';
import { baselinePoints, figureRows, panelOf, percentDifference, variantLabel, varyingParams } from './figure-data.js';

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
  /**
   * For report.html: tooltips with the values, CI and replications, and a legend that toggles
   * kernels (click a kernel to show it alone, shift-click for more). The SVG files are drawn without.
   */
  interactive?: boolean;
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
  'latency-size': {
    metric: 'latency_us', stat: 'mean', x: 'size_bytes', xTitle: 'message size (bytes)', yTitle: 'latency (µs)',
    title: 'Latency against message size (ping-pong: half a round trip), mean and 95% CI', logY: true, errorBars: true, modes: null,
  },
  'stream-bandwidth': {
    metric: 'bandwidth_MBps', stat: 'mean', x: 'size_bytes', xTitle: 'bytes per stream', yTitle: 'bandwidth (MB/s)',
    title: 'TCP stream bandwidth, mean and 95% CI', logY: false, errorBars: true, modes: null,
  },
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
    title: 'Latency against processes (laten: the slowest pair; collective: the slowest rank; ioport: dom0 load processes), mean and 95% CI', logY: true, errorBars: true, modes: null,
  },
};

/** Powers of ten spanning the positive values (log axis ticks). */
function powersOfTen(vs: number[]): number[] {
  const pos = vs.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return [];
  const lo = Math.floor(Math.log10(Math.min(...pos)));
  const hi = Math.ceil(Math.log10(Math.max(...pos)));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  return ticks;
}

/** Powers of two spanning the data, as tick values, so the log2 axis reads 2^5 … 2^23 like the paper's. */
function powersOfTwo(xs: number[]): number[] {
  const pos = xs.filter((v) => Number.isFinite(v) && v > 0);
  if (pos.length === 0) return [];
  const lo = Math.floor(Math.log2(Math.min(...pos)));
  const hi = Math.ceil(Math.log2(Math.max(...pos)));
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
  if (!k) throw new Error(`unknown figure kind ${JSON.stringify(kind)}`);
  const data: Record<string, number | string>[] = [];
  const rows = figureRows(kind, summary);
  const panel = panelOf(kind, rows);
  // A point at x = 0 (ioport's unloaded dom0) has no place on a log2 axis: such data gets a linear one.
  const linearX = rows.some((r) => parseNumber(r[k.x]) === 0);
  for (const r of rows) {
    const mode = String(r.mode ?? '');
    const x = parseNumber(r[k.x]);
    const y = parseNumber(r[k.stat]);
    // Non-finite or (on log axes) non-positive points cannot be drawn; leaving them out beats a broken scale.
    if (x === null || y === null || !Number.isFinite(x) || !Number.isFinite(y) || x < 0 || (!linearX && x === 0) || (k.logY && y <= 0)) continue;
    const lo = parseNumber(r.ci95_low) ?? y;
    const hi = parseNumber(r.ci95_high) ?? y;
    const p = panel(r);
    data.push({
      profile: String(r.profile ?? ''), mode, x, y,
      lo: Number.isFinite(lo) && (!k.logY || lo > 0) ? lo : y,
      hi: Number.isFinite(hi) ? hi : y,
      ...(p ? { panel: p } : {}),
      ...(opts.interactive ? { n: parseNumber(r.n) ?? 0 } : {}),
    });
  }
  const xs = data.map((d) => d.x as number);
  // A grid line at every power of two, a label at every k-th (at most 10): vega-lite's default for
  // log axes drops overlapping labels greedily, which hid the last one (2^20 of the quickstart).
  const xTicks = xs.length && !linearX ? powersOfTwo(xs) : [];
  const every = Math.max(1, Math.ceil(xTicks.length / 10));
  const xLabels = every === 1
    ? "'2^' + format(log(datum.value) / LN2, 'd')"
    : `round(log(datum.value) / LN2) % ${every} === 0 ? '2^' + format(log(datum.value) / LN2, 'd') : ''`;
  const x = linearX
    ? { field: 'x', type: 'quantitative' as const, title: k.xTitle, scale: { zero: true }, axis: { tickMinStep: 1, grid: true } }
    : {
      field: 'x', type: 'quantitative' as const, title: k.xTitle,
      scale: { type: 'log' as const, base: 2, nice: false },
      axis: { values: xTicks, labelExpr: xLabels, grid: true },
    };
  const { color, shape } = profileScales(profileOrder(summary, opts.profiles));
  const yScale = k.logY ? { type: 'log' as const } : { zero: true };
  // Log y: labels at the powers of ten only (1, 10, 100, 1k, ...), not vega's 2x and 5x crowd.
  const yAxis = k.logY ? { axis: { values: powersOfTen(data.flatMap((d) => [d.lo as number, d.hi as number, d.y as number])), labelExpr: "format(datum.value, '~s')" } } : {};
  const y = { field: 'y', type: 'quantitative', title: k.yTitle, scale: yScale, ...yAxis };
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
  const tooltip = [
    { field: 'profile', title: 'kernel' }, { field: 'x', title: k.xTitle }, { field: 'y', title: `${k.stat === 'max' ? 'best run' : 'mean'}, ${k.yTitle}`, format: '.4~g' },
    ...(k.errorBars ? [{ field: 'lo', title: '95% CI low', format: '.4~g' }, { field: 'hi', title: '95% CI high', format: '.4~g' }] : []),
    { field: 'n', title: 'replications' },
  ];
  let spec: TopLevelSpec;
  if (k.modes && k.modes.length > 1) {
    const present = k.modes.filter((m) => data.some((d) => d.mode === m));
    // Swept scenario fields that vary: one row of panels per combination.
    const panels = [...new Set(data.filter((d) => d.panel !== undefined).map((d) => String(d.panel)))];
    spec = {
      ...base,
      facet: {
        column: { field: 'mode', type: 'nominal', title: 'mode', sort: present },
        ...(panels.length ? { row: { field: 'panel', type: 'nominal', title: null, sort: panels, header: ROW_HEADER } } : {}),
      },
      spec: { width, height, layer },
      resolve: { scale: { y: 'shared' } },
    } as TopLevelSpec;
  } else if (data.some((d) => d.panel !== undefined)) {
    const panels = [...new Set(data.map((d) => String(d.panel)))];
    spec = {
      ...base,
      facet: { field: 'panel', type: 'nominal', title: null, sort: panels },
      columns: 2,
      spec: { width, height, layer },
    } as TopLevelSpec;
  } else spec = { ...base, width, height, layer } as TopLevelSpec;
  return opts.interactive ? interactive(spec, tooltip) : spec;
}

/** Row panels (swept scenario fields) labelled above each plot, horizontally: the labels are long. */
const ROW_HEADER = { labelAngle: 0, labelOrient: 'top', labelAnchor: 'start', labelLimit: 0, labelFontWeight: 'bold' } as const;

/** The layer list of a plain or faceted spec. */
function layersOf(spec: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(spec.concat)) return (spec.concat as Record<string, unknown>[]).flatMap((v) => layersOf(v));
  const inner = (spec.spec as Record<string, unknown> | undefined) ?? spec;
  return (inner.layer as Record<string, unknown>[] | undefined) ?? [];
}

/**
 * Adds report.html's interaction to a figure spec: a kernel selection bound to the legend (the
 * other kernels fade), and tooltips on the points or bars.
 */
function interactive(spec: TopLevelSpec, tooltip: object[]): TopLevelSpec {
  const copy = JSON.parse(JSON.stringify(spec)) as Record<string, unknown>;
  let withParams = false;
  for (const layer of layersOf(copy)) {
    const mark = layer.mark as { type: string };
    const enc = (layer.encoding ?? {}) as Record<string, unknown>;
    // Layers drawn per kernel fade when another kernel is selected (a zero line stays).
    if (enc.color === undefined && enc.xOffset === undefined) continue;
    enc.opacity = { condition: { param: 'kernel', value: 1 }, value: 0.12 };
    // Error bars too: they are drawn over the points, so the pointer often lands on them.
    if (mark.type === 'errorbar' || mark.type === 'rule') enc.tooltip = tooltip;
    if (mark.type === 'point' || mark.type === 'bar') {
      enc.tooltip = tooltip;
      if (!withParams) {
        layer.params = [{ name: 'kernel', select: { type: 'point', fields: ['profile'] }, bind: 'legend' }];
        withParams = true;
      }
    }
    layer.encoding = enc;
  }
  return copy as unknown as TopLevelSpec;
}

/**
 * "% difference from a baseline kernel": per workload, mode and measured metric (a panel each),
 * every other kernel's mean in percent of the baseline's at each point, with the 95 % Welch CI of
 * the difference (src/report/figure-data.ts percentDifference). Points on an ordinal axis, as the
 * panels' x fields differ (message size, processes).
 */
export function baselineSpec(summary: readonly SummaryLike[], baseline: string, opts: FigureOptions = {}): TopLevelSpec {
  const data = baselinePoints(summary, baseline).filter((d) => Number.isFinite(d.y));
  const order = profileOrder(summary, opts.profiles);
  const { color, shape } = profileScales(order);
  const x = { field: 'xLabel', type: 'ordinal', title: null, sort: { field: 'x' }, scale: { type: 'band', paddingInner: 0.2 }, axis: { labelAngle: 0 } };
  // Kernels side by side within a point, so equal values and their CIs do not hide each other.
  const xOffset = { field: 'profile', type: 'nominal', sort: order, scale: { paddingOuter: 0.3 } };
  const yTitle = `% difference from ${baseline}`;
  const y = { field: 'y', type: 'quantitative', title: yTitle };
  const layer: object[] = [
    { mark: { type: 'rule', color: '#888' }, encoding: { y: { datum: 0 } } },
    { mark: { type: 'rule' }, encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative', title: yTitle }, y2: { field: 'hi' }, color } },
    { mark: { type: 'point', filled: true, size: 40 }, encoding: { x, xOffset, y, color, shape } },
  ];
  const panels = [...new Set(data.map((d) => d.panel))];
  // One view per panel (concat, not facet: vega-lite's xOffset does not reach facet cells with
  // independent x scales), each with its own x and y.
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: opts.title ?? `Difference from ${baseline} in % of its mean, with the 95% Welch CI of the difference`,
    data: { values: data },
    columns: 2,
    concat: panels.map((p) => ({
      title: { text: p, fontSize: 11, fontWeight: 'normal' },
      transform: [{ filter: { field: 'panel', equal: p } }],
      width: opts.widthPx ?? 360,
      height: opts.heightPx ?? 200,
      layer,
    })),
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as TopLevelSpec;
  const tooltip = [
    { field: 'profile', title: 'kernel' }, { field: 'panel', title: 'measure' }, { field: 'xLabel', title: 'point' },
    { field: 'y', title: '% difference', format: '+.3~f' }, { field: 'lo', title: '95% CI low (%)', format: '+.3~f' }, { field: 'hi', title: '95% CI high (%)', format: '+.3~f' },
    { field: 'mean', title: 'mean', format: '.4~g' }, { field: 'baselineMean', title: `${baseline} mean`, format: '.4~g' }, { field: 'n', title: 'replications' },
  ];
  return opts.interactive ? interactive(spec, tooltip) : spec;
}

/** Renders a baseline figure to SVG (see baselineSpec). */
export async function baselineSvg(summary: readonly SummaryLike[], baseline: string, opts: FigureOptions = {}): Promise<string> {
  return specSvg(baselineSpec(summary, baseline, opts));
}

async function specSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(vegaParse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** The metrics of Figure 5, in the paper's order, with the axis label of each. */
export const LINPACK_METRICS = [['factor_s', 'factor time'], ['solve_s', 'solve time'], ['total_s', 'total time'], ['mflops', 'Mflops']] as const;
/** A LINPACK row: one of its metrics (no other workload measures them). */
const isLinpackRow = (r: SummaryLike): boolean => LINPACK_METRICS.some(([m]) => m === r.metric);

/**
 * Figure 5: per LINPACK metric, each profile's mean relative to the reference profile's mean, as
 * grouped bars of (mean / reference - 1) in percent with the 95 % CI scaled alike (lower is better
 * for times, higher for Mflops).
 */
function linpackSpec(summary: readonly SummaryLike[], opts: FigureOptions): TopLevelSpec {
  const order = profileOrder(summary, opts.profiles);
  const present = new Set(summary.filter(isLinpackRow).map((r) => String(r.profile)));
  const ref = opts.referenceProfile ?? (present.has('chaos-2.6.9') ? 'chaos-2.6.9' : order.find((p) => present.has(p)) ?? '');
  const data: Record<string, number | string>[] = [];
  // Swept scenario fields that vary: one panel per combination, each against its own reference.
  const params = varyingParams(summary.filter(isLinpackRow));
  for (const [metric, label] of LINPACK_METRICS) {
    const rows = summary.filter((r) => r.metric === metric);
    for (const r of rows) {
      const panel = variantLabel(params, r);
      const refRow = rows.find((x) => x.profile === ref && variantLabel(params, x) === panel);
      if (!refRow) continue;
      // The whisker is the 95 % Welch CI of the difference from the reference (the t-test of
      // compare.csv), centred on its bar; the reference itself, 0 by definition, has none.
      const d = percentDifference(r, refRow);
      if (!d) continue;
      const isRef = r.profile === ref;
      data.push({
        profile: String(r.profile), metric: label, y: d.pct, ...(panel ? { panel } : {}),
        lo: isRef ? 0 : d.lo ?? d.pct,
        hi: isRef ? 0 : d.hi ?? d.pct,
        ...(opts.interactive ? { mean: parseNumber(r.mean) ?? NaN, n: parseNumber(r.n) ?? 0 } : {}),
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
  const layer = [
    { mark: { type: 'bar' }, encoding: { x, xOffset, y: { field: 'y', type: 'quantitative', title: yTitle, scale: yScale }, color } },
    // Whiskers as rules (an errorbar's ticks take the bar's whole width and its first colour);
    // rows of the reference (lo = hi = 0) draw nothing visible.
    {
      transform: [{ filter: 'datum.lo !== datum.hi' }],
      mark: { type: 'rule', color: 'black' },
      encoding: { x, xOffset, y: { field: 'lo', type: 'quantitative', title: yTitle, scale: yScale }, y2: { field: 'hi' } },
    },
  ];
  const size = { width: opts.widthPx ?? 480, height: opts.heightPx ?? 260 };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    // Two lines from the plot's left edge: on one centred line the title, wider than the plot (by
    // vega's estimate of text width without a canvas), padded the figure with blank on both sides.
    title: { text: opts.title ?? [`LINPACK LU ${linpackOrderLabel(summary)} relative to ${ref}`, 'lower is better for times, higher for Mflops'], anchor: 'start' },
    data: { values: data },
    ...(params.length ? { facet: { field: 'panel', type: 'nominal', title: null }, columns: 2, spec: { ...size, layer } } : { ...size, layer }),
  } as TopLevelSpec;
  const tooltip = [
    { field: 'profile', title: 'kernel' }, { field: 'metric', title: 'metric' }, { field: 'y', title: yTitle, format: '+.3~f' },
    { field: 'lo', title: '95% CI low (%)', format: '+.3~f' }, { field: 'hi', title: '95% CI high (%)', format: '+.3~f' },
    { field: 'mean', title: 'mean', format: '.5~g' }, { field: 'n', title: 'replications' },
  ];
  return opts.interactive ? interactive(spec, tooltip) : spec;
}

/** "3000d" from the matrix's bytes (8 n^2), as the paper titles Figure 5. */
function linpackOrderLabel(summary: readonly SummaryLike[]): string {
  const r = summary.find(isLinpackRow);
  const bytes = r ? parseNumber(r.size_bytes) : null;
  return bytes ? `${Math.round(Math.sqrt(bytes / 8))}d` : '';
}

/** Renders a figure to an SVG string, headless (vega's SVG renderer needs no canvas). */
export async function figureSvg(kind: FigureKind, summary: readonly SummaryLike[], opts: FigureOptions = {}): Promise<string> {
  return specSvg(figureSpec(kind, summary, opts));
}

/** The vega (not vega-lite) spec of a figure or of the baseline figure, for report.html's own vega runtime. */
export function compiledSpec(spec: TopLevelSpec): object {
  const vg = compile(spec).spec as unknown as Record<string, unknown>;
  nameLegendItems(vg);
  return vg;
}

/**
 * vega-lite 6 compiles the legend-bound kernel selection (signals listening for clicks on marks
 * named profile_legend_symbols/labels/entries) but leaves the kernel legend, merged from the
 * colour and shape channels of several layers, without those mark names, so clicks never reach
 * the selection. Name the items of each kernel legend as the signals expect.
 */
function nameLegendItems(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(nameLegendItems);
  if (node === null || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (Array.isArray(o.legends)) {
    for (const legend of o.legends as Record<string, unknown>[]) {
      if (legend.fill !== 'color' && legend.stroke !== 'color') continue;
      const encode = (legend.encode ?? {}) as Record<string, Record<string, unknown>>;
      for (const part of ['symbols', 'labels', 'entries']) encode[part] = { ...(encode[part] ?? {}), name: `profile_legend_${part}`, interactive: true };
      legend.encode = encode;
    }
  }
  for (const [k, v] of Object.entries(o)) if (k !== 'data' && typeof v === 'object') nameLegendItems(v);
}

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

const KINDS: Record<FigureKind, KindSpec> = {
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
    title: 'Presta laten maximum latency, mean and 95% CI', logY: false, errorBars: true, modes: null,
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
  const profiles = [...new Set(data.map((d) => d.profile as string))];
  const x = {
    field: 'x', type: 'quantitative' as const, title: k.xTitle,
    scale: { type: 'log' as const, base: 2, nice: false },
    axis: { values: xs.length ? powersOfTwo(xs) : [], labelExpr: "'2^' + format(log(datum.value) / LN2, 'd')", grid: true },
  };
  const color = { field: 'profile', type: 'nominal' as const, title: 'kernel', scale: { domain: profiles } };
  const yScale = k.logY ? { type: 'log' as const } : { zero: true };
  const layer: object[] = [
    {
      mark: { type: 'line', point: true },
      encoding: { x, y: { field: 'y', type: 'quantitative', title: k.yTitle, scale: yScale }, color },
    },
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

/** Renders a figure to an SVG string, headless (vega's SVG renderer needs no canvas). */
export async function figureSvg(kind: FigureKind, summary: readonly SummaryLike[], opts: FigureOptions = {}): Promise<string> {
  const view = new View(vegaParse(compile(figureSpec(kind, summary, opts)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

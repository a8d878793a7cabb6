/**
 * The parts of src/report the runner and CLI use, without loading vega at start-up (about 0.2 s
 * per process, which every command and worker thread would pay): figures are imported on first use.
 */
import type { FigureOptions } from '../report/figures.js';
import type { FigureKind } from '../report/figure-kinds.js';
export { RESULT_COLUMNS, RUN_KEY_COLUMNS, COUNT_COLUMNS, MEASURED_COLUMNS, SUMMARY_COLUMNS, COMPARE_COLUMNS, summaryRows, compareRows, typedRow, isParamColumn, paramColumns, withParamColumns, type ResultColumn, type RunKeyColumn, type SummaryRow, type CompareRow, type TypedResultRow } from '../report/tables.js';
export { writeCsvAtomic, readCsv, TraceCsvWriter, formatCell } from '../report/csv.js';
export { FIGURE_KINDS, FIGURE_FORMATS, type FigureKind, type FigureFormat } from '../report/figure-kinds.js';
import type { FigureFormat } from '../report/figure-kinds.js';
import type { ReportClaim, ReportFigure } from '../report/html.js';

type SummaryLike = Readonly<Record<string, number | string | undefined>>;

export async function figureSvg(kind: FigureKind, summary: readonly Readonly<Record<string, number | string | undefined>>[], opts: FigureOptions = {}): Promise<string> {
  const m = await import('../report/figures.js');
  return m.figureSvg(kind, summary, opts);
}

/** The SVG of a figure (or of the baseline figure) and its PNG and PDF versions as asked. */
export async function figureFiles(kind: FigureKind | 'baseline', summary: readonly SummaryLike[], formats: readonly FigureFormat[], opts: FigureOptions & { baseline?: string } = {}): Promise<[FigureFormat, string | Buffer][]> {
  const m = await import('../report/figures.js');
  const svg = kind === 'baseline' ? await m.baselineSvg(summary, opts.baseline!, opts) : await m.figureSvg(kind, summary, opts);
  const out: [FigureFormat, string | Buffer][] = [];
  for (const f of formats) {
    if (f === 'svg') out.push([f, svg]);
    else {
      const x = await import('../report/export.js');
      const title = /<title>([^<]*)<\/title>/.exec(svg)?.[1] ?? String(kind);
      out.push([f, f === 'png' ? x.svgToPng(svg) : await x.svgToPdf(svg, title)]);
    }
  }
  return out;
}

/** report.html's text: the drawn figures compiled (interactive) and the tables (src/report/html.ts). */
export async function reportPage(r: {
  name: string; description?: string | undefined; manifest?: Readonly<Record<string, unknown>> | undefined;
  summary: readonly SummaryLike[]; compare: readonly Readonly<Record<string, number | string | boolean | undefined>>[];
  figures: readonly { name: string; kind: FigureKind | 'baseline'; files: string[] }[];
  baseline?: string | undefined; profiles?: readonly string[] | undefined; claims?: readonly ReportClaim[] | undefined; notes?: readonly string[] | undefined;
  /** The summary rows a figure kind draws (default: all; the figure picks its shape from them). */
  rowsOf?: (kind: FigureKind) => readonly SummaryLike[];
}): Promise<string> {
  // vega and vega-lite load only when there is a figure to compile.
  const m = r.figures.length ? await import('../report/figures.js') : undefined;
  const html = await import('../report/html.js');
  // Panels a little narrower than the files' so two panels and the legend fit the page.
  const opts: FigureOptions = { interactive: true, widthPx: 430, ...(r.profiles ? { profiles: r.profiles } : {}) };
  const figures: ReportFigure[] = r.figures.map((f) => {
    const spec = (f.kind === 'baseline' ? m!.baselineSpec(r.summary, r.baseline!, opts) : m!.figureSpec(f.kind, r.rowsOf?.(f.kind) ?? r.summary, opts)) as unknown as Record<string, unknown>;
    // The page shows the title above the figure.
    const t = spec.title as string | { text?: string | string[] } | undefined;
    const text = typeof t === 'object' ? t.text : t;
    const title = Array.isArray(text) ? text.join(': ') : String(text ?? f.name);
    delete spec.title;
    return { name: f.name, title, vegaSpec: m!.compiledSpec(spec as never), files: f.files };
  });
  const input: Parameters<typeof html.reportHtml>[0] = { name: r.name, figures, summary: r.summary, compare: r.compare };
  if (r.description) input.description = r.description;
  if (r.manifest) input.manifest = r.manifest;
  if (r.claims) input.claims = r.claims;
  if (r.notes) input.notes = r.notes;
  return html.reportHtml(input);
}

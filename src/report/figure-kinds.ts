/** The figures xenhpc draws. Kept apart from figures.ts so that listing them does not load vega. */
export type FigureKind = 'bandwidth' | 'max-bandwidth' | 'optime' | 'latency' | 'latency-size' | 'stream-bandwidth' | 'linpack';
export const FIGURE_KINDS: readonly FigureKind[] = ['bandwidth', 'max-bandwidth', 'optime', 'latency', 'latency-size', 'stream-bandwidth', 'linpack'];
/** Formats a figure can be written in (`--figure-format`). */
export type FigureFormat = 'svg' | 'png' | 'pdf';
export const FIGURE_FORMATS: readonly FigureFormat[] = ['svg', 'png', 'pdf'];

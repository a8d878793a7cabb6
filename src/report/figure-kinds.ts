/** The figures xenhpc draws. Kept apart from figures.ts so that listing them does not load vega. */
export type FigureKind = 'bandwidth' | 'max-bandwidth' | 'optime' | 'latency' | 'linpack';
export const FIGURE_KINDS: readonly FigureKind[] = ['bandwidth', 'max-bandwidth', 'optime', 'latency', 'linpack'];

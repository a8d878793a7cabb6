/**
 * A rough cost of a point before it runs, for `xenhpc points`: engine events, from the frames and
 * messages the workload moves. Calibrated on the quickstart's rows (their `events` column): a
 * native path spends about 14 events per MSS-sized data frame and 30 per message, a Xen guest
 * about 60 and 100 (rings, event channels, netback, VCPU scheduling). Good to a factor of about 2;
 * OS noise ticks (which grow with simulated time) are not counted. The `events` column of a run
 * says what a point really cost.
 */
import type { RunPoint } from '../scenario/types.js';

/** Payload bytes per data frame at a 1500-byte MTU with TCP timestamps. */
const MSS_BYTES = 1448;
const SETUP_EVENTS = 50;
const PER_PATH: Record<string, { perFrame: number; perMessage: number }> = {
  native: { perFrame: 14, perMessage: 30 },
  xen: { perFrame: 60, perMessage: 100 },
};
/** Events per simulated second of one worker thread, for a wall-time figure (`npm run bench` measures a machine). */
export const NOMINAL_EVENTS_PER_S = 500_000;

/** Messages and data frames one point moves. */
export function pointTraffic(point: RunPoint): { messages: number; frames: number } {
  const w = point.workload as unknown as Record<string, unknown>;
  const num = (k: string, d: number): number => (typeof w[k] === 'number' ? (w[k] as number) : d);
  const framesOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / MSS_BYTES));
  const ops = num('ops', 1);
  const size = num('sizeBytes', 0);
  const procs = num('procs', 2);
  switch (w.type) {
    case 'com': {
      const messages = ops * (procs / 2) * (w.mode === 'bi' ? 2 : 1);
      return { messages, frames: messages * framesOf(size) };
    }
    case 'pingpong':
    case 'mpi-pingpong':
      return { messages: 2 * ops, frames: 2 * ops * framesOf(size) };
    case 'laten':
      return { messages: ops * procs, frames: ops * procs * framesOf(size) };
    case 'stream': {
      const streams = num('streams', 1) * (w.bidirectional === true ? 2 : 1);
      return { messages: streams, frames: streams * framesOf(size) };
    }
    default:
      // linpack and anything without messages: compute only.
      return { messages: 0, frames: 0 };
  }
}

/** Estimated engine events of one point. */
export function estimateEvents(point: RunPoint): number {
  const k = PER_PATH[point.profile.path] ?? PER_PATH.xen!;
  const { messages, frames } = pointTraffic(point);
  const order = (point.workload as unknown as Record<string, unknown>).matrixOrder;
  const extra = typeof order === 'number' ? order : 0; // linpack: about one event per matrix column
  return Math.round(SETUP_EVENTS + messages * k.perMessage + frames * k.perFrame + extra);
}

/** 1234567 -> "1.2M" (no space: a column of `points` splits on whitespace). */
export function humanCount(n: number): string {
  if (n < 1e3) return String(n);
  const [d, u] = n < 1e6 ? [1e3, 'k'] : n < 1e9 ? [1e6, 'M'] : [1e9, 'G'];
  return `${(n / d).toFixed(n / d < 10 ? 1 : 0)}${u}`;
}

/** 3725 -> "1 h 2 min". */
export function humanSeconds(s: number): string {
  if (s < 1) return '1 s';
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  const h = Math.floor(s / 3600);
  return `${h} h ${Math.round((s - h * 3600) / 60)} min`;
}

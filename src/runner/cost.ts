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
  const w = point.workload;
  const framesOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / MSS_BYTES));
  const ops = w.ops ?? 1;
  const size = w.sizeBytes ?? 0;
  switch (w.type) {
    case 'com': {
      const messages = ops * ((w.procs ?? 2) / 2) * (w.mode === 'bi' ? 2 : 1);
      return { messages, frames: messages * framesOf(size) };
    }
    case 'pingpong':
    case 'mpi-pingpong':
      return { messages: 2 * ops, frames: 2 * ops * framesOf(size) };
    case 'laten':
      return { messages: ops * (w.procs ?? 2), frames: ops * (w.procs ?? 2) };
    case 'stream':
      return { messages: w.streams ?? 1, frames: (w.streams ?? 1) * framesOf(size) };
    default:
      // linpack: compute only, about one event per matrix column.
      return { messages: 0, frames: 0 };
  }
}

/** Estimated engine events of one point. */
export function estimateEvents(point: RunPoint): number {
  const k = PER_PATH[point.profile.path] ?? PER_PATH.xen!;
  const { messages, frames } = pointTraffic(point);
  const extra = point.workload.type === 'linpack' ? (point.workload.matrixOrder ?? 3000) : 0;
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

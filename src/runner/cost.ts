/**
 * A rough cost of a point before it runs, for `xenhpc points`: engine events, from the messages
 * its workload module says it moves (`traffic`) at its path module's events per frame and per
 * message (`eventCost`; native about 14 and 30, a Xen PV guest 60 and 100). Good to a factor of about 2;
 * OS noise ticks (which grow with simulated time) are not counted. The `events` column of a run
 * says what a point really cost.
 */
import { findPath } from '../paths/registry.js';
import type { RunPoint } from '../scenario/types.js';
import { workloadModule } from '../workloads/registry.js';

/** Payload bytes per data frame at a 1500-byte MTU with TCP timestamps. */
const MSS_BYTES = 1448;
const SETUP_EVENTS = 50;
/** Events per simulated second of one worker thread, for a wall-time figure (`npm run bench` measures a machine). */
export const NOMINAL_EVENTS_PER_S = 500_000;

/** Messages and data frames one point moves (its workload module's `traffic`). */
export function pointTraffic(point: RunPoint): { messages: number; frames: number; computeEvents: number } {
  const m = workloadModule(point.workload.type);
  const t = m.traffic?.(point.workload);
  if (!t) return { messages: 0, frames: 0, computeEvents: 0 };
  return { messages: t.messages, frames: t.messages * Math.max(1, Math.ceil(t.bytesPerMessage / MSS_BYTES)), computeEvents: t.computeEvents ?? 0 };
}

/** Estimated engine events of one point: its traffic at its path's cost per frame and per message. */
export function estimateEvents(point: RunPoint): number {
  const k = findPath(point.profile.path)!.eventCost;
  const { messages, frames, computeEvents } = pointTraffic(point);
  return Math.round(SETUP_EVENTS + messages * k.perMessage + frames * k.perFrame + computeEvents);
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

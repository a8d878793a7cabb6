/**
 * Field declarations and cross-field checks that several workloads share, each stated once: a
 * workload module lists the ones it takes. Ranges and defaults are what docs/scenarios.md's
 * field table shows (a test keeps the two together).
 */
import { fmtNum } from '../scenario/errors.js';
import { LIMITS } from '../scenario/limits.js';
import { defineField, type CombinationProblem } from './module.js';

/** Timed operations per sample (Presta -o). The one default of every workload that has ops. */
export const DEFAULT_OPS = 100;

export const opsField = defineField({
  kind: 'integer', unit: 'operations', default: DEFAULT_OPS, range: { min: 1, max: LIMITS.maxOps },
  doc: 'timed operations per sample (Presta -o)',
});

export const procsField = defineField({
  kind: 'integer', unit: 'processes', default: 2,
  range: (c) => ({ min: 2, max: c.nodes * c.cpusPerNode * LIMITS.procsPerCpu }),
  check: (n, rangeText) => (n % 2 !== 0 ? { problem: `procs must be even (processes work in pairs), got ${n}`, allowed: `even ${rangeText}` } : undefined),
  doc: 'active MPI processes, in pairs (even); the world has this many ranks',
});

/** A message size (bytes) of the MPI and ping-pong workloads. */
export function messageSizeField(doc: string) {
  return defineField({ kind: 'integer', unit: 'bytes', default: 32, range: { min: 0, max: LIMITS.maxMessageBytes }, doc });
}

export const fromNodeField = defineField({
  kind: 'integer', unit: 'node index', default: 0, range: (c) => ({ min: 0, max: c.nodes - 1 }),
  doc: 'node of the first end (the sender or client)',
});

export const toNodeField = defineField({
  kind: 'integer', unit: 'node index', default: 1, range: (c) => ({ min: 0, max: c.nodes - 1 }),
  doc: 'node of the other end (the receiver or server)',
});

export const sockBufField = defineField({
  kind: 'integer', unit: 'bytes', default: 0, range: { min: 0, max: 2 ** 30 },
  doc: 'SO_SNDBUF/SO_RCVBUF request before the kernel doubles it; 0 = kernel default',
});

// ---- cross-field checks ----

export function distinctNodes(w: { fromNode: number; toNode: number }): CombinationProblem | undefined {
  if (w.fromNode !== w.toNode) return undefined;
  return { fields: ['toNode', 'fromNode'], problem: `fromNode and toNode are both ${w.toNode}`, allowed: 'two different nodes' };
}

export function opsTimesProcs(w: { ops: number; procs: number }): CombinationProblem | undefined {
  if (w.ops * w.procs <= LIMITS.maxOpsTimesProcs) return undefined;
  return { fields: ['ops', 'procs'], problem: `ops x procs = ${w.ops * w.procs} message operations per run`, allowed: `ops x procs <= ${fmtNum(LIMITS.maxOpsTimesProcs)}` };
}

/** The payload one run moves: ops x sizeBytes x pairs x directions, at most 2^40 bytes. */
export function payloadLimit(ops: number, sizeBytes: number, pairs: number, directions: number): CombinationProblem | undefined {
  const bytes = ops * sizeBytes * pairs * directions;
  if (bytes <= LIMITS.maxRunPayloadBytes) return undefined;
  return { fields: ['sizeBytes'], problem: `one run would move ${bytes} bytes (ops x sizeBytes x pairs x directions)`, allowed: 'at most 2^40 bytes per run; lower ops or sizeBytes' };
}

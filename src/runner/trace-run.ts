/**
 * One point run with a trace: a TraceBus filtered by layer, node and time window, feeding a
 * streamed TraceCsvWriter (constant memory however long the run; temp file renamed on success,
 * deleted on failure).
 */
import { TraceBus, type TraceFilter, type TraceSink } from '../engine/trace.js';
import { TraceCsvWriter } from './report-lite.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { InputError } from './errors.js';
import { runJob, type ResultRow } from './run-point.js';

/** Every trace layer the model emits (docs/trace.md). */
export const TRACE_LAYERS = ['wire', 'switch', 'nic', 'tcp', 'ring', 'evtchn', 'netback', 'vif'] as const;

export interface TraceRequest {
  layers?: readonly string[];
  nodes?: readonly string[];
  fromNs?: number;
  toNs?: number;
}

/**
 * Checks layer and node names against what exists, so a typo is refused instead of giving an
 * empty trace. `where` names the source (`--layers`, or the scenario file and field).
 */
export function checkTraceRequest(req: TraceRequest, nodes: number, where: { layers: string; nodes: string }): void {
  for (const l of req.layers ?? []) {
    if (!(TRACE_LAYERS as readonly string[]).includes(l)) throw new InputError(where.layers, 'layers', `unknown trace layer ${JSON.stringify(l)}`, TRACE_LAYERS.join(', '));
  }
  for (const n of req.nodes ?? []) {
    if (n === 'switch') continue;
    const m = /^n(\d+)$/.exec(n);
    if (!m || Number(m[1]) >= nodes) throw new InputError(where.nodes, 'nodes', `no node ${JSON.stringify(n)}`, `n0..n${nodes - 1}, switch`);
  }
  if (req.fromNs !== undefined && req.toNs !== undefined && req.toNs <= req.fromNs) {
    throw new InputError(where.layers, 'to', `window end ${req.toNs} ns is not after its start ${req.fromNs} ns`, 'to > from');
  }
}

/**
 * The TraceBus filter. Nodes are filtered by NodeFilterSink instead, because components name
 * themselves below the node (`n0/eth0` for n0's NIC): `--nodes n0` means n0 and its devices.
 */
export function traceFilter(req: TraceRequest): TraceFilter {
  const f: TraceFilter = {};
  if (req.layers && req.layers.length) f.layers = [...req.layers];
  if (req.fromNs !== undefined) f.fromNs = req.fromNs;
  if (req.toNs !== undefined) f.toNs = req.toNs;
  return f;
}

/** Passes records of the given nodes and their devices (`n0` matches `n0` and `n0/eth0`). */
export class NodeFilterSink implements TraceSink {
  private readonly exact: Set<string>;
  private readonly prefixes: string[];
  constructor(
    private readonly sink: TraceSink,
    nodes: readonly string[],
  ) {
    this.exact = new Set(nodes);
    this.prefixes = nodes.map((n) => `${n}/`);
  }
  record(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void {
    if (this.exact.has(node) || this.prefixes.some((p) => node.startsWith(p))) this.sink.record(timeNs, node, layer, event, flow, seq, bytes, queue);
  }
}

export interface TracedRun {
  row: ResultRow;
  /** Trace rows written. */
  rows: number;
  path: string;
}

/** Runs one point with a trace streamed to `path` (temp name + rename): a job of one point. */
export function runTracedPoint(scenario: Scenario, point: RunPoint, req: TraceRequest, path: string): TracedRun {
  const r = runTracedJob(scenario, [point], req, path);
  return { row: r.rows[0]!, rows: r.traceRows, path: r.path };
}

/** A traced job: its rows (one per point) and the trace of the whole simulation. */
export interface TracedJob {
  rows: ResultRow[];
  /** Trace rows written. */
  traceRows: number;
  path: string;
}

export function runTracedJob(scenario: Scenario, job: readonly RunPoint[], req: TraceRequest, path: string): TracedJob {
  const writer = new TraceCsvWriter(path);
  try {
    const sink: TraceSink = req.nodes && req.nodes.length ? new NodeFilterSink(writer, req.nodes) : writer;
    const bus = new TraceBus(sink, traceFilter(req));
    const rows = runJob(scenario, job, bus);
    writer.close();
    return { rows, traceRows: writer.rows, path };
  } catch (e) {
    writer.abort();
    throw e;
  }
}

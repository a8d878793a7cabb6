/**
 * The trace bus. A simulation has one only when a trace was asked for; components ask it once,
 * at construction, for a `TraceLayer` (null when their layer is not selected) and then emit
 * with primitives only, so an untraced run pays one null check per call site and allocates
 * nothing. Columns: time_ns,node,layer,event,flow,seq,bytes,queue (see docs/outputs.md).
 */
export interface TraceSink {
  record(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void;
}

export class TraceLayer {
  constructor(
    readonly name: string,
    private readonly bus: TraceBus,
  ) {}
  emit(timeNs: number, node: string, event: string, flow: string, seq: number, bytes: number, queue: number): void {
    this.bus.emit(timeNs, node, this.name, event, flow, seq, bytes, queue);
  }
}

export interface TraceFilter {
  /** Layers to record; empty or undefined: all. */
  layers?: readonly string[];
  /** Node names to record; empty or undefined: all. */
  nodes?: readonly string[];
  fromNs?: number;
  toNs?: number;
}

export class TraceBus {
  private readonly layers: Set<string> | null;
  private readonly nodes: Set<string> | null;
  private readonly fromNs: number;
  private readonly toNs: number;
  /** Records passed to the sink. */
  count = 0;

  constructor(
    private readonly sink: TraceSink,
    filter: TraceFilter = {},
  ) {
    this.layers = filter.layers && filter.layers.length ? new Set(filter.layers) : null;
    this.nodes = filter.nodes && filter.nodes.length ? new Set(filter.nodes) : null;
    this.fromNs = filter.fromNs ?? 0;
    this.toNs = filter.toNs ?? Infinity;
  }

  /** The layer handle, or null if that layer is filtered out. */
  layer(name: string): TraceLayer | null {
    if (this.layers && !this.layers.has(name)) return null;
    return new TraceLayer(name, this);
  }

  emit(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void {
    if (timeNs < this.fromNs || timeNs > this.toNs) return;
    if (this.nodes && !this.nodes.has(node)) return;
    this.count++;
    this.sink.record(timeNs, node, layer, event, flow, seq, bytes, queue);
  }
}

/** Keeps records in memory: for tests and small traces. */
export class MemoryTraceSink implements TraceSink {
  readonly rows: { timeNs: number; node: string; layer: string; event: string; flow: string; seq: number; bytes: number; queue: number }[] = [];
  record(timeNs: number, node: string, layer: string, event: string, flow: string, seq: number, bytes: number, queue: number): void {
    this.rows.push({ timeNs, node, layer, event, flow, seq, bytes, queue });
  }
}

export { Simulator, SimEvent, type EventFn } from './simulator.js';
export { RngStreams, replicationSeed, type RngStream } from './rng.js';
export { TraceBus, TraceLayer, MemoryTraceSink, type TraceSink, type TraceFilter } from './trace.js';
export { Process, Signal, Sleep, Until, sleep, until, spawn, type Waitable, type ProcessBody } from './process.js';

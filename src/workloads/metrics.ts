/** What one workload run measures. Absent figures are undefined (written as empty cells). */
export interface WorkloadMetrics {
  bandwidthMBps?: number;
  optimeUs?: number;
  latencyUs?: number;
  /** linpack: factor and solve phase times (ns) and LINPACK's Mflop/s. */
  factorNs?: number;
  solveNs?: number;
  mflops?: number;
  /** Simulated time the measured part took. */
  elapsedNs: number;
}

/** MB/s with MB = 10^6 bytes, as Presta and the paper report it. */
export function megabytesPerSecond(bytes: number, elapsedNs: number): number {
  return elapsedNs > 0 ? (bytes / elapsedNs) * 1e3 : 0;
}

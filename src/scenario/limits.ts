/**
 * Limits that keep a bad input from exhausting memory or running for days. Apart from load.ts so
 * that workload modules can state their ranges with them without importing the loader.
 */
export const LIMITS = {
  /** Largest message of the message-passing workloads: 2^30 bytes. */
  maxMessageBytes: 2 ** 30,
  /** Largest bulk TCP transfer: 2^36 bytes (64 GiB, about 10 simulated minutes at 1 Gb/s). */
  maxStreamBytes: 2 ** 36,
  /** Largest payload one run moves (ops x size x pairs x directions): 2^40 bytes. */
  maxRunPayloadBytes: 2 ** 40,
  /** Largest ops x procs of one Presta run (message operations per sample). */
  maxOpsTimesProcs: 1e8,
  maxReplications: 100_000,
  /** Most runs one scenario expands to (workloads x profiles x replications). */
  maxRuns: 1_000_000,
  maxOps: 1e7,
  /** procs may oversubscribe CPUs up to this factor. */
  procsPerCpu: 16,
  /** Latest trace time: 1e15 ns (about 11.6 simulated days). */
  maxTraceNs: 1e15,
} as const;

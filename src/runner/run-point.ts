/**
 * One simulation: a run point (profile, concrete workload, replication seed) on the scenario's
 * cluster, turned into one results row. Everything a run needs comes from the point and the
 * scenario, so a point gives the same row whichever process or thread runs it.
 */
import { Simulator } from '../engine/simulator.js';
import type { TraceBus } from '../engine/trace.js';
import { buildCluster, type Cluster } from '../cluster/cluster.js';
import type { RunPoint, Scenario, WorkloadSpec } from '../scenario/types.js';
import type { ResultColumn, RunKeyColumn } from '../report/tables.js';
import { runCom } from '../workloads/com.js';
import { runLaten } from '../workloads/laten.js';
import type { WorkloadMetrics } from '../workloads/metrics.js';
import { runMpiPingpong } from '../workloads/mpi-pingpong.js';
import { runPingpong } from '../workloads/pingpong.js';
import { runStream } from '../workloads/stream.js';

/** One row of results.csv; '' where a figure does not apply. Column order: RESULT_COLUMNS (src/report). */
export interface ResultRow extends Record<ResultColumn, number | string> {
  scenario: string;
  profile: string;
  workload: string;
  mode: string;
  size_bytes: number | '';
  procs: number | '';
  ops: number | '';
  sock_buf_bytes: number | '';
  from_node: number | '';
  to_node: number | '';
  replication: number;
  seed: string;
  bandwidth_MBps: number | '';
  optime_us: number | '';
  latency_us: number | '';
  elapsed_ns: number;
  retransmits: number;
  timeouts: number;
  drops: number;
  events: number;
}

/** The columns that identify a run: what the point is, before anything is measured. */
export function pointColumns(scenario: Scenario, point: RunPoint): Pick<ResultRow, RunKeyColumn> {
  const w = point.workload;
  return {
    scenario: scenario.name,
    profile: point.profile.name,
    workload: w.type,
    mode: w.type === 'com' ? (w.mode ?? 'uni') : '',
    size_bytes: w.type === 'laten' ? 0 : (w.sizeBytes ?? ''),
    procs: w.procs ?? (w.type === 'stream' ? (w.streams ?? 1) + 1 : 2),
    ops: w.ops ?? '',
    sock_buf_bytes: w.sockBufBytes ?? '',
    from_node: w.fromNode ?? '',
    to_node: w.toNode ?? '',
    replication: point.replication,
    seed: point.seed,
  };
}

function runWorkload(cluster: Cluster, w: WorkloadSpec, scenario: Scenario): WorkloadMetrics {
  const mpi = { placement: scenario.cluster.placement };
  switch (w.type) {
    case 'stream':
      return runStream(cluster, w);
    case 'pingpong':
      return runPingpong(cluster, w);
    case 'com':
      return runCom(cluster, w, mpi);
    case 'laten':
      return runLaten(cluster, w, mpi);
    case 'mpi-pingpong':
      return runMpiPingpong(cluster, w, mpi);
  }
}

/** Drops anywhere on the path: switch ports, NIC rings, receive-buffer pruning, Xen interfaces. */
function countDrops(cluster: Cluster): number {
  let drops = cluster.switch.drops;
  for (const n of cluster.nodes) {
    drops += n.nic.rxDrops + n.nic.txDrops + (n.extraDrops?.() ?? 0);
    for (const c of n.kernel.connections) drops += c.rcvPruneDrops;
  }
  return drops;
}

const round = (x: number | undefined, digits = 6): number | '' => (x === undefined ? '' : Number(x.toFixed(digits)));

export function runPoint(scenario: Scenario, point: RunPoint, trace: TraceBus | null = null): ResultRow {
  const sim = new Simulator({ seed: point.seed, trace });
  const cluster = buildCluster(sim, scenario.cluster, point.profile);
  const w = point.workload;
  const m = runWorkload(cluster, w, scenario);
  let retransmits = 0;
  let timeouts = 0;
  for (const n of cluster.nodes) {
    for (const c of n.kernel.connections) {
      retransmits += c.stats.retransmits;
      timeouts += c.stats.timeouts;
    }
  }
  return {
    ...pointColumns(scenario, point),
    bandwidth_MBps: round(m.bandwidthMBps),
    optime_us: round(m.optimeUs),
    latency_us: round(m.latencyUs),
    elapsed_ns: m.elapsedNs,
    retransmits,
    timeouts,
    drops: countDrops(cluster),
    events: sim.eventsRun,
  };
}

/**
 * One simulation: a run point (profile, concrete workload, replication seed) on the scenario's
 * cluster, turned into one results row. Everything a run needs comes from the point and the
 * scenario, so a point gives the same row whichever process or thread runs it.
 */
import { Simulator } from '../engine/simulator.js';
import type { TraceBus } from '../engine/trace.js';
import { buildCluster, nodeKernels, type Cluster } from '../cluster/cluster.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import type { ResultColumn, RunKeyColumn } from '../report/tables.js';
import type { WorkloadMetrics } from '../workloads/metrics.js';
import { workloadModule } from '../workloads/registry.js';

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
  factor_s: number | '';
  solve_s: number | '';
  total_s: number | '';
  mflops: number | '';
  elapsed_ns: number;
  retransmits: number;
  timeouts: number;
  drops: number;
  events: number;
}

/** The columns that identify a run: what the point is, before anything is measured. */
/** The columns that identify a run: what the point is, before anything is measured. Its module fills the workload's part. */
export function pointColumns(scenario: Scenario, point: RunPoint): Pick<ResultRow, RunKeyColumn> {
  const w = point.workload;
  const k = workloadModule(w.type).key(w);
  return {
    scenario: scenario.name,
    profile: point.profile.name,
    workload: w.type,
    mode: k.mode ?? '',
    size_bytes: k.size_bytes ?? '',
    procs: k.procs ?? '',
    ops: k.ops ?? '',
    sock_buf_bytes: k.sock_buf_bytes ?? '',
    from_node: k.from_node ?? '',
    to_node: k.to_node ?? '',
    replication: point.replication,
    seed: point.seed,
    // A sweep over scenario fields: one column per swept path (`cluster.link.rateBps`), so rows of
    // different values never pool in a summary (src/report/tables.ts reads dotted columns as keys).
    ...point.params,
  };
}

/** Drops anywhere on the path: switch ports, NIC rings, receive-buffer pruning, Xen interfaces. */
function countDrops(cluster: Cluster): number {
  let drops = cluster.switch.drops;
  for (const n of cluster.nodes) {
    drops += n.nic.rxDrops + n.nic.txDrops + (n.extraDrops?.() ?? 0);
    for (const k of nodeKernels(n)) for (const c of k.allConnections) drops += c.rcvPruneDrops;
  }
  return drops;
}

const round = (x: number | undefined, digits = 6): number | '' => (x === undefined ? '' : Number(x.toFixed(digits)));

/** TCP segments sent again and retransmission timeouts, over every connection of the run. */
function countTcpLosses(cluster: Cluster): { retransmits: number; timeouts: number } {
  let retransmits = 0;
  let timeouts = 0;
  for (const n of cluster.nodes) {
    for (const c of nodeKernels(n).flatMap((k) => k.allConnections)) {
      retransmits += c.stats.retransmits;
      timeouts += c.stats.timeouts;
    }
  }
  return { retransmits, timeouts };
}

type Counters = { retransmits: number; timeouts: number; drops: number; events: number };

/**
 * The rows of one job (src/runner/jobs.ts): a single point runs alone; a com program runs its
 * points' sizes in order in one simulation with the first point's seed (the same for all: it
 * depends on the replication only). A program row's retransmits, timeouts, drops and events are
 * those of its own size, from the previous size's end to its own (the last one to the run's end),
 * so a program of one size gives exactly runPoint's row.
 */
export function runJob(scenarioIn: Scenario, job: readonly RunPoint[], trace: TraceBus | null = null): ResultRow[] {
  const first = job[0];
  if (!first) return [];
  const scenario = withPointCluster(scenarioIn, first);
  if (job.length === 1) return [runPoint(scenario, first, trace)];
  const sim = new Simulator({ seed: first.seed, trace });
  const cluster = buildScenarioCluster(sim, scenario, first);
  const marks: Counters[] = [];
  const mark = (): Counters => ({ ...countTcpLosses(cluster), drops: countDrops(cluster), events: sim.eventsRun });
  const program = workloadModule(first.workload.type).program;
  if (!program) throw new Error(`workload ${first.workload.type} has no program, so a job of ${job.length} points cannot run`);
  const values = job.map((p) => axisValue(p, program.axis));
  const metrics = program.run(cluster, first.workload, values, { placement: scenario.cluster.placement }, (k) => {
    if (k < values.length - 1) marks[k] = mark();
  });
  marks[values.length - 1] = mark();
  return job.map((point, k) => {
    const now = marks[k]!;
    const prev = k > 0 ? marks[k - 1]! : { retransmits: 0, timeouts: 0, drops: 0, events: 0 };
    return {
      ...pointColumns(scenario, point),
      ...measuredColumns(metrics[k]!),
      retransmits: now.retransmits - prev.retransmits,
      timeouts: now.timeouts - prev.timeouts,
      drops: now.drops - prev.drops,
      events: now.events - prev.events,
    };
  });
}

/** The value of a program's axis at a point (a number: the axis is a numeric field). */
function axisValue(p: RunPoint, axis: string): number {
  const v = p.workload[axis];
  if (typeof v !== 'number') throw new Error(`point ${p.index}: ${axis} is ${JSON.stringify(v)}, not a number`);
  return v;
}

/** The scenario's cluster for a point's profile, with the scenario's noise switch. */
function buildScenarioCluster(sim: Simulator, scenario: Scenario, point: RunPoint): Cluster {
  return buildCluster(sim, scenario.cluster, point.profile, { noise: scenario.noise === 'on' });
}

/** The measured figures of a workload's metrics, as results columns. */
function measuredColumns(m: WorkloadMetrics): Pick<ResultRow, 'bandwidth_MBps' | 'optime_us' | 'latency_us' | 'factor_s' | 'solve_s' | 'total_s' | 'mflops' | 'elapsed_ns'> {
  return {
    bandwidth_MBps: round(m.bandwidthMBps),
    optime_us: round(m.optimeUs),
    latency_us: round(m.latencyUs),
    factor_s: round(m.factorNs === undefined ? undefined : m.factorNs / 1e9, 9),
    solve_s: round(m.solveNs === undefined ? undefined : m.solveNs / 1e9, 9),
    total_s: round(m.factorNs === undefined ? undefined : m.elapsedNs / 1e9, 9),
    mflops: round(m.mflops),
    elapsed_ns: m.elapsedNs,
  };
}

/** The scenario as a point of a sweep over scenario fields sees it: with that variant's cluster. */
function withPointCluster(scenario: Scenario, point: RunPoint): Scenario {
  return point.cluster ? { ...scenario, cluster: point.cluster } : scenario;
}

export function runPoint(scenarioIn: Scenario, point: RunPoint, trace: TraceBus | null = null): ResultRow {
  const scenario = withPointCluster(scenarioIn, point);
  const sim = new Simulator({ seed: point.seed, trace });
  const cluster = buildScenarioCluster(sim, scenario, point);
  const m = workloadModule(point.workload.type).run(cluster, point.workload, { placement: scenario.cluster.placement });
  return {
    ...pointColumns(scenario, point),
    ...measuredColumns(m),
    ...countTcpLosses(cluster),
    drops: countDrops(cluster),
    events: sim.eventsRun,
  };
}

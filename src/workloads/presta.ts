/**
 * What Presta 1.2's com and laten share (research/presta-mpich.md §2-4): pairs (i, i + np/2),
 * the active communicator's rank order, the timed sample every active rank takes (warm-up, two
 * barriers, `ops` operations and a barrier inside the timed region), and a runner that builds an
 * MPI world on the cluster's placement, spawns the rank programs and collects rank 0's result.
 */
import type { Cluster } from '../cluster/cluster.js';
import { placeRanks, type Placement, type RankSlot } from '../cluster/placement.js';
import type { ProcessBody } from '../engine/process.js';
import { MpiWorld, type MpiOptions, type MpiRank } from '../mpi/device.js';

/** getTargetRank without -r: the partner half a world away. */
export function prestaPartner(rank: number, worldSize: number): number {
  const half = Math.floor(worldSize / 2);
  return rank < half ? rank + half : rank - half;
}

/**
 * createActiveComm without -t: pairs idx = 0 .. procs/2-1 are (idx, idx + wsize/2); the
 * communicator lists all first members, then all partners (so the barrier's last round pairs them).
 */
export function activeGroup(procs: number, worldSize: number): number[] {
  if (procs % 2 !== 0 || procs < 2 || procs > worldSize) throw new RangeError(`presta: procs must be even, 2..${worldSize} (got ${procs})`);
  const half = procs / 2;
  const ids: number[] = new Array(procs);
  for (let i = 0; i < half; i++) {
    ids[i] = i;
    ids[half + i] = prestaPartner(i, worldSize);
  }
  return ids;
}

/**
 * One rank's Presta sample: ranks of the active group exchange one untimed `warmup` with their
 * partner, pass two barriers on the group, then time `ops` calls of `op` and a trailing barrier.
 * Ranks outside the group sample 0. What follows (a WORLD barrier, the reduce) is the caller's.
 */
export function* prestaSample(r: MpiRank, group: readonly number[], ops: number, warmup: () => ProcessBody<void>, op: () => ProcessBody<void>): ProcessBody<number> {
  if (!group.includes(r.rank)) return 0;
  yield* warmup();
  yield* r.barrier(group);
  yield* r.barrier(group);
  const start = r.wtimeNs();
  for (let i = 0; i < ops; i++) yield* op();
  yield* r.barrier(group);
  return r.wtimeNs() - start;
}

export function worldSlots(cluster: Cluster, worldSize: number, placement: Placement): RankSlot[] {
  const nodes = cluster.nodes.length;
  const cpus = cluster.nodes[0]!.cpus.length;
  return placeRanks(worldSize, nodes, cpus, placement);
}

/**
 * Run `program` on every rank of a world of `slots.length` ranks and return the value rank 0
 * reported. Throws if a rank did not finish.
 */
/** Simulated-time limit of one run: a deadlock shows as an error, not as a run that never ends. */
export const MAX_RUN_NS = 3600e9;

export function runWorld(cluster: Cluster, slots: readonly RankSlot[], program: (r: MpiRank, report: (x: number) => void) => ProcessBody<void>, opts: MpiOptions = {}, maxRunNs = MAX_RUN_NS): { value: number; world: MpiWorld } {
  const world = new MpiWorld(cluster, slots, opts);
  let value = NaN;
  const report = (x: number): void => {
    value = x;
  };
  world.spawnAll((r) => program(r, report));
  cluster.sim.run(cluster.sim.now + maxRunNs);
  if (world.unfinished > 0) throw new Error(`presta: ${world.unfinished} of ${world.size} ranks did not finish within ${maxRunNs / 1e9} s simulated`);
  return { value, world };
}

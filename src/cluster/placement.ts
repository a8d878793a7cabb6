/**
 * Where MPI ranks run: rank -> (node, cpu). Two policies, as mpirun produces them:
 *   block:  fill a node's CPUs before the next node (a machines file listing each host once
 *           per CPU, or a comm=shared build). With more ranks than CPUs, ranks are spread
 *           evenly: ceil(np/nodes) per node, in blocks, sharing the node's CPUs round-robin.
 *   cyclic: rank r on node r mod nodes (MPICH ch_p4 TCP-only mpirun walks the machines file one
 *           rank per entry per pass), CPU floor(r/nodes) mod cpus on that node.
 * docs/mpi.md says which one the paper most likely used.
 */
export type Placement = 'block' | 'cyclic';

export interface RankSlot {
  node: number;
  cpu: number;
}

export function placeRanks(np: number, nodes: number, cpusPerNode: number, placement: Placement): RankSlot[] {
  if (!(np >= 1 && nodes >= 1 && cpusPerNode >= 1)) throw new RangeError(`placeRanks: need np, nodes, cpusPerNode >= 1 (got ${np}, ${nodes}, ${cpusPerNode})`);
  const slots: RankSlot[] = [];
  if (placement === 'cyclic') {
    for (let r = 0; r < np; r++) slots.push({ node: r % nodes, cpu: Math.floor(r / nodes) % cpusPerNode });
    return slots;
  }
  // Block: a node holds cpusPerNode ranks while they fit; beyond that, ceil(np/nodes) each.
  const perNode = np <= nodes * cpusPerNode ? cpusPerNode : Math.ceil(np / nodes);
  for (let r = 0; r < np; r++) slots.push({ node: Math.floor(r / perNode), cpu: (r % perNode) % cpusPerNode });
  return slots;
}

/**
 * Every workload xenhpc runs, one line each. The scenario loader, the runner and the docs test
 * loop over this list; adding a workload is one module file and one line here (docs/extending.md).
 */
import { collective } from './collective.js';
import { com } from './com.js';
import { ioport } from './ioport.js';
import { laten } from './laten.js';
import { linpack } from './linpack.js';
import type { WorkloadModule } from './module.js';
import { mpiPingpong } from './mpi-pingpong.js';
import { pingpong } from './pingpong.js';
import { stream } from './stream.js';

export const WORKLOADS: readonly WorkloadModule[] = [
  stream,
  pingpong,
  com,
  laten,
  mpiPingpong,
  linpack,
  collective,
  ioport,
];

const BY_TYPE = new Map(WORKLOADS.map((m) => [m.type, m]));

/** The module of a workload type; undefined for a name no module has. */
export function findWorkload(type: string): WorkloadModule | undefined {
  return BY_TYPE.get(type);
}

/** The module of a workload type the loader accepted. */
export function workloadModule(type: string): WorkloadModule {
  const m = BY_TYPE.get(type);
  if (!m) throw new Error(`no workload module for type ${JSON.stringify(type)}`);
  return m;
}

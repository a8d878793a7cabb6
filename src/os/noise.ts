/**
 * OS noise: what takes a CPU away from a rank without the rank asking. The timer tick runs on
 * every CPU HZ times a second (its phase per CPU drawn at start); background daemons wake up
 * on each CPU at exponential intervals. Both are charged as work on the CPU, so a rank or a
 * softirq that needs the CPU at that moment waits. The draws come from the host's own RNG
 * stream, so they vary between replications and nowhere else.
 */
import type { Simulator } from '../engine/simulator.js';
import type { RngStream } from '../engine/rng.js';
import type { ExecUnit } from '../hw/exec-unit.js';
import type { HostParams } from './profile.js';

class UnitNoise {
  constructor(
    readonly sim: Simulator,
    readonly unit: ExecUnit,
    readonly params: HostParams,
    readonly rng: RngStream,
  ) {}
}

function tick(n: UnitNoise): void {
  n.unit.exec(n.params.tickNs);
  n.sim.schedule(1e9 / n.params.hz, tick, n);
}

function daemon(n: UnitNoise): void {
  n.unit.exec(n.params.daemonNs);
  n.sim.schedule(n.rng.exponential(n.params.daemonIntervalNs), daemon, n);
}

/** Start ticks and daemons on every unit. */
export function startNoise(sim: Simulator, units: readonly ExecUnit[], params: HostParams, rng: RngStream): void {
  for (const unit of units) {
    const n = new UnitNoise(sim, unit, params, rng);
    if (params.hz > 0 && params.tickNs > 0) sim.schedule(rng.next() * (1e9 / params.hz), tick, n);
    if (params.daemonIntervalNs > 0 && params.daemonNs > 0) sim.schedule(rng.exponential(params.daemonIntervalNs), daemon, n);
  }
}

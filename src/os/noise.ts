/**
 * OS noise as interruption streams (src/hw/interruptions.ts): what takes a CPU away from whatever
 * runs on it (a rank, a softirq, netback) without being asked. Per CPU:
 * - the timer tick, `hz` times a second, with an effective cost per tick that includes the cache
 *   pollution it leaves behind (Tsafrir, ExpCS'07: 0.5-1.5 % of a CPU at 1000 Hz), at a phase
 *   drawn per CPU;
 * - daemon and interrupt detours: a Poisson stream (exponential gaps) whose durations are
 *   log-normal, the heavy-tailed shape of measured noise signatures (Hoefler SC'10, Morari IPDPS'11);
 * - rare long detours (1-10 ms class, Petrini SC'03's daemons; Beckman: the largest single
 *   interruption is what matters at scale): a second Poisson stream with log-uniform durations.
 * Each CPU draws from its own named RNG stream, so a replication (its own seed) has its own
 * realisation and nothing else shifts the draws. Durations are integer ns.
 */
import type { RngStream } from '../engine/rng.js';
import { Interruptions, type InterruptionStream, PeriodicStream } from '../hw/interruptions.js';
import type { HostParams } from './profile.js';

/** The host parameters noise is made of (a native kernel's, dom0's or a guest's). */
export type HostNoiseParams = Pick<
  HostParams,
  'hz' | 'tickNs' | 'daemonIntervalNs' | 'daemonMedianNs' | 'daemonSigma' | 'longDetourIntervalNs' | 'longDetourMinNs' | 'longDetourMaxNs'
>;

/** Standard normal draw (Box-Muller; one draw per call keeps the stream's use simple). */
function normal(rng: RngStream): number {
  const u = 1 - rng.next(); // (0, 1]
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A renewal stream: exponential gaps (mean `meanGapNs`) and durations from `draw`. */
export class PoissonStream implements InterruptionStream {
  headStartNs: number;
  headDurationNs = 0;
  private exactStartNs: number;
  constructor(
    private readonly rng: RngStream,
    private readonly meanGapNs: number,
    private readonly draw: (rng: RngStream) => number,
  ) {
    // A stream observed from an arbitrary time on: the first gap is a full exponential draw too
    // (memoryless), so the phase is random per CPU and replication.
    this.exactStartNs = meanGapNs > 0 ? rng.exponential(meanGapNs) : Infinity;
    this.headStartNs = Math.round(this.exactStartNs);
    if (this.headStartNs !== Infinity) this.headDurationNs = this.draw(rng);
  }
  advance(): void {
    this.exactStartNs += this.rng.exponential(this.meanGapNs);
    this.headStartNs = Math.round(this.exactStartNs);
    this.headDurationNs = this.draw(this.rng);
  }
}

/** Log-normal duration (median, sigma of the log), integer ns >= 1. */
export function logNormalNs(medianNs: number, sigma: number): (rng: RngStream) => number {
  return (rng) => Math.max(1, Math.round(medianNs * Math.exp(sigma * normal(rng))));
}

/** Log-uniform duration in [minNs, maxNs], integer ns >= 1. */
export function logUniformNs(minNs: number, maxNs: number): (rng: RngStream) => number {
  const lo = Math.log(minNs);
  const span = Math.log(maxNs) - lo;
  return (rng) => Math.max(1, Math.round(Math.exp(lo + span * rng.next())));
}

/**
 * The noise streams of one CPU. `rng` must be that CPU's own stream (for example
 * `sim.rng.stream('noise/n0/cpu1')`), so each CPU has its own phase and realisation. Sources
 * whose parameters are 0 are left out; all zero gives no stream at all.
 */
export function createHostNoise(params: HostNoiseParams, rng: RngStream): InterruptionStream[] {
  const streams: InterruptionStream[] = [];
  if (params.hz > 0 && params.tickNs > 0) {
    const periodNs = 1e9 / params.hz;
    streams.push(new PeriodicStream(periodNs, Math.floor(rng.next() * periodNs), Math.round(params.tickNs)));
  }
  if (params.daemonIntervalNs > 0 && params.daemonMedianNs > 0) {
    streams.push(new PoissonStream(rng, params.daemonIntervalNs, logNormalNs(params.daemonMedianNs, params.daemonSigma)));
  }
  if (params.longDetourIntervalNs > 0 && params.longDetourMinNs > 0 && params.longDetourMaxNs >= params.longDetourMinNs) {
    streams.push(new PoissonStream(rng, params.longDetourIntervalNs, logUniformNs(params.longDetourMinNs, params.longDetourMaxNs)));
  }
  return streams;
}

/** The noise of one CPU or VCPU as it charges it, or null when every source is off. */
export function hostInterruptions(params: HostNoiseParams, rng: RngStream): Interruptions | null {
  const streams = createHostNoise(params, rng);
  return streams.length > 0 ? new Interruptions(streams) : null;
}

/** Expected share of a CPU the noise takes (for docs and tests): sum over sources of rate x mean duration. */
export function expectedNoiseShare(p: HostNoiseParams): number {
  let share = 0;
  if (p.hz > 0 && p.tickNs > 0) share += (p.tickNs * p.hz) / 1e9;
  if (p.daemonIntervalNs > 0 && p.daemonMedianNs > 0) share += (p.daemonMedianNs * Math.exp((p.daemonSigma * p.daemonSigma) / 2)) / p.daemonIntervalNs;
  if (p.longDetourIntervalNs > 0 && p.longDetourMinNs > 0 && p.longDetourMaxNs >= p.longDetourMinNs) {
    const mean = p.longDetourMaxNs === p.longDetourMinNs ? p.longDetourMinNs : (p.longDetourMaxNs - p.longDetourMinNs) / Math.log(p.longDetourMaxNs / p.longDetourMinNs);
    share += mean / p.longDetourIntervalNs;
  }
  return share;
}

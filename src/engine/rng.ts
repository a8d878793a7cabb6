/**
 * Named random streams. Each component asks for its own stream by name; a stream's seed is
 * derived from the scenario seed and the name only, so adding a component (a new stream)
 * never shifts the numbers another component draws.
 */
import seedrandom from 'seedrandom';

export interface RngStream {
  /** Uniform in [0, 1). */
  next(): number;
  /** Exponential with the given mean (same unit as the mean). */
  exponential(mean: number): number;
  /** Integer uniform in [0, n). */
  int(n: number): number;
}

class AleaStream implements RngStream {
  private readonly prng: () => number;
  constructor(seed: string) {
    this.prng = seedrandom.alea(seed);
  }
  next(): number {
    return this.prng();
  }
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.prng());
  }
  int(n: number): number {
    return Math.floor(this.prng() * n);
  }
}

export class RngStreams {
  private readonly streams = new Map<string, RngStream>();
  constructor(readonly seed: string) {}
  stream(name: string): RngStream {
    let s = this.streams.get(name);
    if (!s) {
      s = new AleaStream(`${this.seed}/${name}`);
      this.streams.set(name, s);
    }
    return s;
  }
}

/** Seed of replication `index` of a scenario: any replication can be re-run alone. */
export function replicationSeed(scenarioSeed: string | number, index: number): string {
  return `${scenarioSeed}#${index}`;
}

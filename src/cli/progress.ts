/**
 * Progress on stderr. On a terminal: one line rewritten in place,
 * `[12/76] 16% · 0:42 elapsed · ETA 3:40`. Otherwise (a log file, a Slurm output): one plain line
 * each time another 10 % is done or 30 s have passed. Nothing when quiet.
 */
import type { Progress } from '../runner/simulate.js';

export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** `[12/76] 16% · 0:42 elapsed · ETA 3:40`; the ETA uses the rate of points run in this session. */
export function progressLine(p: Progress): string {
  const pct = p.total ? Math.floor((100 * p.done) / p.total) : 100;
  const ran = p.done - p.skipped;
  let eta = '';
  if (p.done < p.total) eta = ran > 0 ? ` · ETA ${clock((p.elapsedMs / ran) * (p.total - p.done))}` : ' · ETA ?';
  const on = p.running && p.done < p.total ? ` · running ${p.running}` : '';
  return `[${p.done}/${p.total}] ${pct}% · ${clock(p.elapsedMs)} elapsed${eta}${on}`;
}

export interface ProgressStream {
  write(s: string): boolean;
  isTTY?: boolean;
}

export class ProgressReporter {
  private lastPrint = -Infinity;
  private lastBucket = -1;
  private lastLen = 0;
  private shown = false;

  constructor(
    private readonly out: ProgressStream,
    private readonly mode: 'tty' | 'plain' | 'off',
    private readonly now: () => number = () => performance.now(),
  ) {}

  static for(stream: ProgressStream, quiet: boolean): ProgressReporter {
    return new ProgressReporter(stream, quiet ? 'off' : stream.isTTY ? 'tty' : 'plain');
  }

  update(p: Progress): void {
    if (this.mode === 'off') return;
    const t = this.now();
    const finished = p.done >= p.total;
    if (this.mode === 'tty') {
      if (!finished && t - this.lastPrint < 100) return;
      this.lastPrint = t;
      const line = progressLine(p);
      this.out.write(`\r${line}${' '.repeat(Math.max(0, this.lastLen - line.length))}`);
      this.lastLen = line.length;
      this.shown = true;
      return;
    }
    const bucket = p.total ? Math.floor((10 * p.done) / p.total) : 10;
    if (bucket > this.lastBucket || t - this.lastPrint >= 30_000) {
      // The first call (0 done) only sets the baseline unless points were resumed.
      if (this.lastBucket >= 0 || p.done > 0) this.out.write(`${progressLine(p)}\n`);
      this.lastBucket = bucket;
      this.lastPrint = t;
    }
  }

  /** Ends the in-place line so later output starts on a fresh line. */
  end(): void {
    if (this.mode === 'tty' && this.shown) this.out.write('\n');
    this.shown = false;
  }
}

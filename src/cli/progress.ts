/**
 * Progress on stderr. On a terminal: one line rewritten in place,
 * `[12/76] 16% · 0:42 elapsed · ETA 3:40` (the share and the ETA weigh points by their estimated
 * events). Otherwise (a log file, a Slurm output): one plain line
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

/**
 * `[12/76] 16% · 0:42 elapsed · ETA 3:40`: points done and in all, then the share of the work done
 * and the time left at this session's rate. With `work` (each point weighed by its estimated
 * events) the share and the ETA are of the estimated events, so a run of many small points and a
 * few large ones is not shown nearly done after its small ones; without it, of the points.
 */
export function progressLine(p: Progress): string {
  const w = p.work;
  const byWork = w !== undefined && w.total > 0;
  const pct = Math.floor(100 * doneFraction(p));
  let eta = '';
  if (p.done < p.total) {
    const ranShare = byWork ? w.ran : p.done - p.skipped;
    const left = byWork ? w.total - w.done : p.total - p.done;
    eta = ranShare > 0 ? ` · ETA ${clock((p.elapsedMs / ranShare) * Math.max(0, left))}` : ' · ETA ?';
  }
  const on = p.running && p.done < p.total ? ` · running ${p.running}` : '';
  return `[${p.done}/${p.total}] ${pct}% · ${clock(p.elapsedMs)} elapsed${eta}${on}`;
}

/** The share of the run done, 0..1: of the estimated events when the progress has them, else of the points. */
export function doneFraction(p: Progress): number {
  const w = p.work;
  const f = w !== undefined && w.total > 0 ? w.done / w.total : p.total ? p.done / p.total : 1;
  return Math.min(1, f);
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
    const bucket = finished ? 10 : Math.floor(10 * doneFraction(p));
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

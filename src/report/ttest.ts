import { mean, sampleVariance, tTwoSidedP } from './stats.js';

export interface WelchResult {
  t: number;
  /** Welch–Satterthwaite degrees of freedom. */
  df: number;
  /** Two-sided p-value. */
  p: number;
  /** p < 0.05: the paper's t-test "at the 0.95 level". */
  significant: boolean;
}

/**
 * Welch's unequal-variance two-sample t-test (R's `t.test(a, b)` default), t = (mean_a - mean_b) / se.
 * Degenerate cases, where the formula divides by zero, are decided explicitly:
 * - fewer than 2 values on either side: t, df, p NaN, not significant (no variance estimate);
 * - both variances 0, equal means: t 0, p 1, df n_a + n_b - 2 (identical constants);
 * - both variances 0, different means: t ±Infinity, p 0, df n_a + n_b - 2 (no noise can explain
 *   the difference; R stops with "data are essentially constant" instead).
 */
export function welch(a: readonly number[], b: readonly number[]): WelchResult {
  const na = a.length;
  const nb = b.length;
  if (na < 2 || nb < 2) return { t: NaN, df: NaN, p: NaN, significant: false };
  const diff = mean(a) - mean(b);
  const va = sampleVariance(a) / na;
  const vb = sampleVariance(b) / nb;
  const se2 = va + vb;
  if (se2 === 0) {
    const df = na + nb - 2;
    if (diff === 0) return { t: 0, df, p: 1, significant: false };
    return { t: diff > 0 ? Infinity : -Infinity, df, p: 0, significant: true };
  }
  const t = diff / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (na - 1) + (vb * vb) / (nb - 1));
  const p = tTwoSidedP(t, df);
  return { t, df, p, significant: p < 0.05 };
}

/**
 * Descriptive statistics over replications and the Student-t distribution, computed here so the
 * project needs no statistics package. Numerical recipes: log-gamma by Lanczos (g = 7, 9 terms,
 * ~15 significant digits), the regularized incomplete beta by its continued fraction (modified
 * Lentz), t quantiles by bisection on the CDF (robust for every df >= ~1e-3, exact to a few ulps).
 */

export interface Summary {
  n: number;
  mean: number;
  /** Sample standard deviation (divisor n-1); 0 when n = 1. */
  sd: number;
  min: number;
  max: number;
  /** mean ± t(0.975, n-1)·sd/√n; equal to mean when n = 1. */
  ci95Low: number;
  ci95High: number;
}

const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(x) for x > 0 (reflection for x < 0.5 keeps the series in its accurate range). */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0]!;
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** Continued fraction for I_x(a, b), valid where x < (a+1)/(a+b+2). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b), 0 <= x <= 1, a, b > 0. */
export function regIncBeta(x: number, a: number, b: number): number {
  if (Number.isNaN(x) || Number.isNaN(a) || Number.isNaN(b)) return NaN;
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  // The fraction converges fast only on one side of the mean; use the symmetry I_x(a,b) = 1 - I_{1-x}(b,a).
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** Two-sided tail P(|T| >= |t|) for Student t with df degrees of freedom; computed directly, not as 1 - CDF, to keep small p-values accurate. */
export function tTwoSidedP(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  if (!Number.isFinite(t)) return 0;
  return regIncBeta(df / (df + t * t), df / 2, 0.5);
}

/** Student-t CDF P(T <= t). */
export function tCdf(t: number, df: number): number {
  if (Number.isNaN(t) || Number.isNaN(df)) return NaN;
  const tail = tTwoSidedP(t, df) / 2;
  return t > 0 ? 1 - tail : tail;
}

/** Student-t quantile: the t with P(T <= t) = p. Bisection on the CDF: slow-ish but cannot diverge. */
export function tQuantile(p: number, df: number): number {
  if (Number.isNaN(p) || Number.isNaN(df) || p < 0 || p > 1 || df <= 0) return NaN;
  if (p === 0) return -Infinity;
  if (p === 1) return Infinity;
  if (p === 0.5) return 0;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) {
    lo = hi;
    hi *= 2;
    if (hi > 1e300) return Infinity;
  }
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/**
 * Sample variance (divisor n-1), two-pass. Exactly 0 when all values are equal: a rounded mean
 * would otherwise leave a ~1e-33 variance that turns a degenerate t-test into a huge finite t.
 */
export function sampleVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return n === 1 ? 0 : NaN;
  if (values.every((v) => v === values[0])) return 0;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return ss / (n - 1);
}

/** n, mean, sample sd, min, max and the 95% Student-t interval of the mean. Empty input: n 0, the rest NaN. */
export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n: 0, mean: NaN, sd: NaN, min: NaN, max: NaN, ci95Low: NaN, ci95High: NaN };
  const m = mean(values);
  const sd = Math.sqrt(sampleVariance(values));
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const half = n === 1 || sd === 0 ? 0 : (tQuantile(0.975, n - 1) * sd) / Math.sqrt(n);
  return { n, mean: m, sd, min, max, ci95Low: m - half, ci95High: m + half };
}

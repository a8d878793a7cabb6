import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logGamma, regIncBeta, summarize, tCdf, tQuantile, tTwoSidedP } from '../../src/report/stats.js';

/** |actual - expected| <= tol * max(1, |expected|). */
function close(actual: number, expected: number, tol = 1e-9): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

test('log-gamma matches closed forms: ln Γ(1/2) = ln √π, ln Γ(10) = ln 9!', () => {
  close(logGamma(0.5), Math.log(Math.sqrt(Math.PI)), 1e-13);
  close(logGamma(10), Math.log(362880), 1e-13);
  close(logGamma(100.5), 361.43554046777757, 1e-13); // scipy.special.gammaln(100.5)
  close(logGamma(0.01), 4.599479878042022, 1e-12); // reflection branch; scipy gammaln(0.01)
});

test('regularized incomplete beta: polynomial case by hand and scipy values', () => {
  // I_0.3(2,3) = sum_{j=2..4} C(4,j) 0.3^j 0.7^(4-j) = 0.2646 + 0.0756 + 0.0081 = 0.3483
  close(regIncBeta(0.3, 2, 3), 0.3483, 1e-13);
  close(regIncBeta(0.01, 0.5, 20), 0.4713699354850154, 1e-12); // scipy betainc(0.5, 20, 0.01)
  close(regIncBeta(0.45, 50, 60), 0.4642352914306031, 1e-11); // scipy betainc(50, 60, 0.45), other branch
  assert.equal(regIncBeta(0, 2, 3), 0);
  assert.equal(regIncBeta(1, 2, 3), 1);
});

test('t CDF matches the closed forms for df 1 and 2', () => {
  // df 1 (Cauchy): F(t) = 1/2 + atan(t)/π; df 2: F(t) = 1/2 + t / (2 √(2 + t²))
  for (const t of [-3, -0.5, 0, 0.7, 2, 10]) {
    close(tCdf(t, 1), 0.5 + Math.atan(t) / Math.PI, 1e-13);
    close(tCdf(t, 2), 0.5 + t / (2 * Math.sqrt(2 + t * t)), 1e-13);
  }
  // Small two-sided p stays accurate (not 1 - CDF): R 2*pt(-12, 30) = 5.580185e-13
  close(tTwoSidedP(12, 30) / 5.580185415199261e-13, 1, 1e-9);
  assert.equal(tTwoSidedP(Infinity, 5), 0);
});

test('t quantiles equal R qt(0.975, df)', () => {
  const table: [number, number][] = [
    [1, 12.706204736174694],
    [2, 4.302652729749462],
    [4, 2.7764451051977934],
    [9, 2.262157162798205],
    [29, 2.045229642132703],
    [1000, 1.9623390808264083],
  ];
  for (const [df, q] of table) close(tQuantile(0.975, df), q, 1e-11);
  close(tQuantile(0.025, 9), -2.262157162798205, 1e-11);
  assert.equal(tQuantile(0.5, 3), 0);
});

test('summarize: mean, sample sd, range and t interval', () => {
  // x = 2,4,4,4,5,5,7,9: mean 5, sum of squares 32, sd = √(32/7) = 2.138089935;
  // CI = 5 ± qt(.975,7)=2.364624252 · sd/√8 → 3.212512082 .. 6.787487918
  const s = summarize([2, 4, 4, 4, 5, 5, 7, 9]);
  assert.equal(s.n, 8);
  assert.equal(s.mean, 5);
  close(s.sd, Math.sqrt(32 / 7), 1e-14);
  assert.equal(s.min, 2);
  assert.equal(s.max, 9);
  close(s.ci95Low, 3.21251208176379, 1e-12);
  close(s.ci95High, 6.787487918236209, 1e-12);
});

test('summarize: one value has sd 0 and a point interval; constant data has sd exactly 0', () => {
  assert.deepEqual(summarize([42]), { n: 1, mean: 42, sd: 0, min: 42, max: 42, ci95Low: 42, ci95High: 42 });
  const c = summarize([0.1, 0.1, 0.1]);
  assert.equal(c.sd, 0);
  assert.equal(c.ci95Low, c.mean);
  assert.equal(c.ci95High, c.mean);
  const e = summarize([]);
  assert.equal(e.n, 0);
  assert.ok(Number.isNaN(e.mean));
});

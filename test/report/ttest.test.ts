import { test } from 'node:test';
import assert from 'node:assert/strict';
import { welch } from '../../src/report/ttest.js';

function close(actual: number, expected: number, tol: number): void {
  assert.ok(Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)), `${actual} != ${expected}`);
}

test("Welch t-test equals R's t.test on the sleep data", () => {
  // R: t.test(extra ~ group, data = sleep) → t = -1.8608, df = 17.776, p-value = 0.07939
  // (full precision from scipy.stats.ttest_ind(equal_var=False): -1.8608134674868526, 17.776473516178488, 0.0793941401873583)
  const g1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
  const g2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];
  const r = welch(g1, g2);
  close(r.t, -1.8608134674868526, 1e-12);
  close(r.df, 17.776473516178488, 1e-12);
  close(r.p, 0.0793941401873583, 1e-10);
  assert.equal(r.significant, false);
  // Swapping the samples flips t only.
  const s = welch(g2, g1);
  close(s.t, 1.8608134674868526, 1e-12);
  close(s.p, r.p, 1e-14);
});

test("Welch t-test equals R's t.test on mtcars mpg by transmission", () => {
  // R: t.test(mpg ~ am, data = mtcars) → t = -3.7671, df = 18.332, p-value = 0.001374,
  // means 17.14737 and 24.39231 (scipy: -3.767123145144923, 18.332251638400464, 0.0013736383330710362)
  const automatic = [21.4, 18.7, 18.1, 14.3, 24.4, 22.8, 19.2, 17.8, 16.4, 17.3, 15.2, 10.4, 10.4, 14.7, 21.5, 15.5, 15.2, 13.3, 19.2];
  const manual = [21.0, 21.0, 22.8, 32.4, 30.4, 33.9, 27.3, 26.0, 30.4, 15.8, 19.7, 15.0, 21.4];
  const r = welch(automatic, manual);
  close(r.t, -3.767123145144923, 1e-12);
  close(r.df, 18.332251638400464, 1e-12);
  close(r.p, 0.0013736383330710362, 1e-10);
  assert.equal(r.significant, true);
});

test('Welch t-test by hand: 1..5 vs 2,4..10', () => {
  // var 2.5 and 10 → se² = 2.5/5 + 10/5 = 2.5, t = -3/√2.5 = -1.897366596,
  // df = 2.5² / (0.5²/4 + 2²/4) = 6.25/1.0625 = 5.882352941; R p-value = 0.1075312
  const r = welch([1, 2, 3, 4, 5], [2, 4, 6, 8, 10]);
  close(r.t, -3 / Math.sqrt(2.5), 1e-14);
  close(r.df, 6.25 / 1.0625, 1e-14);
  close(r.p, 0.10753119493062728, 1e-10);
});

test('degenerate cases are decided explicitly', () => {
  assert.deepEqual(welch([3, 3, 3], [3, 3]), { t: 0, df: 3, p: 1, significant: false });
  assert.deepEqual(welch([3, 3, 3], [5, 5]), { t: -Infinity, df: 3, p: 0, significant: true });
  assert.deepEqual(welch([0.1, 0.1, 0.1], [0.1, 0.1, 0.1]), { t: 0, df: 4, p: 1, significant: false });
  const one = welch([1], [2, 3, 4]);
  assert.ok(Number.isNaN(one.t) && Number.isNaN(one.df) && Number.isNaN(one.p));
  assert.equal(one.significant, false);
  // One side constant, the other not: the ordinary formula applies (df = n_b - 1 exactly).
  const half = welch([5, 5, 5], [1, 2, 3]);
  assert.equal(half.t, 3 / Math.sqrt(1 / 3));
  assert.equal(half.df, 2);
});

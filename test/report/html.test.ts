import { test } from 'node:test';
import assert from 'node:assert/strict';
import { reportHtml } from '../../src/report/html.js';

const point = { scenario: 's', workload: 'com', mode: 'uni', size_bytes: 1024, procs: 2, ops: 10, sock_buf_bytes: '', from_node: '', to_node: '' };
const summary = [
  { ...point, profile: 'a', metric: 'bandwidth_MBps', n: 3, mean: 10, sd: 1, min: 9, max: 11, ci95_low: 7.5, ci95_high: 12.5 },
  { ...point, profile: 'b<x>', metric: 'bandwidth_MBps', n: 5, mean: 8, sd: 2, min: 6, max: 10, ci95_low: 5.5, ci95_high: 10.5 },
  { ...point, profile: 'a', metric: 'drops', n: 3, mean: 0, sd: 0, min: 0, max: 0, ci95_low: 0, ci95_high: 0 },
];
const compare = [
  { ...point, metric: 'bandwidth_MBps', profile_a: 'a', profile_b: 'b<x>', mean_a: 10, mean_b: 8, diff: 2, t: 1.9, df: 5.9, p: 0.01, significant: true },
  { ...point, metric: 'optime_us', profile_a: 'a', profile_b: 'b<x>', mean_a: 1, mean_b: 1, diff: 0, t: 0, df: 4, p: 1, significant: false },
];

test('report page: significant differences with % of B and Cohen\'s d, escaped names, claims, nothing fetched', () => {
  const html = reportHtml({ name: 'n & <m>', summary, compare, figures: [], claims: [{ id: 1, title: 'plateau', pass: true, detail: 'ok' }, { id: 2, title: 'tso', pass: false, detail: 'x < y' }] });
  assert.match(html, /<title>n &amp; &lt;m&gt;: xenhpc report<\/title>/);
  const diffs = /<section id="differences">([\s\S]*?)<\/section>/.exec(html)![1]!;
  assert.match(diffs, /1 of 2 kernel pairs differ significantly/);
  assert.equal(diffs.match(/<tr>/g)!.length, 2, 'header and the one significant row');
  // pooled sd = sqrt((2 * 1 + 4 * 4) / 6) = sqrt(3); d = 2 / 1.732 = 1.15; 2 / 8 = +25 %.
  assert.match(diffs, /<td class="num">\+25\.00 %<\/td><td class="num">1\.15<\/td><td class="num">0\.01<\/td>/);
  assert.ok(diffs.includes('b&lt;x&gt;') && !html.includes('b<x>'));
  const sum = /<section id="summary">([\s\S]*?)<\/section>/.exec(html)![1]!;
  assert.match(sum, /1 rows of loss counters/);
  assert.match(sum, /7\.5 – 12\.5/);
  const claims = /<section id="claims">([\s\S]*?)<\/section>/.exec(html)![1]!;
  assert.match(claims, /1 of 2 claims pass/);
  assert.match(claims, /x &lt; y/);
  assert.match(html, /No manifest\.json in this directory/);
  assert.doesNotMatch(html, /\ssrc=|<link|https?:\/\/(?!www\.w3\.org)/, 'no external resource');
  assert.ok(html.length > 300_000, 'vega inlined');
});

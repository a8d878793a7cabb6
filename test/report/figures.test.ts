import { test } from 'node:test';
import assert from 'node:assert/strict';
import { figureSvg } from '../../src/report/figures.js';
import type { SummaryRow } from '../../src/report/tables.js';

const PROFILES = ['xen-3.0.1', 'rhel-2.6.9', 'chaos-2.6.9'];

function summary(metric: string, x: 'size_bytes' | 'procs', modes: string[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const mode of modes) {
    for (const [i, profile] of PROFILES.entries()) {
      for (let e = 5; e <= 10; e++) {
        const mean = (e + i) * 10;
        rows.push({
          scenario: 's', profile, workload: 'w', mode, size_bytes: x === 'size_bytes' ? 2 ** e : '', procs: x === 'procs' ? 2 ** (e - 4) : 2, ops: 10, sock_buf_bytes: '', from_node: '', to_node: '',
          metric, n: 5, mean, sd: 1, min: mean - 2, max: mean + 3, ci95_low: mean - 1, ci95_high: mean + 1,
        });
      }
    }
  }
  return rows;
}

function count(s: string, re: RegExp): number {
  return s.match(re)?.length ?? 0;
}

test('bandwidth figure: a line per profile per mode panel, CI error bars, legend and log2 labels', async () => {
  const svg = await figureSvg('bandwidth', summary('bandwidth_MBps', 'size_bytes', ['uni', 'bi']));
  assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  assert.ok(svg.endsWith('</svg>'));
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 3 * 2);
  // one error bar per profile, size and panel
  assert.equal(count(svg, /aria-roledescription="errorbar"/g), 3 * 6 * 2);
  for (const p of PROFILES) assert.ok(svg.includes(`>${p}</text>`), `legend label ${p}`);
  for (const label of ['2^5', '2^10', 'uni', 'bi', 'bandwidth (MB/s)', 'message size (bytes)']) assert.ok(svg.includes(`>${label}</text>`), label);
  // Balanced tags: every opened element is closed (self-closing ones excluded).
  assert.equal(count(svg, /<[a-z][^>]*>/g) - count(svg, /<[a-z][^>]*\/>/g), count(svg, /<\/[a-z]+>/g));
});

test('max-bandwidth draws the bi panel only, from the max column, without error bars', async () => {
  const svg = await figureSvg('max-bandwidth', summary('bandwidth_MBps', 'size_bytes', ['uni', 'bi']), { title: 'Figure 2' });
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 3);
  assert.equal(count(svg, /aria-roledescription="errorbar"/g), 0);
  assert.ok(svg.includes('>Figure 2</text>'));
  // y values are max = mean + 3: the first xen point (2^5) is 53, shown in the tooltip label.
  assert.ok(svg.includes('bandwidth (MB/s): 53;'));
});

test('latency figure: latency vs processes on log2 x, one line per profile', async () => {
  const svg = await figureSvg('latency', summary('latency_us', 'procs', ['']));
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 3);
  assert.equal(count(svg, /aria-roledescription="errorbar"/g), 3 * 6);
  assert.ok(svg.includes('>processes</text>'));
  assert.ok(svg.includes('>2^6</text>'));
});

test('optime figure ignores rows of other metrics', async () => {
  const rows = [...summary('optime_us', 'size_bytes', ['uni']), ...summary('bandwidth_MBps', 'size_bytes', ['uni', 'bi'])];
  const svg = await figureSvg('optime', rows);
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 3);
  assert.ok(svg.includes('>OpTime (µs)</text>'));
});

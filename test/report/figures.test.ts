import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE_COLOURS, PROFILE_MARKERS, figureSpec, figureSvg } from '../../src/report/figures.js';
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

/** The colour and shape scales of every layer of a spec, as profile -> colour and profile -> marker. */
function styles(spec: unknown): { colour: Map<string, string>; marker: Map<string, string> } {
  const colour = new Map<string, string>();
  const marker = new Map<string, string>();
  const visit = (o: unknown): void => {
    if (Array.isArray(o)) return o.forEach(visit);
    if (o === null || typeof o !== 'object') return;
    const r = o as Record<string, unknown>;
    for (const [key, into] of [['color', colour], ['shape', marker]] as const) {
      const enc = r[key] as { scale?: { domain: string[]; range: string[] } } | undefined;
      if (enc?.scale?.domain) {
        enc.scale.domain.forEach((p, i) => {
          const prev = into.get(p);
          assert.ok(prev === undefined || prev === enc.scale!.range[i], `${key} of ${p} differs between layers`);
          into.set(p, enc.scale!.range[i]!);
        });
      }
    }
    for (const v of Object.values(r)) visit(v);
  };
  visit(spec);
  return { colour, marker };
}

test('each kernel keeps one colour and one marker in every figure, by its place in the profile order, whatever data a figure has', async () => {
  const order = ['rhel-2.6.9', 'rhel-2.6.12', 'chaos-2.6.9', 'xen-3.0.1'];
  // Figures that see different subsets of the kernels, in different row orders.
  const bw = summary('bandwidth_MBps', 'size_bytes', ['uni', 'bi']); // xen, rhel-2.6.9, chaos
  const lat = summary('latency_us', 'procs', ['']).filter((r) => r.profile !== 'rhel-2.6.9').reverse();
  for (const [kind, rows] of [['bandwidth', bw], ['max-bandwidth', bw], ['optime', summary('optime_us', 'size_bytes', ['bi'])], ['latency', lat]] as const) {
    const { colour, marker } = styles(figureSpec(kind, rows, { profiles: order }));
    order.forEach((p, i) => {
      assert.equal(colour.get(p), PROFILE_COLOURS[i], `${kind}: colour of ${p}`);
      assert.equal(marker.get(p), PROFILE_MARKERS[i], `${kind}: marker of ${p}`);
    });
  }
  // Without a given order, the summary's first appearance decides, across all its rows and metrics.
  const mixed = [...summary('latency_us', 'procs', ['']), ...bw];
  const a = styles(figureSpec('latency', mixed));
  const b = styles(figureSpec('bandwidth', mixed));
  for (const p of PROFILES) assert.equal(a.colour.get(p), b.colour.get(p));
  assert.equal(a.colour.get('xen-3.0.1'), PROFILE_COLOURS[0]);
  assert.notEqual(a.colour.get('rhel-2.6.9'), a.colour.get('chaos-2.6.9'));
  // The rendered SVG uses the colours: kernel 3 of the order (xen) draws in colour 3.
  const svg = await figureSvg('latency', lat, { profiles: order });
  const xenMarks = svg.match(/kernel: xen-3\.0\.1[^>]*aria-roledescription="(line mark|point)"[^>]*>/g) ?? [];
  assert.ok(xenMarks.length > 0);
  for (const mk of xenMarks) assert.ok(mk.includes(`"${PROFILE_COLOURS[3]}"`), mk);
  const chaosMarks = svg.match(/kernel: chaos-2\.6\.9[^>]*aria-roledescription="point"[^>]*>/g) ?? [];
  assert.ok(chaosMarks.length > 0 && chaosMarks.every((mk) => mk.includes(`"${PROFILE_COLOURS[2]}"`)));
});

test('latency figure uses a log y axis, so one huge point does not flatten the others', () => {
  const spec = JSON.stringify(figureSpec('latency', summary('latency_us', 'procs', [''])));
  assert.match(spec, /"scale":\{"type":"log"\}/);
  assert.doesNotMatch(JSON.stringify(figureSpec('bandwidth', summary('bandwidth_MBps', 'size_bytes', ['uni']))), /"type":"log"\}/);
});

/** Summary rows of a linpack run: per kernel, the means of the four metrics. */
function linpackSummary(means: Record<string, [number, number, number, number]>): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const [profile, m] of Object.entries(means)) {
    ['factor_s', 'solve_s', 'total_s', 'mflops'].forEach((metric, i) => {
      rows.push({
        scenario: 's', profile, workload: 'linpack', mode: '', size_bytes: 8 * 3000 * 3000, procs: 1, ops: '', sock_buf_bytes: '', from_node: '', to_node: '',
        metric, n: 5, mean: m[i]!, sd: 0.01, min: m[i]!, max: m[i]!, ci95_low: m[i]! * 0.999, ci95_high: m[i]! * 1.001,
      });
    });
  }
  return rows;
}

test('linpack figure (Figure 5): per metric, each kernel in percent from CHAOS, one bar each', async () => {
  const rows = linpackSummary({
    'rhel-2.6.9': [20.6, 0.05, 20.65, 872],
    'chaos-2.6.9': [20, 0.05, 20.05, 900],
    'xen-3.0.1': [20.4, 0.048, 20.45, 882],
  });
  const spec = figureSpec('linpack', rows) as unknown as { data: { values: Array<{ profile: string; metric: string; y: number }> } };
  const v = (p: string, m: string) => spec.data.values.find((d) => d.profile === p && d.metric === m)!.y;
  assert.ok(Math.abs(v('xen-3.0.1', 'Mflops') - -2) < 1e-9);
  assert.ok(Math.abs(v('rhel-2.6.9', 'factor time') - 3) < 1e-9);
  assert.equal(v('chaos-2.6.9', 'total time'), 0);
  assert.ok(Math.abs(v('xen-3.0.1', 'solve time') - -4) < 1e-9);
  const svg = await figureSvg('linpack', rows);
  assert.equal(count(svg, /aria-roledescription="bar"/g), 3 * 4);
  for (const label of ['factor time', 'solve time', 'total time', 'Mflops', '% difference from chaos-2.6.9']) assert.ok(svg.includes(`>${label}</text>`), label);
  assert.ok(svg.includes('3000d'));
  // Another reference: the kernels are relative to it.
  const other = figureSpec('linpack', rows, { referenceProfile: 'xen-3.0.1' }) as unknown as typeof spec;
  assert.equal(other.data.values.find((d) => d.profile === 'xen-3.0.1' && d.metric === 'Mflops')!.y, 0);
});

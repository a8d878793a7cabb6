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

test('linpack whiskers: the 95 % Welch CI of the difference from the reference, centred on each bar; none on the reference', async () => {
  const rows = linpackSummary({ 'chaos-2.6.9': [20, 0.05, 20.05, 900], 'xen-3.0.1': [20.4, 0.048, 20.45, 882] });
  const spec = figureSpec('linpack', rows) as unknown as { data: { values: Array<{ profile: string; metric: string; y: number; lo: number; hi: number }> } };
  const xen = spec.data.values.find((d) => d.profile === 'xen-3.0.1' && d.metric === 'Mflops')!;
  // sd 0.01, n 5 both: se = sqrt(2 * 0.0001 / 5), df = 8, t(0.975, 8) = 2.306; in % of 900.
  const half = (2.306004 * Math.sqrt((2 * 0.0001) / 5) * 100) / 900;
  assert.ok(Math.abs(xen.hi - xen.y - half) < 1e-6 && Math.abs(xen.y - xen.lo - half) < 1e-6, `${xen.lo} ${xen.y} ${xen.hi}`);
  const ref = spec.data.values.find((d) => d.profile === 'chaos-2.6.9' && d.metric === 'Mflops')!;
  assert.deepEqual([ref.lo, ref.y, ref.hi], [0, 0, 0]);
  const svg = await figureSvg('linpack', rows);
  const centres = (role: string): Map<string, number> => {
    const out = new Map<string, number>();
    const re = role === 'bar'
      ? /aria-label="metric: ([^;]*);[^"]*profile: ([^;"]*)[^"]*" role="graphics-symbol" aria-roledescription="bar" d="M([\d.]+),[\d.]+h([\d.]+)/g
      : /aria-label="metric: ([^;]*);[^"]*profile: ([^;"]*)[^"]*" role="graphics-symbol" aria-roledescription="rule mark" transform="translate\(([\d.]+)/g;
    for (const m of svg.matchAll(re)) out.set(`${m[1]}|${m[2]}`, role === 'bar' ? Number(m[3]) + Number(m[4]) / 2 : Number(m[3]));
    return out;
  };
  const bars = centres('bar');
  const whiskers = centres('rule');
  assert.equal(bars.size, 8);
  assert.equal(whiskers.size, 4, 'one whisker per xen bar, none for the reference');
  for (const [k, x] of whiskers) assert.ok(Math.abs(x - bars.get(k)!) < 0.01, `${k}: whisker at ${x}, bar centre ${bars.get(k)}`);
});

test('percentDifference: its CI is the Welch interval of compare.csv\'s t-test (t = diff / se, same df)', async () => {
  const { percentDifference } = await import('../../src/report/figure-data.js');
  const { welch } = await import('../../src/report/ttest.js');
  const { summarize, tQuantile } = await import('../../src/report/stats.js');
  const a = [10.2, 10.9, 11.4, 10.1, 10.7];
  const b = [9.1, 9.4, 8.8, 9.9];
  const row = (v: number[]) => { const s = summarize(v); return { n: s.n, mean: s.mean, sd: s.sd }; };
  const d = percentDifference(row(a), row(b))!;
  const w = welch(a, b);
  const mb = summarize(b).mean;
  const diff = summarize(a).mean - mb;
  const half = tQuantile(0.975, w.df) * (diff / w.t);
  assert.ok(Math.abs(d.pct - (100 * diff) / mb) < 1e-9);
  assert.ok(Math.abs(d.lo! - (100 * (diff - half)) / mb) < 1e-9 && Math.abs(d.hi! - (100 * (diff + half)) / mb) < 1e-9);
  // The interval excludes 0 exactly when the t-test is significant.
  assert.equal(d.lo! > 0 || d.hi! < 0, w.significant);
  assert.equal(percentDifference({ n: 1, mean: 2, sd: '' }, row(b))!.lo, undefined, 'no CI from one replication');
  assert.equal(percentDifference(row(a), { n: 3, mean: 0, sd: 1 }), undefined, 'no percent of a zero mean');
});

/** Ping-pong-like rows (latency against size, procs 2) and laten-like rows (latency against procs, size 0). */
function latencyRows(): SummaryRow[] {
  const rows: SummaryRow[] = [];
  const base = { scenario: 's', mode: '', ops: 10, sock_buf_bytes: '', from_node: '', to_node: '', metric: 'latency_us', n: 3, sd: 1 };
  for (const [i, profile] of PROFILES.entries()) {
    for (const size of [32, 1024, 65536]) {
      for (const workload of ['pingpong', 'mpi-pingpong']) {
        const mean = 50 + size / 100 + i + (workload === 'pingpong' ? 0 : 10);
        rows.push({ ...base, profile, workload, size_bytes: size, procs: 2, mean, min: mean, max: mean, ci95_low: mean - 1, ci95_high: mean + 1 });
      }
    }
    for (const procs of [2, 4, 8]) rows.push({ ...base, profile, workload: 'laten', size_bytes: 0, procs, mean: 100 + procs, min: 0, max: 0, ci95_low: 99, ci95_high: 120 });
  }
  return rows;
}

test('latency rows go to the figure whose x varies in them: laten against processes, ping-pongs against message size', async () => {
  const { figureRows } = await import('../../src/report/figure-data.js');
  const rows = latencyRows();
  assert.deepEqual([...new Set(figureRows('latency', rows).map((r) => r.workload))], ['laten']);
  assert.deepEqual([...new Set(figureRows('latency-size', rows).map((r) => r.workload))].sort(), ['mpi-pingpong', 'pingpong']);
  const svg = await figureSvg('latency-size', rows);
  // One panel per ping-pong workload, a line per kernel in each, error bars at each size.
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 3 * 2);
  assert.equal(count(svg, /aria-roledescription="errorbar"/g), 3 * 3 * 2);
  for (const label of ['pingpong', 'mpi-pingpong', 'message size (bytes)', 'latency (µs)', '2^10']) assert.ok(svg.includes(`>${label}</text>`), label);
  const lat = await figureSvg('latency', rows);
  assert.equal(count(lat, /aria-roledescription="line mark"/g), 3, 'laten alone, one panel');
});

test('baseline figure: every other kernel in % of the baseline, a panel per workload and metric, with CIs', async () => {
  const { baselineSpec, baselineSvg } = await import('../../src/report/figures.js');
  const rows = [...summary('bandwidth_MBps', 'size_bytes', ['uni']), ...latencyRows().filter((r) => r.workload === 'laten')];
  const spec = baselineSpec(rows, 'rhel-2.6.9') as unknown as { data: { values: Array<{ profile: string; panel: string; xLabel: string; y: number; lo: number; hi: number }> }; concat: unknown[] };
  const values = spec.data.values;
  assert.ok(values.every((d) => d.profile !== 'rhel-2.6.9'), 'the baseline is not drawn against itself');
  assert.deepEqual([...new Set(values.map((d) => d.panel))], ['w uni: bandwidth', 'laten: latency']);
  assert.equal(spec.concat.length, 2);
  // xen (index 0) mean (e + 0) * 10 against rhel-2.6.9 (index 1) (e + 1) * 10 at 2^5: 50 vs 60.
  const x5 = values.find((d) => d.profile === 'xen-3.0.1' && d.xLabel === '2^5')!;
  assert.ok(Math.abs(x5.y - (100 * (50 - 60)) / 60) < 1e-9);
  assert.ok(x5.lo < x5.y && x5.y < x5.hi);
  assert.ok(values.some((d) => d.xLabel === '4 procs'));
  const svg = await baselineSvg(rows, 'rhel-2.6.9');
  assert.ok(svg.includes('>% difference from rhel-2.6.9</text>'));
  assert.ok(svg.includes('>w uni: bandwidth</text>') && svg.includes('>laten: latency</text>'));
  // A point and a whisker per kernel (2 others), size (6) or process count (3).
  assert.equal(count(svg, /aria-roledescription="point"/g), 2 * (6 + 3));
});

test('interactive specs (report.html) add a legend-bound kernel selection and tooltips; the SVG specs have neither', async () => {
  const { baselineSpec } = await import('../../src/report/figures.js');
  const { compile } = await import('vega-lite');
  const rows = summary('bandwidth_MBps', 'size_bytes', ['uni', 'bi']);
  const plain = JSON.stringify(figureSpec('bandwidth', rows));
  assert.ok(!plain.includes('"params"') && !plain.includes('"tooltip"'));
  for (const spec of [figureSpec('bandwidth', rows, { interactive: true }), figureSpec('linpack', linpackSummary({ a: [1, 1, 1, 1], b: [2, 2, 2, 2] }), { interactive: true }), baselineSpec(rows, 'xen-3.0.1', { interactive: true })]) {
    const text = JSON.stringify(spec);
    assert.match(text, /"bind":"legend"/);
    assert.match(text, /"tooltip":\[/);
    const vg = JSON.stringify(compile(spec).spec);
    assert.match(vg, /"name":"kernel_store"/, 'the selection reaches the compiled vega spec');
  }
});

test('axes: log2 x labels at most 10 powers, the last one included; log y labels at powers of ten only', async () => {
  const rows: SummaryRow[] = [];
  for (let e = 5; e <= 20; e++) {
    const mean = 2 ** e / 10; // OpTime from 3.2 us to 105 ms
    rows.push({
      scenario: 's', profile: 'p', workload: 'com', mode: 'uni', size_bytes: 2 ** e, procs: 2, ops: 10, sock_buf_bytes: '', from_node: '', to_node: '',
      metric: 'optime_us', n: 3, mean, sd: 0, min: mean, max: mean, ci95_low: mean, ci95_high: mean,
    });
  }
  const svg = await figureSvg('optime', rows);
  const xLabels = [...svg.matchAll(/>(2\^\d+)<\/text>/g)].map((m) => m[1]);
  assert.deepEqual(xLabels, ['2^6', '2^8', '2^10', '2^12', '2^14', '2^16', '2^18', '2^20']);
  const yLabels = [...svg.matchAll(/text-anchor="end"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]).filter((l) => !l!.startsWith('2^'));
  assert.deepEqual(yLabels, ['1', '10', '100', '1k', '10k', '100k', '1M']);
});

test('points of a sweep over scenario fields never share a line: one panel per combination that varies, and the baseline compares within it', async () => {
  // Two link rates: same point fields, different swept column; the slower rate has half the mean.
  const rows = ['1e8', '1e9'].flatMap((rate) => summary('bandwidth_MBps', 'size_bytes', ['uni', 'bi']).map((r) => ({ ...r, 'cluster.link.rateBps': rate, mean: rate === '1e8' ? Number(r.mean) / 2 : r.mean })));
  const svg = await figureSvg('bandwidth', rows);
  // a line per profile per mode per rate; without the panels two rates would join into one line
  assert.equal(count(svg, /aria-roledescription="line mark"/g), 3 * 2 * 2);
  assert.ok(svg.includes('>rateBps=1e8</text>') && svg.includes('>rateBps=1e9</text>'));
  // A swept field that takes one value adds no panel.
  const one = summary('bandwidth_MBps', 'size_bytes', ['uni']).map((r) => ({ ...r, 'cluster.link.rateBps': '1e9' }));
  assert.equal(count(await figureSvg('bandwidth', one), /aria-roledescription="line mark"/g), 3);
  // Baseline: each rate's points against the baseline at the same rate (0 % here, as the halving applies to all kernels).
  const { baselinePoints } = await import('../../src/report/figure-data.js');
  const pts = baselinePoints(rows.filter((r) => r.mode === 'uni' && r.size_bytes === 32), 'xen-3.0.1');
  const at = (rate: string, profile: string) => pts.find((p) => p.profile === profile && p.panel.includes(`rateBps=${rate}`))!;
  assert.equal(pts.length, 4);
  assert.equal(at('1e8', 'rhel-2.6.9').y, ((0.5 * 60 - 0.5 * 50) / (0.5 * 50)) * 100);
  assert.equal(at('1e9', 'rhel-2.6.9').y, ((60 - 50) / 50) * 100);
});

test('latency against processes with a point at 0 (ioport: an unloaded dom0) uses a linear axis and draws that point', async () => {
  const rows = summary('latency_us', 'procs', ['']).map((r) => ({ ...r, procs: Number(r.procs) - 2 })); // 0, 2, 6, 14, ...
  const spec = figureSpec('latency', rows) as unknown as { layer: { encoding: { x: { scale: { type?: string } } } }[]; data: { values: { x: number }[] } };
  assert.notEqual(spec.layer[0]!.encoding.x.scale.type, 'log');
  assert.ok(spec.data.values.some((d) => d.x === 0), 'the x = 0 point is drawn');
  assert.equal(count(await figureSvg('latency', rows), /aria-roledescription="line mark"/g), 3);
  // Without a 0 the axis stays log2.
  assert.equal((figureSpec('latency', summary('latency_us', 'procs', [''])) as unknown as { layer: { encoding: { x: { scale: { type?: string } } } }[] }).layer[0]!.encoding.x.scale.type, 'log');
});

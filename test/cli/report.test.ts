/**
 * report.html as a user gets it: written by run, validate (with the claims table) and plot, one
 * self-contained page, and (in headless Chromium, Debian's `chromium`) rendered with no console
 * error and no request, every figure drawn, tooltips and the kernel legend working.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, test } from 'node:test';
import { cliIn, listFiles, tempDir, writeScenario } from './helpers.js';

/** Two workloads with data of two figure kinds and three kernels, a few seconds. */
const SMALL = `name: small-report
description: ping-pong at three sizes and laten at 2 and 4 processes, three kernels
seed: 3
replications: 3
cluster: { nodes: 4, cpusPerNode: 2, link: { rateBps: 1e8 } }
profiles: [rhel-2.6.12, rhel-2.6.9, xen-3.0.1]
workloads:
  - type: pingpong
    ops: 3
    sweep: { sizeBytes: [32, 1024, 16384] }
  - type: laten
    ops: 5
    sweep: { procs: [2, 4] }
outputs: { dir: out }
`;

const CHROMIUM = process.env.XENHPC_CHROMIUM ?? '/usr/bin/chromium';
const read = (p: string): string => readFileSync(p, 'utf8');

describe('report.html', () => {
  const cwd = tempDir('xenhpc-report-');
  const s = writeScenario(cwd, 's.yaml', SMALL);
  let ran: Promise<void> | undefined;
  const run = (): Promise<void> =>
    (ran ??= (async () => {
      const r = await cliIn(['run', s, '-q', '--jobs', '1', '--baseline', 'rhel-2.6.12', '--figure-format', 'svg,png'], cwd);
      assert.equal(r.code, 0, r.stderr);
    })());

  test('run writes one self-contained page: no external reference, the figures that fit, tables and provenance', async () => {
    await run();
    const files = listFiles(join(cwd, 'out'));
    // No outputs.figures list: the figures that fit the data (laten: latency; pingpong: latency-size), and the baseline.
    for (const f of ['latency.svg', 'latency.png', 'latency-size.svg', 'latency-size.png', 'baseline.svg', 'baseline.png', 'report.html', 'manifest.json']) assert.ok(files.includes(f), `${f} in ${files.join(' ')}`);
    assert.ok(!files.some((f) => /^(bandwidth|optime|linpack|max-bandwidth|stream-bandwidth)\./.test(f)), 'no figure without data');
    const html = read(join(cwd, 'out', 'report.html'));
    assert.match(html, /^<!DOCTYPE html>/);
    // Nothing the browser would fetch: no src= or stylesheet link, no URL outside the page's own anchors and files.
    assert.doesNotMatch(html, /<script[^>]*\ssrc=|<link[^>]*stylesheet|@import|url\(\s*['"]?https?:/i);
    for (const m of html.matchAll(/href="([^"]*)"/g)) assert.match(m[1]!, /^(#[\w-]+|[\w.-]+\.(svg|png|pdf))$/, `href ${m[1]}`);
    const figs = JSON.parse(/<script type="application\/json" id="xenhpc-figures">([\s\S]*?)<\/script>/.exec(html)![1]!) as { name: string }[];
    assert.deepEqual(figs.map((f) => f.name), ['latency', 'latency-size', 'baseline']);
    assert.match(html, /<h1>small-report<\/h1>/);
    assert.match(html, /id="summary"[\s\S]*latency_us/);
    assert.match(html, /kernel pairs differ significantly/);
    const manifest = JSON.parse(read(join(cwd, 'out', 'manifest.json'))) as { scenarioSha256: string };
    assert.ok(html.includes(manifest.scenarioSha256), 'the manifest fingerprint');
    assert.doesNotMatch(html, /id="claims"/, 'run checks no claims');
  });

  test('validate adds the claims table; --baseline must name a profile of the scenario (exit 2, nothing run)', async () => {
    const dir = tempDir('xenhpc-report-v-');
    const sv = writeScenario(dir, 's.yaml', SMALL);
    const v = await cliIn(['validate', sv, '-q', '--jobs', '1'], dir);
    assert.equal(v.code, 1, 'a run without com or linpack cannot hold the claims');
    const html = read(join(dir, 'out', 'report.html'));
    const claims = /<section id="claims">([\s\S]*?)<\/section>/.exec(html)?.[1] ?? '';
    assert.equal(claims.match(/<span class="fail">FAIL<\/span>/g)?.length, 8);
    assert.match(claims, /0 of 8 claims pass/);
    const bad = await cliIn(['run', sv, '--baseline', 'rhel-2.6.13', '-q'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^error: --baseline: "rhel-2\.6\.13" is not a profile of .*s\.yaml; allowed: rhel-2\.6\.12, rhel-2\.6\.9, xen-3\.0\.1\n$/);
    const fmt = await cliIn(['run', sv, '--figure-format', 'svg,gif', '-q'], dir);
    assert.equal(fmt.code, 2);
    assert.match(fmt.stderr, /^error: --figure-format: unknown figure format "gif"; allowed: svg, png, pdf\n$/);
  });

  test('plot writes the page beside its figures, with the manifest of the results\' directory', async () => {
    await run();
    const r = await cliIn(['plot', 'out/results.csv', '--out', 'figs', '--figure-format', 'pdf', '--baseline', 'xen-3.0.1'], cwd);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(listFiles(join(cwd, 'figs')), ['baseline.pdf', 'latency-size.pdf', 'latency.pdf', 'report.html']);
    const html = read(join(cwd, 'figs', 'report.html'));
    assert.match(html, /<h1>small-report<\/h1>/);
    assert.match(html, /Difference from xen-3\.0\.1/);
    const bad = await cliIn(['plot', 'out/results.csv', '--out', 'figs2', '--baseline', 'chaos-2.6.9'], cwd);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--baseline: "chaos-2\.6\.9" is not a profile of out\/results\.csv; allowed: rhel-2\.6\.12, rhel-2\.6\.9, xen-3\.0\.1/);
  });

  test('renders in headless Chromium: no console error, no request, every figure drawn, tooltips and kernel toggling work', async (t) => {
    if (!existsSync(CHROMIUM)) {
      // CI must run this test (.ci/run installs chromium); elsewhere it is optional.
      if (process.env.CI === 'true') assert.fail(`CI=true but no Chromium at ${CHROMIUM}: install Debian's chromium (apt-get install chromium) or set XENHPC_CHROMIUM`);
      t.skip(`no Chromium at ${CHROMIUM}; install it with: sudo apt-get install chromium (or set XENHPC_CHROMIUM=/path/to/chromium)`);
      return;
    }
    await run();
    const { chromium } = await import('playwright-core');
    // --no-sandbox: CI containers run as root, where Chromium's sandbox refuses to start.
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const problems: string[] = [];
      const url = pathToFileURL(join(cwd, 'out', 'report.html')).href;
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`failed request: ${r.url()}`));
      page.on('request', (r) => {
        if (r.url() !== url) problems.push(`request: ${r.url()}`);
      });
      await page.goto(url);
      await page.waitForSelector('body[data-figures-rendered]', { timeout: 30_000 });
      const figures = await page.$$eval('.vega-figure', (els) =>
        els.map((el) => ({
          id: el.id,
          rendered: el.getAttribute('data-rendered'),
          svg: el.querySelectorAll('svg').length,
          symbols: el.querySelectorAll('.mark-symbol.role-mark path').length,
          lines: el.querySelectorAll('.mark-line path, .mark-rule line').length,
          legend: el.querySelectorAll('.role-legend-label text').length,
        })),
      );
      assert.deepEqual(figures.map((f) => f.id), ['fig-latency', 'fig-latency-size', 'fig-baseline']);
      for (const f of figures) {
        assert.equal(f.rendered, 'true', f.id);
        assert.equal(f.svg, 1, f.id);
        assert.ok(f.symbols > 0 && f.lines > 0, `${f.id}: ${f.symbols} points, ${f.lines} lines`);
        assert.equal(f.legend, 3, `${f.id}: a legend entry per kernel`);
      }
      // latency: a point per kernel and process count (3 x 2); latency-size: per kernel and size (3 x 3).
      assert.equal(figures[0]!.symbols, 6);
      assert.equal(figures[1]!.symbols, 9);
      // Hover a point: vega's tooltip handler puts the values in the figure's title attribute.
      const point = page.locator('#fig-latency .mark-symbol.role-mark path').first();
      await point.hover({ force: true });
      const tip = await page.getAttribute('#fig-latency', 'title');
      assert.match(tip ?? '', /^kernel: (rhel-2\.6\.12|rhel-2\.6\.9|xen-3\.0\.1)\nprocesses: 2\nmean, max latency \(µs\): [\d.]+\n95% CI low: [\d.]+\n95% CI high: [\d.]+\nreplications: 3$/);
      // Click the first legend entry: the other kernels fade, that one stays.
      const opacities = (): Promise<string[]> => page.$$eval('#fig-latency .mark-symbol.role-mark path', (ps) => ps.map((p) => p.getAttribute('opacity') ?? '1'));
      assert.ok((await opacities()).every((o) => o === '1'));
      // vega hit-tests the pointer itself (the SVG root takes the events): click at the symbol's place, in view.
      const symbol = page.locator('#fig-latency .role-legend-symbol path').first();
      await symbol.scrollIntoViewIfNeeded();
      const box = (await symbol.boundingBox())!;
      await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
      await page.waitForFunction("[...document.querySelectorAll('#fig-latency .mark-symbol.role-mark path')].some((p) => (p.getAttribute('opacity') ?? '1') !== '1')");
      const after = await opacities();
      assert.equal(after.filter((o) => o === '1').length, 2, `one kernel (2 points) stays: ${after.join(',')}`);
      // A click on an empty spot of the figure shows every kernel again.
      const svgBox = (await page.locator('#fig-latency svg').boundingBox())!;
      await page.mouse.click(svgBox.x + 3, svgBox.y + 3);
      await page.waitForFunction("[...document.querySelectorAll('#fig-latency .mark-symbol.role-mark path')].every((p) => (p.getAttribute('opacity') ?? '1') === '1')");
      assert.deepEqual(problems, []);
    } finally {
      await browser.close();
    }
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateSync } from 'node:zlib';
import { figureSvg } from '../../src/report/figures.js';
import { svgSize, svgToPdf, svgToPng } from '../../src/report/export.js';
import type { SummaryRow } from '../../src/report/tables.js';

function rows(): SummaryRow[] {
  const out: SummaryRow[] = [];
  for (const [i, profile] of ['rhel-2.6.12', 'xen-3.0.1'].entries()) {
    for (const procs of [2, 4, 8, 16]) {
      const mean = 20 + 3 * i + procs;
      out.push({
        scenario: 's', profile, workload: 'laten', mode: '', size_bytes: 0, procs, ops: 10, sock_buf_bytes: '', from_node: '', to_node: '',
        metric: 'latency_us', n: 3, mean, sd: 1, min: mean - 1, max: mean + 1, ci95_low: mean - 2, ci95_high: mean + 2,
      });
    }
  }
  return out;
}

test('PNG: the PNG signature, and an image twice the SVG\'s size with colour in it', async () => {
  const svg = await figureSvg('latency', rows());
  const { width, height } = svgSize(svg);
  assert.ok(width > 300 && height > 200, `${width}x${height}`);
  const png = svgToPng(svg);
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.subarray(12, 16).toString('latin1'), 'IHDR');
  assert.equal(png.readUInt32BE(16), Math.ceil(width * 2));
  assert.equal(png.readUInt32BE(20), Math.ceil(height * 2));
  // More than a blank page: a blank white PNG of this size compresses to a few kB.
  assert.ok(png.length > 20_000, `${png.length} bytes`);
});

/** The text a PDF shows: its content streams inflated, the hex strings of TJ/Tj operators decoded. */
function pdfText(pdf: Buffer): string {
  const s = pdf.toString('latin1');
  let out = '';
  const re = /stream\r?\n/g;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endstream', start);
    const dict = s.slice(s.lastIndexOf('<<', m.index), m.index);
    let body = pdf.subarray(start, end);
    if (/FlateDecode/.test(dict)) {
      try {
        body = inflateSync(body);
      } catch {
        continue; // a font program or image, not page content
      }
    }
    const text = body.toString('latin1');
    for (const t of text.matchAll(/\[([^\]]*)\]\s*TJ|<([0-9a-fA-F]+)>\s*Tj/g)) {
      const hexes = t[1] !== undefined ? [...t[1].matchAll(/<([0-9a-fA-F]+)>/g)].map((h) => h[1]!) : [t[2]!];
      out += hexes.map((h) => Buffer.from(h, 'hex').toString('latin1')).join('');
    }
  }
  return out;
}

test('PDF: starts with %PDF, one page the figure\'s size, and holds the figure\'s text', async () => {
  const svg = await figureSvg('latency', rows());
  const { width, height } = svgSize(svg);
  const pdf = await svgToPdf(svg, 'latency');
  assert.equal(pdf.subarray(0, 5).toString('latin1'), '%PDF-');
  const s = pdf.toString('latin1');
  assert.match(s, /%%EOF\s*$/);
  assert.match(s, new RegExp(`/MediaBox \\[0 0 ${width} ${height}\\]`));
  const text = pdfText(pdf);
  for (const label of ['processes', 'rhel-2.6.12', 'xen-3.0.1', 'kernel', 'Latency against processes']) assert.ok(text.includes(label), `${label} in ${JSON.stringify(text.slice(0, 300))}`);
  // The same figure gives the same file (fixed dates).
  assert.ok(pdf.equals(await svgToPdf(svg, 'latency')));
});

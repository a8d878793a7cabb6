/**
 * PNG and PDF versions of an SVG figure, without a browser: PNG through resvg (a Rust SVG
 * renderer, @resvg/resvg-js), PDF through pdfkit with svg-to-pdfkit, which draws the SVG as vector
 * paths and text (vega's own PDF route needs node-canvas and cairo, which we do not install).
 */
import { createRequire } from 'node:module';
import { Resvg } from '@resvg/resvg-js';
import PDFDocument from 'pdfkit';

type SvgToPdf = (doc: PDFKit.PDFDocument, svg: string, x: number, y: number, options?: Record<string, unknown>) => void;
const SVGtoPDF = createRequire(import.meta.url)('svg-to-pdfkit') as SvgToPdf;

/** The width and height (px) an SVG states on its root element. */
export function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? '';
  const num = (name: string): number => Number(new RegExp(`\\s${name}="([\\d.]+)"`).exec(root)?.[1] ?? NaN);
  const width = num('width');
  const height = num('height');
  if (!(width > 0) || !(height > 0)) throw new Error('SVG without a positive width and height');
  return { width, height };
}

/** PNG at `scale` times the SVG's pixel size (2: sharp on high-density screens and in slides). */
export function svgToPng(svg: string, scale = 2): Buffer {
  const r = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    background: 'white',
    // vega writes font-family "sans-serif"; resvg resolves it among the system's fonts.
    font: { loadSystemFonts: true },
  });
  return r.render().asPng();
}

/**
 * A one-page PDF the size of the figure (1 px = 1 pt), text in Helvetica. The document's dates
 * are fixed so the same figure gives the same file.
 */
export function svgToPdf(svg: string, title: string): Promise<Buffer> {
  const { width, height } = svgSize(svg);
  const fixed = new Date(0);
  const doc = new PDFDocument({ size: [width, height], margin: 0, compress: true, info: { Title: title, Producer: 'xenhpc', Creator: 'xenhpc', CreationDate: fixed, ModDate: fixed } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  SVGtoPDF(doc, svg, 0, 0, { width, height, assumePt: true });
  doc.end();
  return done;
}

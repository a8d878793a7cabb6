/**
 * report.html: one self-contained page per output directory (no network: vega's runtime is
 * inlined from node_modules and the figures travel as compiled vega specs), holding the
 * scenario and its provenance, every figure (interactive: tooltips, kernel toggling through the
 * legend), the summary table, the significant differences with effect sizes and, when claims were
 * checked, the claims table. Plain HTML and CSS, readable when mailed or printed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parseNumber } from './csv.js';

type Row = Readonly<Record<string, number | string | boolean | undefined>>;

export interface ReportFigure {
  /** File stem (bandwidth, baseline-rhel-2.6.12): the element id and the files' name. */
  name: string;
  title: string;
  /** The compiled vega spec, interactive variant. */
  vegaSpec: object;
  /** Files of this figure beside the report (relative names), linked under it. */
  files: string[];
}

export interface ReportClaim {
  id: number | string;
  title: string;
  pass: boolean;
  detail: string;
}

export interface ReportInput {
  /** The scenario's name and description. */
  name: string;
  description?: string;
  /** manifest.json's content, when the directory has one. */
  manifest?: Readonly<Record<string, unknown>>;
  figures: readonly ReportFigure[];
  summary: readonly Row[];
  compare: readonly Row[];
  claims?: readonly ReportClaim[];
  /** Lines said under the title (what made the page, what it lacks). */
  notes?: readonly string[];
}

let vegaRuntime: string | undefined;

/** vega's browser build (build/vega.min.js), read once; the package exports only its module entry. */
export function vegaBrowserBuild(): string {
  if (vegaRuntime === undefined) {
    const schema = createRequire(import.meta.url).resolve('vega/vega-schema.json');
    vegaRuntime = readFileSync(join(dirname(schema), 'vega.min.js'), 'utf8');
  }
  return vegaRuntime;
}

const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that can sit inside a <script> element. */
const scriptJson = (v: unknown): string => JSON.stringify(v).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

/** A number with 4 significant digits (integers in full), '' for no value. */
function num(v: unknown, digits = 4): string {
  const x = parseNumber(v as number | string | undefined);
  if (x === null) return typeof v === 'boolean' ? String(v) : esc(v);
  if (!Number.isFinite(x)) return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1e15) return String(x);
  return String(Number(x.toPrecision(digits)));
}

const POINT_COLUMNS = ['workload', 'mode', 'size_bytes', 'procs', 'ops', 'sock_buf_bytes', 'from_node', 'to_node'];
const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** Point columns that hold a value in some row (an empty column says nothing). */
function usedColumns(rows: readonly Row[], candidates: readonly string[]): string[] {
  return candidates.filter((c) => rows.some((r) => text(r[c]) !== ''));
}

/** Any other column the rows hold that is not known (a swept field's path): shown after the point columns. */
function extraColumns(rows: readonly Row[], known: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const r of rows.slice(0, 1)) for (const k of Object.keys(r)) if (!known.has(k)) out.add(k);
  return usedColumns(rows, [...out]);
}

function table(head: readonly string[], body: readonly (readonly string[])[], numeric: ReadonlySet<number>, cls = ''): string {
  const th = head.map((h, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const rows = body.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<div class="scroll"><table${cls ? ` class="${cls}"` : ''}><thead><tr>${th}</tr></thead><tbody>\n${rows}\n</tbody></table></div>`;
}

const SUMMARY_KNOWN = new Set(['scenario', 'profile', ...POINT_COLUMNS, 'metric', 'n', 'mean', 'sd', 'min', 'max', 'ci95_low', 'ci95_high']);

/** Loss counters: their rows say nothing when they stayed 0 everywhere at a point. */
const COUNTERS = new Set(['retransmits', 'drops']);

function summarySection(all: readonly Row[]): string {
  if (all.length === 0) return '<p>No summary (no complete points).</p>';
  const summary = all.filter((r) => !(COUNTERS.has(text(r.metric)) && Number(r.max) === 0 && Number(r.min) === 0));
  const left = all.length - summary.length;
  const point = [...usedColumns(summary, POINT_COLUMNS), ...extraColumns(summary, SUMMARY_KNOWN)];
  const head = [...point, 'kernel', 'metric', 'n', 'mean', 'sd', 'min', 'max', '95% CI'];
  const numeric = new Set(head.map((_, i) => i).filter((i) => i >= point.length + 2 || ['size_bytes', 'procs', 'ops', 'sock_buf_bytes'].includes(head[i]!)));
  const body = summary.map((r) => [
    ...point.map((c) => num(r[c])), esc(r.profile), esc(r.metric), num(r.n), num(r.mean), num(r.sd), num(r.min), num(r.max),
    text(r.ci95_low) === '' || Number.isNaN(Number(r.ci95_low)) ? '' : `${num(r.ci95_low)} – ${num(r.ci95_high)}`,
  ]);
  return (left ? `<p class="note">${left} rows of loss counters (retransmits, drops) that were 0 in every replication are left out here; summary.csv has every row.</p>` : '') + table(head, body, numeric);
}

/** Cohen's d from the two kernels' replication sd (pooled); undefined without variance. */
function cohensD(diff: number, a: Row | undefined, b: Row | undefined): number | undefined {
  if (!a || !b) return undefined;
  const na = Number(a.n);
  const nb = Number(b.n);
  const sa = Number(a.sd);
  const sb = Number(b.sd);
  if (!(na >= 2 && nb >= 2) || !Number.isFinite(sa) || !Number.isFinite(sb)) return undefined;
  const pooled = Math.sqrt(((na - 1) * sa * sa + (nb - 1) * sb * sb) / (na + nb - 2));
  return pooled > 0 ? diff / pooled : undefined;
}

const COMPARE_KNOWN = new Set(['scenario', ...POINT_COLUMNS, 'metric', 'profile_a', 'profile_b', 'mean_a', 'mean_b', 'diff', 't', 'df', 'p', 'significant']);

function differencesSection(compare: readonly Row[], summary: readonly Row[]): string {
  const sig = compare.filter((c) => c.significant === true || c.significant === 'true');
  if (compare.length === 0) return '<p>No comparisons (one kernel, or no complete points).</p>';
  // A point is its point columns and any swept column compare.csv has beyond the known ones.
  const pointCols = [...POINT_COLUMNS, ...extraColumns(compare, COMPARE_KNOWN)];
  const key = (r: Row, profile: unknown): string => JSON.stringify(pointCols.map((c) => text(r[c])).concat(text(r.metric), text(profile)));
  const stats = new Map<string, Row>();
  for (const s of summary) stats.set(key(s, s.profile), s);
  const intro = `<p>${sig.length} of ${compare.length} kernel pairs differ significantly (Welch's t-test, p &lt; 0.05). Effect sizes: the difference in % of kernel B's mean, and Cohen's d (the difference over the pooled replication sd; blank when the replications do not vary).</p>`;
  if (sig.length === 0) return intro;
  const point = [...usedColumns(sig, POINT_COLUMNS), ...extraColumns(sig, COMPARE_KNOWN)];
  const head = [...point, 'metric', 'kernel A', 'kernel B', 'mean A', 'mean B', 'A − B', '% of B', "Cohen's d", 'p'];
  const numeric = new Set(head.map((_, i) => i).filter((i) => i >= point.length + 3 || ['size_bytes', 'procs', 'ops', 'sock_buf_bytes'].includes(head[i]!)));
  const body = sig.map((c) => {
    const diff = Number(c.diff);
    const mb = Number(c.mean_b);
    const d = cohensD(diff, stats.get(key(c, c.profile_a)), stats.get(key(c, c.profile_b)));
    return [
      ...point.map((k) => num(c[k])), esc(c.metric), esc(c.profile_a), esc(c.profile_b), num(c.mean_a), num(c.mean_b), num(c.diff),
      mb !== 0 && Number.isFinite(mb) ? `${diff >= 0 ? '+' : ''}${(100 * diff / Math.abs(mb)).toFixed(2)} %` : '',
      // p is exactly 0 when neither kernel varied across replications (any difference is then significant).
      d === undefined ? '' : d.toFixed(2), Number(c.p) === 0 ? '0 <span class="note">(no variance)</span>' : num(c.p, 3),
    ];
  });
  return intro + table(head, body, numeric);
}

function claimsSection(claims: readonly ReportClaim[]): string {
  const passed = claims.filter((c) => c.pass).length;
  const body = claims.map((c) => [esc(c.id), c.pass ? '<span class="pass">PASS</span>' : '<span class="fail">FAIL</span>', esc(c.title), esc(c.detail)]);
  return `<p>${passed} of ${claims.length} claims pass.</p>${table(['#', 'result', 'claim', 'what the run measured'], body, new Set([0]), 'claims')}`;
}

function manifestSection(m: Readonly<Record<string, unknown>> | undefined): string {
  if (!m) return '<p>No manifest.json in this directory.</p>';
  const tool = (m.xenhpc ?? {}) as Record<string, unknown>;
  const shard = m.shard as { index: number; count: number } | null | undefined;
  const rows: [string, string][] = [
    ['xenhpc', `${esc(tool.version)}${tool.gitCommit ? ` (commit <code>${esc(String(tool.gitCommit).slice(0, 12))}</code>)` : tool.gitCommitUnknown ? ` (commit unknown: ${esc(tool.gitCommitUnknown)})` : ''}`],
    ['Node', esc(m.node)],
    ['command', `<code>${esc(((m.command as unknown[]) ?? []).map(String).join(' '))}</code>`],
    ['made by', esc(m.madeBy)],
    ['scenario SHA-256', `<code>${esc(m.scenarioSha256)}</code> (the <code>scenario_sha256</code> column of results.csv)`],
    ['seed', esc(m.seed)],
    ['replications', esc(m.replications)],
    ['points', `${esc(m.points)} of ${esc(m.totalPoints)}${shard ? ` (shard ${shard.index} of ${shard.count})` : ''}`],
    ['started', esc(m.startedAt)],
    ['ended', esc(m.endedAt)],
  ];
  const kv = `<table class="kv"><tbody>${rows.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</tbody></table>`;
  const profiles = (m.profiles ?? {}) as Record<string, unknown>;
  return `${kv}
<details><summary>Kernel profiles as used (${Object.keys(profiles).length})</summary><pre>${esc(JSON.stringify(profiles, null, 2))}</pre></details>
<details><summary>Resolved scenario (every default filled in)</summary><pre>${esc(JSON.stringify(m.scenario, null, 2))}</pre></details>`;
}

const STYLE = `
:root { color-scheme: light; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1d1d1f; margin: 0; background: #fff; }
main { max-width: 1240px; margin: 0 auto; padding: 24px 28px 60px; }
h1 { font-size: 1.6em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 1px solid #ddd; }
h3 { font-size: 1em; margin: 22px 0 6px; }
p.lead { color: #444; margin: 0 0 8px; }
nav { margin: 14px 0 0; font-size: 0.92em; }
nav a { margin-right: 14px; color: #2a5db0; text-decoration: none; }
.note { color: #555; font-size: 0.92em; }
figure { margin: 8px 0 26px; }
figcaption { font-size: 0.85em; color: #555; margin-top: 2px; }
figcaption a { color: #2a5db0; }
.vega-figure { overflow-x: auto; }
.scroll { overflow-x: auto; max-height: 560px; overflow-y: auto; border: 1px solid #e3e3e3; }
table { border-collapse: collapse; font-size: 0.86em; }
.scroll table { width: 100%; }
th, td { padding: 3px 9px; text-align: left; vertical-align: top; border-bottom: 1px solid #eee; }
thead th { position: sticky; top: 0; background: #f6f6f6; border-bottom: 1px solid #ccc; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.kv th { font-weight: 600; color: #444; padding-right: 18px; white-space: nowrap; }
table.kv { font-size: 0.9em; }
table.claims td:nth-child(3) { min-width: 18em; }
.pass { color: #1a7f37; font-weight: 600; }
.fail { color: #c62828; font-weight: 600; }
code, pre { font: 0.88em/1.4 ui-monospace, "DejaVu Sans Mono", monospace; }
pre { background: #f7f7f7; padding: 10px; overflow: auto; max-height: 420px; }
details { margin: 8px 0; }
summary { cursor: pointer; color: #2a5db0; }
@media print { .scroll { max-height: none; overflow: visible; } nav { display: none; } }
`;

/** Renders each figure with vega's View API (no vega-embed), SVG renderer, default (title attribute) tooltips. */
const SCRIPT = `
(function () {
  var figures = JSON.parse(document.getElementById('xenhpc-figures').textContent);
  var done = 0;
  // The vega views by figure name, for a reader's console (view.data(...), view.toImageURL('png')).
  window.xenhpcViews = {};
  figures.forEach(function (f) {
    var el = document.getElementById('fig-' + f.name);
    try {
      var view = new vega.View(vega.parse(f.spec), { renderer: 'svg', container: el, hover: true });
      window.xenhpcViews[f.name] = view;
      view.runAsync().then(function () {
        el.setAttribute('data-rendered', 'true');
        if (++done === figures.length) document.body.setAttribute('data-figures-rendered', String(done));
      }, function (e) { console.error('figure ' + f.name + ': ' + e); });
    } catch (e) {
      console.error('figure ' + f.name + ': ' + e);
    }
  });
  if (figures.length === 0) document.body.setAttribute('data-figures-rendered', '0');
})();
`;

export function reportHtml(r: ReportInput): string {
  const sections: [string, string, string][] = [];
  const figs = r.figures.length
    ? r.figures
        .map((f) => `<figure><h3>${esc(f.title)}</h3><div class="vega-figure" id="fig-${esc(f.name)}"></div>${f.files.length ? `<figcaption>Files: ${f.files.map((x) => `<a href="${esc(encodeURI(x))}">${esc(x)}</a>`).join(', ')}</figcaption>` : ''}</figure>`)
        .join('\n')
    : '<p>No figure has data in this run.</p>';
  const how = '<p class="note">Hover a point or bar for its values, 95 % CI and replications. Click a kernel in a legend to show it alone, shift-click to add another, click the empty plot to show all again.</p>';
  sections.push(['figures', 'Figures', r.figures.length ? how + figs : figs]);
  if (r.claims) sections.push(['claims', 'Claims', claimsSection(r.claims)]);
  sections.push(['differences', 'Significant differences', differencesSection(r.compare, r.summary)]);
  sections.push(['summary', 'Summary', `<p class="note">Per point, kernel and metric: replications (n), mean, sd, min, max and the 95 % confidence interval of the mean (summary.csv).</p>${summarySection(r.summary)}`]);
  sections.push(['provenance', 'Scenario and provenance', manifestSection(r.manifest)]);
  const nav = sections.map(([id, h]) => `<a href="#${id}">${esc(h)}</a>`).join('');
  const specs = r.figures.map((f) => ({ name: f.name, spec: f.vegaSpec }));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="xenhpc">
<title>${esc(r.name)}: xenhpc report</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<h1>${esc(r.name)}</h1>
${r.description ? `<p class="lead">${esc(r.description)}</p>` : ''}
${(r.notes ?? []).map((n) => `<p class="note">${esc(n)}</p>`).join('\n')}
<nav>${nav}</nav>
${sections.map(([id, h, body]) => `<section id="${id}"><h2>${esc(h)}</h2>\n${body}\n</section>`).join('\n')}
</main>
<script>${vegaBrowserBuild()}</script>
<script type="application/json" id="xenhpc-figures">${scriptJson(specs)}</script>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

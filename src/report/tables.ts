import { parseNumber } from './csv.js';
import { summarize } from './stats.js';
import { welch } from './ttest.js';

/** What identifies a measurement point besides its scenario (and the profile it runs on). */
const POINT_FIELDS = ['workload', 'mode', 'size_bytes', 'procs', 'ops', 'sock_buf_bytes', 'from_node', 'to_node'] as const;

/** The columns that identify a run: what it is, before anything is measured. */
export const RUN_KEY_COLUMNS = ['scenario', 'profile', ...POINT_FIELDS, 'replication', 'seed'] as const;
export type RunKeyColumn = (typeof RUN_KEY_COLUMNS)[number];

/** results.csv columns, in file order (docs/outputs.md explains each). */
export const RESULT_COLUMNS = [
  ...RUN_KEY_COLUMNS,
  'bandwidth_MBps',
  'optime_us',
  'latency_us',
  'factor_s',
  'solve_s',
  'total_s',
  'mflops',
  'elapsed_ns',
  'retransmits',
  'timeouts',
  'drops',
  'events',
] as const;
export type ResultColumn = (typeof RESULT_COLUMNS)[number];
/** One simulation run; '' marks a value the run does not have (mode of a latency run, latency of a bandwidth run). */
export type ResultRow = Record<ResultColumn, number | string>;

/** Result columns that hold text; every other column holds a number, or nothing (''). */
export const TEXT_COLUMNS = ['scenario', 'profile', 'workload', 'mode', 'seed'] as const;
export type TextColumn = (typeof TEXT_COLUMNS)[number];

/**
 * A results row typed by column, for library users: text columns as strings, every other column a
 * number, or null where the row has no value (the empty cell of results.csv). Columns beyond
 * RESULT_COLUMNS (the fingerprint, a swept field) are numbers when they read as one, else text.
 */
export type TypedResultRow = { [K in TextColumn]: string } & { [K in Exclude<ResultColumn, TextColumn>]: number | null } & Record<string, string | number | null>;

/** The typed form of a row as results.csv holds it (text), or as runPoint returns it. */
export function typedRow(row: Readonly<Record<string, string | number | undefined>>): TypedResultRow {
  const out: Record<string, string | number | null> = {};
  for (const [k, v] of Object.entries(row)) {
    if ((TEXT_COLUMNS as readonly string[]).includes(k)) out[k] = v === undefined ? '' : String(v);
    else if ((RESULT_COLUMNS as readonly string[]).includes(k)) out[k] = parseNumber(v);
    else out[k] = v === undefined || v === '' ? null : (parseNumber(v) ?? String(v));
  }
  return out as TypedResultRow;
}

/** Columns aggregated over replications, in output order. */
export const METRICS = ['bandwidth_MBps', 'optime_us', 'latency_us', 'factor_s', 'solve_s', 'total_s', 'mflops', 'retransmits', 'drops'] as const;
export type Metric = (typeof METRICS)[number];

/** Result columns that hold whole counts (a run's cost and loss counters). */
export const COUNT_COLUMNS: readonly ResultColumn[] = ['elapsed_ns', 'retransmits', 'timeouts', 'drops', 'events'];
/** The measured figures: every metric that is not a count; a run has at least one of them. */
export const MEASURED_COLUMNS: readonly ResultColumn[] = METRICS.filter((m) => !COUNT_COLUMNS.includes(m));

export const SUMMARY_COLUMNS = [
  'scenario', 'profile', ...POINT_FIELDS, 'metric',
  'n', 'mean', 'sd', 'min', 'max', 'ci95_low', 'ci95_high',
] as const;
export type SummaryRow = Record<(typeof SUMMARY_COLUMNS)[number], number | string>;

export const COMPARE_COLUMNS = [
  'scenario', ...POINT_FIELDS, 'metric', 'profile_a', 'profile_b',
  'mean_a', 'mean_b', 'diff', 't', 'df', 'p', 'significant',
] as const;
export type CompareRow = Record<Exclude<(typeof COMPARE_COLUMNS)[number], 'significant'>, number | string> & { significant: boolean };

/** A row as produced by the runner or read back from results.csv (all strings). */
export type LooseRow = Readonly<Record<string, number | string | undefined>>;

/**
 * A swept scenario field is a column named by its dotted path (`cluster.link.rateBps`); no other
 * column holds a dot. Such columns identify a point like the workload fields do.
 */
export function isParamColumn(column: string): boolean {
  return column.includes('.');
}

/** The swept-field columns of a set of rows, in the order the first row has them. */
export function paramColumns(rows: readonly LooseRow[]): string[] {
  const first = rows[0];
  return first ? Object.keys(first).filter(isParamColumn) : [];
}

/** A file's columns with the swept-field columns right after `scenario` (unchanged when there are none). */
export function withParamColumns(columns: readonly string[], params: readonly string[]): string[] {
  if (params.length === 0) return [...columns];
  const at = columns.indexOf('scenario') + 1;
  return [...columns.slice(0, at), ...params, ...columns.slice(at)];
}

const POINT_COLUMNS = ['scenario', ...POINT_FIELDS] as const;
type Point = Record<(typeof POINT_COLUMNS)[number], number | string> & Record<string, number | string>;

/** A measurement point (everything but the profile) and, per profile in first-appearance order, its rows. */
interface PointGroup {
  point: Point;
  byProfile: Map<string, LooseRow[]>;
}

/**
 * Groups rows by point, in first-appearance order; profiles within a point follow their first
 * appearance anywhere in the results, so every point lists kernels in the same order. Keys use
 * String(value) so 1024 and '1024' (read back from CSV) are the same point.
 */
function groupByPoint(results: readonly LooseRow[]): PointGroup[] {
  const profileOrder = new Map<string, number>();
  const groups = new Map<string, PointGroup>();
  const columns = [...POINT_COLUMNS, ...paramColumns(results)];
  for (const row of results) {
    const profile = String(row.profile ?? '');
    if (!profileOrder.has(profile)) profileOrder.set(profile, profileOrder.size);
    const point = Object.fromEntries(columns.map((c) => [c, row[c] ?? ''])) as Point;
    const key = JSON.stringify(columns.map((c) => String(point[c])));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { point, byProfile: new Map() }));
    let list = g.byProfile.get(profile);
    if (!list) g.byProfile.set(profile, (list = []));
    list.push(row);
  }
  const rank = (p: string) => profileOrder.get(p)!;
  for (const g of groups.values()) g.byProfile = new Map([...g.byProfile].sort((x, y) => rank(x[0]) - rank(y[0])));
  return [...groups.values()];
}

/** The numeric values of one metric; empty cells and NaN are absent, not zero. */
function metricValues(rows: readonly LooseRow[], metric: Metric): number[] {
  const out: number[] = [];
  for (const r of rows) {
    const x = parseNumber(r[metric]);
    if (x !== null && !Number.isNaN(x)) out.push(x);
  }
  return out;
}

/** summary.csv: per point, profile and metric with at least one value, the replication statistics. */
export function summaryRows(results: readonly LooseRow[]): SummaryRow[] {
  const out: SummaryRow[] = [];
  for (const { point, byProfile } of groupByPoint(results)) {
    const { scenario, ...fields } = point;
    for (const [profile, rows] of byProfile) {
      for (const metric of METRICS) {
        const values = metricValues(rows, metric);
        if (values.length === 0) continue;
        const s = summarize(values);
        out.push({
          scenario, profile, ...fields, metric, // profile second, as in results.csv
          n: s.n, mean: s.mean, sd: s.sd, min: s.min, max: s.max, ci95_low: s.ci95Low, ci95_high: s.ci95High,
        });
      }
    }
  }
  return out;
}

/** compare.csv: per point and metric, a Welch t-test for every unordered pair of profiles that have that metric. */
export function compareRows(results: readonly LooseRow[]): CompareRow[] {
  const out: CompareRow[] = [];
  for (const { point, byProfile } of groupByPoint(results)) {
    for (const metric of METRICS) {
      const withData = [...byProfile]
        .map(([profile, rows]) => ({ profile, values: metricValues(rows, metric) }))
        .filter((x) => x.values.length > 0);
      for (let i = 0; i < withData.length; i++) {
        for (let j = i + 1; j < withData.length; j++) {
          const a = withData[i]!;
          const b = withData[j]!;
          const meanA = summarize(a.values).mean;
          const meanB = summarize(b.values).mean;
          const w = welch(a.values, b.values);
          out.push({
            ...point, metric, profile_a: a.profile, profile_b: b.profile,
            mean_a: meanA, mean_b: meanB, diff: meanA - meanB, t: w.t, df: w.df, p: w.p, significant: w.significant,
          });
        }
      }
    }
  }
  return out;
}

/**
 * What identifies a run point in a results row, result file names, and the text form of rows.
 *
 * Rows are kept as the exact text results.csv holds (formatCell of each value), both for rows just
 * computed and rows read back from a file, and summaries are computed from that text. So a resumed
 * or merged run, whose old rows come from a CSV, gives the same bytes as an uninterrupted one.
 */
import { RESULT_COLUMNS, RUN_KEY_COLUMNS, formatCell, type ResultColumn } from './report-lite.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { pointColumns, type ResultRow } from './run-point.js';
import { FINGERPRINT_COLUMN } from './fingerprint.js';

/** A results row as text, exactly as results.csv holds it. */
export type TextRow = Record<ResultColumn, string>;

/** Leading column of partial and shard files: the point's index in expandPoints order (0-based). */
export const POINT_COLUMN = 'point';
/** Partial and shard files: point index, the results columns, and the scenario fingerprint last. */
export const INDEXED_COLUMNS: readonly string[] = [POINT_COLUMN, ...RESULT_COLUMNS, FINGERPRINT_COLUMN];

export function textRow(row: ResultRow | Readonly<Record<string, unknown>>): TextRow {
  const out = {} as TextRow;
  const r = row as Record<string, unknown>;
  for (const c of RESULT_COLUMNS) out[c] = formatCell(r[c] as string | number | undefined);
  return out;
}

const KEY_SEPARATOR = '\u001f';

/** The identifying part of a row, as one string. */
export function rowKey(row: Readonly<Record<string, string | number | undefined>>): string {
  return RUN_KEY_COLUMNS.map((c) => String(row[c] ?? '')).join(KEY_SEPARATOR);
}

/**
 * The identifying columns runPoint writes for a point, derived the same way (a test pins the two
 * together). Used to check that rows read back belong to the scenario being run.
 */
export function pointKey(scenario: Scenario, point: RunPoint): string {
  const c = pointColumns(scenario, point);
  return RUN_KEY_COLUMNS.map((k) => formatCell(c[k])).join(KEY_SEPARATOR);
}

/** A one-line description of a point for messages: `#12 rhel-2.6.9 com bi 1024 B rep 3`. */
export function describePoint(point: RunPoint): string {
  const w = point.workload;
  const parts = [`#${point.index}`, point.profile.name, w.type];
  if (w.mode) parts.push(String(w.mode));
  if (w.sizeBytes !== undefined) parts.push(`${w.sizeBytes} B`);
  if (w.procs !== undefined) parts.push(`${w.procs} procs`);
  parts.push(`rep ${point.replication}`);
  return parts.join(' ');
}

export interface ShardSpec {
  /** 1-based. */
  index: number;
  count: number;
}

/** results.csv, or results.shard-3-of-16.csv for a shard. */
export function resultsFileName(shard?: ShardSpec): string {
  return shard ? `results.shard-${shard.index}-of-${shard.count}.csv` : 'results.csv';
}

/** results.partial.csv, or results.shard-3-of-16.partial.csv. */
export function partialFileName(shard?: ShardSpec): string {
  return resultsFileName(shard).replace(/\.csv$/, '.partial.csv');
}

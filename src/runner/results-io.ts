/**
 * Reading results back: results.csv, shard files and partial files, checked column by column so a
 * wrong or damaged file is refused with one line naming it, not half-used.
 */
import { existsSync } from 'node:fs';
import { COUNT_COLUMNS, MEASURED_COLUMNS, RESULT_COLUMNS, isParamColumn, readCsv } from './report-lite.js';
import type { RunPoint, Scenario } from '../scenario/types.js';
import { InputError } from './errors.js';
import { POINT_COLUMN, pointKey, rowKey, type TextRow } from './points.js';
import { FINGERPRINT_COLUMN, isFingerprint } from './fingerprint.js';

export interface CsvFile {
  path: string;
  columns: string[];
  rows: Record<string, string>[];
}

/** A CSV file with a header; unreadable or unparsable files are an InputError naming the file. */
export function readCsvFile(path: string): CsvFile {
  if (!existsSync(path)) throw new InputError(path, '', 'no such file');
  let parsed: Record<string, string>[] & { columns: string[] };
  try {
    parsed = readCsv(path);
  } catch (e) {
    throw new InputError(path, '', `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (!parsed.columns || parsed.columns.length === 0) throw new InputError(path, '', 'empty file: no CSV header');
  return { path, columns: parsed.columns, rows: [...parsed] };
}

/** Results rows of a results, shard or partial file, with their point index when the file has one. */
export interface ResultsFile {
  rows: TextRow[];
  points: (number | undefined)[];
  indexed: boolean;
  /** Each row's scenario fingerprint ('' when the file has no such column or the row is cut short). */
  fingerprints: string[];
  /** Whether the file has a fingerprint column (shard and partial files do). */
  fingerprinted: boolean;
  /** Per row: the problem that makes it unusable (a cut or damaged row), or undefined. */
  damage: (string | undefined)[];
}

/** Why a row read back cannot be trusted (cut short, or a cell that is not what runPoint writes). */
function rowDamage(r: Record<string, string | undefined>, columns: readonly string[], fingerprinted: boolean): string | undefined {
  for (const c of columns) if (r[c] === undefined) return `cut short (no ${c})`;
  if (fingerprinted && !isFingerprint(r[FINGERPRINT_COLUMN])) return `cut short or damaged ${FINGERPRINT_COLUMN} ${JSON.stringify(r[FINGERPRINT_COLUMN] ?? '')}`;
  for (const c of COUNT_COLUMNS) {
    const v = r[c];
    if (v === undefined) continue; // a column this version does not write
    if (!/^\d+$/.test(v)) return `${c} ${JSON.stringify(v)} is not a count`;
  }
  let metrics = 0;
  for (const c of MEASURED_COLUMNS) {
    const v = r[c];
    if (v === undefined || v === '') continue;
    if (!Number.isFinite(Number(v)) || Number(v) < 0) return `${c} ${JSON.stringify(v)} is not a number`;
    metrics++;
  }
  if (metrics === 0) return `none of ${MEASURED_COLUMNS.join(', ')}`;
  return undefined;
}

export function readResultsFile(path: string): ResultsFile {
  const f = readCsvFile(path);
  const missing = RESULT_COLUMNS.find((c) => !f.columns.includes(c));
  if (missing !== undefined) throw new InputError(path, missing, 'missing column; not a xenhpc results file, or one from an older xenhpc (rerun it)', RESULT_COLUMNS.join(','));
  const indexed = f.columns.includes(POINT_COLUMN);
  const fingerprinted = f.columns.includes(FINGERPRINT_COLUMN);
  const rows: TextRow[] = [];
  const points: (number | undefined)[] = [];
  const fingerprints: string[] = [];
  const damage: (string | undefined)[] = [];
  f.rows.forEach((r, i) => {
    const row = {} as TextRow;
    for (const c of RESULT_COLUMNS) row[c] = r[c] ?? '';
    for (const c of f.columns) if (isParamColumn(c)) (row as Record<string, string>)[c] = r[c] ?? '';
    rows.push(row);
    fingerprints.push(r[FINGERPRINT_COLUMN] ?? '');
    damage.push(rowDamage(r, f.columns, fingerprinted));
    if (indexed) {
      const text = r[POINT_COLUMN] ?? '';
      const p = Number(text);
      if (text === '' || !Number.isInteger(p) || p < 0) throw new InputError(`${path}:${i + 2}`, POINT_COLUMN, `not a point index: ${JSON.stringify(text)}`, 'integer >= 0');
      points.push(p);
    } else points.push(undefined);
  });
  return { rows, points, indexed, fingerprints, fingerprinted, damage };
}

/**
 * Refuses a file whose rows were computed from another scenario: every complete fingerprint must
 * be `expected`. `what` names the other side for the message.
 */
export function checkFingerprints(path: string, file: ResultsFile, expected: string, what: string): void {
  if (file.indexed && !file.fingerprinted) {
    throw new InputError(path, FINGERPRINT_COLUMN, 'missing column: written by an older xenhpc, so it cannot be checked against the scenario; rerun it', INDEXED_COLUMNS_HINT);
  }
  file.fingerprints.forEach((fp, i) => {
    if (isFingerprint(fp) && fp !== expected) {
      throw new InputError(`${path}:${i + 2}`, FINGERPRINT_COLUMN, `row was computed from a different scenario than ${what} (fingerprint ${fp.slice(0, 12)}..., expected ${expected.slice(0, 12)}...; scenario, profile or --set changed?)`);
    }
  });
}

const INDEXED_COLUMNS_HINT = `point,...,${FINGERPRINT_COLUMN}`;

/**
 * Assigns the rows of a results file to the scenario's points. With a `point` column the index is
 * taken and the row's identifying columns are checked against it; without one (a final
 * results.csv) rows are matched on those columns, the n-th row with a key taking the n-th point
 * with that key (points that only differ in a field results.csv does not show, such as
 * sockBufBytes, are written in point order, so order tells them apart). A row that matches no
 * point means the file belongs to another scenario (or another --set): an InputError.
 */
export function matchRows(path: string, file: Pick<ResultsFile, 'rows' | 'points'>, scenario: Scenario, points: readonly RunPoint[]): Map<number, TextRow> {
  const byIndex = new Map<number, RunPoint>();
  for (const p of points) byIndex.set(p.index, p);
  const queues = new Map<string, number[]>();
  for (const p of points) {
    const k = pointKey(scenario, p);
    let q = queues.get(k);
    if (!q) queues.set(k, (q = []));
    q.push(p.index);
  }
  const out = new Map<number, TextRow>();
  file.rows.forEach((row, i) => {
    const where = `${path}:${i + 2}`;
    const key = rowKey(row);
    let idx = file.points[i];
    if (idx !== undefined) {
      const p = byIndex.get(idx);
      if (!p) throw new InputError(where, POINT_COLUMN, `point ${idx} is not a point of this run of ${scenario.file} (scenario, --set or --shard changed?)`, `0..${points.length ? points[points.length - 1]!.index : 0}`);
      if (pointKey(scenario, p) !== key) throw new InputError(where, 'profile', `row does not match point ${idx} of ${scenario.file} (scenario or --set changed since it was written?)`);
    } else {
      const q = queues.get(key);
      idx = q?.shift();
      if (idx === undefined) throw new InputError(where, 'profile', `row (${row.profile} ${row.workload} ${row.mode} size ${row.size_bytes} procs ${row.procs} rep ${row.replication}) matches no point of ${scenario.file} (scenario or --set changed?)`);
    }
    if (out.has(idx)) throw new InputError(where, POINT_COLUMN, `point ${idx} appears twice`);
    out.set(idx, row);
  });
  return out;
}

export { tempPath as tempPathFor, writeTextAtomic } from '../report/csv.js';

/**
 * Joining shard results into what one unsharded run writes.
 *
 * Ordering: shard and partial files carry a leading `point` column, the point's index in the
 * scenario's expansion order (expandPoints), so merge sorts on it and needs nothing else. Given
 * the scenario (`--scenario`, with the same --set as the shards), every row is also checked
 * against the point it claims to be, every point must be present exactly once, and plain
 * results.csv files (no `point` column) can be merged too: their rows are placed by matching
 * their identifying columns to the scenario's points.
 */
import type { Scenario } from '../scenario/types.js';
import { expandPoints } from '../scenario/sweep.js';
import { InputError } from './errors.js';
import { POINT_COLUMN, describePoint, type TextRow } from './points.js';
import { checkFingerprints, matchRows, readResultsFile } from './results-io.js';
import { isFingerprint, scenarioFingerprint } from './fingerprint.js';

export interface MergeResult {
  rows: TextRow[];
  points: number[];
  /** The scenario fingerprint every merged row carried (undefined for files of an older xenhpc). */
  fingerprint: string | undefined;
}

function sample(xs: readonly number[]): string {
  return xs.slice(0, 5).map((x) => `#${x}`).join(', ') + (xs.length > 5 ? ', ...' : '');
}

/** Rows of the given shard files in point order; throws InputError on duplicates, gaps or foreign rows. */
export function mergeShardFiles(files: readonly string[], scenario?: Scenario): MergeResult {
  if (files.length === 0) throw new InputError('merge', 'files', 'no shard files given', 'results.shard-*.csv files');
  const all = scenario ? expandPoints(scenario) : undefined;
  const byIndex = new Map<number, { row: TextRow; file: string }>();
  // Every shard must come from one scenario: the given one, or else the first file's.
  let expected: { fp: string; what: string } | undefined = scenario ? { fp: scenarioFingerprint(scenario), what: `${scenario.file} as given now` } : undefined;
  for (const file of files) {
    const f = readResultsFile(file);
    const bad = f.damage.findIndex((d) => d !== undefined);
    if (bad >= 0) throw new InputError(`${file}:${bad + 2}`, '', `row ${f.damage[bad]}; rerun this shard (run --resume recomputes damaged rows)`);
    if (!expected && f.fingerprinted) {
      const fp = f.fingerprints.find(isFingerprint);
      if (fp) expected = { fp, what: `the rows of ${file}` };
    }
    if (expected) checkFingerprints(file, f, expected.fp, expected.what);
    else if (f.indexed && !f.fingerprinted) checkFingerprints(file, f, '', '');
    let entries: [number, TextRow][];
    if (all && scenario) entries = [...matchRows(file, f, scenario, all)];
    else {
      if (!f.indexed) throw new InputError(file, POINT_COLUMN, 'no point column, so rows cannot be ordered; give --scenario (with the same --set) to place them', 'shard files (results.shard-i-of-n.csv) or --scenario');
      entries = f.rows.map((r, i) => [f.points[i]!, r]);
    }
    for (const [i, row] of entries) {
      const prev = byIndex.get(i);
      if (prev) throw new InputError(file, POINT_COLUMN, `point ${i} is also in ${prev.file}; each point must come from one shard`);
      byIndex.set(i, { row, file });
    }
  }
  const indices = [...byIndex.keys()].sort((a, b) => a - b);
  if (all) {
    const missing = all.filter((p) => !byIndex.has(p.index));
    if (missing.length) {
      throw new InputError(files.join(' '), POINT_COLUMN, `${missing.length} of ${all.length} points of ${scenario!.file} missing (${missing.slice(0, 3).map(describePoint).join('; ')}${missing.length > 3 ? '; ...' : ''}); a shard is missing or unfinished`);
    }
  } else {
    const gaps: number[] = [];
    for (let i = 0, j = 0; i <= indices[indices.length - 1]!; i++) {
      if (indices[j] === i) j++;
      else gaps.push(i);
    }
    if (gaps.length) throw new InputError(files.join(' '), POINT_COLUMN, `${gaps.length} points missing (${sample(gaps)}); a shard is missing or unfinished`);
  }
  return { rows: indices.map((i) => byIndex.get(i)!.row), points: indices, fingerprint: expected?.fp };
}

/** `xenhpc merge`: shard results into what an unsharded run writes. */
import { dirname, join } from 'node:path';
import { mergeShardFiles } from '../runner/merge.js';
import { checkOutputDir, checkOutputFile, writeReportHtml, writeReports, writeResultsCsv } from '../runner/outputs.js';
import { manifestFileName, writeManifest } from '../runner/manifest.js';
import { scenarioFingerprint } from '../runner/fingerprint.js';
import { EXIT, loadWithFlags, UsageError, type ScenarioFlags } from './common.js';
import { describeFile, type Io } from './run.js';


export interface MergeFlags extends ScenarioFlags {
  files: string[];
  out?: string;
  scenario?: string;
}

/**
 * Joins shard files. `--out` is a directory (results.csv inside) or a file name ending in .csv.
 * With --scenario: rows are checked against the scenario's points, and summary, compare and
 * figures are written as its `outputs` asks, exactly as an unsharded run writes them.
 */
export async function mergeCommand(flags: MergeFlags, io: Io): Promise<number> {
  const startedAt = new Date();
  const scenario = flags.scenario !== undefined ? loadWithFlags(flags.scenario, flags).scenario : undefined;
  if (scenario === undefined && (flags.set !== undefined || flags.reps !== undefined || flags.ops !== undefined)) {
    throw new UsageError('--set, --reps and --ops need --scenario');
  }
  const out = flags.out ?? dirname(flags.files[0]!);
  const dir = /\.csv$/i.test(out) ? dirname(out) : out;
  const resultsName = /\.csv$/i.test(out) ? out : join(out, 'results.csv');
  checkOutputDir(dir, flags.out !== undefined ? '--out' : flags.files[0]!);
  checkOutputFile(resultsName, flags.out !== undefined ? '--out' : flags.files[0]!);
  if (scenario) checkOutputFile(join(dir, manifestFileName()), flags.out !== undefined ? '--out' : flags.files[0]!);
  const merged = mergeShardFiles(flags.files, scenario);
  const outputs = scenario ? { ...scenario.outputs, results: false } : { results: false, summary: false, compare: false, figures: [] };
  // results first (always: it is what merge is for), then the reports the scenario asks for.
  writeResultsCsv(resultsName, merged.rows, merged.fingerprint);
  io.stdout.write(`${describeFile({ kind: 'results', path: resultsName, rows: merged.rows.length })}\n`);
  const profiles = scenario?.profiles.map((p) => p.name);
  const rep = await writeReports(dir, outputs, merged.rows, true, undefined, { draw: scenario !== undefined, profiles });
  for (const f of rep.files) io.stdout.write(`${describeFile(f)}\n`);
  if (scenario) {
    // With the scenario known, the merged directory gets the provenance and the page an unsharded run writes.
    const n = merged.rows.length;
    const m = writeManifest(dir, { scenario, fingerprint: scenarioFingerprint(scenario), madeBy: 'merge', points: n, totalPoints: n, startedAt, endedAt: new Date() });
    io.stdout.write(`${describeFile({ kind: 'manifest', path: m.path, rows: n })}\n`);
    const page = await writeReportHtml(dir, {
      name: scenario.name, description: scenario.description, manifest: m.manifest as unknown as Record<string, unknown>,
      summary: rep.summary, compare: rep.compare, figures: rep.figures, profiles,
    });
    io.stdout.write(`${describeFile(page)}\n`);
  }
  return EXIT.ok;
}

/**
 * Provenance of an output directory: manifest.json records what made its files (xenhpc version
 * and git commit, Node, the command line), what was run (the resolved scenario with every default
 * filled in, each profile's parameters, seed, points, shard) and when. The scenario fingerprint
 * it holds is the `scenario_sha256` column that ends every results row, so each row traces to it.
 *
 * Only `startedAt`, `endedAt` and `command` (the process's argv) vary between two runs of one
 * scenario; everything else is a function of the scenario, so equal scenarios give equal manifests
 * apart from those fields, whatever --jobs.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Scenario } from '../scenario/types.js';
import type { ShardSpec } from './points.js';
import { writeTextAtomic } from './results-io.js';

/** manifest.json, or manifest.shard-3-of-16.json for a shard (shards share one directory). */
export function manifestFileName(shard?: ShardSpec): string {
  return shard ? `manifest.shard-${shard.index}-of-${shard.count}.json` : 'manifest.json';
}

/** Bumped when a field changes meaning or is removed (adding a field keeps it). */
export const MANIFEST_FORMAT = 1;

export interface Manifest {
  format: number;
  xenhpc: { version: string; gitCommit?: string; gitCommitUnknown?: string };
  node: string;
  /** process.argv of the command that wrote the directory (or what the library caller passed). */
  command: string[];
  /** `run`, or `merge` (the rows came from shard files run elsewhere). */
  madeBy: 'run' | 'merge';
  scenarioSha256: string;
  seed: string;
  replications: number;
  /** Points this directory's results hold (a shard's share when sharded). */
  points: number;
  /** Points of the whole scenario. */
  totalPoints: number;
  shard: ShardSpec | null;
  /** Each profile's parameters as the run used them (after the scenario's overrides). */
  profiles: Record<string, { path: string; source: string; extends?: string; host: unknown; nic: unknown; [pathSection: string]: unknown }>;
  /** The scenario as loaded: every default filled in, every --set applied. */
  scenario: Scenario;
  /** Only with --precision: the stopping rule's settings and where each replication group stopped. */
  precision?: ManifestPrecision;
  /** ISO 8601 (UTC) wall clock. */
  startedAt: string;
  endedAt: string;
}

/** The package root: the nearest directory above this file that holds package.json. */
function packageRoot(): string | undefined {
  let d = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(d, 'package.json'))) return d;
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

function readText(p: string): string | undefined {
  try {
    return readFileSync(p, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * The commit HEAD names, read from the files git keeps (no git process): `.git` is a directory or,
 * in a worktree or submodule, a file `gitdir: <path>`; HEAD holds a hash or `ref: refs/...`, found
 * loose in the git dir or its common dir (worktrees), or in packed-refs.
 */
export function gitCommitOf(root: string): { commit: string } | { reason: string } {
  const dotGit = join(root, '.git');
  let gitDir: string;
  try {
    if (statSync(dotGit).isDirectory()) gitDir = dotGit;
    else {
      const m = /^gitdir:\s*(.+?)\s*$/m.exec(readText(dotGit) ?? '');
      if (!m) return { reason: `${dotGit} is neither a directory nor a gitdir: file` };
      gitDir = isAbsolute(m[1]!) ? m[1]! : resolve(root, m[1]!);
    }
  } catch {
    return { reason: `no .git in ${root} (an installed package, not a checkout)` };
  }
  const head = readText(join(gitDir, 'HEAD'))?.trim();
  if (head === undefined) return { reason: `cannot read ${join(gitDir, 'HEAD')}` };
  if (/^[0-9a-f]{40,64}$/.test(head)) return { commit: head };
  const ref = /^ref:\s*(\S+)$/.exec(head)?.[1];
  if (!ref) return { reason: `unrecognised HEAD in ${gitDir}` };
  const common = readText(join(gitDir, 'commondir'))?.trim();
  const commonDir = common ? (isAbsolute(common) ? common : resolve(gitDir, common)) : gitDir;
  for (const d of [gitDir, commonDir]) {
    const loose = readText(join(d, ref))?.trim();
    if (loose && /^[0-9a-f]{40,64}$/.test(loose)) return { commit: loose };
  }
  for (const line of (readText(join(commonDir, 'packed-refs')) ?? '').split('\n')) {
    const [hash, name] = line.trim().split(/\s+/);
    if (name === ref && hash && /^[0-9a-f]{40,64}$/.test(hash)) return { commit: hash };
  }
  return { reason: `${ref} has no commit yet` };
}

let cachedTool: Manifest['xenhpc'] | undefined;

/** xenhpc's version (package.json) and commit, read once per process. */
export function toolInfo(): Manifest['xenhpc'] {
  if (cachedTool) return cachedTool;
  const root = packageRoot();
  if (!root) return (cachedTool = { version: 'unknown', gitCommitUnknown: 'package.json not found above the code' });
  let version = 'unknown';
  try {
    version = String((JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version ?? 'unknown');
  } catch {
    // a damaged package.json does not stop a run; the manifest says 'unknown'
  }
  const git = gitCommitOf(root);
  cachedTool = 'commit' in git ? { version, gitCommit: git.commit } : { version, gitCommitUnknown: git.reason };
  return cachedTool;
}

/** A --precision run's settings and, per replication group (src/runner/precision.ts), its stop. */
export interface ManifestPrecision {
  /** Target: 95 % CI half-width <= relHalfWidth x |mean| for every measured figure. */
  relHalfWidth: number;
  confidence: 0.95;
  minReps: number;
  /** The scenario's replications: a group that never meets the target stops here. */
  maxReps: number;
  groups: {
    profile: string;
    workload: string;
    /** Points per replication (a com program's sizes). */
    points: number;
    /** Replications run and kept (null: undecided, the run was cut short). */
    replications: number | null;
    met: boolean | null;
    worstMetric: string | null;
    worstRelHalfWidth: number | null;
    /** Replications the group's figures would need at the stop (Law & Kelton's approximate number; null: undecided or unbounded). */
    projectedReplications: number | null;
  }[];
}

export interface ManifestInput {
  scenario: Scenario;
  fingerprint: string;
  madeBy: 'run' | 'merge';
  points: number;
  totalPoints: number;
  shard?: ShardSpec | undefined;
  command?: readonly string[] | undefined;
  startedAt: Date;
  endedAt: Date;
  precision?: ManifestPrecision | undefined;
}

export function buildManifest(m: ManifestInput): Manifest {
  const profiles: Manifest['profiles'] = {};
  for (const p of m.scenario.profiles) {
    // Every value the run used: the resolved sections (inherited ones included), the path's own after host and nic.
    profiles[p.name] = { path: p.path, source: p.source, ...(p.extends ? { extends: p.extends.name } : {}), host: p.host, nic: p.nic, ...p.sections };
  }
  return {
    format: MANIFEST_FORMAT,
    xenhpc: toolInfo(),
    node: process.version,
    command: [...(m.command ?? process.argv)],
    madeBy: m.madeBy,
    scenarioSha256: m.fingerprint,
    seed: m.scenario.seed,
    replications: m.scenario.replications,
    points: m.points,
    totalPoints: m.totalPoints,
    shard: m.shard ? { index: m.shard.index, count: m.shard.count } : null,
    profiles,
    scenario: m.scenario,
    ...(m.precision ? { precision: m.precision } : {}),
    startedAt: m.startedAt.toISOString(),
    endedAt: m.endedAt.toISOString(),
  };
}

/** JSON text of a manifest; a non-finite number (none is expected) becomes its name, never null. */
export function manifestText(m: Manifest): string {
  return `${JSON.stringify(m, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

/** Writes `<dir>/manifest[.shard-i-of-n].json` by rename, complete or not at all. */
export function writeManifest(dir: string, m: ManifestInput): { path: string; manifest: Manifest } {
  const manifest = buildManifest(m);
  const path = join(dir, manifestFileName(m.shard));
  writeTextAtomic(path, manifestText(manifest));
  return { path, manifest };
}

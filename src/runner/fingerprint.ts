/**
 * A fingerprint of what a run computes: sha256 of the resolved scenario (cluster, every profile
 * parameter, workloads, sweep, seed, replications, noise, name) as canonical JSON with sorted keys.
 * Shard, partial and final results files carry it in every row (and manifest.json names it), so merge and --resume can tell rows of another
 * scenario (or another --set) from rows of this one, even when their identifying columns agree.
 *
 * Left out: where things come from or go (the scenario's file path, profile source paths,
 * `outputs`) and prose (descriptions), none of which changes a row.
 */
import { createHash } from 'node:crypto';
import type { KernelProfile, Scenario } from '../scenario/types.js';

/** Column that carries the fingerprint, last in shard and partial files (so a cut row lacks it). */
export const FINGERPRINT_COLUMN = 'scenario_sha256';

function canonical(v: unknown): string {
  if (v === null || typeof v !== 'object') {
    if (typeof v === 'number' && !Number.isFinite(v)) return JSON.stringify(String(v));
    return JSON.stringify(v) ?? 'null';
  }
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  const keys = Object.keys(v).filter((k) => (v as Record<string, unknown>)[k] !== undefined).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
}

/**
 * A profile's values without where they came from: a path's sections sit beside host and nic, as
 * they do in the file; `source` and `extends` only say which files the values were read from.
 */
function profileValues({ source: _source, description: _d, extends: _e, sections, ...p }: KernelProfile): Record<string, unknown> {
  return { ...p, ...sections };
}

export function scenarioFingerprint(scenario: Scenario): string {
  const { file: _file, outputs: _outputs, description: _description, claims: _claims, ...rest } = scenario;
  const resolved = {
    ...rest,
    profiles: scenario.profiles.map(profileValues),
    // A sweep over scenario fields holds each variant's profiles too: the same values, no paths (a
    // checkout elsewhere computes the same rows and must give the same fingerprint).
    ...(scenario.params ? { params: { ...scenario.params, variants: scenario.params.variants.map((v) => ({ ...v, profiles: v.profiles.map(profileValues) })) } } : {}),
  };
  return createHash('sha256').update(canonical(resolved)).digest('hex');
}

/** A complete fingerprint: 64 lowercase hex digits (a row cut inside it is not one). */
export function isFingerprint(s: string | undefined): s is string {
  return s !== undefined && /^[0-9a-f]{64}$/.test(s);
}

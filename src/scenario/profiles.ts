/**
 * Kernel profiles: YAML/JSON files of physical parameters checked against the schemas in
 * src/os/profile.ts (HOST_PARAMS, NIC_PARAMS) and src/xen/profile.ts (XEN_PARAMS).
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_PARAMS, NIC_PARAMS, type HostParams, type NicParams, type ParamSpec } from '../os/profile.js';
import { XEN_PARAMS, xenParamsProblem } from '../xen/profile.js';
import { ScenarioError, ValueError, checkNumber, didYouMean, isPlainObject, show } from './errors.js';
import { readSource, type Path, type Source } from './source.js';
import type { KernelProfile } from './types.js';

/**
 * The package root, from this module's own location (dist/src/scenario/profiles.js, three levels
 * down), so built-in profiles are found whatever the working directory is.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUILTIN_PROFILE_DIR = join(PACKAGE_ROOT, 'scenarios', 'profiles');

export type ProfileSection = 'host' | 'nic' | 'xen';

/** The schema of one section; XEN_PARAMS is read at call time since it is filled elsewhere. */
export function sectionSchema(section: ProfileSection): Record<string, ParamSpec> {
  return section === 'host' ? HOST_PARAMS : section === 'nic' ? NIC_PARAMS : XEN_PARAMS;
}

/** Is `ref` a file path rather than a built-in profile name? */
export function isProfilePath(ref: string): boolean {
  return /\.(ya?ml|json)$/i.test(ref);
}

/** Where a profile reference points, or undefined for an unknown built-in name. */
export function resolveProfileRef(ref: string, scenarioFile: string): string | undefined {
  if (isProfilePath(ref)) return resolve(dirname(scenarioFile), ref);
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(ref)) return undefined; // no path tricks through a name
  const f = join(BUILTIN_PROFILE_DIR, `${ref}.yaml`);
  return existsSync(f) ? f : undefined;
}

export interface ProfileListing {
  name: string;
  description: string;
  file: string;
}

/** Built-in profiles (scenarios/profiles/*.yaml), sorted by name. Files that do not parse are listed with their error. */
export function listProfiles(): ProfileListing[] {
  let files: string[];
  try {
    files = readdirSync(BUILTIN_PROFILE_DIR).filter((f) => /\.ya?ml$/i.test(f));
  } catch {
    return [];
  }
  const out: ProfileListing[] = [];
  for (const f of files.sort()) {
    const file = join(BUILTIN_PROFILE_DIR, f);
    const name = basename(f, extname(f));
    try {
      const src = readSource(file, 'profile');
      const v = isPlainObject(src.value) ? src.value : {};
      out.push({ name, description: typeof v.description === 'string' ? v.description : '', file });
    } catch (e) {
      out.push({ name, description: `(unreadable: ${(e as Error).message})`, file });
    }
  }
  return out;
}

export function builtinProfileNames(): string[] {
  return listProfiles().map((p) => p.name);
}

const PROFILE_KEYS = ['name', 'description', 'path', 'host', 'nic', 'xen'];

/** Validate one section against its schema: every key present, known, a number in range. */
function checkSection(src: Source, path: Path, raw: unknown, section: ProfileSection): Record<string, number> {
  const schema = sectionSchema(section);
  const names = Object.keys(schema);
  if (!isPlainObject(raw)) throw src.error(path, `expected a mapping of ${section} parameters, got ${show(raw)}`, names.join(', '));
  for (const k of Object.keys(raw)) {
    if (!(k in schema)) throw src.error([...path, k], `unknown parameter${didYouMean(k, names)}`, undefined, true);
  }
  const out: Record<string, number> = {};
  for (const k of names) {
    if (!(k in raw)) throw src.error([...path, k], `missing parameter (${schema[k]!.doc}, ${schema[k]!.unit})`, 'every parameter of the schema is required');
    out[k] = src.check([...path, k], () => checkNumber(raw[k], schema[k]!));
  }
  return out;
}

/** Validate a parsed profile document. */
export function validateProfile(src: Source): KernelProfile {
  const v = src.value;
  if (!isPlainObject(v)) throw src.error([], `a profile must be a mapping, got ${show(v)}`, PROFILE_KEYS.join(', '));
  for (const k of Object.keys(v)) {
    if (!PROFILE_KEYS.includes(k)) throw src.error([k], `unknown field${didYouMean(k, PROFILE_KEYS)}`, PROFILE_KEYS.join(', '), true);
  }
  const name = v.name ?? basename(src.file, extname(src.file));
  if (typeof name !== 'string' || name === '') throw src.error(['name'], `expected a non-empty string, got ${show(name)}`);
  const description = v.description ?? '';
  if (typeof description !== 'string') throw src.error(['description'], `expected a string, got ${show(description)}`);
  if (v.path !== 'native' && v.path !== 'xen') throw src.error(['path'], v.path === undefined ? 'missing' : `unknown path ${show(v.path)}`, 'native, xen');
  const host = checkSection(src, ['host'], v.host, 'host') as unknown as HostParams;
  const nic = checkSection(src, ['nic'], v.nic, 'nic') as unknown as NicParams;
  const profile: KernelProfile = { name, description, path: v.path, host, nic, source: src.file };
  if (v.path === 'xen') {
    profile.xen = checkSection(src, ['xen'], v.xen, 'xen');
    const bad = xenParamsProblem(profile.xen);
    if (bad) throw src.error(['xen', bad.param], bad.message, bad.allowed);
  } else if (v.xen !== undefined) throw src.error(['xen'], 'xen parameters given for a native profile', 'only with path: xen');
  return profile;
}

/**
 * Load a profile by built-in name (scenarios/profiles/NAME.yaml of this package) or by path
 * (.yaml/.yml/.json, relative to the scenario file's directory).
 */
export function loadProfile(ref: string, scenarioFile: string): KernelProfile {
  const file = resolveProfileRef(ref, scenarioFile);
  if (file === undefined) {
    const names = builtinProfileNames();
    throw new ScenarioError(scenarioFile, 'profiles', `unknown profile ${show(ref)}${didYouMean(ref, names)}`, allowedProfiles(names));
  }
  return validateProfile(readSource(file, 'profile'));
}

export function allowedProfiles(names: string[]): string {
  return `${names.length ? names.join(', ') : '(no built-in profiles)'}, or a path ending in .yaml, .yml or .json`;
}

/**
 * Apply dotted overrides (`host.wakeupNs: 6000`) to a profile, returning a new profile. Errors
 * are ValueErrors carrying the offending key, so the scenario loader can locate them.
 */
export function applyProfileOverrides(base: KernelProfile, set: Record<string, unknown>): KernelProfile {
  const p: KernelProfile = { ...base, host: { ...base.host }, nic: { ...base.nic } };
  if (base.xen) p.xen = { ...base.xen };
  const sections: ProfileSection[] = base.path === 'xen' ? ['host', 'nic', 'xen'] : ['host', 'nic'];
  const all = sections.flatMap((s) => Object.keys(sectionSchema(s)).map((k) => `${s}.${k}`));
  for (const [key, raw] of Object.entries(set)) {
    const dot = key.indexOf('.');
    const section = key.slice(0, dot) as ProfileSection;
    const param = key.slice(dot + 1);
    if (dot < 0 || !sections.includes(section) || !(param in sectionSchema(section))) {
      if (section === 'xen' && base.path !== 'xen') {
        throw new OverrideError(key, `profile ${base.name} has path native, so it has no xen parameters`, 'host.* and nic.* parameters; xen.* only for a path: xen profile');
      }
      throw new OverrideError(key, `unknown parameter${didYouMean(key, all)}`, all.join(', '));
    }
    const spec = sectionSchema(section)[param]!;
    let n: number;
    try {
      n = checkNumber(raw, spec);
    } catch (e) {
      if (e instanceof ValueError) throw new OverrideError(key, e.message, e.allowed);
      throw e;
    }
    (p[section] as unknown as Record<string, number>)[param] = n;
  }
  const bad = p.xen ? xenParamsProblem(p.xen) : undefined;
  if (bad) throw new OverrideError(`xen.${bad.param}`, bad.message, bad.allowed);
  return p;
}

/** A bad profile override; `key` is the dotted parameter name it was given under. */
export class OverrideError extends ValueError {
  constructor(
    readonly key: string,
    message: string,
    allowed?: string,
  ) {
    super(message, allowed);
  }
}

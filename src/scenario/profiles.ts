/**
 * Kernel profiles: YAML/JSON files of physical parameters. Every profile has the sections `host`
 * (src/os/profile.ts, HOST_PARAMS) and `nic` (NIC_PARAMS); its path (src/paths/registry.ts)
 * declares its own further sections and their schemas. A profile may `extends:` another and give
 * only what differs; a parameter neither gives takes its schema default, if the schema has one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HOST_PARAMS, NIC_PARAMS, type HostParams, type NicParams, type ParamSpec } from '../os/profile.js';
import type { ParamSchema, ParamValues, PathModule } from '../paths/module.js';
import { PATHS, findPath, pathNames } from '../paths/registry.js';
import { ScenarioError, ValueError, checkNumber, didYouMean, isPlainObject, show } from './errors.js';
import { readSource, type Path, type Source } from './source.js';
import type { KernelProfile } from './types.js';

/**
 * The package root, from this module's own location (dist/src/scenario/profiles.js, three levels
 * down), so built-in profiles are found whatever the working directory is.
 */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const BUILTIN_PROFILE_DIR = join(PACKAGE_ROOT, 'scenarios', 'profiles');

/** The sections every profile has, whatever its path. */
export const COMMON_SECTIONS: ReadonlyArray<readonly [string, Readonly<Record<string, ParamSpec>>]> = [
  ['host', HOST_PARAMS],
  ['nic', NIC_PARAMS],
];

/** Every section of a profile on `path`, in the order files and listings show them: host, nic, then the path's own. */
export function profileSections(path: PathModule): Array<readonly [string, Readonly<Record<string, ParamSpec>>]> {
  return [...COMMON_SECTIONS, ...Object.entries(path.sections)];
}

/** The paths that declare a section called `section` (for "belongs to another path" messages). */
function sectionOwners(section: string): string[] {
  return PATHS.filter((p) => section in p.sections).map((p) => p.name);
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

const PROFILE_KEYS = ['name', 'description', 'extends', 'path', ...COMMON_SECTIONS.map(([n]) => n)];

/** Profile keys: the fixed ones and every section some path declares. */
function profileKeys(): string[] {
  return [...new Set([...PROFILE_KEYS, ...PATHS.flatMap((p) => Object.keys(p.sections))])];
}

/**
 * Validate one section against its schema: every key known, a number in range. A key the file
 * does not give comes from the base profile, else from the schema's default; none: an error.
 */
function checkSection<S extends ParamSchema>(src: Source, path: Path, raw: unknown, name: string, schema: S, base: Readonly<Partial<ParamValues<S>>> | undefined): ParamValues<S> {
  const names = Object.keys(schema);
  // A section may be left out when a base profile gives it, or when every parameter has a default
  // (a path's optional features, off by default: the xen path's `domains`).
  if (raw === undefined && (base !== undefined || names.every((k) => schema[k]!.default !== undefined))) raw = {};
  if (!isPlainObject(raw)) throw src.error(path, `expected a mapping of ${name} parameters, got ${show(raw)}`, names.join(', '));
  for (const k of Object.keys(raw)) {
    if (!(k in schema)) throw src.error([...path, k], `unknown parameter${didYouMean(k, names)}`, undefined, true);
  }
  const out: Record<string, number> = {};
  for (const k of names) {
    const spec = schema[k]!;
    const inherited = base?.[k];
    if (k in raw) out[k] = src.check([...path, k], () => checkNumber(raw[k], spec));
    else if (inherited !== undefined) out[k] = inherited;
    else if (spec.default !== undefined) out[k] = spec.default;
    else throw src.error([...path, k], `missing parameter (${spec.doc}, ${spec.unit})`, base ? 'every parameter of the schema, here or in the base profile' : 'every parameter of the schema is required (or `extends:` a profile that has it)');
  }
  // Every key of the schema was set above. Built key by key, a section of more than a few dozen
  // parameters (host 31, xen 39) is a dictionary-mode object in V8, and the per-frame code reads
  // it (every `p.x` a hash lookup); a spread copy has fast properties, the same values.
  return { ...out } as ParamValues<S>;
}

/**
 * Validate a parsed profile document. `chain` holds the files of the profiles that extend this
 * one (to refuse a cycle); a base named by a path is found relative to the file that names it.
 */
export function validateProfile(src: Source, chain: readonly string[] = []): KernelProfile {
  const v = src.value;
  const keys = profileKeys();
  if (!isPlainObject(v)) throw src.error([], `a profile must be a mapping, got ${show(v)}`, keys.join(', '));
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw src.error([k], `unknown field${didYouMean(k, keys)}`, keys.join(', '), true);
  }
  const name = v.name ?? basename(src.file, extname(src.file));
  if (typeof name !== 'string' || name === '') throw src.error(['name'], `expected a non-empty string, got ${show(name)}`);
  const description = v.description ?? '';
  if (typeof description !== 'string') throw src.error(['description'], `expected a string, got ${show(description)}`);
  const base = v.extends === undefined ? undefined : loadBase(src, v.extends, chain);
  const allowedPaths = pathNames().join(', ');
  const pathName = v.path ?? base?.path;
  if (typeof pathName !== 'string') throw src.error(['path'], pathName === undefined ? 'missing' : `expected a path name, got ${show(pathName)}`, allowedPaths);
  const path = findPath(pathName);
  if (path === undefined) throw src.error(['path'], `unknown path ${show(pathName)}${didYouMean(pathName, pathNames())}`, allowedPaths);
  if (base !== undefined && base.path !== path.name) {
    throw src.error(['path'], `path ${path.name} differs from the path of the base profile ${base.name} (${base.path}): a profile extends one of its own path`, `path: ${base.path}, or no extends`);
  }
  const host: HostParams = checkSection(src, ['host'], v.host, 'host', HOST_PARAMS, base?.host);
  const nic: NicParams = checkSection(src, ['nic'], v.nic, 'nic', NIC_PARAMS, base?.nic);
  const sections: Record<string, Record<string, number>> = {};
  for (const [section, schema] of Object.entries(path.sections)) sections[section] = checkSection(src, [section], v[section], section, schema, base?.sections[section]);
  for (const k of Object.keys(v)) {
    if (PROFILE_KEYS.includes(k) || k in path.sections) continue;
    throw src.error([k], `${k} parameters given for a path ${path.name} profile`, `only with path: ${sectionOwners(k).join(' or ')}`, true);
  }
  const profile: KernelProfile = { name, description, path: path.name, host, nic, sections, source: src.file, ...(base ? { extends: { name: base.name, source: base.source } } : {}) };
  const bad = path.problem?.(host, sections);
  if (bad) throw src.error([bad.section, bad.param], bad.message, bad.allowed);
  return profile;
}

/** The profile a file `extends:`, loaded (with its own bases) after refusing cycles. */
function loadBase(src: Source, ref: unknown, chain: readonly string[]): KernelProfile {
  const names = builtinProfileNames();
  if (typeof ref !== 'string' || ref === '') throw src.error(['extends'], `expected a profile name or path, got ${show(ref)}`, allowedProfiles(names));
  const file = resolveProfileRef(ref, src.file);
  if (file === undefined) throw src.error(['extends'], `unknown profile ${show(ref)}${didYouMean(ref, names)}`, allowedProfiles(names));
  const seen = [...chain, src.file];
  if (seen.includes(file)) {
    const cycle = [...seen.slice(seen.indexOf(file)), file].map((f) => basename(f)).join(' -> ');
    throw src.error(['extends'], `profiles extend each other in a cycle (${cycle})`, 'a chain of extends that ends in a profile without extends');
  }
  return validateProfile(readSource(file, 'profile'), seen);
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
  const path = findPath(base.path);
  if (path === undefined) throw new OverrideError('path', `unknown path ${show(base.path)}`, pathNames().join(', '));
  const values = new Map<string, Record<string, number>>([
    ['host', { ...(base.host as unknown as Record<string, number>) }],
    ['nic', { ...(base.nic as unknown as Record<string, number>) }],
    ...Object.keys(path.sections).map((s) => [s, { ...base.sections[s] }] as [string, Record<string, number>]),
  ]);
  const schemas = new Map(profileSections(path));
  const all = [...schemas].flatMap(([s, schema]) => Object.keys(schema).map((k) => `${s}.${k}`));
  for (const [key, raw] of Object.entries(set)) {
    const dot = key.indexOf('.');
    const section = key.slice(0, dot);
    const param = key.slice(dot + 1);
    const schema = dot < 0 ? undefined : schemas.get(section);
    if (schema === undefined || !(param in schema)) {
      const owners = dot < 0 ? [] : sectionOwners(section);
      if (owners.length > 0 && !schemas.has(section)) {
        throw new OverrideError(key, `profile ${base.name} has path ${base.path}, so it has no ${section} parameters`, `${[...schemas.keys()].map((s) => `${s}.*`).join(', ')} parameters; ${section}.* only for a path: ${owners.join(' or ')} profile`, true);
      }
      throw new OverrideError(key, `unknown parameter${didYouMean(key, all)}`, all.join(', '), true);
    }
    let n: number;
    try {
      n = checkNumber(raw, schema[param]!);
    } catch (e) {
      if (e instanceof ValueError) throw new OverrideError(key, e.message, e.allowed);
      throw e;
    }
    values.get(section)![param] = n;
  }
  const sections: Record<string, Record<string, number>> = {};
  for (const s of Object.keys(path.sections)) sections[s] = values.get(s)!;
  const host = values.get('host') as unknown as HostParams;
  const p: KernelProfile = { ...base, host, nic: values.get('nic') as unknown as NicParams, sections };
  const bad = path.problem?.(host, sections);
  if (bad) throw new OverrideError(`${bad.section}.${bad.param}`, bad.message, bad.allowed);
  return p;
}

/** A bad profile override; `key` is the dotted parameter name it was given under. */
export class OverrideError extends ValueError {
  constructor(
    readonly key: string,
    message: string,
    allowed?: string,
    /** The key itself is wrong (unknown, or of another path), not its value. */
    readonly atKey = false,
  ) {
    super(message, allowed);
  }
}

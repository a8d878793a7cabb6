/**
 * Loading a scenario file (YAML or JSON): `--set` overrides on the raw document, then validation
 * with defaults, giving a Scenario or a one-line ScenarioError naming file:line:col, the field
 * and what is allowed. Field list, defaults and limits: docs/scenarios.md.
 */
import { CLAIM_SETS } from '../report/claim-sets.js';
import { PATHS } from '../paths/registry.js';
import { basename, extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ScenarioError, ValueError, checkNumber, didYouMean, toNumber, fmtNum, isPlainObject, show, type NumberRule } from './errors.js';
import { LIMITS } from './limits.js';
import { FIGURE_KINDS } from '../report/figure-kinds.js';
import { OverrideError, allowedProfiles, applyProfileOverrides, builtinProfileNames, resolveProfileRef, validateProfile } from './profiles.js';
import { readSource, type Path, type Source } from './source.js';
import { countWorkloads, expandWorkloads, parseRange } from './sweep.js';
import { expandParamSweep, takeParamSweep } from './param-sweep.js';
import type { ClusterConfig, KernelProfile, OutputsConfig, Scenario, TraceOutput, WorkloadSpec } from './types.js';
// The workload registry's declarations (DESIGN.md: scenario knows the registries' declarations);
// no workload module imports this file, so the import is not a cycle.
import { fieldRange, fieldSweepable, type WorkloadModule } from '../workloads/module.js';
import { WORKLOADS, workloadModule } from '../workloads/registry.js';

export { LIMITS };

const TOP_KEYS = ['name', 'description', 'seed', 'replications', 'noise', 'cluster', 'profiles', 'workload', 'sweep', 'workloads', 'outputs', 'claims'];
const CLUSTER_KEYS = ['nodes', 'cpusPerNode', 'placement', 'link', 'switch'];
const LINK_KEYS = ['rateBps', 'propagationNs'];
const SWITCH_KEYS = ['portBufferBytes', 'fabricLatencyNs', 'portRateBps'];
const PROFILE_ENTRY_KEYS = ['name', 'base', 'description', 'set'];
const OUTPUT_KEYS = ['dir', 'results', 'summary', 'compare', 'figures', 'trace'];
const TRACE_KEYS = ['layers', 'nodes', 'fromNs', 'toNs', 'file'];
const FIGURES = FIGURE_KINDS;
const WORKLOAD_TYPES: readonly string[] = WORKLOADS.map((m) => m.type);

/** Every field some workload declares, in registry order, each once. */
const WORKLOAD_FIELDS: readonly string[] = [...new Set(WORKLOADS.flatMap((m) => Object.keys(m.fields)))];
/**
 * Fields some workload declares unsweepable: one that describes how a sweep runs rather than a
 * point, or one outside the run key (a sweep over it would pool different values in one summary
 * point). Set them once per workload block.
 */
export const UNSWEPT_FIELDS: readonly string[] = [...new Set(WORKLOADS.flatMap((m) => Object.entries(m.fields).filter(([, f]) => !fieldSweepable(f)).map(([k]) => k)))];

/** The fields each workload type accepts, in documentation order. */
export const TYPE_FIELDS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(WORKLOADS.map((m) => [m.type, Object.keys(m.fields)]));

/** Every path `--set` may name; any prefix of one is valid too (it sets a whole block). */
export const SETTABLE_PATHS: string[] = [
  ...['name', 'description', 'seed', 'replications', 'noise', 'profiles'],
  'cluster',
  ...CLUSTER_KEYS.map((k) => `cluster.${k}`),
  ...LINK_KEYS.map((k) => `cluster.link.${k}`),
  ...SWITCH_KEYS.map((k) => `cluster.switch.${k}`),
  'workload',
  'workload.type',
  ...WORKLOAD_FIELDS.map((k) => `workload.${k}`),
  'workloads',
  'sweep',
  'sweep.combine',
  ...WORKLOAD_FIELDS.map((k) => `sweep.${k}`),
  'outputs',
  ...OUTPUT_KEYS.map((k) => `outputs.${k}`),
  ...TRACE_KEYS.map((k) => `outputs.trace.${k}`),
  'claims',
  'claims.set',
  'claims.roles',
];

/**
 * Load and validate a scenario. `overrides` are `--set path=value` strings; the value is parsed
 * as YAML (`1e8`, `2^5..2^10`, `[a, b]`, `{from: 1, to: 8}`); `null` removes the field.
 */
export function loadScenario(file: string, overrides: string[] = []): Scenario {
  const src = readSource(file, 'scenario');
  for (const o of overrides) applyOverride(src, o);
  src.checkText();
  // Dotted `sweep:` keys sweep scenario fields (src/scenario/param-sweep.ts); the rest loads as before.
  const params = takeParamSweep(src);
  const scenario = validateScenario(src);
  if (!params) return scenario;
  return { ...scenario, params: expandParamSweep(src, params, scenario, validateScenario, SETTABLE_PATHS, LIMITS.maxRuns) };
}

function applyOverride(src: Source, expr: string): void {
  const where = `--set ${expr}`;
  const eq = expr.indexOf('=');
  if (eq < 1) throw new ScenarioError(where, '', 'expected path=value', 'e.g. cluster.link.rateBps=1e8');
  const pathStr = expr.slice(0, eq).trim();
  if (!SETTABLE_PATHS.includes(pathStr)) {
    const parent = pathStr.includes('.') ? pathStr.slice(0, pathStr.lastIndexOf('.')) : '';
    const siblings = SETTABLE_PATHS.filter((p) => (parent ? p.startsWith(`${parent}.`) && !p.slice(parent.length + 1).includes('.') : !p.includes('.')));
    throw new ScenarioError(where, pathStr, `unknown field${didYouMean(pathStr, SETTABLE_PATHS)}`, (siblings.length ? siblings : TOP_KEYS).join(', '));
  }
  let value: unknown;
  try {
    value = parseYaml(expr.slice(eq + 1), { maxAliasCount: 10 });
  } catch (e) {
    throw new ScenarioError(where, pathStr, `cannot parse value: ${(e as Error).message.split('\n')[0]}`);
  }
  const path = pathStr.split('.');
  if (src.value === null || src.value === undefined) src.value = {}; // an empty file plus --set
  if (!isPlainObject(src.value)) throw src.error([], `a scenario must be a mapping, got ${show(src.value)}`, TOP_KEYS.join(', '));
  let o = src.value as Record<string, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (o[k] === undefined || o[k] === null) o[k] = {};
    const next = o[k];
    if (!isPlainObject(next)) throw new ScenarioError(where, path.slice(0, i + 1).join('.'), `is ${show(next)}, not a mapping, so ${pathStr} cannot be set`);
    o = next;
  }
  const last = path[path.length - 1]!;
  if (value === null) delete o[last];
  else o[last] = value;
  src.addOverride({ path, expr });
}

// ---- small typed readers; each throws a located ScenarioError ----

function block(src: Source, path: Path, raw: unknown, keys: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {};
  if (!isPlainObject(raw)) throw src.error(path, `expected a mapping, got ${show(raw)}`, `keys ${keys.join(', ')}`);
  checkKeys(src, path, raw, keys);
  return raw;
}

function checkKeys(src: Source, path: Path, raw: Record<string, unknown>, keys: readonly string[]): void {
  for (const k of Object.keys(raw)) {
    if (!keys.includes(k)) throw src.error([...path, k], `unknown field${didYouMean(k, keys)}`, keys.join(', '), true);
  }
}

function num(src: Source, path: Path, raw: unknown, rule: NumberRule, dflt?: number): number {
  if (raw === undefined || raw === null) {
    if (dflt !== undefined) return dflt;
    throw src.error(path, 'missing', describe(rule));
  }
  return src.check(path, () => checkNumber(raw, rule));
}

/** A rate that is 0 (meaning `what`) or within the rule; undefined/null is 0. */
function zeroOr(raw: unknown, rule: NumberRule, what: string): number {
  if (raw === undefined || raw === null) return 0;
  try {
    return checkNumber(raw, rule);
  } catch (e) {
    if (e instanceof ValueError) throw new ValueError(e.message, `0 (= ${what}), or ${describe(rule)}`);
    throw e;
  }
}

function describe(r: NumberRule): string {
  return `${r.integer ? 'integer' : 'number'} in [${fmtNum(r.min)}, ${fmtNum(r.max)}]`;
}

function str(src: Source, path: Path, raw: unknown, dflt: string): string {
  if (raw === undefined || raw === null) return dflt;
  if (typeof raw !== 'string' || raw === '') throw src.error(path, `expected a non-empty string, got ${show(raw)}`, 'a string');
  return raw;
}

function bool(src: Source, path: Path, raw: unknown, dflt: boolean): boolean {
  if (raw === undefined || raw === null) return dflt;
  if (typeof raw !== 'boolean') throw src.error(path, `expected true or false, got ${show(raw)}`, 'true, false');
  return raw;
}

function oneOf<T extends string>(src: Source, path: Path, raw: unknown, options: readonly T[], dflt?: T): T {
  if ((raw === undefined || raw === null) && dflt !== undefined) return dflt;
  if (raw === undefined || raw === null) throw src.error(path, 'missing', options.join(', '));
  if (typeof raw !== 'string' || !options.includes(raw as T)) {
    throw src.error(path, `unknown value ${show(raw)}${typeof raw === 'string' ? didYouMean(raw, options) : ''}`, options.join(', '));
  }
  return raw as T;
}

// ---- validation ----

export function validateScenario(src: Source): Scenario {
  const v = src.value;
  if (!isPlainObject(v)) throw src.error([], `a scenario must be a mapping, got ${show(v)}`, TOP_KEYS.join(', '));
  checkKeys(src, [], v, TOP_KEYS);

  const name = str(src, ['name'], v.name, basename(src.file, extname(src.file)));
  const description = v.description === '' ? '' : str(src, ['description'], v.description, '');
  const seed = readSeed(src, v.seed);
  const replications = num(src, ['replications'], v.replications, { min: 1, max: LIMITS.maxReplications, integer: true }, 1);
  const noise = oneOf(src, ['noise'], v.noise, ['on', 'off'] as const, 'on');
  const cluster = readCluster(src, v.cluster);
  const profiles = readProfiles(src, v.profiles);
  const parts = readParts(src, v, cluster, profiles);

  const nWorkloads = parts.reduce((a, p) => a + countWorkloads(p.sweep), 0);
  const runs = parts.reduce((a, p) => a + countWorkloads(p.sweep) * (p.profiles?.length ?? profiles.length), 0) * replications;
  if (runs > LIMITS.maxRuns) {
    const at: Path = v.workloads !== undefined ? ['workloads'] : v.sweep !== undefined ? ['sweep'] : ['replications'];
    throw src.error(at, `expands to ${runs} runs (${nWorkloads} workloads x ${profiles.length} profiles x ${replications} replications)`, `at most ${fmtNum(LIMITS.maxRuns)} runs; use fewer points or replications, or split the sweep into scenarios`);
  }
  parts.forEach((p, i) => checkCombinations(src, p.workload, p.sweep, v.workloads !== undefined ? ['workloads', i] : []));
  parts.forEach((p, i) => checkPathFeature(src, p.workload.type, p.profiles ? profiles.filter((x) => p.profiles!.includes(x.name)) : profiles, v.workloads !== undefined ? ['workloads', i, 'type'] : ['workload', 'type']));

  const outputs = readOutputs(src, v.outputs, cluster);
  const claims = v.claims === undefined ? undefined : readClaims(src, v.claims, profiles);
  return { name, description, file: src.file, seed, replications, noise, cluster, profiles, workload: parts[0]!.workload, sweep: parts[0]!.sweep, parts, outputs, ...(claims ? { claims } : {}) };
}

/** A workload that needs something of a node's path (an HVM device model) runs only on profiles whose path offers it. */
function checkPathFeature(src: Source, type: string, profiles: readonly KernelProfile[], at: Path): void {
  const need = workloadModule(type).needsPathFeature;
  if (need === undefined) return;
  const offering = PATHS.filter((x) => x.features?.includes(need)).map((x) => x.name);
  for (const p of profiles) {
    if (!offering.includes(p.path)) throw src.error(at, `workload type ${type} needs a node path with ${need}; profile ${p.name} has path ${p.path}`, `profiles whose path is ${offering.join(' or ')}`);
  }
}

/** `claims:` which claim set `validate` checks and which profile plays each of its roles. */
function readClaims(src: Source, raw: unknown, profiles: readonly { name: string }[]): { set: string; roles: Record<string, string> } {
  const b = block(src, ['claims'], raw, ['set', 'roles']);
  const set = oneOf(src, ['claims', 'set'], b.set, Object.keys(CLAIM_SETS));
  const known = CLAIM_SETS[set]!.roles;
  const roles: Record<string, string> = {};
  if (b.roles !== undefined) {
    const r = block(src, ['claims', 'roles'], b.roles, Object.keys(known));
    const names = profiles.map((p) => p.name);
    for (const [k, val] of Object.entries(r)) {
      roles[k] = oneOf(src, ['claims', 'roles', k], val, names);
    }
  }
  return { set, roles };
}

function readSeed(src: Source, raw: unknown): string {
  if (raw === undefined || raw === null) return '1';
  if (typeof raw === 'string' && raw !== '') return raw;
  if (typeof raw === 'number' && Number.isSafeInteger(raw) && raw >= 0) return String(raw);
  throw src.error(['seed'], `expected a non-negative integer or a string, got ${show(raw)}`, 'an integer in [0, 2^53) or a non-empty string');
}

/**
 * The cluster's numeric fields: rule and default, read by readCluster and by the JSON Schema
 * generator (src/cli/schema.ts), so the two cannot disagree. `zeroMeans`: 0 is allowed besides the
 * range and means that (portRateBps 0 = the link rate).
 */
export const CLUSTER_RULES = {
  nodes: { rule: { min: 2, max: 1024, integer: true }, default: 4, doc: 'nodes, each with one NIC on the switch' },
  cpusPerNode: { rule: { min: 1, max: 256, integer: true }, default: 4, doc: 'CPUs of a node (a Xen guest gets as many VCPUs)' },
  'link.rateBps': { rule: { min: 1e6, max: 1e12 }, default: 1e9, doc: 'line rate of every link (bit/s)' },
  // The engine clock is integer ns.
  'link.propagationNs': { rule: { min: 0, max: 1e9, integer: true }, default: 500, doc: 'propagation delay per link (ns)' },
  'switch.portBufferBytes': { rule: { min: 1514, max: 2 ** 30, integer: true }, default: 262144, doc: 'output-port buffer per port, drop-tail (bytes)' },
  'switch.fabricLatencyNs': { rule: { min: 0, max: 1e9, integer: true }, default: 3000, doc: 'lookup and fabric latency after a frame is received (ns)' },
  'switch.portRateBps': { rule: { min: 1e6, max: 1e12 }, default: 0, zeroMeans: 'link.rateBps', doc: 'rate of the switch ports towards the hosts (bit/s); 0 = the link rate' },
} as const satisfies Record<string, { rule: NumberRule; default: number; doc: string; zeroMeans?: string }>;
export const PLACEMENTS = ['block', 'cyclic'] as const;
/** Keys of the scenario's blocks, for the JSON Schema generator. */
export const SCENARIO_KEYS = { top: TOP_KEYS, cluster: CLUSTER_KEYS, link: LINK_KEYS, switch: SWITCH_KEYS, profileEntry: PROFILE_ENTRY_KEYS, outputs: OUTPUT_KEYS, trace: TRACE_KEYS, figures: FIGURES } as const;

function readCluster(src: Source, raw: unknown): ClusterConfig {
  const c = block(src, ['cluster'], raw, CLUSTER_KEYS);
  const link = block(src, ['cluster', 'link'], c.link, LINK_KEYS);
  const sw = block(src, ['cluster', 'switch'], c.switch, SWITCH_KEYS);
  const R = CLUSTER_RULES;
  return {
    nodes: num(src, ['cluster', 'nodes'], c.nodes, R.nodes.rule, R.nodes.default),
    cpusPerNode: num(src, ['cluster', 'cpusPerNode'], c.cpusPerNode, R.cpusPerNode.rule, R.cpusPerNode.default),
    placement: oneOf(src, ['cluster', 'placement'], c.placement, PLACEMENTS, 'cyclic'),
    link: {
      rateBps: num(src, ['cluster', 'link', 'rateBps'], link.rateBps, R['link.rateBps'].rule, R['link.rateBps'].default),
      propagationNs: num(src, ['cluster', 'link', 'propagationNs'], link.propagationNs, R['link.propagationNs'].rule, R['link.propagationNs'].default),
    },
    switch: {
      portBufferBytes: num(src, ['cluster', 'switch', 'portBufferBytes'], sw.portBufferBytes, R['switch.portBufferBytes'].rule, R['switch.portBufferBytes'].default),
      fabricLatencyNs: num(src, ['cluster', 'switch', 'fabricLatencyNs'], sw.fabricLatencyNs, R['switch.fabricLatencyNs'].rule, R['switch.fabricLatencyNs'].default),
      // 0 (the default) means "the link rate", as docs/scenarios.md says.
      portRateBps: toNumber(sw.portRateBps) === 0 ? 0 : src.check(['cluster', 'switch', 'portRateBps'], () => zeroOr(sw.portRateBps, R['switch.portRateBps'].rule, 'link.rateBps')),
    },
  };
}

/** Dotted keys of a `set:` block, nested mappings flattened (`host: {wakeupNs: 1}` = `host.wakeupNs: 1`). */
function flattenSet(raw: Record<string, unknown>, prefix: string[] = [], out = new Map<string, { path: string[]; value: unknown }>()) {
  for (const [k, val] of Object.entries(raw)) {
    const p = [...prefix, k];
    if (isPlainObject(val)) flattenSet(val, p, out);
    else out.set(p.join('.'), { path: p, value: val });
  }
  return out;
}

function readProfiles(src: Source, raw: unknown): KernelProfile[] {
  // Built-in names are read from disk only when a message needs them.
  const allowed = () => allowedProfiles(builtinProfileNames());
  if (raw === undefined || raw === null) throw src.error(['profiles'], 'missing: at least one kernel profile is needed', allowed());
  if (!Array.isArray(raw)) throw src.error(['profiles'], `expected a list of profiles, got ${show(raw)}`, allowed());
  if (raw.length === 0) throw src.error(['profiles'], 'empty list: at least one kernel profile is needed', allowed());
  const out: KernelProfile[] = [];
  const seen = new Map<string, number>();
  raw.forEach((entry: unknown, i) => {
    const at: Path = ['profiles', i];
    let ref: unknown;
    let refPath: Path = at;
    let e: Record<string, unknown> = {};
    if (isPlainObject(entry)) {
      e = block(src, at, entry, PROFILE_ENTRY_KEYS);
      if (e.name === undefined) throw src.error([...at, 'name'], 'missing', 'a profile name or path');
      ref = e.base ?? e.name;
      refPath = [...at, e.base !== undefined ? 'base' : 'name'];
    } else {
      ref = entry;
    }
    if (typeof ref !== 'string' || ref === '') throw src.error(refPath, `expected a profile name or path, got ${show(ref)}`, allowed());
    const file = resolveProfileRef(ref, src.file);
    if (file === undefined) throw src.error(refPath, `unknown profile ${show(ref)}${didYouMean(ref, builtinProfileNames())}`, allowed());
    let p = validateProfile(readSource(file, 'profile'));
    if (e.base !== undefined) p = { ...p, name: str(src, [...at, 'name'], e.name, p.name) };
    if (e.description !== undefined) p = { ...p, description: e.description === '' ? '' : str(src, [...at, 'description'], e.description, '') };
    if (e.set !== undefined && e.set !== null) {
      if (!isPlainObject(e.set)) throw src.error([...at, 'set'], `expected a mapping of parameter: value, got ${show(e.set)}`, 'e.g. {host.wakeupNs: 6000}');
      const flat = flattenSet(e.set);
      const set: Record<string, unknown> = {};
      for (const [k, { value }] of flat) set[k] = value;
      try {
        p = applyProfileOverrides(p, set);
      } catch (err) {
        if (err instanceof OverrideError) {
          const path = [...at, 'set', ...(flat.get(err.key)?.path ?? [err.key])];
          throw src.error(path, err.message, err.allowed, err.atKey);
        }
        throw err;
      }
    }
    const prev = seen.get(p.name);
    if (prev !== undefined) {
      throw src.error(at, `duplicate profile name ${show(p.name)} (also profiles[${prev}])`, 'unique names; a variant is {name: NEW, base: PROFILE, set: {...}}');
    }
    seen.set(p.name, i);
    out.push(p);
  });
  return out;
}

/** Check one workload field value (base or swept) against the module's declaration. Throws ValueError. */
function checkField(m: WorkloadModule, f: string, raw: unknown, cluster: ClusterConfig): number | string | boolean {
  const d = m.fields[f]!;
  if (d.kind === 'boolean') {
    if (typeof raw !== 'boolean') throw new ValueError(`expected true or false, got ${show(raw)}`, 'true, false');
    return raw;
  }
  if (d.kind === 'enum') {
    if (typeof raw !== 'string' || !d.values.includes(raw)) throw new ValueError(`unknown ${f} ${show(raw)}`, d.allowedText ?? d.values.join(', '));
    return raw;
  }
  const rule = fieldRange(d, cluster);
  const n = checkNumber(raw, rule);
  const problem = d.check?.(n, describe(rule));
  if (problem) throw new ValueError(problem.problem, problem.allowed);
  return n;
}

/**
 * The scenario's workloads: either `workload` (+ `sweep`), or `workloads`, a list of workload
 * blocks each with its own `sweep` (so one scenario can hold, say, a bandwidth and a latency test).
 */
function readParts(src: Source, v: Record<string, unknown>, cluster: ClusterConfig, profiles: readonly KernelProfile[]): Scenario['parts'] {
  if (v.workloads === undefined) {
    const workload = readWorkload(src, v.workload, cluster, ['workload']);
    return [{ workload, sweep: readSweep(src, v.sweep, workloadModule(workload.type), cluster, ['sweep']) }];
  }
  if (v.workload !== undefined || v.sweep !== undefined) {
    throw src.error([v.workload !== undefined ? 'workload' : 'sweep'], 'cannot be used together with workloads', 'either workload (+ sweep) or a workloads list');
  }
  if (!Array.isArray(v.workloads) || v.workloads.length === 0) throw src.error(['workloads'], `expected a non-empty list of workload blocks, got ${show(v.workloads)}`, 'a list of {type: ..., sweep: {...}}');
  return v.workloads.map((raw, i) => {
    const { sweep: rawSweep, profiles: rawProfiles, ...rest } = isPlainObject(raw) ? raw : { sweep: undefined, profiles: undefined };
    const workload = readWorkload(src, isPlainObject(raw) ? rest : raw, cluster, ['workloads', i]);
    const sweep = readSweep(src, rawSweep, workloadModule(workload.type), cluster, ['workloads', i, 'sweep']);
    return rawProfiles === undefined ? { workload, sweep } : { workload, sweep, profiles: readPartProfiles(src, rawProfiles, profiles, ['workloads', i, 'profiles']) };
  });
}

/** A workload block's own `profiles`: a non-empty list of names from the scenario's profiles, each once. */
function readPartProfiles(src: Source, raw: unknown, profiles: readonly KernelProfile[], at: Path): string[] {
  const names = profiles.map((p) => p.name);
  if (!Array.isArray(raw) || raw.length === 0) throw src.error(at, `expected a non-empty list of profile names, got ${show(raw)}`, names.join(', '));
  return raw.map((n, j) => {
    if (typeof n !== 'string' || !names.includes(n) || raw.indexOf(n) !== j) throw src.error([...at, j], `${typeof n === 'string' && names.includes(n) ? 'duplicate' : 'not a profile of this scenario'}: ${show(n)}`, names.join(', '));
    return n;
  });
}

function readWorkload(src: Source, raw: unknown, cluster: ClusterConfig, at: Path): WorkloadSpec {
  if (raw === undefined || raw === null) throw src.error(at, 'missing', `a mapping with type: ${WORKLOAD_TYPES.join(' | ')}`);
  const w = block(src, at, raw, ['type', ...WORKLOAD_FIELDS]);
  const type = oneOf(src, [...at, 'type'], w.type, WORKLOAD_TYPES);
  const m = workloadModule(type);
  const fields = Object.keys(m.fields);
  for (const k of Object.keys(w)) {
    if (k !== 'type' && !fields.includes(k)) throw src.error([...at, k], `not a field of workload type ${type}`, fields.join(', '), true);
  }
  const spec: WorkloadSpec = { type };
  for (const f of fields) {
    const val = w[f] ?? m.fields[f]!.default;
    spec[f] = src.check([...at, f], () => checkField(m, f, val, cluster));
  }
  return spec;
}

function readSweep(src: Source, raw: unknown, m: WorkloadModule, cluster: ClusterConfig, at: Path): Scenario['sweep'] {
  const fields: Record<string, Array<number | string | boolean>> = {};
  if (raw === undefined || raw === null) return { fields, combine: 'cross' };
  const type = m.type;
  const declared = (k: string) => Object.hasOwn(m.fields, k);
  const valid = [...Object.keys(m.fields).filter((f) => fieldSweepable(m.fields[f]!)), 'combine'];
  if (!isPlainObject(raw)) throw src.error(at, `expected a mapping of workload field: range, got ${show(raw)}`, valid.join(', '));
  for (const k of Object.keys(raw)) {
    if (k === 'combine') continue;
    if (k === 'type') throw src.error([...at, k], 'the workload type cannot be swept; write one scenario per type', valid.join(', '), true);
    if (declared(k) && !fieldSweepable(m.fields[k]!)) throw src.error([...at, k], `${k} cannot be swept; set it in the workload block`, valid.join(', '), true);
    if (WORKLOAD_FIELDS.includes(k) && !valid.includes(k)) throw src.error([...at, k], `not a field of workload type ${type}`, valid.join(', '), true);
    if (!valid.includes(k)) throw src.error([...at, k], `unknown field${didYouMean(k, valid)}`, valid.join(', '), true);
    const values = src.check([...at, k], () => parseRange(raw[k]));
    fields[k] = values.map((val, i) => src.check(Array.isArray(raw[k]) ? ['sweep', k, i] : [...at, k], () => checkField(m, k, val, cluster)));
  }
  const combine = oneOf(src, [...at, 'combine'], raw.combine, ['cross', 'zip'] as const, 'cross');
  if (combine === 'zip') {
    const keys = Object.keys(fields);
    const n0 = keys.length ? fields[keys[0]!]!.length : 0;
    const bad = keys.find((k) => fields[k]!.length !== n0);
    if (bad !== undefined) {
      throw src.error([...at, bad], `zip needs lists of equal length: ${keys[0]} has ${n0} values, ${bad} has ${fields[bad]!.length}`, 'combine: cross, or lists of the same length');
    }
  }
  return { fields, combine };
}

/** Rules across fields, checked on every concrete workload of the sweep. */
function checkCombinations(src: Source, base: WorkloadSpec, sweep: Scenario['sweep'], part: Path): void {
  const at = (f: string): Path => (part.length ? (f in sweep.fields ? [...part, 'sweep', f] : [...part, f]) : f in sweep.fields ? ['sweep', f] : ['workload', f]);
  const m = workloadModule(base.type);
  if (!m.check) return;
  for (const w of expandWorkloads(base, sweep)) {
    const p = m.check(w);
    if (p) throw src.error(at(p.fields.find((f) => f in sweep.fields) ?? p.fields[0]!), p.problem, p.allowed);
  }
}

function readOutputs(src: Source, raw: unknown, cluster: ClusterConfig): OutputsConfig {
  const o = block(src, ['outputs'], raw, OUTPUT_KEYS);
  const out: OutputsConfig = {
    dir: str(src, ['outputs', 'dir'], o.dir, 'out'),
    results: bool(src, ['outputs', 'results'], o.results, true),
    summary: bool(src, ['outputs', 'summary'], o.summary, true),
    compare: bool(src, ['outputs', 'compare'], o.compare, true),
    figures: [],
  };
  if (o.figures !== undefined && o.figures !== null) {
    if (!Array.isArray(o.figures)) throw src.error(['outputs', 'figures'], `expected a list, got ${show(o.figures)}`, FIGURES.join(', '));
    o.figures.forEach((f: unknown, i) => {
      const fig = oneOf(src, ['outputs', 'figures', i], f, FIGURES);
      if (!out.figures.includes(fig)) out.figures.push(fig);
    });
  }
  if (o.trace !== undefined && o.trace !== null) out.trace = readTrace(src, o.trace, cluster);
  return out;
}

function stringList(src: Source, path: Path, raw: unknown, what: string): string[] {
  if (raw === undefined || raw === null) return [];
  // "wire,tcp" is accepted as well as [wire, tcp], since that is how the CLI writes it.
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  if (!Array.isArray(list)) throw src.error(path, `expected a list of ${what}, got ${show(raw)}`, `a list of ${what}; empty = all`);
  return list.map((x: unknown, i) => {
    if ((typeof x !== 'string' || x === '') && typeof x !== 'number') throw src.error([...path, i], `expected a name, got ${show(x)}`, what);
    return String(x);
  });
}

function readTrace(src: Source, raw: unknown, cluster: ClusterConfig): TraceOutput {
  const t = block(src, ['outputs', 'trace'], raw, TRACE_KEYS);
  const nodes = stringList(src, ['outputs', 'trace', 'nodes'], t.nodes, 'node names (n0, n1, ...)').map((n, i) => {
    // A bare index means that node; nN must exist.
    const name = /^\d+$/.test(n) ? `n${n}` : n;
    const m = /^n(\d+)$/.exec(name);
    if (m && Number(m[1]) >= cluster.nodes) throw src.error(['outputs', 'trace', 'nodes', i], `node ${name} does not exist`, `n0..n${cluster.nodes - 1}`);
    return name;
  });
  const trace: TraceOutput = {
    layers: stringList(src, ['outputs', 'trace', 'layers'], t.layers, 'layer names'),
    nodes,
    file: str(src, ['outputs', 'trace', 'file'], t.file, 'trace.csv'),
  };
  src.checkOutputName(['outputs', 'trace', 'file'], trace.file, ['results.csv', 'summary.csv', 'compare.csv', 'results.partial.csv']);
  const rule = { min: 0, max: LIMITS.maxTraceNs, integer: true };
  if (t.fromNs !== undefined && t.fromNs !== null) trace.fromNs = num(src, ['outputs', 'trace', 'fromNs'], t.fromNs, rule);
  if (t.toNs !== undefined && t.toNs !== null) trace.toNs = num(src, ['outputs', 'trace', 'toNs'], t.toNs, rule);
  if (trace.fromNs !== undefined && trace.toNs !== undefined && trace.toNs <= trace.fromNs) {
    throw src.error(['outputs', 'trace', 'toNs'], `toNs ${trace.toNs} is not after fromNs ${trace.fromNs}`, 'toNs > fromNs');
  }
  return trace;
}

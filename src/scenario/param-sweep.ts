/**
 * The top-level sweep over scenario fields: `sweep:` keys that are dotted paths into the cluster or
 * the profiles (`cluster.link.rateBps`, `profiles.xen-3.0.1.xen.txRingSlots`). A key without a dot
 * is a workload field, as before (the sweep of `workload:`), so every existing scenario means what
 * it meant. Each combination of values is written into a copy of the document and validated by the
 * loader like any scenario, so a value gets exactly the checks the field always gets; an error
 * names the sweep key, the value and what is allowed. Combinations are crossed with each other and
 * with every workload sweep (docs/scenarios.md, "Sweeps over scenario fields").
 */
import { ScenarioError, ValueError, didYouMean, fmtNum, isPlainObject, show } from './errors.js';
import type { Source } from './source.js';
import { countWorkloads, parseRange } from './sweep.js';
import type { ParamSweep, ParamVariant, Scenario } from './types.js';

/** Whether a `sweep:` key names a scenario field rather than a workload field. */
export function isParamPath(key: string): boolean {
  return key.includes('.');
}

/** The cluster leaves a sweep may name: every settable cluster path that is not a block. */
function clusterLeaves(settable: readonly string[]): string[] {
  const cl = settable.filter((p) => p.startsWith('cluster.'));
  return cl.filter((p) => !cl.some((q) => q.startsWith(`${p}.`)));
}

/** Profile names as the document writes them (a string entry, or an entry's `name`). */
function profileNames(doc: Record<string, unknown>): string[] {
  const list = Array.isArray(doc.profiles) ? doc.profiles : [];
  return list.map((e: unknown) => (typeof e === 'string' ? e : isPlainObject(e) && typeof e.name === 'string' ? e.name : '')).filter((n) => n !== '');
}

interface Target {
  kind: 'cluster' | 'profile';
  /** cluster: the path below the document root; profile: the profile's list index and its `set` key. */
  path: string[];
  index: number;
  setKey: string;
}

function targetOf(key: string, doc: Record<string, unknown>, settable: readonly string[]): Target {
  const allowedHint = (): string => {
    const names = profileNames(doc);
    return `${clusterLeaves(settable).join(', ')}, or profiles.NAME.SECTION.PARAM with NAME one of ${names.join(', ') || '(no profiles)'} (e.g. profiles.${names[0] ?? 'xen-3.0.1'}.xen.txRingSlots)`;
  };
  if (key.startsWith('cluster.')) {
    const leaves = clusterLeaves(settable);
    if (!leaves.includes(key)) throw new ValueError(`unknown scenario field${didYouMean(key, leaves)}`, allowedHint());
    return { kind: 'cluster', path: key.split('.'), index: -1, setKey: '' };
  }
  if (key.startsWith('profiles.')) {
    const rest = key.slice('profiles.'.length);
    // Profile names hold dots (xen-3.0.1): the longest name that prefixes the rest is the profile.
    const names = profileNames(doc)
      .map((n, i) => ({ n, i }))
      .filter(({ n }) => rest.startsWith(`${n}.`))
      .sort((a, b) => b.n.length - a.n.length);
    const hit = names[0];
    if (!hit) throw new ValueError(`no profile of this scenario starts ${show(rest)}`, allowedHint());
    const setKey = rest.slice(hit.n.length + 1);
    if (!setKey.includes('.')) throw new ValueError(`${show(setKey)} is not SECTION.PARAM (e.g. xen.txRingSlots, host.syscallNs)`, allowedHint());
    // The list index among all entries (profileNames skipped none when every entry is valid; the loader reports invalid ones).
    const list = doc.profiles as unknown[];
    const index = list.findIndex((e) => (typeof e === 'string' ? e : isPlainObject(e) ? e.name : undefined) === hit.n);
    return { kind: 'profile', path: [], index, setKey };
  }
  throw new ValueError('a sweep key with a dot names a scenario field, under cluster or profiles', allowedHint());
}

function applyValue(doc: Record<string, unknown>, t: Target, value: unknown): void {
  if (t.kind === 'cluster') {
    let o = doc;
    for (const k of t.path.slice(0, -1)) {
      if (!isPlainObject(o[k])) o[k] = {};
      o = o[k] as Record<string, unknown>;
    }
    o[t.path[t.path.length - 1]!] = value;
    return;
  }
  const list = doc.profiles as unknown[];
  const e = list[t.index];
  const entry: Record<string, unknown> = typeof e === 'string' ? { name: e } : { ...(e as Record<string, unknown>) };
  entry.set = { ...(isPlainObject(entry.set) ? entry.set : {}), [t.setKey]: value };
  list[t.index] = entry;
}

/**
 * Takes the dotted keys out of the document's top-level `sweep` (so the rest loads as before) and
 * returns them with their values; undefined when there are none.
 */
export function takeParamSweep(src: Source): Array<{ key: string; values: Array<number | string> }> | undefined {
  const doc = src.value;
  if (!isPlainObject(doc) || !isPlainObject(doc.sweep)) return undefined;
  const sweep = doc.sweep;
  const keys = Object.keys(sweep).filter(isParamPath);
  if (keys.length === 0) return undefined;
  const out = keys.map((key) => ({
    key,
    values: src.check(['sweep', key], () => {
      const values = parseRange(sweep[key]);
      // Every cluster and profile field is a number or a name.
      if (values.some((v) => typeof v === 'boolean')) throw new ValueError('true/false is not a value of a cluster or profile field', 'numbers or names');
      return values as Array<number | string>;
    }),
  }));
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(sweep)) if (!isParamPath(k)) rest[k] = v;
  if (Object.keys(rest).length === 1 && 'combine' in rest) {
    throw src.error(['sweep', 'combine'], 'combine applies to workload fields; a sweep over scenario fields (dotted keys) is always crossed', 'workload field keys beside combine, or no combine');
  }
  if (Object.keys(rest).length === 0) delete doc.sweep;
  else doc.sweep = rest;
  return out;
}

/**
 * The variants of a parameter sweep: each combination of values (first key outermost) written into
 * a copy of the document and validated by `validate`. `settable` lists the paths --set accepts.
 */
export function expandParamSweep(
  src: Source,
  keys: Array<{ key: string; values: Array<number | string> }>,
  base: Scenario,
  validate: (s: Source) => Scenario,
  settable: readonly string[],
  maxRuns: number,
): ParamSweep {
  const doc = src.value as Record<string, unknown>;
  const targets = keys.map(({ key }) => src.check(['sweep', key], () => targetOf(key, doc, settable)));
  const combos = keys.reduce((n, k) => n * k.values.length, 1);
  const baseRuns = base.parts.length === 0 ? 0 : countRuns(base);
  if (combos * baseRuns > maxRuns) {
    throw src.error(['sweep', keys[0]!.key], `expands to ${combos * baseRuns} runs (${combos} combinations of ${keys.map((k) => k.key).join(', ')} x ${baseRuns} runs each)`, `at most ${fmtNum(maxRuns)} runs`);
  }
  const fields: Record<string, Array<number | string>> = {};
  for (const k of keys) fields[k.key] = k.values;
  const variants: ParamVariant[] = [];
  const tryValidate = (copy: Record<string, unknown>, key: string, value: unknown, what: string): Scenario => {
    try {
      return validate(src.withValue(copy));
    } catch (e) {
      if (!(e instanceof ScenarioError)) throw e;
      // Name the sweep key and the value, with what the loader says of the field it set.
      throw src.error(['sweep', key], `${what}${show(value)}: ${e.field ? `${e.field}: ` : ''}${e.problem}`, e.allowed);
    }
  };
  // Each value alone first, so an error names the key whose value is wrong.
  keys.forEach((k, i) => {
    for (const v of k.values) {
      const copy = structuredClone(doc);
      applyValue(copy, targets[i]!, v);
      tryValidate(copy, k.key, v, 'value ');
    }
  });
  const idx = new Array<number>(keys.length).fill(0);
  for (;;) {
    const copy = structuredClone(doc);
    const values: Record<string, number | string> = {};
    keys.forEach((k, i) => {
      values[k.key] = k.values[idx[i]!]!;
      applyValue(copy, targets[i]!, values[k.key]);
    });
    const s = keys.length === 1 ? undefined : tryValidate(copy, keys[0]!.key, values, 'combination ');
    const v = s ?? validate(src.withValue(copy));
    variants.push({ values, cluster: v.cluster, profiles: v.profiles });
    let d = keys.length - 1;
    while (d >= 0 && ++idx[d]! === keys[d]!.values.length) idx[d--] = 0;
    if (d < 0) break;
  }
  return { fields, variants };
}

function countRuns(s: Scenario): number {
  return s.parts.reduce((a, p) => a + countWorkloads(p.sweep) * (p.profiles?.length ?? s.profiles.length), 0) * s.replications;
}

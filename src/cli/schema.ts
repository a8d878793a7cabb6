/**
 * The JSON Schema of scenario files (schema/scenario.schema.json), generated from the rule tables
 * the loader itself reads: the workload declarations (src/workloads/registry.ts), the profile
 * sections of every path (src/paths/registry.ts and the common host and nic sections), and the
 * scenario's own keys and cluster rules (src/scenario/load.ts). `npm run schema` writes it; a test
 * checks that the committed file is what this generates. Editors use it to complete and check YAML
 * (docs/scenarios.md, "Editor support").
 *
 * What a schema cannot say is left to the loader: rules that depend on other fields (procs against
 * the cluster's CPUs, fromNode != toNode, payload and run limits, a sweep key's workload type in
 * the `workload:` form), profile names and files, and numbers written as text (`2^20`, `1_000`),
 * which the schema accepts as strings of number form without checking their range.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PATHS } from '../paths/registry.js';
import { CLAIM_SETS } from '../report/claim-sets.js';
import { TRACE_LAYERS } from '../runner/trace-run.js';
import type { NumberRule } from '../scenario/errors.js';
import { CLUSTER_RULES, PLACEMENTS, SCENARIO_KEYS } from '../scenario/load.js';
import { LIMITS } from '../scenario/limits.js';
import { COMMON_SECTIONS, PACKAGE_ROOT } from '../scenario/profiles.js';
import { fieldSweepable, type FieldDecl } from '../workloads/module.js';
import { WORKLOADS } from '../workloads/registry.js';
import type { ParamSpec } from '../os/profile.js';

type Json = Record<string, unknown>;

/** A name the loader accepts: no control characters (src/scenario/source.ts checkText). */
const PRINTABLE = '^[^\\u0000-\\u001f\\u007f-\\u009f]+$';
/** Files the run itself writes, which a trace may not overwrite (load.ts readTrace). */
const RESERVED_OUTPUTS = ['results.csv', 'summary.csv', 'compare.csv', 'results.partial.csv'];

export const SCHEMA_FILE = join(PACKAGE_ROOT, 'schema', 'scenario.schema.json');
const SCHEMA_ID = 'https://github.com/xenhpc/xenhpc/schema/scenario.schema.json';

/** Numbers written as text, as the loader reads them: 1e8, 1_000_000, 2^20, 1<<20. */
const NUMBER_TEXT = '^\\s*[+-]?(\\d+(_\\d+)*(\\.\\d+(_\\d+)*)?([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?|\\d+\\s*\\^\\s*\\d+|\\d+\\s*<<\\s*\\d+)\\s*$';

function numberSchema(rule: NumberRule, doc: string, dflt?: number, zero = false): Json {
  const n: Json = { type: rule.integer ? 'integer' : 'number', minimum: rule.min, maximum: rule.max };
  const num = zero ? { anyOf: [{ const: 0 }, n] } : n;
  const out: Json = { description: doc, anyOf: [num, { type: 'string', pattern: NUMBER_TEXT }] };
  if (dflt !== undefined) out.default = dflt;
  return out;
}

/** A workload field's schema; a range that depends on the cluster keeps its widest bounds. */
function fieldSchema(f: FieldDecl): Json {
  const doc = `${f.doc}${f.unit ? ` (${f.unit})` : ''}`;
  if (f.kind === 'enum') return { description: doc, enum: [...f.values], default: f.default };
  if (f.kind === 'boolean') return { description: doc, type: 'boolean', default: f.default };
  const r = typeof f.range === 'function' ? widestRange(f.range) : f.range;
  return numberSchema({ ...r, integer: f.kind === 'integer' || r.integer === true }, doc, f.default);
}

/** A cluster-dependent range at the largest cluster the loader accepts (the loader checks the real one). */
function widestRange(range: (c: never) => NumberRule): NumberRule {
  const nodes = CLUSTER_RULES.nodes.rule.max;
  const cpus = CLUSTER_RULES.cpusPerNode.rule.max;
  const big = { nodes, cpusPerNode: cpus, placement: 'cyclic', link: { rateBps: 1e9, propagationNs: 0 }, switch: { portBufferBytes: 262144, fabricLatencyNs: 0, portRateBps: 0 } };
  const small = { ...big, nodes: CLUSTER_RULES.nodes.rule.min, cpusPerNode: CLUSTER_RULES.cpusPerNode.rule.min };
  const a = range(big as never);
  const b = range(small as never);
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), integer: a.integer };
}

const RANGE: Json = {
  description: 'a value, a list [a, b, ...], "A..B" (factor 2, e.g. 2^5..2^23), {from, to, factor} or {from, to, step}',
  anyOf: [
    { type: ['number', 'string', 'boolean'] },
    { type: 'array', minItems: 1, items: { type: ['number', 'string', 'boolean'] } },
    {
      type: 'object',
      required: ['from', 'to'],
      properties: { from: { type: ['number', 'string'] }, to: { type: ['number', 'string'] }, factor: { type: ['number', 'string'] }, step: { type: ['number', 'string'] } },
      additionalProperties: false,
      not: { required: ['factor', 'step'] },
    },
  ],
};

/** Sweep keys of scenario fields: dotted paths into cluster and profiles (src/scenario/param-sweep.ts). */
const PARAM_KEYS = { '^(cluster|profiles)\\.': { $ref: '#/definitions/range' } };

function sweepSchema(fields: readonly string[]): Json {
  return {
    description: 'workload fields to sweep (and dotted scenario fields: cluster.link.rateBps, profiles.NAME.SECTION.PARAM)',
    type: 'object',
    properties: { combine: { enum: ['cross', 'zip'], default: 'cross' }, ...Object.fromEntries(fields.map((f) => [f, { $ref: '#/definitions/range' }])) },
    patternProperties: PARAM_KEYS,
    additionalProperties: false,
  };
}

/** A workload block: `type` and, for each type, exactly that module's fields (and, in a list, its sweep). */
function workloadSchema(inList: boolean): Json {
  return {
    type: 'object',
    required: ['type'],
    properties: { type: { enum: WORKLOADS.map((m) => m.type), description: 'the workload (src/workloads/registry.ts)' } },
    allOf: WORKLOADS.map((m) => ({
      if: { properties: { type: { const: m.type } } },
      then: {
        description: m.doc,
        properties: {
          type: { const: m.type },
          ...Object.fromEntries(Object.entries(m.fields).map(([k, f]) => [k, fieldSchema(f)])),
          ...(inList ? { sweep: sweepSchema(Object.keys(m.fields).filter((k) => fieldSweepable(m.fields[k]!))), profiles: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string' }, description: 'the profiles this workload runs on (names from the scenario profiles); default all' } } : {}),
        },
        additionalProperties: false,
      },
    })),
  };
}

function paramsSchema(params: Readonly<Record<string, ParamSpec>>): Json {
  return {
    type: 'object',
    properties: Object.fromEntries(Object.entries(params).map(([k, p]) => [k, numberSchema(p, `${p.doc} (${p.unit})`, p.default)])),
    additionalProperties: false,
  };
}

/** A profile entry's `set:` block: `section.param` keys or nested sections, for every path's sections. */
function profileSetSchema(): Json {
  const sections = new Map<string, Readonly<Record<string, ParamSpec>>>(COMMON_SECTIONS.map(([n, s]) => [n, s] as const));
  for (const p of PATHS) for (const [n, s] of Object.entries(p.sections)) sections.set(n, s);
  const props: Json = {};
  for (const [name, params] of sections) {
    props[name] = paramsSchema(params);
    for (const [k, p] of Object.entries(params)) props[`${name}.${k}`] = numberSchema(p, `${p.doc} (${p.unit})`);
  }
  return { description: 'parameters to change: section.param (host.syscallNs) or nested sections', type: 'object', properties: props, additionalProperties: false };
}

function clusterSchema(): Json {
  const R = CLUSTER_RULES;
  const n = (k: keyof typeof R): Json => {
    const r = R[k];
    return numberSchema(r.rule, r.doc, r.default, 'zeroMeans' in r);
  };
  return {
    type: 'object',
    properties: {
      nodes: n('nodes'),
      cpusPerNode: n('cpusPerNode'),
      placement: { enum: [...PLACEMENTS], default: 'cyclic', description: 'how MPI ranks map to nodes' },
      link: { type: 'object', properties: { rateBps: n('link.rateBps'), propagationNs: n('link.propagationNs') }, additionalProperties: false },
      switch: { type: 'object', properties: { portBufferBytes: n('switch.portBufferBytes'), fabricLatencyNs: n('switch.fabricLatencyNs'), portRateBps: n('switch.portRateBps') }, additionalProperties: false },
    },
    additionalProperties: false,
  };
}

function keysMatch(schema: Json, keys: readonly string[], what: string): Json {
  const props = Object.keys(schema.properties as Json);
  const missing = keys.filter((k) => !props.includes(k));
  const extra = props.filter((k) => !keys.includes(k));
  // The loader's key lists are the truth: a key added there without a schema fails generation.
  if (missing.length || extra.length) throw new Error(`schema of ${what}: the loader's keys and the schema differ (missing ${missing.join(', ') || '-'}, extra ${extra.join(', ') || '-'})`);
  return schema;
}

/** The JSON Schema (draft-07) of a scenario file. */
export function scenarioSchema(): Json {
  const K = SCENARIO_KEYS;
  const allSweepable = [...new Set(WORKLOADS.flatMap((m) => Object.keys(m.fields).filter((k) => fieldSweepable(m.fields[k]!))))];
  const cluster = clusterSchema();
  keysMatch(cluster, K.cluster, 'cluster');
  keysMatch((cluster.properties as Record<string, Json>).link!, K.link, 'cluster.link');
  keysMatch((cluster.properties as Record<string, Json>).switch!, K.switch, 'cluster.switch');
  const trace = keysMatch(
    {
      type: 'object',
      properties: {
        layers: { description: 'trace layers (docs/trace.md); empty = all', anyOf: [{ type: 'string' }, { type: 'array', items: { enum: [...TRACE_LAYERS] } }] },
        nodes: { description: 'n0, n1, ... or switch; empty = all', anyOf: [{ type: 'string' }, { type: 'array', items: { type: ['string', 'integer'] } }] },
        fromNs: numberSchema({ min: 0, max: LIMITS.maxTraceNs, integer: true }, 'window start (simulated ns)'),
        toNs: numberSchema({ min: 0, max: LIMITS.maxTraceNs, integer: true }, 'window end (simulated ns)'),
        file: {
          type: 'string',
          pattern: '^[^/\\\\]+\\.[cC][sS][vV]$',
          not: { anyOf: [{ enum: RESERVED_OUTPUTS }, { pattern: '^results\\.shard-' }] },
          default: 'trace.csv',
          description: 'a file name inside outputs.dir, not one the run writes',
        },
      },
      additionalProperties: false,
    },
    K.trace,
    'outputs.trace',
  );
  const outputs = keysMatch(
    {
      type: 'object',
      properties: {
        dir: { type: 'string', minLength: 1, default: 'out' },
        results: { type: 'boolean', default: true },
        summary: { type: 'boolean', default: true },
        compare: { type: 'boolean', default: true },
        figures: { type: 'array', items: { enum: [...K.figures] } },
        trace,
      },
      additionalProperties: false,
    },
    K.outputs,
    'outputs',
  );
  const profileEntry = keysMatch(
    {
      type: 'object',
      required: ['name'],
      properties: {
        name: { type: 'string', pattern: PRINTABLE, description: 'a built-in profile, a profile file, or (with base) the new name' },
        base: { type: 'string', pattern: PRINTABLE, description: 'the profile this entry varies' },
        description: { type: 'string' },
        set: profileSetSchema(),
      },
      additionalProperties: false,
    },
    K.profileEntry,
    'a profiles entry',
  );
  const top = keysMatch(
    {
      type: 'object',
      properties: {
        name: { type: 'string', pattern: PRINTABLE },
        description: { type: 'string' },
        seed: { anyOf: [{ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { type: 'string', minLength: 1 }], default: 1 },
        replications: numberSchema({ min: 1, max: LIMITS.maxReplications, integer: true }, 'runs per point', 1),
        noise: { enum: ['on', 'off'], default: 'on', description: 'OS noise (timer ticks, detours) on the CPUs' },
        cluster,
        profiles: { type: 'array', minItems: 1, uniqueItems: true, items: { anyOf: [{ type: 'string', pattern: PRINTABLE }, profileEntry] }, description: 'kernel profiles to compare (xenhpc profiles list)' },
        workload: workloadSchema(false),
        sweep: sweepSchema(allSweepable),
        workloads: { type: 'array', minItems: 1, items: workloadSchema(true) },
        outputs,
        claims: {
          type: 'object',
          description: 'which claim set `xenhpc validate` checks, and which profile plays each of its roles',
          required: ['set'],
          properties: {
            set: { enum: Object.keys(CLAIM_SETS), description: 'src/report/claim-sets.ts' },
            roles: { type: 'object', additionalProperties: { type: 'string', pattern: PRINTABLE } },
          },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    K.top,
    'the top level',
  );
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SCHEMA_ID,
    title: 'xenhpc scenario',
    description: 'A xenhpc scenario file (docs/scenarios.md). Generated by `npm run schema` from the loader\'s rule tables; do not edit.',
    ...top,
    required: ['profiles'],
    // Either one workload (+ its sweep) or a list; a top-level sweep beside a list holds only dotted keys.
    oneOf: [
      { required: ['workload'], not: { required: ['workloads'] } },
      { required: ['workloads'], not: { required: ['workload'] }, properties: { sweep: { propertyNames: { pattern: '^(cluster|profiles)\\.' } } } },
    ],
    // With `workload:`, the top-level sweep takes that type's sweepable fields (and dotted keys).
    allOf: WORKLOADS.map((m) => ({
      if: { required: ['workload'], properties: { workload: { properties: { type: { const: m.type } }, required: ['type'] } } },
      then: { properties: { sweep: sweepSchema(Object.keys(m.fields).filter((k) => fieldSweepable(m.fields[k]!))) } },
    })),
    definitions: { range: RANGE },
  };
}

/** The schema as the committed file holds it. */
export function scenarioSchemaText(): string {
  return `${JSON.stringify(scenarioSchema(), null, 2)}\n`;
}

// `npm run schema`: write the file.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const text = scenarioSchemaText();
  let old = '';
  try {
    old = readFileSync(SCHEMA_FILE, 'utf8');
  } catch {
    // first time
  }
  mkdirSync(dirname(SCHEMA_FILE), { recursive: true });
  writeFileSync(SCHEMA_FILE, text);
  process.stdout.write(`${old === text ? 'unchanged' : 'wrote'} ${SCHEMA_FILE}\n`);
}

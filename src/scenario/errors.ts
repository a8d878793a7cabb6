/**
 * Scenario and profile errors, and the small helpers every validator shares: nearest-name
 * suggestions and number parsing. Messages are one line so a CLI can print them as they are.
 */

/**
 * A bad scenario, profile or command-line value. `message` is one line:
 * `<where>: <field>: <problem>; allowed: <allowed>` where `where` is `file:line:col`, `file`,
 * or `--set <expr>`.
 */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  constructor(
    readonly where: string,
    readonly field: string,
    readonly problem: string,
    readonly allowed?: string,
  ) {
    super(oneLine(`${where}: ${field ? `${field}: ` : ''}${problem}${allowed ? `; allowed: ${allowed}` : ''}`));
  }
}

/**
 * A value that failed a check, before anyone knows where it came from; the loader turns it into a
 * ScenarioError with the field's location.
 */
export class ValueError extends Error {
  constructor(
    message: string,
    readonly allowed?: string,
  ) {
    super(message);
  }
}

function oneLine(s: string): string {
  return s.replace(/\s*\r?\n\s*/g, ' ').trim();
}

export function levenshtein(a: string, b: string): number {
  const prev = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]!;
      const cost = a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1;
      prev[j] = Math.min(up + 1, prev[j - 1]! + 1, diag + cost);
      diag = up;
    }
  }
  return prev[b.length]!;
}

/** The candidate closest to `name` (ties: the first in candidate order). */
export function nearest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const c of candidates) {
    const d = levenshtein(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

export function didYouMean(name: string, candidates: readonly string[]): string {
  const n = nearest(name, candidates);
  return n === undefined ? '' : `; did you mean ${n}?`;
}

export interface NumberRule {
  min: number;
  max: number;
  integer?: boolean;
}

/** Human form of a bound: powers of two and round decimals read better than 1073741824. */
export function fmtNum(n: number): string {
  if (Number.isInteger(n) && n >= 1024) {
    const log = Math.log2(n);
    if (Number.isInteger(log)) return `2^${log}`;
    if (n >= 1e6 && /^[1-9]0+$/.test(String(n))) return `1e${String(n).length - 1}`;
  }
  return String(n);
}

export function describeRule(r: NumberRule): string {
  return `${r.integer ? 'integer' : 'number'} in [${fmtNum(r.min)}, ${fmtNum(r.max)}]`;
}

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const POWER = /^(\d+(?:\.\d+)?)\s*\^\s*(\d+)$/;
const SHIFT = /^(\d+)\s*<<\s*(\d+)$/;

/**
 * A number from a YAML value: a number, or a string such as "1e9", "2^20" or "1<<30"
 * (YAML keeps those as strings). Returns undefined when it is not a number at all.
 */
export function toNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return undefined;
  // Underscores group digits (1_000_000) and nothing else: `_1__0` is not 10.
  const t = v.trim();
  if (t.includes('_') && !/^[+-]?\d+(_\d+)*(\.\d+(_\d+)*)?([eE][+-]?\d+)?$/.test(t)) return undefined;
  const s = t.replace(/_/g, '');
  if (DECIMAL.test(s)) return Number(s);
  let m = POWER.exec(s);
  if (m) return Number(m[1]) ** Number(m[2]);
  m = SHIFT.exec(s);
  if (m) return Number(m[1]) * 2 ** Number(m[2]);
  return undefined;
}

/** Parse and range-check a number; throws ValueError naming the rule. */
export function checkNumber(v: unknown, rule: NumberRule): number {
  const allowed = describeRule(rule);
  const n = toNumber(v);
  if (n === undefined) throw new ValueError(`expected a number, got ${show(v)}`, allowed);
  if (!Number.isFinite(n)) throw new ValueError(`not a finite number: ${show(v)}`, allowed);
  if (rule.integer && !Number.isInteger(n)) throw new ValueError(`must be an integer, got ${show(v)}`, allowed);
  if (n < rule.min) throw new ValueError(`${show(v)} is below the minimum ${fmtNum(rule.min)}`, allowed);
  if (n > rule.max) throw new ValueError(`${show(v)} is above the maximum ${fmtNum(rule.max)}`, allowed);
  return n;
}

/** A short rendering of a value for messages. */
export function show(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'nothing';
  let s: string;
  try {
    s = JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

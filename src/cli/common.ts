/**
 * What the commands share: scenario flags (--set, --reps, --ops), number flags, error classes and
 * how an error becomes an exit code.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ScenarioError } from '../scenario/errors.js';
import { loadScenario } from '../scenario/load.js';
import type { Scenario } from '../scenario/types.js';
import { InputError } from '../runner/errors.js';
import { WORKLOADS } from '../workloads/registry.js';

export const EXIT = { ok: 0, checkFailed: 1, badInput: 2, internal: 70, pointTimeout: 124, interrupted: 130, terminated: 143 } as const;

/** Bad command-line usage (yargs validation, a flag value out of range). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface ScenarioFlags {
  set?: string | string[];
  reps?: string;
  ops?: string;
}

export function asList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

/** Workload types whose block has `ops`. */
const OPS_TYPES = new Set(WORKLOADS.filter((m) => 'ops' in m.fields).map((m) => m.type));

/**
 * The --set list a command's flags stand for. `--reps N` is `--set replications=N`; `--ops N` is
 * `--set workload.ops=N`, or, for a scenario with a `workloads` list, the list with ops set in
 * every block whose type has ops (the loader then checks the new values and their limits).
 */
export function overridesFor(file: string, flags: ScenarioFlags): string[] {
  const out = asList(flags.set);
  if (flags.reps !== undefined) out.push(`replications=${flags.reps}`);
  if (flags.ops !== undefined) {
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(file, 'utf8'));
    } catch {
      doc = undefined; // unreadable or malformed: the loader reports it properly
    }
    const list = doc && typeof doc === 'object' ? (doc as Record<string, unknown>).workloads : undefined;
    const userSetsList = out.some((o) => /^\s*workloads\s*=/.test(o));
    if (Array.isArray(list) && !userSetsList) {
      const ops = parseYaml(flags.ops) as unknown;
      const blocks = list.map((b) => (b && typeof b === 'object' && OPS_TYPES.has(String((b as Record<string, unknown>).type)) ? { ...(b as object), ops } : b));
      out.push(`workloads=${JSON.stringify(blocks)}`);
    } else out.push(`workload.ops=${flags.ops}`);
  }
  return out;
}

export function loadWithFlags(file: string, flags: ScenarioFlags): { scenario: Scenario; overrides: string[] } {
  const overrides = overridesFor(file, flags);
  return { scenario: loadScenario(file, overrides), overrides };
}

/** A positive integer flag, or a UsageError naming it. */
export function positiveInt(name: string, v: unknown): number {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name}: expected a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

/** A non-negative integer flag (nanoseconds, indices); accepts 1e6 and 2^20 forms. */
export function nonNegInt(name: string, v: unknown, max = 1e15): number {
  let n: number;
  if (typeof v === 'number') n = v;
  else {
    const s = String(v).trim();
    const pow = /^(\d+)\^(\d+)$/.exec(s);
    n = pow ? Number(pow[1]) ** Number(pow[2]) : s === '' ? NaN : Number(s);
  }
  if (!Number.isInteger(n) || n < 0 || n > max) throw new UsageError(`--${name}: expected an integer in [0, ${max}], got ${JSON.stringify(v)}`);
  return n;
}

/** A comma-separated list flag (repeatable too): `--layers wire,tcp --layers nic`. */
export function csvList(v: string | string[] | undefined): string[] {
  return asList(v).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
}

export function isBadInput(e: unknown): boolean {
  return e instanceof ScenarioError || e instanceof InputError || e instanceof UsageError;
}

/** Prints an error as one line (stack only with XENHPC_DEBUG=1) and returns the exit code. */
export function reportError(e: unknown, stderr: { write(s: string): unknown } = process.stderr): number {
  const debug = !!process.env.XENHPC_DEBUG && process.env.XENHPC_DEBUG !== '0';
  // One line, and no raw control characters from a file name or value reach the terminal.
  const msg = (e instanceof Error ? e.message : String(e))
    .replace(/\s*\r?\n\s*/g, ' ')
    .trim()
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (isBadInput(e)) {
    stderr.write(`error: ${msg}\n`);
    if (debug && e instanceof Error && e.stack) stderr.write(`${e.stack}\n`);
    return EXIT.badInput;
  }
  if (debug && e instanceof Error && e.stack) stderr.write(`${e.stack}\n`);
  else stderr.write(`error: ${msg} (internal error; rerun with XENHPC_DEBUG=1 for the stack)\n`);
  return EXIT.internal;
}

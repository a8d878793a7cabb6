/** `xenhpc profiles list` and `profiles show`. */
import { join, relative } from 'node:path';
import { findPath } from '../paths/registry.js';
import { ScenarioError } from '../scenario/errors.js';
import { listProfiles, loadProfile, profileSections } from '../scenario/profiles.js';
import type { KernelProfile } from '../scenario/types.js';
import { InputError } from '../runner/errors.js';
import { EXIT } from './common.js';
import { type Io } from './run.js';

function fmtValue(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(10)));
}

export function profilesListCommand(io: Io): number {
  const list = listProfiles();
  const w = Math.max(4, ...list.map((p) => p.name.length));
  for (const p of list) io.stdout.write(`${p.name.padEnd(w)}  ${p.description}\n`);
  return EXIT.ok;
}

export function profilesShowCommand(ref: string, io: Io): number {
  const anchor = join(process.cwd(), 'command-line');
  let p: ReturnType<typeof loadProfile>;
  try {
    p = loadProfile(ref, anchor);
  } catch (e) {
    // The loader names the (here imaginary) scenario file; name the command instead.
    if (e instanceof ScenarioError && e.where === anchor) throw new InputError(`profiles show ${ref}`, 'name', e.problem, e.allowed);
    throw e;
  }
  const source = relative(process.cwd(), p.source);
  const path = findPath(p.path)!; // the loader accepted it, so it is registered
  io.stdout.write(`${p.name}: ${p.description}\npath: ${p.path} (${path.doc})\nsource: ${source.startsWith('..') ? p.source : source}\n`);
  // With a base, every value is shown (the run uses them all); a * marks one that differs from the base's.
  const base = p.extends ? loadProfile(p.extends.source, anchor) : undefined;
  if (p.extends) io.stdout.write(`extends: ${p.extends.name} (a * before a parameter: its value differs from the base's)\n`);
  for (const [name, schema] of profileSections(path)) {
    const values = sectionValues(p, name);
    const baseValues = base ? sectionValues(base, name) : undefined;
    io.stdout.write(`\n${name}:\n`);
    const keys = Object.keys(schema);
    const kw = Math.max(...keys.map((k) => k.length));
    const vals = keys.map((k) => fmtValue(values[k]!));
    const vw = Math.max(...vals.map((v) => v.length));
    const uw = Math.max(...keys.map((k) => schema[k]!.unit.length));
    const indent = (k: string): string => (baseValues !== undefined && baseValues[k] !== values[k] ? '* ' : '  ');
    keys.forEach((k, i) => io.stdout.write(`${indent(k)}${k.padEnd(kw)}  ${vals[i]!.padStart(vw)} ${schema[k]!.unit.padEnd(uw)}  ${schema[k]!.doc}\n`));
  }
  return EXIT.ok;
}

/** One section's values of a loaded profile, by section name. */
function sectionValues(p: KernelProfile, section: string): Readonly<Record<string, number>> {
  if (section === 'host') return p.host as unknown as Record<string, number>;
  if (section === 'nic') return p.nic as unknown as Record<string, number>;
  return p.sections[section] ?? {};
}

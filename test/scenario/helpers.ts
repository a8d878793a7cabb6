/** Shared paths and temp-file helpers for the scenario tests. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { XEN_PARAMS } from '../../src/xen/profile.js';

/** Package root: this file compiles to dist/test/scenario/helpers.js. */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = join(ROOT, 'test', 'fixtures');
export const NATIVE = join(FIXTURES, 'profiles', 'test-native.yaml');
export const NATIVE_OLD = join(FIXTURES, 'profiles', 'test-native-old.yaml');

const dir = mkdtempSync(join(tmpdir(), 'xenhpc-scenario-'));

/** Write a file into this test process's temp directory and return its path. */
export function writeTemp(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

/** A scenario file from an object (YAML), profiles defaulting to the test native profile. */
export function scenarioFile(name: string, body: Record<string, unknown>): string {
  return writeTemp(name, stringify({ profiles: [NATIVE], ...body }));
}

/** A valid xen profile with every XEN_PARAMS parameter at its minimum (the test native profile's host and nic). */
export function xenProfileFile(): string {
  const xen: Record<string, number> = {};
  for (const [k, spec] of Object.entries(XEN_PARAMS)) xen[k] = spec.min;
  const native = parse(readFileSync(NATIVE, 'utf8')) as Record<string, unknown>;
  return writeTemp('test-xen.yaml', stringify({ ...native, name: 'test-xen', description: 'generated xen profile', path: 'xen', xen }));
}

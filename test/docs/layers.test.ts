/**
 * Folders are the architecture (DESIGN.md section 2): a layer imports only layers below it (or
 * beside it: scenario and cluster), and the loader and cluster builder know paths only through
 * their registry. Read from the TypeScript sources, so a wrong import fails here before review.
 */
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PATHS } from '../../src/paths/registry.js';

const SRC = join(fileURLToPath(new URL('../../../', import.meta.url)), 'src');

/** Rank of each folder under src/, lowest first; equal ranks may import each other. */
const RANK: Record<string, number> = {
  engine: 0,
  report: 0,
  hw: 1,
  os: 2,
  xen: 3,
  paths: 4,
  scenario: 5,
  cluster: 5,
  mpi: 6,
  workloads: 7,
  runner: 8,
  cli: 9,
};
/** Ground-floor libraries: they import nothing of the project but themselves. */
const GROUND = new Set(['engine', 'report']);

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? sources(join(dir, d.name)) : d.name.endsWith('.ts') ? [join(dir, d.name)] : []));
}

/** Relative module specifiers a source imports or re-exports (static and dynamic). */
export function importsOf(text: string): string[] {
  return [...text.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
}

/** The folder under src/ a file is in ('' for src/ itself). */
function folderOf(file: string): string {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0]! : '';
}

/** String literals in `text` that spell a registered path's name (comments may name paths). */
export function pathNameLiterals(text: string): string[] {
  const names = PATHS.map((p) => p.name);
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
  return [...code.matchAll(/(['"`])([A-Za-z0-9._-]+)\1/g)].map((m) => m[2]!).filter((s) => names.includes(s));
}

test('the detectors find what they look for', () => {
  assert.deepEqual(importsOf(`import { a } from '../os/x.js';\nexport { b } from "./y.js";\nconst m = await import('../cli/z.js');\nimport 'node:fs';`), ['../os/x.js', './y.js', '../cli/z.js']);
  assert.deepEqual(pathNameLiterals(`if (p.path === 'xen' || p.path === "native") f(\`native\`); const s = 'xenial';`), ['xen', 'native', 'native']);
  assert.deepEqual(pathNameLiterals(`/** the \`xen\` section */\nconst a = 1; // 'native' only here\nconst b = 'xen';`), ['xen']);
});

test('every folder imports only its own layer and the layers below it', () => {
  const bad: string[] = [];
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    if (from === '') continue; // src/index.ts: the public API re-exports any layer
    assert.ok(from in RANK, `src/${from}/ is not in the layer table (DESIGN.md section 2): place it there and here`);
    for (const spec of importsOf(readFileSync(file, 'utf8'))) {
      const to = folderOf(resolve(dirname(file), spec));
      if (to === from) continue;
      const ok = to !== '' && !GROUND.has(from) && to in RANK && RANK[to]! <= RANK[from]!;
      if (!ok) bad.push(`${relative(SRC, file)} imports ${spec} (${from} may not import ${to || 'src/'})`);
    }
  }
  assert.deepEqual(bad, []);
});

test('src/engine imports nothing above engine, src/hw nothing above engine and hw', () => {
  for (const [folder, allowed] of [['engine', ['engine']], ['hw', ['engine', 'hw']]] as const) {
    for (const file of sources(join(SRC, folder))) {
      for (const spec of importsOf(readFileSync(file, 'utf8'))) {
        const to = folderOf(resolve(dirname(file), spec));
        assert.ok((allowed as readonly string[]).includes(to), `${relative(SRC, file)} imports ${spec}`);
      }
    }
  }
});

test('the profile loader and the cluster builder name no path: they ask the registry', () => {
  assert.ok(PATHS.length >= 2, 'native and xen are registered');
  for (const folder of ['scenario', 'cluster']) {
    for (const file of sources(join(SRC, folder))) {
      assert.deepEqual(pathNameLiterals(readFileSync(file, 'utf8')), [], `${relative(SRC, file)} spells a path name`);
    }
  }
});

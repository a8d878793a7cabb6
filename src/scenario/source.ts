/**
 * Reading a YAML or JSON file into a plain value while remembering where each field was, so a
 * validator that only sees plain values can still report `file:line:col`.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { ScenarioError, ValueError } from './errors.js';

export type Path = ReadonlyArray<string | number>;

/** `cluster.link.rateBps`, `profiles[1].set`. */
export function pathString(path: Path): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : s === '' ? p : `.${p}`;
  return s;
}

interface Pos {
  line: number;
  col: number;
}

/** Where each value (and each map key) sits in the file; paths joined by pathString. */
interface PosEntry {
  value?: Pos;
  key?: Pos;
}

export interface Override {
  path: string[];
  expr: string;
}

export class Source {
  private readonly overrides: Override[] = [];

  constructor(
    readonly file: string,
    /** The parsed content, mutated by --set overrides before validation. */
    public value: unknown,
    private readonly positions: Map<string, PosEntry>,
  ) {}

  /** The same file (positions, overrides) holding another value: a variant of a parameter sweep. */
  withValue(value: unknown): Source {
    const s = new Source(this.file, value, this.positions);
    for (const o of this.overrides) s.addOverride(o);
    return s;
  }

  /** Record that the subtree at `path` came from `--set expr`. */
  addOverride(o: Override): void {
    this.overrides.push(o);
  }

  /** `file:line:col` of a field (its key when `atKey`), or `--set expr` if an override wrote it. */
  where(path: Path, atKey = false): string {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const o = this.overrides[i]!;
      if (o.path.length <= path.length && o.path.every((p, j) => String(path[j]) === p)) return `--set ${o.expr}`;
    }
    // A block the file does not have, created by a --set below it (`--set workload.ops=5` in a
    // file without `workload:`): the --set made it, so the --set is where the problem is.
    if (!this.positions.has(pathString(path))) {
      for (let i = this.overrides.length - 1; i >= 0; i--) {
        const o = this.overrides[i]!;
        if (o.path.length > path.length && path.every((p, j) => String(p) === o.path[j])) return `--set ${o.expr}`;
      }
    }
    // The nearest enclosing node with a known position (a missing field is reported at its parent).
    for (let n = path.length; n >= 0; n--) {
      const e = this.positions.get(pathString(path.slice(0, n)));
      const pos = (n === path.length && atKey ? e?.key : undefined) ?? e?.value ?? e?.key;
      if (pos) return `${this.file}:${pos.line}:${pos.col}`;
    }
    return this.file;
  }

  error(path: Path, problem: string, allowed?: string, atKey = false): ScenarioError {
    return new ScenarioError(this.where(path, atKey), pathString(path), problem, allowed);
  }

  /** Refuses control characters and excess nesting anywhere in the value (again after --set). */
  checkText(): void {
    const depth = valueTooDeep(this.value);
    if (depth) throw new ScenarioError(this.where(depth), `${pathString(depth.slice(0, 3))}...`, `nested more than ${MAX_DEPTH} levels deep`, `at most ${MAX_DEPTH} levels of nesting`);
    const bad = findControlChar(this.value);
    if (bad) {
      throw this.error(bad.path, `${bad.inKey ? 'key' : 'text'} ${quoteVisible(bad.text)} holds a control character (U+${bad.code.toString(16).toUpperCase().padStart(4, '0')})`, 'printable characters (tab and newline only in description)', bad.inKey);
    }
  }

  /**
   * A file name the run writes inside its output directory: one plain name, no directory part
   * (`../x.csv` would write outside it), not one of the run's own files, ending in `.csv`.
   */
  checkOutputName(path: Path, name: string, reserved: readonly string[]): void {
    const allowed = 'a plain file name ending in .csv, inside outputs.dir (e.g. trace.csv)';
    if (/[/\\]/.test(name) || name === '.' || name === '..' || /^[a-zA-Z]:/.test(name)) throw this.error(path, `${JSON.stringify(name)} is not a plain file name: it would be written outside the output directory`, allowed);
    if (!/\.csv$/i.test(name)) throw this.error(path, `${JSON.stringify(name)} does not end in .csv`, allowed);
    if (reserved.includes(name.toLowerCase()) || /^results\.shard-/i.test(name)) throw this.error(path, `${JSON.stringify(name)} is a file the run itself writes`, allowed);
  }

  /** Run a check and turn its ValueError into a located ScenarioError. */
  check<T>(path: Path, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof ValueError) throw this.error(path, e.message, e.allowed);
      throw e;
    }
  }
}

/**
 * Read and parse a YAML or JSON file. JSON goes through JSON.parse first, since YAML accepts
 * some invalid JSON (trailing commas) and a .json file should be held to JSON.
 */
export function readSource(file: string, what: string): Source {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message;
    throw new ScenarioError(file, '', `cannot read ${what} file (${why})`);
  }
  if (text.length > MAX_SOURCE_CHARS) throw new ScenarioError(file, '', `${what} file is ${text.length} characters long`, `at most ${MAX_SOURCE_CHARS}`);
  // A UTF-8 byte-order mark is not content: YAML skips it, JSON.parse would refuse it.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const isJson = /\.json$/i.test(file);
  const lineCol = (offset: number): string => {
    const before = text.slice(0, offset).split('\n');
    return `${file}:${before.length}:${before[before.length - 1]!.length + 1}`;
  };
  // Nesting is checked before any parser recurses into it (a 200,000-deep file overflows the stack).
  const deep = tooDeepAt(text);
  if (deep !== undefined) throw new ScenarioError(lineCol(deep), '', `nested more than ${MAX_DEPTH} levels deep`, `at most ${MAX_DEPTH} levels of nesting`);
  let jsonValue: unknown;
  if (isJson) {
    const dup = duplicateJsonKey(text);
    if (dup) throw new ScenarioError(lineCol(dup.offset), dup.path, `duplicate key ${JSON.stringify(dup.key)}`, 'each key once per mapping (as in YAML)');
    try {
      jsonValue = JSON.parse(text);
    } catch (e) {
      const msg = (e as Error).message;
      const m = /position (\d+)/.exec(msg);
      let where = file;
      if (m) {
        const lc = new LineCounter();
        // Feed the text's newlines to a LineCounter to turn the offset into line:col.
        let at = 0;
        for (const line of text.split('\n')) {
          lc.addNewLine(at);
          at += line.length + 1;
        }
        const p = lc.linePos(Number(m[1]));
        where = `${file}:${p.line}:${p.col}`;
      }
      throw new ScenarioError(where, '', `JSON syntax error: ${msg.replace(/\s*in JSON at position.*$/s, '')}`);
    }
  }
  const lc = new LineCounter();
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  } catch (e) {
    // Block-style nesting (`- - - - ...`) the pre-scan does not see can still exhaust the stack.
    if (e instanceof RangeError) throw new ScenarioError(file, '', 'nested too deep to read', `at most ${MAX_DEPTH} levels of nesting`);
    throw e;
  }
  if (doc.errors.length > 0) {
    if (isJson) return new Source(file, jsonValue, new Map()); // valid JSON the YAML parser dislikes: no positions
    const err = doc.errors[0]!;
    const p = lc.linePos(err.pos[0]);
    if (/call stack/i.test(err.message)) throw new ScenarioError(`${file}:${p.line}:${p.col}`, '', 'nested too deep to read', `at most ${MAX_DEPTH} levels of nesting`);
    throw new ScenarioError(`${file}:${p.line}:${p.col}`, '', `YAML syntax error: ${err.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    // maxAliasCount guards against alias expansion bombs ("billion laughs").
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    if (e instanceof RangeError) throw new ScenarioError(file, '', 'nested too deep to read', `at most ${MAX_DEPTH} levels of nesting`);
    throw new ScenarioError(file, '', `YAML error: ${(e as Error).message}`);
  }
  const positions = new Map<string, PosEntry>();
  const walk = (node: unknown, path: Array<string | number>): void => {
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    if (n.range) {
      const key = pathString(path);
      const e = positions.get(key) ?? {};
      e.value = lc.linePos(n.range[0]);
      positions.set(key, e);
    }
    if (isMap(n)) {
      for (const pair of n.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        const sub = [...path, k];
        const kn = pair.key as Node | null;
        if (kn && typeof kn === 'object' && kn.range) positions.set(pathString(sub), { key: lc.linePos(kn.range[0]) });
        walk(pair.value, sub);
      }
    } else if (isSeq(n)) {
      n.items.forEach((item, i) => walk(item, [...path, i]));
    }
  };
  try {
    walk(doc.contents, []);
  } catch (e) {
    if (e instanceof RangeError) throw new ScenarioError(file, '', 'nested too deep to read', `at most ${MAX_DEPTH} levels of nesting`);
    throw e;
  }
  const source = new Source(file, value, positions);
  source.checkText();
  return source;
}

/** JSON quoting, with the controls JSON.stringify leaves raw (DEL, C1, U+2028/9) escaped too. */
function quoteVisible(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Largest scenario or profile file read (characters); real ones are a few kB. */
export const MAX_SOURCE_CHARS = 4 * 1024 * 1024;
/** Deepest nesting of mappings and lists a scenario may have; real ones nest about 5 levels. */
export const MAX_DEPTH = 64;

/**
 * Offset where flow nesting (`{`, `[`, outside strings and comments) passes MAX_DEPTH, or
 * undefined. Cheap and recursion-free, so it runs before the parsers (JSON and YAML flow style).
 * Block-style YAML nesting is bounded by the file's indentation and checked after parsing.
 */
function tooDeepAt(text: string): number | undefined {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = '';
      continue;
    }
    if (c === '"' || (c === "'" && /[\s[{,:]/.test(text[i - 1] ?? ' '))) quote = c;
    else if (c === '#' && /\s/.test(text[i - 1] ?? '\n')) {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '{' || c === '[') {
      if (++depth > MAX_DEPTH) return i;
    } else if (c === '}' || c === ']') depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/** The path of the first value nested deeper than MAX_DEPTH (iterative), or undefined. */
export function valueTooDeep(value: unknown): Path | undefined {
  const stack: [unknown, Array<string | number>][] = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    if (path.length >= MAX_DEPTH) return path;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]]);
  }
  return undefined;
}

// C0 controls, DEL, C1 controls and the Unicode line/paragraph separators: never part of a name,
// and written raw into a CSV they corrupt it for every reader.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]|[\t\n\r]/;
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The first key or string holding a control character (tab, CR and newline are allowed only in a
 * `description`, which is prose and never written into a CSV), or undefined.
 */
export function findControlChar(value: unknown): { path: Path; text: string; code: number; inKey: boolean } | undefined {
  const stack: [unknown, Array<string | number>][] = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const re = path[path.length - 1] === 'description' ? CONTROL_IN_PROSE : CONTROL;
      const m = re.exec(v);
      if (m) return { path, text: v, code: m[0].charCodeAt(0), inKey: false };
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else {
      for (const [k, x] of Object.entries(v)) {
        const m = CONTROL.exec(k);
        if (m) return { path: [...path, k], text: k, code: m[0].charCodeAt(0), inKey: true };
        stack.push([x, [...path, k]]);
      }
    }
  }
  return undefined;
}

/**
 * The first duplicate key of a JSON object in `text` (already valid JSON), with its offset and the
 * object's path, or undefined. JSON.parse silently keeps the last; YAML refuses; so do we.
 */
function duplicateJsonKey(text: string): { key: string; offset: number; path: string } | undefined {
  type Frame = { keys: Set<string> | undefined; path: Array<string | number>; index: number; lastKey?: string };
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const top = stack[stack.length - 1];
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.keys && expectKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        if (top.keys.has(key)) return { key, offset: i, path: pathString([...top.path, key]) };
        top.keys.add(key);
        top.lastKey = key;
        expectKey = false;
      }
      i = j;
    } else if (c === '{' || c === '[') {
      const at = top ? (top.keys ? top.lastKey ?? '' : top.index) : undefined;
      const path = top && at !== undefined ? [...top.path, at] : [];
      stack.push({ keys: c === '{' ? new Set() : undefined, path, index: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
      expectKey = false;
    } else if (c === ',') {
      if (top?.keys) expectKey = true;
      else if (top) top.index++;
    }
  }
  return undefined;
}

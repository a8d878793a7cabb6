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
  const isJson = /\.json$/i.test(file);
  let jsonValue: unknown;
  if (isJson) {
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
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    if (isJson) return new Source(file, jsonValue, new Map()); // valid JSON the YAML parser dislikes: no positions
    const err = doc.errors[0]!;
    const p = lc.linePos(err.pos[0]);
    throw new ScenarioError(`${file}:${p.line}:${p.col}`, '', `YAML syntax error: ${err.message.split('\n')[0]}`);
  }
  let value: unknown;
  try {
    // maxAliasCount guards against alias expansion bombs ("billion laughs").
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
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
  walk(doc.contents, []);
  return new Source(file, value, positions);
}

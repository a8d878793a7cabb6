import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TraceCsvWriter, formatNumber, parseNumber, readCsv, writeCsvAtomic } from '../../src/report/csv.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'xenhpc-csv-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('numbers are written deterministically: integers exact, others 10 significant digits, NaN/Inf/-Inf', () => {
  assert.equal(formatNumber(0.1 + 0.2), '0.3');
  assert.equal(formatNumber(1 / 3), '0.3333333333');
  assert.equal(formatNumber(-2 / 3), '-0.6666666667');
  assert.equal(formatNumber(123456789012345), '123456789012345');
  assert.equal(formatNumber(1e-7 / 3), '3.333333333e-8');
  assert.equal(formatNumber(NaN), 'NaN');
  assert.equal(formatNumber(Infinity), 'Inf');
  assert.equal(formatNumber(-Infinity), '-Inf');
  assert.equal(formatNumber(-0), '0');
  // and read back
  assert.equal(parseNumber('Inf'), Infinity);
  assert.equal(parseNumber('-Inf'), -Infinity);
  assert.ok(Number.isNaN(parseNumber('NaN')));
  assert.equal(parseNumber(''), null);
  assert.equal(parseNumber('uni'), null);
  assert.equal(parseNumber('3.333333333e-8'), 3.333333333e-8);
});

test('writeCsvAtomic: header, quoted fields, empty cells, creates the directory, leaves no temp file', () => {
  withDir((dir) => {
    const path = join(dir, 'sub', 'deeper', 'x.csv');
    const rows = [
      { name: 'a,b', note: 'say "hi"', value: 1.5, flag: true },
      { name: 'plain', note: '', value: NaN },
    ];
    writeCsvAtomic(path, ['name', 'value', 'note', 'flag'], rows);
    assert.equal(readFileSync(path, 'utf8'), 'name,value,note,flag\n"a,b",1.5,"say ""hi""",true\nplain,NaN,,\n');
    assert.deepEqual(readdirSync(join(dir, 'sub', 'deeper')), ['x.csv']);
    const back = readCsv(path);
    assert.deepEqual(back.columns, ['name', 'value', 'note', 'flag']);
    assert.deepEqual(back[0], { name: 'a,b', value: '1.5', note: 'say "hi"', flag: 'true' });
    // No rows: the header alone.
    writeCsvAtomic(path, ['a', 'b'], []);
    assert.equal(readFileSync(path, 'utf8'), 'a,b\n');
  });
});

test('writeCsvAtomic removes its temp file when the rename fails', () => {
  withDir((dir) => {
    const target = join(dir, 'taken');
    mkdirSync(join(target, 'child'), { recursive: true }); // renaming a file onto a non-empty directory fails
    assert.throws(() => writeCsvAtomic(target, ['a'], [{ a: 1 }]));
    assert.deepEqual(readdirSync(dir), ['taken']);
  });
});

test('TraceCsvWriter streams through a temp file in chunks and renames on close', () => {
  withDir((dir) => {
    const path = join(dir, 'out', 'trace.csv');
    const w = new TraceCsvWriter(path, 256); // tiny chunk so many flushes happen
    const expected = ['time_ns,node,layer,event,flow,seq,bytes,queue'];
    for (let i = 0; i < 2000; i++) {
      w.record(i * 12304, `n${i % 4}`, 'wire', 'tx', 'n0:1->n1:2', i, 1514, i % 7);
      expected.push(`${i * 12304},n${i % 4},wire,tx,n0:1->n1:2,${i},1514,${i % 7}`);
    }
    w.record(1e12, 'node,with comma', 'tcp', 'say "x"', 'f', 0, 0.5, 0);
    expected.push('1000000000000,"node,with comma",tcp,"say ""x""",f,0,0.5,0');
    assert.equal(existsSync(path), false, 'final name appears only on close');
    const tmp = readdirSync(join(dir, 'out'));
    assert.equal(tmp.length, 1);
    assert.match(tmp[0]!, /^trace\.csv\.\d+\.tmp$/);
    // Bounded buffering: almost everything is already on disk before close.
    assert.ok(readFileSync(join(dir, 'out', tmp[0]!), 'utf8').length > 2000 * 40);
    w.close();
    assert.equal(w.rows, 2001);
    assert.equal(readFileSync(path, 'utf8'), expected.join('\n') + '\n');
    assert.deepEqual(readdirSync(join(dir, 'out')), ['trace.csv']);
    assert.equal(readCsv(path)[2001 - 1]!.node, 'node,with comma');
    assert.throws(() => w.record(0, 'n', 'l', 'e', 'f', 0, 0, 0), /closed/);
  });
});

test('TraceCsvWriter.abort deletes the temp file and leaves no output', () => {
  withDir((dir) => {
    const path = join(dir, 'trace.csv');
    const w = new TraceCsvWriter(path, 16);
    w.record(1, 'n0', 'wire', 'tx', 'f', 1, 100, 0);
    w.abort();
    w.abort();
    assert.deepEqual(readdirSync(dir), []);
  });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { placeRanks } from '../../src/cluster/placement.js';

const nodesOf = (s: { node: number }[]) => s.map((x) => x.node);
const cpusOf = (s: { cpu: number }[]) => s.map((x) => x.cpu);

test('block fills a node before the next', () => {
  const s = placeRanks(16, 4, 4, 'block');
  assert.deepEqual(nodesOf(s), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  assert.deepEqual(cpusOf(s), [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  // Two ranks fit on node 0: block puts a pair on one node.
  assert.deepEqual(nodesOf(placeRanks(2, 4, 4, 'block')), [0, 0]);
});

test('block with more ranks than CPUs spreads ceil(np/nodes) per node and shares CPUs round-robin', () => {
  const s = placeRanks(32, 4, 4, 'block');
  assert.deepEqual(nodesOf(s.slice(0, 9)), [0, 0, 0, 0, 0, 0, 0, 0, 1]);
  assert.deepEqual(cpusOf(s.slice(0, 9)), [0, 1, 2, 3, 0, 1, 2, 3, 0]);
  const t = placeRanks(18, 4, 4, 'block'); // 5 per node
  assert.deepEqual(nodesOf(t), [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3]);
  assert.deepEqual(cpusOf(t.slice(0, 6)), [0, 1, 2, 3, 0, 0]);
});

test('cyclic deals ranks over nodes, then CPUs', () => {
  const s = placeRanks(16, 4, 4, 'cyclic');
  assert.deepEqual(nodesOf(s), [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]);
  assert.deepEqual(cpusOf(s), [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
  // Presta's pairs (i, i+8) then share a node: no bisection traffic with 16 ranks.
  for (let i = 0; i < 8; i++) assert.equal(s[i]!.node, s[i + 8]!.node);
  // 64 ranks on 16 CPUs: four ranks per CPU.
  const b = placeRanks(64, 4, 4, 'cyclic');
  assert.deepEqual(b[0], { node: 0, cpu: 0 });
  assert.deepEqual(b[16], { node: 0, cpu: 0 });
  assert.deepEqual(b[63], { node: 3, cpu: 3 });
});

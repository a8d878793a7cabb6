import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Fifo, trimFront } from '../../src/engine/queue.js';

test('trimFront drops the consumed front only past the threshold and half the array', () => {
  const a = Array.from({ length: 10 }, (_, i) => i);
  assert.equal(trimFront(a, 4, 4), 4, 'head not above the threshold: kept');
  assert.equal(a.length, 10);
  assert.equal(trimFront(a, 5, 2), 5, 'front not more than half: kept');
  assert.equal(trimFront(a, 6, 2), 0, 'past both: trimmed');
  assert.deepEqual(a, [6, 7, 8, 9], 'the unconsumed items, in order');
});

test('a Fifo gives items back in order through many trims, its length exact throughout', () => {
  const q = new Fifo<number>();
  let next = 0;
  let expect = 0;
  for (let round = 0; round < 200; round++) {
    for (let i = 0; i < (round % 7) + 3; i++) q.push(next++);
    for (let i = 0; i < (round % 5) + 1 && q.length > 0; i++) {
      assert.equal(q.peek(), expect);
      assert.equal(q.shift(), expect++);
    }
    assert.equal(q.length, next - expect);
  }
  while (q.length > 0) assert.equal(q.shift(), expect++);
  assert.equal(expect, next);
  assert.equal(q.shift(), undefined);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Interruptions, PeriodicStream, type InterruptionStream } from '../../src/hw/interruptions.js';

/** A fixed list of (start, duration) pairs, for hand-checked cases. */
class ListStream implements InterruptionStream {
  private i = 0;
  constructor(private readonly items: ReadonlyArray<readonly [number, number]>) {}
  get headStartNs(): number {
    return this.i < this.items.length ? this.items[this.i]![0] : Infinity;
  }
  get headDurationNs(): number {
    return this.i < this.items.length ? this.items[this.i]![1] : 0;
  }
  advance(): void {
    this.i++;
  }
}

test('an interruption inside a work item lengthens it by its duration', () => {
  const irq = new Interruptions([new ListStream([[150, 20]])]);
  assert.equal(irq.stretch(100, 100), 220);
  assert.equal(irq.stolenNs, 20);
});

test('an interruption in progress when work starts delays the start; one that ended while idle costs nothing', () => {
  const irq = new Interruptions([new ListStream([[10, 5], [95, 10]])]);
  // [10,15) passed while idle; [95,105) is in progress at 100: work runs 105..155.
  assert.equal(irq.stretch(100, 50), 155);
  assert.equal(irq.stolenNs, 5);
});

test('interruptions that overlap across streams are served back to back', () => {
  const irq = new Interruptions([new ListStream([[100, 10]]), new ListStream([[105, 10]])]);
  // Work 90..: runs 10, interrupted 100..110, then 110..120 by the second, then 40 more.
  assert.equal(irq.stretch(90, 50), 160);
});

test('work that ends exactly when an interruption starts is not delayed', () => {
  const irq = new Interruptions([new ListStream([[200, 30]])]);
  assert.equal(irq.stretch(100, 100), 200);
  assert.equal(irq.stretch(200, 10), 240);
});

test('a periodic tick takes its share of a long work item and never drifts', () => {
  // HZ 300: period 3333333.33 ns, 10 us per tick; 1 s of work crosses 300 or 301 ticks.
  const irq = new Interruptions([new PeriodicStream(1e9 / 300, 1234, 10_000)]);
  const end = irq.stretch(0, 1e9);
  const ticks = (end - 1e9) / 10_000;
  assert.ok(Number.isInteger(ticks) && ticks >= 300 && ticks <= 302, `ticks ${ticks}`);
  const late = new PeriodicStream(1e9 / 300, 0, 1);
  for (let i = 0; i < 300_000; i++) late.advance();
  assert.equal(late.headStartNs, 1e12);
});

test('queries back in time are refused (a FIFO unit never starts work earlier)', () => {
  const irq = new Interruptions([new PeriodicStream(1000, 0, 10)]);
  irq.stretch(5000, 1);
  assert.throws(() => irq.stretch(4000, 1), /back in time/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { RngStreams, replicationSeed } from '../../src/engine/rng.js';
import { Signal, sleep, spawn, until } from '../../src/engine/process.js';
import { MemoryTraceSink, TraceBus } from '../../src/engine/trace.js';

test('events run in time order, ties in insertion order, and the clock is integer nanoseconds', () => {
  const sim = new Simulator();
  const log: string[] = [];
  const note = (s: string) => log.push(`${sim.now}:${s}`);
  sim.schedule(10, note, 'c');
  sim.schedule(5, note, 'a');
  sim.schedule(5, note, 'b');
  sim.schedule(2.6, note, 'r'); // rounded to 3
  sim.run();
  assert.deepEqual(log, ['3:r', '5:a', '5:b', '10:c']);
  assert.throws(() => sim.schedule(-1, note, 'x'), RangeError);
  assert.throws(() => sim.at(sim.now - 1, note, 'x'), RangeError);
});

test('a cancelled event does not run; run(until) stops at the horizon and resumes later', () => {
  const sim = new Simulator();
  const log: number[] = [];
  const ev = sim.schedule(5, () => log.push(5));
  sim.schedule(7, () => log.push(7));
  sim.schedule(20, () => log.push(20));
  sim.cancel(ev);
  assert.equal(sim.run(10), 10);
  assert.deepEqual(log, [7]);
  assert.equal(sim.now, 10);
  sim.run();
  assert.deepEqual(log, [7, 20]);
  assert.equal(sim.eventsRun, 2);
});

test('processes sleep, wait on signals and receive the fired value; done fires with the result', () => {
  const sim = new Simulator();
  const sig = new Signal<number>(sim);
  const seen: string[] = [];
  const waiter = spawn(sim, (function* () {
    const v: number = yield sig;
    seen.push(`got ${v} at ${sim.now}`);
    yield until(100);
    return v * 2;
  })());
  spawn(sim, (function* () {
    yield sleep(40);
    sig.fire(21);
  })());
  spawn(sim, (function* () {
    const r: number = yield waiter.done;
    seen.push(`done ${r} at ${sim.now}`);
  })());
  sim.run();
  assert.deepEqual(seen, ['got 21 at 40', 'done 42 at 100']);
  assert.equal(waiter.result, 42);
});

test('RNG streams are named: the same name gives the same numbers, a new stream shifts no other', () => {
  const a = new RngStreams('7#0');
  const xs = [a.stream('n0').next(), a.stream('n0').next()];
  const b = new RngStreams('7#0');
  b.stream('another-component').next();
  assert.deepEqual([b.stream('n0').next(), b.stream('n0').next()], xs);
  assert.notEqual(new RngStreams('7#1').stream('n0').next(), xs[0]);
  assert.equal(replicationSeed(7, 3), '7#3');
  const e = new RngStreams('s').stream('e');
  let sum = 0;
  for (let i = 0; i < 20000; i++) sum += e.exponential(50);
  assert.ok(Math.abs(sum / 20000 - 50) < 2, `exponential mean ${sum / 20000}`);
});

test('the trace bus filters by layer, node and time window, and a filtered-out layer has no handle', () => {
  const sink = new MemoryTraceSink();
  const bus = new TraceBus(sink, { layers: ['tcp'], nodes: ['n1'], fromNs: 10, toNs: 20 });
  assert.equal(bus.layer('wire'), null);
  const tcp = bus.layer('tcp')!;
  tcp.emit(5, 'n1', 'send', 'f', 0, 1, 0);
  tcp.emit(15, 'n0', 'send', 'f', 0, 1, 0);
  tcp.emit(15, 'n1', 'send', 'f', 0, 1, 0);
  tcp.emit(25, 'n1', 'send', 'f', 0, 1, 0);
  assert.deepEqual(sink.rows.map((r) => [r.timeNs, r.node, r.layer]), [[15, 'n1', 'tcp']]);
  assert.equal(bus.count, 1);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { RngStreams, replicationSeed } from '../../src/engine/rng.js';
import { Routine, Signal, sleep, spawn, until, type Waitable } from '../../src/engine/process.js';
import { MemoryTraceSink, TraceBus } from '../../src/engine/trace.js';

test('events run in time order, ties in insertion order, and the clock is integer nanoseconds', () => {
  const sim = new Simulator();
  const log: string[] = [];
  const note = (s: string) => log.push(`${sim.now}:${s}`);
  sim.schedule(10, note, null, 'c');
  sim.schedule(5, note, null, 'a');
  sim.schedule(5, note, null, 'b');
  sim.schedule(2.6, note, null, 'r'); // rounded to 3
  sim.run();
  assert.deepEqual(log, ['3:r', '5:a', '5:b', '10:c']);
  assert.throws(() => sim.schedule(-1, note, null, 'x'), RangeError);
  assert.throws(() => sim.at(sim.now - 1, note, null, 'x'), RangeError);
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

/** A routine that sleeps `gaps` in turn, summing the values its waits produce; its result is the sum. */
class SleepSum extends Routine<number> {
  private i = 0;
  private sum = 0;
  constructor(
    private readonly gaps: number[],
    private readonly sig: Signal<number> | null,
  ) {
    super();
  }
  resume(value: unknown): Waitable | null {
    if (typeof value === 'number') this.sum += value;
    if (this.i === this.gaps.length) {
      this.result = this.sum;
      return null;
    }
    const g = this.gaps[this.i++]!;
    return g < 0 && this.sig !== null ? this.sig : sleep(g);
  }
}

test('a yielded routine runs its waits in order and the yield evaluates to its result', () => {
  const sim = new Simulator();
  const sig = new Signal<number>(sim);
  const seen: string[] = [];
  spawn(sim, (function* () {
    // -1 waits on the signal (fired with 5 at 30); the others sleep.
    const a: number = yield new SleepSum([10, -1, 7], sig);
    seen.push(`a=${a} at ${sim.now}`);
    // a routine that finishes without waiting: the yield returns at once, no event.
    const before = sim.eventsRun;
    const b: number = yield new SleepSum([], null);
    seen.push(`b=${b} events+${sim.eventsRun - before} at ${sim.now}`);
    yield sleep(1);
    seen.push(`end at ${sim.now}`);
  })());
  spawn(sim, (function* () {
    yield sleep(30);
    sig.fire(5);
  })());
  sim.run();
  assert.deepEqual(seen, ['a=5 at 37', 'b=0 events+0 at 37', 'end at 38']);
});

test('a routine that yields a routine is refused with an error naming the process', () => {
  class Nested extends Routine<void> {
    resume(): Waitable | null {
      return new SleepSum([1], null) as unknown as Waitable;
    }
  }
  const sim = new Simulator();
  spawn(sim, (function* () {
    yield new Nested();
  })(), 'nester');
  assert.throws(() => sim.run(), /process nester waited on something/);
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

test('a zero-delay event runs after every event already queued for the same instant (lane vs heap ties)', () => {
  const sim = new Simulator();
  const log: string[] = [];
  const note = (s: string) => log.push(`${sim.now}:${s}`);
  // x and y are queued for t=10 in advance; z, scheduled by x at t=10 with zero delay, was
  // scheduled after y, so y runs first. A lane drained before the heap would give x, z, y.
  sim.schedule(10, () => {
    note('x');
    sim.schedule(0, () => {
      note('z');
      sim.schedule(0, note, null, 'w'); // after u, which was scheduled (at t=10, via at()) before w
    });
    sim.at(10, note, null, 'u');
  });
  sim.schedule(10, note, null, 'y');
  sim.at(10, note, null, 'v'); // queued before x ran: before z and u
  sim.schedule(0, note, null, 'first'); // zero delay at t=0: runs before anything at t=10
  sim.run();
  assert.deepEqual(log, ['0:first', '10:x', '10:y', '10:v', '10:z', '10:u', '10:w']);
});

test('the engine runs any mix of zero-delay, future, cancelled and stopped events in (time, seq) order', () => {
  // a naive reference (a list scanned for the least (time, seq)) replays the same decisions.
  const rnd = ((s: number) => () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296))(7);
  const decisions: number[] = [];
  for (let i = 0; i < 6000; i++) decisions.push(rnd());
  type Ref = { timeNs: number; seq: number; live: boolean; id: number };
  const runEngine = (useReal: boolean): string[] => {
    const log: string[] = [];
    let k = 0;
    let nextId = 0;
    const sim = new Simulator();
    const ref: Ref[] = [];
    let refNow = 0;
    let refSeq = 0;
    const handles: { cancel(): void }[] = [];
    const now = () => (useReal ? sim.now : refNow);
    const sched = (delayNs: number, id: number) => {
      if (useReal) {
        const ev = sim.schedule(delayNs, fire, null, id);
        handles.push({ cancel: () => sim.cancel(ev) });
      } else {
        const ev: Ref = { timeNs: refNow + delayNs, seq: refSeq++, live: true, id };
        ref.push(ev);
        handles.push({ cancel: () => { ev.live = false; } });
      }
    };
    const fire = (id: number): void => {
      log.push(`${now()}:${id}`);
      if (k + 3 > decisions.length) return;
      const fanout = 1 + Math.floor(decisions[k++]! * 2); // 1..2 children until decisions run out
      for (let c = 0; c < fanout && k + 2 < decisions.length; c++) {
        const r = decisions[k++]!;
        // 40 % zero delay, else a small delay so that instants collide often
        sched(r < 0.4 ? 0 : Math.floor(decisions[k++]! * 5), nextId++);
      }
      if (decisions[k++]! < 0.1 && handles.length > 0) handles[Math.floor(decisions[k++]! * handles.length)]!.cancel();
      if (useReal && decisions[k - 1]! > 0.97) sim.stop();
    };
    for (let i = 0; i < 20; i++) sched(i % 3 === 0 ? 0 : i % 4, nextId++);
    if (useReal) {
      // resume after every stop(), and cross horizons with run(untilNs) mid-instant
      let until = 3;
      while (sim.pending > 0) {
        sim.run(until);
        until += 3;
      }
    } else {
      for (;;) {
        let best = -1;
        for (let i = 0; i < ref.length; i++) {
          const e = ref[i]!;
          const b = best >= 0 ? ref[best]! : null;
          if (b === null || e.timeNs < b.timeNs || (e.timeNs === b.timeNs && e.seq < b.seq)) best = i;
        }
        if (best < 0) break;
        const e = ref.splice(best, 1)[0]!;
        if (!e.live) continue;
        refNow = e.timeNs;
        fire(e.id);
      }
    }
    return log;
  };
  // fire() reads the decisions identically in both runs; stop() and the horizons only interrupt
  // the real engine's run(), which resumes, so the order must not change.
  const real = runEngine(true);
  const expected = runEngine(false);
  assert.ok(expected.length > 1000, `only ${expected.length} events ran`);
  assert.ok(expected.filter((s, i) => i > 0 && s.split(':')[0] === expected[i - 1]!.split(':')[0]).length > 500, 'too few same-instant ties');
  assert.deepEqual(real, expected);
});

test('pooled events (objects reused once popped) run and cancel exactly as fresh ones', () => {
  // handles are kept only while queued, as atPooled's contract says; the same random schedule
  // replayed with every event fresh must give the same log, and the pool must be reused.
  const rnd0 = ((s: number) => () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296))(11);
  const decisions: number[] = [];
  for (let i = 0; i < 8000; i++) decisions.push(rnd0());
  const replay = (pool: boolean): { log: string[]; fresh: number } => {
    const sim = new Simulator();
    const log: string[] = [];
    let k = 0;
    let nextId = 0;
    const queued = new Map<number, ReturnType<Simulator['at']>>();
    let objects = new Set<object>();
    const fire = (id: number): void => {
      queued.delete(id);
      log.push(`${sim.now}:${id}`);
      if (k + 4 > decisions.length) return;
      const fanout = 1 + Math.floor(decisions[k++]! * 2);
      for (let c = 0; c < fanout && k + 3 < decisions.length; c++) {
        const r = decisions[k++]!;
        const t = sim.now + (r < 0.4 ? 0 : Math.floor(decisions[k++]! * 5));
        const id = nextId++;
        const usePool = decisions[k++]! < 0.5;
        const ev = pool && usePool ? sim.atPooled(t, fire, null, id) : sim.at(t, fire, null, id);
        objects.add(ev);
        queued.set(id, ev);
      }
      if (decisions[k++]! < 0.15 && queued.size > 0) {
        const ids = [...queued.keys()];
        const victim = ids[Math.floor(decisions[k++]! * ids.length)]!;
        sim.cancel(queued.get(victim));
        queued.delete(victim);
      }
    };
    for (let i = 0; i < 20; i++) {
      const id = nextId++;
      queued.set(id, sim.at(i % 4, fire, null, id));
    }
    sim.run();
    const n = objects.size;
    objects = new Set();
    return { log, fresh: n };
  };
  const plain = replay(false);
  const pooled = replay(true);
  assert.ok(plain.log.length > 1000, `the replay runs enough events (${plain.log.length})`);
  assert.deepEqual(pooled.log, plain.log);
  // fewer distinct event objects than events scheduled: the pool served some of them
  assert.ok(pooled.fresh < plain.fresh, `pooled ${pooled.fresh} objects vs ${plain.fresh} fresh`);
});

test('the two events held in front of the heap keep (time, seq) order through every displacement', () => {
  const sim = new Simulator();
  const log: string[] = [];
  const rec = (name: string): void => {
    log.push(`${sim.now}:${name}`);
  };
  sim.schedule(10, rec, null, 'A'); // first held
  sim.schedule(20, rec, null, 'B'); // second held
  sim.schedule(20, rec, null, 'C'); // a tie with the second: heap
  sim.schedule(15, rec, null, 'D'); // before the second: takes its place, B to the heap
  sim.schedule(5, rec, null, 'E'); // before the first: A second, D to the heap
  sim.schedule(10, rec, null, 'F'); // a tie with the second (A): heap
  sim.schedule(12, rec, null, 'G'); // after both held ones: heap
  sim.run();
  assert.deepEqual(log, ['5:E', '10:A', '10:F', '12:G', '15:D', '20:B', '20:C']);

  // Once X has run, Y is held first, nothing second, and Z (Y's time) is in the heap: W, scheduled
  // last for that time too, must run last, not be held second.
  const sim2 = new Simulator();
  const log2: string[] = [];
  const rec2 = (name: string): void => {
    log2.push(`${sim2.now}:${name}`);
    if (name === 'X') sim2.schedule(20, rec2, null, 'W');
  };
  sim2.schedule(10, rec2, null, 'X');
  sim2.schedule(30, rec2, null, 'Y');
  sim2.schedule(30, rec2, null, 'Z');
  sim2.run();
  assert.deepEqual(log2, ['10:X', '30:Y', '30:Z', '30:W']);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Simulator } from '../../src/engine/simulator.js';
import { DeadlineTimer } from '../../src/engine/deadline-timer.js';

test('a deadline timer fires once at its latest deadline, keeps one queued event, and a stop silences it', () => {
  const sim = new Simulator();
  const fired: number[] = [];
  const t = new DeadlineTimer(sim, function (this: number[]) { this.push(sim.now); }, fired);
  t.arm(100);
  // Re-armed later 99 times before it is due (as an RTO on every ACK): no new events, one firing
  // at the last deadline.
  for (let i = 1; i <= 99; i++) sim.at(i, () => t.arm(100 + i));
  sim.run();
  assert.deepEqual(fired, [199]);
  assert.equal(t.armed, true); // fn decides whether to stop (TCP's handlers do)
  // 99 re-arm events + the first timer event + one re-queue at the final deadline.
  assert.equal(sim.eventsRun, 101);
  // An earlier deadline moves the event earlier; a stop before it drops the firing.
  const early: number[] = [];
  const u = new DeadlineTimer(sim, function (this: number[]) { this.push(sim.now); }, early);
  u.arm(sim.now + 500);
  u.arm(sim.now + 50);
  sim.run();
  assert.deepEqual(early, [249]);
  u.stop();
  u.arm(sim.now + 10);
  u.stop();
  sim.run();
  assert.deepEqual(early, [249]);
});

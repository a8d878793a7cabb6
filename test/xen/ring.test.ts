import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Ring } from '../../src/xen/ring.js';

const clock = { now: 0 };

test('producer notifies only when the consumer event index falls in the newly published range', () => {
  const r = new Ring<number, number>('t', 256, null, 'n', clock);
  // Fresh ring: req_event = 1, so the first request notifies.
  r.putRequest(1);
  assert.equal(r.pushRequests(), true);
  // The back end has not drained: req_event is still 1, the next pushes stay silent.
  r.putRequest(2);
  r.putRequest(3);
  assert.equal(r.pushRequests(), false);
  // The back end drains and re-arms req_event = cons + 1 = 4: the next push notifies once.
  r.takeRequest();
  r.takeRequest();
  r.takeRequest();
  assert.equal(r.finalCheckForRequests(), false);
  assert.equal(r.reqEvent, 4);
  r.putRequest(4);
  r.putRequest(5);
  assert.equal(r.pushRequests(), true);
  r.putRequest(6);
  assert.equal(r.pushRequests(), false);
  // Final check with work left does not re-arm (no missed work, no extra events).
  assert.equal(r.finalCheckForRequests(), true);
  assert.equal(r.reqEvent, 4);
});

test('responses: rsp_event set to half the outstanding requests asks for one event per half', () => {
  const r = new Ring<number, number>('t', 256, null, 'n', clock);
  for (let i = 0; i < 100; i++) r.putRequest(i);
  r.pushRequests();
  // Front end: ask for an event once half of the 100 outstanding are answered.
  r.rspEvent = r.rspProd + ((r.reqProd - r.rspProd) >> 1) + 1;
  for (let i = 0; i < 100; i++) r.takeRequest();
  let notifies = 0;
  for (let i = 0; i < 100; i++) {
    r.putResponse(i);
    if (r.pushResponses()) notifies++;
  }
  assert.equal(notifies, 1);
  assert.equal(r.rspEvent, 51);
});

test('a ring never takes more than its slots: the 257th request into a 256-slot ring throws', () => {
  const r = new Ring<number, number>('t', 256, null, 'n', clock);
  for (let i = 0; i < 256; i++) r.putRequest(i);
  assert.equal(r.freeRequests(), 0);
  assert.throws(() => r.putRequest(256), /full ring/);
  // Answering and consuming one frees one slot.
  r.pushRequests();
  r.takeRequest();
  r.putResponse(0);
  r.pushResponses();
  r.takeResponse();
  assert.equal(r.freeRequests(), 1);
  r.putRequest(256);
  assert.equal(r.maxOutstanding, 256);
});

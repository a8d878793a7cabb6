import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Simulator } from '../../src/engine/simulator.js';
import { buildCluster } from '../../src/cluster/cluster.js';
import { clusterConfig, profile } from '../support/profiles.js';
import { assertStreamDelivered, parts, withXen } from './helpers.js';

const base = profile('xen-3.0.1');

test('random Xen streams: rings within their slots, netback within MAX_PENDING_REQS, every byte once and in order', () => {
  let dropsSeen = 0;
  fc.assert(
    fc.property(
      fc.record({
        seed: fc.integer({ min: 1, max: 1e6 }),
        nodes: fc.integer({ min: 2, max: 3 }),
        streams: fc.integer({ min: 1, max: 2 }),
        sizeBytes: fc.integer({ min: 1, max: 40000 }),
        sockBufBytes: fc.constantFrom(0, 4096, 65536),
        txRingSlots: fc.integer({ min: 1, max: 256 }),
        rxRingSlots: fc.integer({ min: 2, max: 256 }),
        maxPendingTx: fc.integer({ min: 1, max: 256 }),
        rxTargetMin: fc.integer({ min: 1, max: 16 }),
        txQueueLen: fc.constantFrom(2, 1000),
        dom0TxCleanDelayNs: fc.constantFrom(0, 65536, 500000),
      }),
      (k) => {
        const prof = withXen(base, {
          txRingSlots: k.txRingSlots,
          rxRingSlots: k.rxRingSlots,
          maxPendingTx: k.maxPendingTx,
          rxTargetMin: k.rxTargetMin,
          rxTargetMax: Math.max(k.rxTargetMin, k.rxRingSlots),
          txQueueLen: k.txQueueLen,
          dom0TxCleanDelayNs: k.dom0TxCleanDelayNs,
        });
        const sim = new Simulator({ seed: k.seed });
        const c = buildCluster(sim, clusterConfig({ nodes: k.nodes }), prof);
        assertStreamDelivered(c, Math.min(k.streams, k.nodes - 1), k.sizeBytes, k.sockBufBytes);
        for (let i = 0; i < k.nodes; i++) {
          const x = parts(c, i);
          assert.ok(x.vif.tx.maxOutstanding <= k.txRingSlots, `tx ring ${x.vif.tx.maxOutstanding} > ${k.txRingSlots}`);
          assert.ok(x.vif.rx.maxOutstanding <= k.rxRingSlots, `rx ring ${x.vif.rx.maxOutstanding} > ${k.rxRingSlots}`);
          assert.ok(x.netback.maxPending <= k.maxPendingTx, `pending ${x.netback.maxPending} > ${k.maxPendingTx}`);
          // Each packet netback holds is a guest TX request it consumed and has not answered yet
          // (a released batch is answered when dom0 has done the unmap, so held may be larger).
          const held = x.netback.vifs.reduce((n, v) => n + (v.tx.reqCons - v.tx.rspProdPvt), 0);
          assert.ok(x.netback.pending <= held, `netback holds ${x.netback.pending} packets, only ${held} requests unanswered`);
          assert.ok(x.netback.pending <= x.vif.tx.outstanding(), `pending ${x.netback.pending} > guest slots in use ${x.vif.tx.outstanding()}`);
          dropsSeen += x.vif.rxDrops + x.netfront.txDrops;
        }
      },
    ),
    { numRuns: 200, seed: 3001 },
  );
  // The random cases must reach the loss paths too, or the recovery half of the claim is idle.
  assert.ok(dropsSeen > 0, 'no drop in any random case');
});

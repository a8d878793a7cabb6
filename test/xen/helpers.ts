/** Shared set-up for the Xen tests: clusters of Xen nodes and a plain frame sink. */
import { Simulator } from '../../src/engine/simulator.js';
import type { TraceBus } from '../../src/engine/trace.js';
import { buildCluster, type Cluster } from '../../src/cluster/cluster.js';
import type { KernelProfile } from '../../src/scenario/types.js';
import { xenPartsOf, type XenNodeParts } from '../../src/xen/node.js';
import { XEN_PARAMS, type XenParams } from '../../src/xen/profile.js';
import assert from 'node:assert/strict';
import { runStream } from '../../src/workloads/stream.js';
import { clusterConfig } from '../support/profiles.js';

export function xenCluster(prof: KernelProfile, nodes = 2, seed = 1, trace: TraceBus | null = null): Cluster {
  const sim = new Simulator({ seed, trace });
  return buildCluster(sim, clusterConfig({ nodes }), prof);
}

export function parts(c: Cluster, i: number): XenNodeParts {
  const x = xenPartsOf(c.nodes[i]!.kernel);
  if (x === undefined) throw new Error(`node ${i} is not a Xen node`);
  return x;
}

/** The xen section of a loaded profile, typed (the loader checked it has every XEN_PARAMS key). */
export function paramsOf(prof: KernelProfile): XenParams {
  const x = prof.sections.xen;
  if (x === undefined || Object.keys(XEN_PARAMS).some((k) => typeof x[k] !== 'number')) throw new Error(`${prof.name}: not a loaded xen profile`);
  return x as unknown as XenParams;
}

export function withXen(prof: KernelProfile, over: Partial<XenParams>): KernelProfile {
  return { ...prof, sections: { ...prof.sections, xen: { ...paramsOf(prof), ...over } } };
}

/**
 * Runs a raw TCP stream from each of `streams` senders into node 1 and checks that every receiver
 * got all `sizeBytes` once and in order (TCP queues data only at rcv_nxt: delivered == written
 * means that) and holds nothing unread.
 */
export function assertStreamDelivered(c: Cluster, streams: number, sizeBytes: number, sockBufBytes: number): void {
  runStream(c, { type: 'stream', sizeBytes, streams, sockBufBytes });
  const receivers = c.nodes[1]!.kernel.connections;
  assert.equal(receivers.length, streams);
  for (const r of receivers) {
    assert.equal(r.stats.bytesDelivered, sizeBytes);
    assert.equal(r.readableBytes, 0);
  }
}

// examples/library/custom-profile.mjs: A kernel variant (event-channel upcalls 4x dearer) defined in code, compared with its base on the same seeds, with a Welch t-test.
//   node examples/library/custom-profile.mjs
import { fileURLToPath } from 'node:url';
import { loadScenario, simulate } from 'xenhpc';

const s = loadScenario(fileURLToPath(new URL('../../scenarios/pingpong-trace.yaml', import.meta.url)), [
  'profiles=[xen-3.0.1, {name: xen-slow-upcall, base: xen-3.0.1, set: {xen.evtchnUpcallNs: 6000}}]',
  'replications=6',
  'workload.ops=100',
  'outputs.trace=null',
]);
const r = await simulate(s, { jobs: 2, write: false });
for (const c of r.compare.filter((x) => x.metric === 'latency_us')) {
  console.log(`${c.profile_a} vs ${c.profile_b}: latency ${c.mean_a} vs ${c.mean_b} us, p = ${c.p}, significant: ${c.significant}`);
}

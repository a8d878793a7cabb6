// examples/library/sweep-rate.mjs: How does Xen's bandwidth gap change with the link rate? A sweep written in code.
//   node examples/library/sweep-rate.mjs          (in a checkout, after npm install)
// In your own project (npm install xenhpc) the import is the same; point `scenario` at your file.
import { fileURLToPath } from 'node:url';
import { loadScenario, simulate } from 'xenhpc';

const scenario = fileURLToPath(new URL('../../scenarios/whatif-10g.yaml', import.meta.url));

for (const rateBps of [1e8, 1e9]) {
  // --set strings, validated by the loader like the command line's (a bad value throws a ScenarioError).
  const s = loadScenario(scenario, [`cluster.link.rateBps=${rateBps}`, 'replications=2', 'sweep.mode=[uni]', 'sweep.sizeBytes=[65536]']);
  const r = await simulate(s, { jobs: 2, write: false });
  // r.records: the rows typed by column (numbers, or null for an empty cell).
  const mean = (profile) => {
    const bw = r.records.filter((x) => x.profile === profile).map((x) => x.bandwidth_MBps);
    return bw.reduce((a, b) => a + b, 0) / bw.length;
  };
  console.log(`${rateBps / 1e9} Gb/s: native ${mean('rhel-2.6.12').toFixed(1)} MB/s, xen ${mean('xen-3.0.1').toFixed(1)} MB/s`);
}

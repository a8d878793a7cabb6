/** Trace rows: one flow label per direction, whichever layer reports the segment. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MemoryTraceSink, TraceBus } from '../../src/engine/trace.js';
import { expandPoints, loadScenario } from '../../src/scenario/index.js';
import { runJob } from '../../src/runner/run-point.js';

const SCENARIOS = fileURLToPath(new URL('../../../scenarios/', import.meta.url));

function traceOf(profile: string, layers: string[]) {
  const s = loadScenario(join(SCENARIOS, 'pingpong-trace.yaml'), [`profiles=[${profile}]`, 'replications=1', 'workload.ops=3', 'workload.sizeBytes=4000']);
  const sink = new MemoryTraceSink();
  runJob(s, [expandPoints(s)[0]!], new TraceBus(sink, { layers }));
  return sink.rows;
}

for (const profile of ['rhel-2.6.12', 'xen-3.0.1']) {
  test(`${profile}: a data segment carries the same flow label in the tcp, nic and wire layers (sender>receiver)`, () => {
    const rows = traceOf(profile, ['tcp', 'wire', 'nic']);
    const sends = rows.filter((r) => r.layer === 'tcp' && r.event === 'send' && r.bytes > 0);
    assert.ok(sends.length >= 6, `ping and pong segments of 3 round trips, got ${sends.length}`);
    for (const s of sends) {
      // The sender's TCP names the flow from its own host: n0:P>n1:Q sent by n0.
      assert.ok(s.flow.startsWith(`${s.node}:`), `${s.flow} sent by ${s.node}`);
      assert.ok(rows.some((w) => w.layer === 'wire' && w.flow === s.flow && w.seq === s.seq && w.bytes === s.bytes && w.timeNs > s.timeNs), `wire rows of ${s.flow} seq ${s.seq}`);
    }
    // Every data frame on the wire (host link or switch port) was sent earlier by that flow's TCP.
    const frames = rows.filter((r) => r.layer === 'wire' && r.bytes > 0);
    assert.ok(frames.length >= 2 * sends.length, 'each segment crosses two links');
    for (const w of frames) {
      assert.ok(sends.some((s) => s.flow === w.flow && s.seq === w.seq && s.bytes === w.bytes && s.timeNs < w.timeNs), `wire ${w.node} at ${w.timeNs} ns: ${w.flow} seq ${w.seq} has no earlier tcp send`);
    }
    // The NIC of the receiving host reports the arriving segment under the same sender>receiver label.
    const rx = rows.filter((r) => r.layer === 'nic' && r.event === 'rx' && r.bytes > 0);
    assert.ok(rx.length > 0);
    for (const r of rx) {
      const [, to] = r.flow.split('>');
      assert.ok(to!.startsWith(`${r.node.split('/')[0]}:`), `${r.flow} received on ${r.node}`);
    }
    // Both directions appear, each with one label.
    assert.equal(new Set(sends.map((s) => s.flow)).size, 2);
  });
}

test("trace takes the scenario's outputs.trace layers and nodes unless --layers/--nodes say otherwise", async () => {
  const { cliIn, tempDir, SCENARIOS: dir } = await import('../cli/helpers.js');
  const { readFileSync } = await import('node:fs');
  const cwd = tempDir();
  const s = join(dir, 'pingpong-trace.yaml'); // outputs.trace: layers [wire, tcp, nic], nodes [n0, n1]
  const layersIn = (f: string) => new Set(readFileSync(join(cwd, f), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[2]));
  const nodesIn = (f: string) => new Set(readFileSync(join(cwd, f), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',')[1]!.split('/')[0]));
  const a = await cliIn(['trace', s, '--set', 'workload.ops=2', '--out', 'a.csv'], cwd);
  assert.equal(a.code, 0, a.stderr);
  assert.deepEqual([...layersIn('a.csv')].sort(), ['nic', 'tcp', 'wire']);
  assert.ok(!nodesIn('a.csv').has('switch'), 'the switch is not in outputs.trace.nodes');
  assert.match(a.stdout, /layers wire,tcp,nic \(from the scenario's outputs.trace\)/);
  const b = await cliIn(['trace', s, '--set', 'workload.ops=2', '--layers', 'wire', '--nodes', 'switch', '--out', 'b.csv'], cwd);
  assert.equal(b.code, 0, b.stderr);
  assert.deepEqual([...layersIn('b.csv')], ['wire']);
  assert.deepEqual([...nodesIn('b.csv')], ['switch']);
  const bad = await cliIn(['trace', s, '--set', 'outputs.trace.layers=[wires]', '--out', 'c.csv'], cwd);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /pingpong-trace\.yaml: outputs\.trace.*unknown trace layer "wires"/);
});

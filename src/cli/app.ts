/**
 * The xenhpc command line (yargs), callable in-process: `main(argv, io)` returns the exit code
 * (src/cli/main.ts is the executable). Exit codes: 0 ok, 1 a check failed (validate), 2 bad input
 * (scenario, flag or CSV; one line on stderr, nothing written), 70 internal error, 124 a point
 * past --point-timeout (finished rows kept), 130/143 interrupted by SIGINT/SIGTERM (partial
 * results kept for --resume). docs/cli.md has the details.
 */
import yargs, { type Argv } from 'yargs';
import { FIGURE_KINDS } from '../runner/report-lite.js';
import { EXIT, UsageError, reportError } from './common.js';
import { runCommand, validateCommand, type Io, type RunFlags } from './run.js';
import { TRACE_LAYERS, mergeCommand, plotCommand, pointsCommand, profilesListCommand, profilesShowCommand, traceCommand, type MergeFlags, type PlotFlags, type PointsFlags, type TraceFlags } from './tools.js';

const scenarioFlags = <T>(y: Argv<T>) =>
  y
    .option('set', { type: 'string', describe: 'override a scenario field: path=value (repeatable), e.g. cluster.link.rateBps=1e8', requiresArg: true })
    .option('reps', { type: 'string', describe: 'replications per point (= --set replications=N)', requiresArg: true })
    .option('ops', { type: 'string', describe: 'timed operations per sample (= --set workload.ops=N, every block of a workloads list)', requiresArg: true });

const runFlags = <T>(y: Argv<T>) =>
  scenarioFlags(y)
    .positional('scenario', { type: 'string', describe: 'scenario file (YAML or JSON)', demandOption: true })
    .option('out', { type: 'string', describe: 'output directory (default: the scenario\'s outputs.dir, "out")', requiresArg: true })
    .option('jobs', { type: 'string', describe: 'worker threads (default: the number of cores); 1 runs in the main thread', requiresArg: true })
    .option('resume', { type: 'boolean', describe: 'keep the rows of an earlier (interrupted) run in the output directory; run only the rest' })
    .option('point-timeout', { type: 'string', describe: 'stop the run if one job (a point, or a whole com program) takes longer than this many seconds of wall clock (finished rows are kept)', requiresArg: true })
    .option('quiet', { type: 'boolean', alias: 'q', describe: 'no progress on stderr' });

/** Flags that take exactly one value (--set, --layers, --nodes and --figures may repeat). */
const SINGLE_VALUED = ['out', 'jobs', 'shard', 'reps', 'ops', 'point', 'from', 'to', 'scenario', 'point-timeout'];

/** What each command's positional argument is, for "Not enough non-option arguments". */
const POSITIONAL: Record<string, string> = {
  run: 'the scenario file (YAML or JSON): xenhpc run <scenario>',
  validate: 'the scenario file (YAML or JSON): xenhpc validate <scenario>',
  trace: 'the scenario file (YAML or JSON): xenhpc trace <scenario>',
  points: 'the scenario file (YAML or JSON): xenhpc points <scenario>',
  plot: 'the results file: xenhpc plot <results.csv>',
  merge: 'the shard files: xenhpc merge <results.shard-i-of-n.csv...>',
  show: 'the profile name or file: xenhpc profiles show <name>',
};

function missingArgument(argv: readonly string[], msg: string): string | undefined {
  if (!/^Not enough non-option arguments/.test(msg)) return undefined;
  const words = argv.filter((a) => !a.startsWith('-'));
  const cmd = words[0] === 'profiles' ? words[1] : words[0];
  const what = cmd !== undefined ? POSITIONAL[cmd] : undefined;
  return what ? `${cmd}: missing ${what}` : undefined;
}

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.ok;
  const set = (c: number): void => {
    code = c;
  };
  const cli = yargs(argv)
    .scriptName('xenhpc')
    .usage('$0 <command> [options]\n\nDiscrete-event simulator of MPI communication on a Gigabit cluster, native and Xen.')
    .command(
      'run <scenario>',
      'run a scenario: results.csv, summary.csv, compare.csv, figures, manifest.json',
      (y) =>
        runFlags(y)
          .option('shard', { type: 'string', describe: 'run shard i of n (1-based) and write results.shard-i-of-n.csv only', requiresArg: true })
          .example('$0 run scenarios/quickstart.yaml', 'run the quickstart; files in ./out')
          .example('$0 run s.yaml --set cluster.link.rateBps=1e10 --reps 10 --out out-10g', 'a what-if with 10 replications')
          .example('$0 run s.yaml --shard $SLURM_ARRAY_TASK_ID/16 --out out', 'one shard of a Slurm job array (see merge)')
          .example('$0 run s.yaml --resume', 'continue an interrupted run from out/results.partial.csv'),
      async (a) => set(await runCommand(a as unknown as RunFlags, io)),
    )
    .command(
      'validate <scenario>',
      "run a scenario and check the claims it names (claims.set; default the 2006 paper's; exit 1 if one fails)",
      (y) =>
        runFlags(y)
          .example('$0 validate scenarios/paper-2006.yaml', 'each claim PASS/FAIL with its numbers')
          .example('$0 validate scenarios/paper-2006.yaml --reps 10 --jobs 8', 'fewer replications, 8 threads'),
      async (a) => set(await validateCommand(a as unknown as RunFlags, io)),
    )
    .command(
      'trace <scenario>',
      'run one point with a streamed event trace (CSV)',
      (y) =>
        scenarioFlags(y)
          .positional('scenario', { type: 'string', describe: 'scenario file', demandOption: true })
          .option('point', { type: 'string', describe: 'point index in expansion order (default 0, the first)', requiresArg: true })
          .option('layers', { type: 'string', describe: `layers, comma-separated (default all): ${TRACE_LAYERS.join(', ')}`, requiresArg: true })
          .option('nodes', { type: 'string', describe: 'nodes, comma-separated (default all): n0,n1,...', requiresArg: true })
          .option('from', { type: 'string', describe: 'window start (simulated ns)', requiresArg: true })
          .option('to', { type: 'string', describe: 'window end (simulated ns)', requiresArg: true })
          .option('out', { type: 'string', describe: 'trace file', default: 'trace.csv', requiresArg: true })
          .example('$0 trace scenarios/pingpong-trace.yaml --layers wire,tcp --out trace.csv', 'wire and TCP events of the first point')
          .example('$0 trace s.yaml --point 5 --nodes n1 --from 0 --to 1e6', 'point 5, node n1, first simulated millisecond'),
      async (a) => set(await traceCommand(a as unknown as TraceFlags, io)),
    )
    .command(
      'points <scenario>',
      'list the expanded points with their index (for trace --point) and job, then the count; runs nothing',
      (y) =>
        scenarioFlags(y)
          .positional('scenario', { type: 'string', describe: 'scenario file (YAML or JSON)', demandOption: true })
          .example('$0 points scenarios/quickstart.yaml', 'index, job, profile, rep, workload')
          .example('$0 points s.yaml --set replications=1', 'the points after a --set'),
      (a) => set(pointsCommand(a as unknown as PointsFlags, io)),
    )
    .command(
      'plot <results>',
      'draw SVG figures from a results.csv',
      (y) =>
        y
          .positional('results', { type: 'string', describe: 'results.csv (or a shard/partial file)', demandOption: true })
          .option('figures', { type: 'string', describe: `figures, comma-separated (default all with data): ${FIGURE_KINDS.join(', ')}`, requiresArg: true })
          .option('out', { type: 'string', describe: 'directory for the SVG files (default: beside the results)', requiresArg: true })
          .example('$0 plot out/results.csv --figures bandwidth,optime --out figs', 'two figures into figs/'),
      async (a) => set(await plotCommand(a as unknown as PlotFlags, io)),
    )
    .command(
      'merge <files..>',
      'join shard results into what an unsharded run writes',
      (y) =>
        scenarioFlags(y)
          .positional('files', { type: 'string', array: true, describe: 'shard files (results.shard-i-of-n.csv)', demandOption: true })
          .option('scenario', { type: 'string', describe: 'the scenario the shards ran (checks completeness; writes summary, compare, figures)', requiresArg: true })
          .option('out', { type: 'string', describe: 'output directory, or a file name ending in .csv (default: the first file\'s directory)', requiresArg: true })
          .example('$0 merge out/results.shard-*.csv --scenario s.yaml --out out', 'after a Slurm job array')
          .example('$0 merge a.csv b.csv --out all/results.csv', 'results only, ordered by the point column'),
      async (a) => set(await mergeCommand(a as unknown as MergeFlags, io)),
    )
    .command('profiles', 'list built-in kernel profiles or show one', (y) =>
      y
        .command('list', 'built-in profiles with their descriptions', (z) => z.example('$0 profiles list', ''), () => set(profilesListCommand(io)))
        .command(
          'show <name>',
          'every parameter of a profile with unit and meaning',
          (z) =>
            z
              .positional('name', { type: 'string', describe: 'built-in name or a profile file path', demandOption: true })
              .example('$0 profiles show rhel-2.6.12', '')
              .example('$0 profiles show my-kernel.yaml', 'a profile file'),
          (a) => set(profilesShowCommand(String(a.name), io)),
        )
        .demandCommand(1, 'profiles: give list or show <name>'),
    )
    .middleware((a) => {
      // A flag that takes one value, given twice, is ambiguous: refuse it rather than pick one.
      for (const name of SINGLE_VALUED) {
        const v = (a as Record<string, unknown>)[name];
        if (Array.isArray(v)) throw new UsageError(`--${name} given ${v.length} times (${v.map((x) => JSON.stringify(String(x))).join(', ')}); give it once`);
      }
    }, true)
    .demandCommand(1, 'give a command: run, validate, points, trace, plot, merge, profiles')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    .version()
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(`${missingArgument(argv, msg) ?? msg} (see xenhpc --help)`);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    return reportError(e, io.stderr);
  }
  return code;
}


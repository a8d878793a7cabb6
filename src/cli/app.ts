/**
 * The xenhpc command line (yargs), callable in-process: `main(argv, io)` returns the exit code
 * (src/cli/main.ts is the executable). Exit codes: 0 ok, 1 a check failed (validate), 2 bad input
 * (scenario, flag or CSV; one line on stderr, nothing written), 70 internal error, 124 a point
 * past --point-timeout (finished rows kept), 130/143 interrupted by SIGINT/SIGTERM (partial
 * results kept for --resume). docs/cli.md has the details.
 */
import yargs, { type Argv } from 'yargs';
import { FIGURE_FORMATS, FIGURE_KINDS } from '../runner/report-lite.js';
import { toolInfo } from '../runner/manifest.js';
import { levenshtein, nearest } from '../scenario/errors.js';
import { EXIT, UsageError, reportError } from './common.js';
import { runCommand, validateCommand, type Io, type RunFlags } from './run.js';
import { TRACE_LAYERS, traceCommand, type TraceFlags } from './trace.js';
import { plotCommand, type PlotFlags } from './plot.js';
import { mergeCommand, type MergeFlags } from './merge.js';
import { profilesListCommand, profilesShowCommand } from './profiles.js';
import { pointsCommand, type PointsFlags } from './points.js';

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
    .option('precision', { type: 'string', describe: 'stop a point\'s replications once the 95 % CI half-width of each measured figure is within this fraction of its mean, e.g. 1% or 0.01 (at most --reps)', requiresArg: true })
    .option('min-reps', { type: 'string', describe: 'with --precision: replications before the first check (default 5, at least 2)', requiresArg: true })
    .option('figure-format', { type: 'string', describe: `figure file formats, comma-separated (default svg): ${FIGURE_FORMATS.join(', ')}`, requiresArg: true })
    .option('baseline', { type: 'string', describe: 'also draw baseline.<format>: every kernel in % difference from this profile, with the 95% Welch CI', requiresArg: true });

/** Flags that take exactly one value (--set, --layers, --nodes and --figures may repeat). */
const SINGLE_VALUED = ['out', 'jobs', 'shard', 'reps', 'ops', 'point', 'from', 'to', 'scenario', 'point-timeout', 'precision', 'min-reps', 'baseline'];

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

/** `xenhpc --version`: the package version, and the commit when run from a checkout. */
function versionText(): string {
  const t = toolInfo();
  return t.gitCommit ? `${t.version} (git ${t.gitCommit.slice(0, 12)})` : t.version;
}

/**
 * "Unknown arguments: rep, jbos" becomes "unknown option --rep (did you mean --reps?), --jbos (did
 * you mean --jobs?)", the candidates being the options the command knows.
 */
function unknownOptions(msg: string, known: readonly string[]): string | undefined {
  const m = /^Unknown arguments?: (.+)$/.exec(msg);
  if (!m) return undefined;
  const kebab = (n: string): string => n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const reported = m[1]!.split(', ');
  // yargs names --point-timout twice (also as pointTimout): keep the spelling the user typed.
  const names = reported.filter((n) => !(n !== kebab(n) && reported.includes(kebab(n))));
  const options: string[] = [];
  const extra: string[] = [];
  for (const n of names) {
    const typed = currentArgv.find((a) => a === `--${n}` || a.startsWith(`--${n}=`) || a === `-${n}` || a === `--no-${n}`);
    if (typed === undefined) {
      extra.push(JSON.stringify(n)); // a stray positional argument, not an option
      continue;
    }
    const near = known.find((o) => o.startsWith(n)) ?? nearest(n, known);
    const close = near !== undefined && (near.startsWith(n) || levenshtein(n, near) <= Math.max(2, Math.floor(n.length / 3)));
    options.push(`${typed.split('=')[0]}${close ? ` (did you mean --${near}?)` : ''}`);
  }
  const parts: string[] = [];
  if (options.length) parts.push(`unknown option${options.length > 1 ? 's' : ''} ${options.join(', ')}; this command takes ${known.map((o) => `--${o}`).join(', ')}`);
  if (extra.length) parts.push(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.join(', ')}`);
  return parts.join('; ');
}

/**
 * A command's examples, each command line on a line of its own and its meaning indented below, so a
 * narrow terminal never breaks a command line in the middle (yargs' two-column examples did).
 */
function examples(list: ReadonlyArray<readonly [string, string]>): string {
  return ['Examples:', ...list.flatMap(([cmd, what]) => [`  ${cmd.replace('$0', 'xenhpc')}`, ...(what ? [`      ${what}`] : [])])].join('\n');
}

/** Each command's options (yargs does not hand them to .fail), for did-you-mean. */
export const COMMAND_OPTIONS: Record<string, readonly string[]> = {
  run: ['set', 'reps', 'ops', 'out', 'jobs', 'resume', 'point-timeout', 'precision', 'min-reps', 'figure-format', 'baseline', 'shard'],
  validate: ['set', 'reps', 'ops', 'out', 'jobs', 'resume', 'point-timeout', 'precision', 'min-reps', 'figure-format', 'baseline'],
  trace: ['set', 'reps', 'ops', 'point', 'layers', 'nodes', 'from', 'to', 'out'],
  points: ['set', 'reps', 'ops'],
  plot: ['figures', 'out', 'figure-format', 'baseline'],
  merge: ['set', 'reps', 'ops', 'scenario', 'out'],
  profiles: [],
};

function optionsOf(argv: readonly string[]): string[] {
  const cmd = argv.find((a) => !a.startsWith('-'));
  return [...(cmd !== undefined ? (COMMAND_OPTIONS[cmd] ?? []) : []), 'quiet', 'help', 'version'];
}

let currentArgv: readonly string[] = [];

export async function main(argv: string[], io: Io = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let code: number = EXIT.ok;
  currentArgv = argv;
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
          .epilog(
            examples([
              ['$0 run scenarios/quickstart.yaml', 'run the quickstart; files in ./out'],
              ['$0 run s.yaml --set cluster.link.rateBps=1e10 --reps 10 --out out-10g', 'a what-if with 10 replications'],
              ['$0 run s.yaml --shard $SLURM_ARRAY_TASK_ID/16 --out out', 'one shard of a Slurm job array (see merge)'],
              ['$0 run s.yaml --resume', 'continue an interrupted run from out/results.partial.csv'],
              ['$0 run s.yaml --figure-format svg,pdf', 'each figure as SVG and PDF'],
              ['$0 run s.yaml --baseline rhel-2.6.12', 'also baseline.svg: % from 2.6.12'],
            ]),
          ),
      async (a) => set(await runCommand(a as unknown as RunFlags, io)),
    )
    .command(
      'validate <scenario>',
      "run a scenario and check the claims it names (claims.set; default the 2006 paper's; exit 1 if one fails)",
      (y) =>
        runFlags(y)
          .epilog(
            examples([
              ['$0 validate scenarios/paper-2006.yaml', 'each claim PASS/FAIL with its numbers'],
              ['$0 validate scenarios/paper-2006.yaml --reps 10 --jobs 8', 'fewer replications, 8 threads'],
            ]),
          ),
      async (a) => set(await validateCommand(a as unknown as RunFlags, io)),
    )
    .command(
      'trace <scenario>',
      'run one point with a streamed event trace (CSV)',
      (y) =>
        scenarioFlags(y)
          .positional('scenario', { type: 'string', describe: 'scenario file', demandOption: true })
          .option('point', { type: 'string', describe: 'point index in expansion order (default 0, the first)', requiresArg: true })
          .option('layers', { type: 'string', describe: `layers, comma-separated (default: the scenario's outputs.trace.layers, else all): ${TRACE_LAYERS.join(', ')}`, requiresArg: true })
          .option('nodes', { type: 'string', describe: 'nodes, comma-separated (default: outputs.trace.nodes, else all): n0,n1,...', requiresArg: true })
          .option('from', { type: 'string', describe: 'window start (simulated ns)', requiresArg: true })
          .option('to', { type: 'string', describe: 'window end (simulated ns)', requiresArg: true })
          .option('out', { type: 'string', describe: 'trace file', default: 'trace.csv', requiresArg: true })
          .epilog(
            examples([
              ['$0 trace scenarios/pingpong-trace.yaml --layers wire,tcp --out trace.csv', 'wire and TCP events of the first point'],
              ['$0 trace s.yaml --point 5 --nodes n1 --from 0 --to 1e6', 'point 5, node n1, first simulated millisecond'],
            ]),
          ),
      async (a) => set(await traceCommand(a as unknown as TraceFlags, io)),
    )
    .command(
      'points <scenario>',
      'list the expanded points with their index (for trace --point) and job, then the count; runs nothing',
      (y) =>
        scenarioFlags(y)
          .positional('scenario', { type: 'string', describe: 'scenario file (YAML or JSON)', demandOption: true })
          .epilog(
            examples([
              ['$0 points scenarios/quickstart.yaml', 'index, job, profile, rep, workload'],
              ['$0 points s.yaml --set replications=1', 'the points after a --set'],
            ]),
          ),
      (a) => set(pointsCommand(a as unknown as PointsFlags, io)),
    )
    .command(
      'plot <results>',
      'draw figures and report.html from a results.csv',
      (y) =>
        y
          .positional('results', { type: 'string', describe: 'results.csv (or a shard/partial file)', demandOption: true })
          .option('figures', { type: 'string', describe: `figures, comma-separated (default all with data): ${FIGURE_KINDS.join(', ')}`, requiresArg: true })
          .option('out', { type: 'string', describe: 'directory for the figures and report.html (default: beside the results)', requiresArg: true })
          .option('figure-format', { type: 'string', describe: `figure file formats, comma-separated (default svg): ${FIGURE_FORMATS.join(', ')}`, requiresArg: true })
          .option('baseline', { type: 'string', describe: 'also draw baseline.<format>: every kernel in % difference from this profile', requiresArg: true })
          .epilog(
            examples([
              ['$0 plot out/results.csv --figures bandwidth,optime --out figs', 'two figures into figs/'],
              ['$0 plot out/results.csv --figure-format png', 'PNG figures and report.html'],
              ['$0 plot out/results.csv --baseline xen-3.0.1', 'also % difference from xen-3.0.1'],
            ]),
          ),
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
          .epilog(
            examples([
              ['$0 merge out/results.shard-*.csv --scenario s.yaml --out out', 'after a Slurm job array'],
              ['$0 merge a.csv b.csv --out all/results.csv', 'results only, ordered by the point column'],
            ]),
          ),
      async (a) => set(await mergeCommand(a as unknown as MergeFlags, io)),
    )
    .command('profiles', 'list built-in kernel profiles or show one', (y) =>
      y
        .command('list', 'built-in profiles with their descriptions', (z) => z.epilog(examples([['$0 profiles list', '']])), () => set(profilesListCommand(io)))
        .command(
          'show <name>',
          'every parameter of a profile with unit and meaning',
          (z) =>
            z
              .positional('name', { type: 'string', describe: 'built-in name or a profile file path', demandOption: true })
              .epilog(
                examples([
                  ['$0 profiles show rhel-2.6.12', ''],
                  ['$0 profiles show my-kernel.yaml', 'a profile file'],
                ]),
              ),
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
    // Every command takes -q, so a script can pass it to any of them.
    .option('quiet', { type: 'boolean', alias: 'q', global: true, describe: 'no progress or notes on stderr (points: the count line only)' })
    .demandCommand(1, 'give a command: run, validate, points, trace, plot, merge, profiles')
    .strict()
    .recommendCommands()
    .help()
    .alias('h', 'help')
    // xenhpc's own package.json (yargs' default reads the one nearest the working directory).
    .version(versionText())
    .wrap(Math.min(110, process.stdout.columns || 100))
    .fail((msg, err) => {
      if (err) throw err;
      throw new UsageError(`${missingArgument(argv, msg) ?? unknownOptions(msg, optionsOf(argv)) ?? msg} (see xenhpc --help)`);
    });
  try {
    await cli.parseAsync();
  } catch (e) {
    return reportError(e, io.stderr);
  }
  return code;
}


import yargs, { type Argv } from 'yargs';
import { hideBin } from 'yargs/helpers';
import { OptionError } from '../api/options.js';
import { PolicyError } from '../policy/errors.js';
import { baselineCommand, baselineOptions } from './baseline.js';
import { demoCommand, demoOptions } from './demo.js';
import { doctor } from './doctor.js';
import { policyCommands } from './policy.js';
import { type ReportArgs, reportCommand, reportOptions } from './report.js';
import { runCommand, runOptions } from './run.js';
import { launchTui } from './tui-launcher.js';

/** One line, exit 2: what every bad flag, value or policy gets. */
function usageFailure(message: string): never {
  process.stderr.write(`faultnet: ${message.split('\n')[0]}\n`);
  process.exit(2);
}

/** Runs the CLI on `argv` (without node and the script); bin/faultnet.js calls it. */
export async function runCli(argv: string[]): Promise<void> {
  try {
    await main(argv);
  } catch (err) {
    process.stderr.write(`faultnet: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
}

async function main(argv: string[]): Promise<void> {
  const parser: Argv = yargs(argv)
    .scriptName('faultnet')
    .parserConfiguration({ 'populate--': true, 'strip-dashed': false })
    .strict()
    .help()
    .version()
    .wrap(Math.min(110, process.stdout.columns || 110))
    .fail((msg, err) => {
      if (err && !(err instanceof OptionError) && !(err instanceof PolicyError)) throw err;
      usageFailure(msg || err?.message || 'invalid arguments');
    })
    .command(
      'run [words..]',
      'run a program in its own network namespace behind faultnet: faultnet run [flags] -- cmd args...',
      runOptions,
      async (args) => {
        // Exit at once with the program's code: nothing of a closed network may keep faultnet alive.
        process.exit(await runCommand(args as unknown as Parameters<typeof runCommand>[0]));
      },
    )
    .command(
      'demo',
      'see faultnet at work: servers on 127.0.0.1, a client in a network, one phase per sample policy, one table',
      demoOptions,
      async (args) => {
        process.exit(await demoCommand(args));
      },
    )
    .command(
      'baseline [words..]',
      'compare your policies against no policy: faultnet baseline --policy-file F [--policy NAME] [-- cmd args...]',
      baselineOptions,
      async (args) => {
        process.exit(await baselineCommand(args as unknown as Parameters<typeof baselineCommand>[0]));
      },
    )
    .command(
      'doctor',
      'check that this machine can run faultnet; one line per check, exit 0 only when all pass',
      (y) =>
        y.option('fix', {
          type: 'boolean',
          default: false,
          describe: 'first remove what a killed faultnet left behind (stale control sockets)',
        }),
      (args) => {
        process.exitCode = doctor((line) => process.stdout.write(`${line}\n`), args.fix as boolean);
      },
    )
    .command(
      'tui',
      'show the live TUI of a running network: faultnet tui --attach SOCKET',
      (y) =>
        y
          .option('attach', {
            type: 'string',
            demandOption: true,
            describe: 'control socket of the network (faultnet run prints none; see $FAULTNET_CONTROL)',
          })
          .option('log', { type: 'string', describe: "where the program's output goes, shown on screen" })
          .option('title', { type: 'string', describe: 'the title line (default faultnet)' }),
      async (args) => {
        if (!(process.stdout.isTTY && process.stdin.isTTY)) {
          throw new OptionError('tui: needs an interactive terminal (stdin and stdout must be TTYs)');
        }
        // SIGTERM (faultnet run ending its TUI when the program exits) quits as `q` does.
        const ended = new AbortController();
        process.once('SIGTERM', () => ended.abort());
        await launchTui({
          socketPath: args.attach,
          logPath: args.log,
          title: args.title,
          signal: ended.signal,
        });
      },
    )
    .command(
      'policy',
      'list or change the policies of a running network: faultnet policy list|set|clear|register --attach SOCKET',
      policyCommands,
    )
    .command(
      'report',
      'render a run record as one static HTML page: faultnet report --input run.json --output report.html',
      reportOptions,
      (args) => {
        reportCommand(args as unknown as ReportArgs);
      },
    )
    .demandCommand(1, 'name a command: run, tui, policy, demo, baseline, report, doctor (see --help)');
  try {
    await parser.parseAsync();
  } catch (err) {
    if (err instanceof OptionError || err instanceof PolicyError) usageFailure(err.message);
    throw err;
  }
}

export { hideBin };

import type { Argv } from 'yargs';
import { OptionError } from '../api/options.js';
import { writeRecord } from '../baseline/record.js';
import { type Phase, runComparison, type Workload } from '../baseline/session.js';
import { formatTable } from '../baseline/table.js';
import { BASELINE_PHASE } from '../demo/sample-policies.js';
import { type DemoServers, demoTargets, startDemoServers } from '../demo/servers.js';
import { PolicyRegistry } from '../policy/registry.js';
import { parseDuration, parseInteger } from '../policy/values.js';
import { preflight } from './run.js';

export function baselineOptions(y: Argv) {
  return y
    .usage('faultnet baseline --policy-file F [--policy NAME ...] [--count N] [--json F] [-- cmd args...]')
    .positional('words', { type: 'string', array: true, hidden: true })
    .option('policy-file', {
      type: 'string',
      array: true,
      demandOption: true,
      describe: 'JSON or YAML file of policies keyed by name (repeatable)',
    })
    .option('policy', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'compare this policy (repeatable; default: every policy of the files)',
    })
    .option('count', { type: 'string', default: '50', describe: 'operations per phase' })
    .option('timeout', {
      type: 'string',
      default: '30s',
      describe: 'an operation (one run of the command) slower than this is an error',
    })
    .option('json', { type: 'string', describe: 'also write the results to this JSON file' })
    .option('seed', { type: 'string', default: '1', describe: 'seed of every random fault' });
}

interface BaselineArgs {
  _: (string | number)[];
  words?: string[];
  '--'?: string[];
  'policy-file': string[];
  policy: string[];
  count: string;
  timeout: string;
  json?: string;
  seed: string;
}

/** Unmeasured operations before the baseline, so that it does not pay for cold starts. */
const WARMUP_OPS = 5;

/** The policies to compare, in order: the named ones, else every one the files registered. */
function comparedPhases(registry: PolicyRegistry, names: readonly string[]): Phase[] {
  for (const name of names) {
    if (!registry.has(name)) {
      throw new OptionError(
        `--policy: no policy named ${JSON.stringify(name)} (the files have: ${registry.list().join(', ') || 'none'})`,
      );
    }
  }
  const chosen = names.length > 0 ? names : registry.list();
  return [
    BASELINE_PHASE,
    ...chosen.map((name) => ({
      name,
      description: registry.peek(name)!.description,
      policies: [name],
    })),
  ];
}

/**
 * `faultnet baseline`: the demo's comparison for the user's own policies: a baseline phase, then
 * one phase per policy, each `--count` operations; an operation is one run of the user's command
 * (exit 0 is a success) or, without a command, one TCP echo or HTTP request of the built-in client.
 */
export async function baselineCommand(args: BaselineArgs): Promise<number> {
  const extra = [...args._.slice(1), ...(args.words ?? [])];
  if (extra.length > 0) {
    throw new OptionError(
      `baseline: put -- before the command, as in: faultnet baseline ... -- ${extra.join(' ')}`,
    );
  }
  const command = (args['--'] ?? []).map(String);
  const count = parseInteger(args.count, '--count', 1, 1_000_000);
  const timeoutMs = parseDuration(args.timeout, '--timeout');
  if (timeoutMs <= 0) throw new OptionError('--timeout: must be greater than zero');
  const seed = parseInteger(args.seed, '--seed', 0, 0xffffffff);
  preflight();
  const registry = new PolicyRegistry();
  for (const file of args['policy-file']) registry.loadFile(file);
  const phases = comparedPhases(registry, args.policy);
  const servers: DemoServers | undefined = command.length === 0 ? await startDemoServers() : undefined;
  const workload: Workload = {
    mix: servers ? ['tcp', 'http'] : ['exec'],
    workers: 1,
    count,
    opTimeoutMs: timeoutMs,
    targets: servers ? demoTargets(servers) : { command },
  };
  const startedAt = new Date().toISOString();
  const interrupted = new AbortController();
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => interrupted.abort());
  process.stderr.write(
    `faultnet baseline: ${phases.length} phases of ${count} operations (${servers ? 'built-in TCP echo and HTTP client' : command.join(' ')})\n`,
  );
  try {
    const results = await runComparison({
      network: { registry, seed },
      phases,
      workload,
      warmup: { count: Math.min(WARMUP_OPS, count) },
      signal: interrupted.signal,
    });
    process.stdout.write(`${formatTable(results)}\n`);
    if (args.json) writeRecord(args.json, { command: 'baseline', startedAt, workload, phases: results });
  } finally {
    await servers?.close();
  }
  return 0;
}

import type { Argv } from 'yargs';
import type { Network } from '../api/network.js';
import { OptionError } from '../api/options.js';
import type { PhaseResult } from '../baseline/phase-result.js';
import { writeRecord } from '../baseline/record.js';
import { runComparison, type Workload } from '../baseline/session.js';
import { formatTable } from '../baseline/table.js';
import { defaultControlPath } from '../control/path.js';
import { SAMPLE_POLICIES, samplePhases } from '../demo/sample-policies.js';
import { demoTargets, startDemoServers } from '../demo/servers.js';
import { PolicyRegistry } from '../policy/registry.js';
import { parseDuration, parseInteger } from '../policy/values.js';
import { preflight } from './run.js';
import { launchTui } from './tui-launcher.js';

export function demoOptions(y: Argv) {
  return y
    .usage('faultnet demo [--duration 3s] [--workers 4] [--json F] [--tui]')
    .option('duration', { type: 'string', default: '3s', describe: 'how long each phase sends traffic' })
    .option('workers', { type: 'string', default: '4', describe: 'concurrent clients in the network' })
    .option('seed', {
      type: 'string',
      default: '1',
      describe: 'seed of every random fault (same seed, same faults)',
    })
    .option('json', { type: 'string', describe: 'also write the results to this JSON file' })
    .option('tui', { type: 'boolean', default: false, describe: 'show the live TUI while the phases run' });
}

interface DemoArgs {
  duration: string;
  workers: string;
  seed: string;
  json?: string;
  tui: boolean;
}

/** An operation slower than this fails as `timeout`. */
const OP_TIMEOUT_MS = 2000;
const WARMUP_MS = 2000;

/** Progress on stderr, one line per phase, while stdout waits for the table. */
function progress(r: PhaseResult, index: number, total: number): void {
  process.stderr.write(
    `  [${index + 1}/${total}] ${r.name}: ${r.ops} operations, ${(r.errorRate * 100).toFixed(1)}% errors, p50 ${r.p50Ms.toFixed(1)} ms\n`,
  );
}

/**
 * `faultnet demo`: servers on this machine's loopback, one network, a client in it doing TCP echo,
 * HTTP, UDP echo and DNS lookups; first without a policy, then under each sample policy alone.
 */
export async function demoCommand(args: DemoArgs): Promise<number> {
  const durationMs = parseDuration(args.duration, '--duration');
  if (durationMs <= 0) throw new OptionError('--duration: must be greater than zero');
  const workers = parseInteger(args.workers, '--workers', 1, 256);
  const seed = parseInteger(args.seed, '--seed', 0, 0xffffffff);
  if (args.tui && !(process.stdout.isTTY && process.stdin.isTTY)) {
    throw new OptionError('--tui: needs an interactive terminal (stdin and stdout must be TTYs)');
  }
  preflight();
  const registry = new PolicyRegistry();
  const phases = samplePhases(registry, Object.keys(SAMPLE_POLICIES));
  const servers = await startDemoServers();
  const workload: Workload = {
    mix: ['tcp', 'http', 'udp', 'dns'],
    workers,
    durationMs,
    opTimeoutMs: OP_TIMEOUT_MS,
    targets: demoTargets(servers),
  };
  const startedAt = new Date().toISOString();
  const quit = new AbortController();
  for (const s of ['SIGINT', 'SIGTERM'] as const) process.once(s, () => quit.abort());
  /** The TUI runs until the user quits (the demo then stops after its phase) or the phases end. */
  const attachTui = (net: Network) => {
    const finished = new AbortController();
    const tui = launchTui({
      socketPath: net.controlPath!,
      title: 'faultnet demo',
      signal: finished.signal,
    }).finally(() => quit.abort());
    return () => {
      finished.abort();
      return tui;
    };
  };
  if (!args.tui) {
    process.stderr.write(
      `faultnet demo: ${phases.length} phases of ${durationMs / 1000} s, ${workers} clients doing TCP echo, HTTP, UDP echo and DNS against servers on 127.0.0.1\n`,
    );
  }
  let results: PhaseResult[];
  try {
    results = await runComparison({
      network: {
        registry,
        seed,
        dnsUpstream: servers.dnsUpstream,
        ...(args.tui ? { control: defaultControlPath(process.pid) } : {}),
      },
      phases,
      workload,
      warmup: { durationMs: WARMUP_MS },
      signal: quit.signal,
      ...(args.tui ? { onStart: attachTui } : { onPhase: (r, i) => progress(r, i, phases.length) }),
    });
  } finally {
    await servers.close();
  }
  process.stdout.write(`${formatTable(results)}\n`);
  process.stdout.write(
    `(in parentheses: the change against the baseline; latency of successful operations; an operation over ${OP_TIMEOUT_MS / 1000} s is an error; discarded: packets faultnet dropped for a reason no policy gave)\n`,
  );
  if (args.json) writeRecord(args.json, { command: 'demo', startedAt, workload, phases: results });
  return 0;
}

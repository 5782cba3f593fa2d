import { spawn } from 'node:child_process';
import { accessSync, closeSync, constants, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Argv, Options } from 'yargs';
import { Network } from '../api/network.js';
import { OptionError, parseHosts, parseLinger, parseMtu } from '../api/options.js';
import type { PolicySource } from '../api/run-record.js';
import { defaultControlPath } from '../control/path.js';
import { removeStaleControlSockets } from '../control/stale.js';
import { POLICY_FLAGS, policyFromFlags } from '../policy/flags.js';
import { PolicyRegistry } from '../policy/registry.js';
import { parseDuration, parseInteger } from '../policy/values.js';

export function runOptions(y: Argv) {
  return y
    .usage('faultnet run [flags] -- cmd args...')
    .positional('words', { type: 'string', array: true, hidden: true })
    .option('mtu', {
      type: 'string',
      default: '1500',
      describe: 'MTU of tun0 (1280..65520; 65520 for speed)',
    })
    .option('dns-upstream', {
      type: 'string',
      describe:
        'DNS server queries are forwarded to, HOST[:PORT] (default: the host resolv.conf nameservers)',
    })
    .option('host', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'answer NAME with IP locally (repeatable), NAME=IP',
    })
    .option('host-loopback', {
      type: 'boolean',
      default: true,
      describe: '10.0.2.2 and fd00:fa17::2 reach the host loopback (--no-host-loopback to refuse)',
    })
    .option('host-network', {
      type: 'boolean',
      default: true,
      describe: 'addresses other than the gateway reach the real network (--no-host-network seals it)',
    })
    .option('udp-timeout', {
      type: 'string',
      default: '60s',
      describe: 'idle time after which a UDP flow expires',
    })
    .option('linger', {
      type: 'string',
      default: '5s',
      describe:
        'after the program exits, keep carrying what it had sent for up to this long (0..600s; 0 resets at once)',
    })
    .option('max-flows', { type: 'string', describe: 'flows at once (default 65536)' })
    .option('max-held', {
      type: 'string',
      describe: 'bytes the fault pipelines may hold at once (default 256mib)',
    })
    .option('max-host-tcp', {
      type: 'string',
      describe: 'host TCP connections at once (default 70% of the open-file limit)',
    })
    .option('max-host-udp', {
      type: 'string',
      describe: 'host UDP sockets at once (default 10% of the open-file limit, at most 4096)',
    })
    .option('control', {
      type: 'string',
      describe:
        'control socket path (default /run/faultnet/<faultnet pid>.sock; the program sees it as $FAULTNET_CONTROL)',
    })
    .option('run-json', {
      type: 'string',
      describe: 'write the run record (counters, delays, events; docs/RUN_RECORD.md) to this JSON file',
    })
    .option('tui', {
      type: 'boolean',
      default: false,
      describe: "show the live TUI; the program's output goes to a log file named on screen",
    })
    .option('policy-file', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'load policies from a JSON or YAML file keyed by policy name (repeatable)',
    })
    .option('policy', {
      type: 'string',
      array: true,
      default: [] as string[],
      describe: 'activate this policy (repeatable; default: every policy of the files)',
    })
    .options(policyFlagOptions())
    .group([...POLICY_FLAGS.map((f) => f), 'policy-file', 'policy'], 'Faults:');
}

const FLAG_HELP: Record<string, string> = {
  latency: 'added one-way delay, e.g. 50ms',
  jitter: 'delay varies by ± this, e.g. 10ms',
  loss: 'independent packet loss, e.g. 5%',
  'burst-loss': 'once a packet is lost, lose N in a row',
  reorder: 'probability a packet is held back behind later ones',
  duplicate: 'probability a packet is duplicated',
  rate: 'link speed, e.g. 8mbps',
  'dns-delay': 'delay every DNS answer by this',
  'dns-timeout': 'probability a DNS query is swallowed',
  'dns-nxdomain': 'probability a DNS query gets NXDOMAIN',
  'dns-servfail': 'probability a DNS query gets SERVFAIL',
  target: 'only traffic to this, e.g. tcp://10.0.0.0/8:443 (repeatable)',
  seed: 'seed for every random choice (repeatable runs)',
};

function policyFlagOptions(): Record<string, Options> {
  const options: Record<string, Options> = {};
  for (const flag of POLICY_FLAGS) {
    const base = flag.replace(/^(uplink|downlink)-/, '');
    const direction = flag === base ? '' : ` (${flag.slice(0, flag.indexOf('-'))} only)`;
    options[flag] = {
      type: 'string',
      ...(flag === 'target' ? { array: true } : {}),
      describe: `${FLAG_HELP[base] ?? base}${direction}`,
    };
  }
  return options;
}

interface RunArgs {
  _: (string | number)[];
  words?: string[];
  '--'?: string[];
  mtu: string;
  'dns-upstream'?: string;
  host: string[];
  'host-loopback': boolean;
  'host-network': boolean;
  'udp-timeout': string;
  linger: string;
  'max-flows'?: string;
  'max-held'?: string;
  'max-host-tcp'?: string;
  'max-host-udp'?: string;
  'policy-file': string[];
  policy: string[];
  seed?: string;
  control?: string;
  'run-json'?: string;
  tui: boolean;
  [flag: string]: unknown;
}

/** Root and a TUN device, or a one-line error with the fix (exit 2) before anything starts. */
export function preflight(): void {
  if (process.getuid?.() !== 0) {
    throw new OptionError(
      'faultnet needs root to create namespaces and TUN devices; run it with sudo (see faultnet doctor)',
    );
  }
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    throw new OptionError(
      '/dev/net/tun is missing; load the tun module (modprobe tun) or pass the device to the container',
    );
  }
}

/**
 * The TUI over the network's own control socket, until the user quits or the program exits. It
 * runs in a child process (`faultnet tui --attach`), so that drawing frames never shares an event
 * loop with the packets: in-process, a 160x50 TUI turned a 40 ms round trip's p99 into 208 ms.
 */
async function watch(net: Network, logPath: string, title: string): Promise<void> {
  let programExited = false;
  const tui = spawn(
    process.execPath,
    [process.argv[1]!, 'tui', '--attach', net.controlPath!, '--log', logPath, '--title', title],
    // React's production build: the development one validates every element of every frame.
    // The TUI's environment is its own; the program's is not touched.
    { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } },
  );
  // Frames wait for packets, not the other way round: on two cores a TUI at the same priority
  // still showed in ping's p99. A failure (no pid yet, or not permitted) leaves it as it is.
  try {
    if (tui.pid !== undefined) setPriority(tui.pid, TUI_NICENESS);
  } catch {}
  const tuiExited = new Promise<void>((resolve) => tui.once('exit', () => resolve()));
  void net.exited.then(() => {
    programExited = true;
    // The TUI ends cleanly on SIGTERM (restoring the terminal), as if the user quit.
    tui.kill('SIGTERM');
  });
  await tuiExited;
  if (programExited) return;
  // q: the program gets SIGTERM as under `faultnet run`; one that ignores it is killed by close().
  net.signal('SIGTERM');
  await Promise.race([net.exited, new Promise((resolve) => setTimeout(resolve, QUIT_GRACE_MS).unref())]);
}

const QUIT_GRACE_MS = 5000;
/** The TUI process's nice value: below the data plane's, as a monitor should be. */
const TUI_NICENESS = 10;

/**
 * The program's log under --tui: in a fresh 0700 directory, so no name is predictable and
 * nothing another user planted (a symlink to a root-only file) is followed.
 */
function programLogPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'faultnet-')), 'program.log');
}

function last(value: unknown): unknown {
  return Array.isArray(value) ? value[value.length - 1] : value;
}

function optionalInteger(value: unknown, flag: string): number | undefined {
  return value === undefined ? undefined : parseInteger(last(value), flag, 1, 10_000_000);
}

export async function runCommand(args: RunArgs): Promise<number> {
  const extra = [...args._.slice(1), ...(args.words ?? [])];
  if (extra.length > 0) {
    throw new OptionError(`run: put -- before the command, as in: faultnet run -- ${extra.join(' ')}`);
  }
  const command = (args['--'] ?? []).map(String);
  if (command.length === 0)
    throw new OptionError('run: missing the command after --, as in: faultnet run -- curl http://10.0.2.2/');
  const registry = new PolicyRegistry();
  const fromFiles: string[] = [];
  const policySources: Record<string, PolicySource> = {};
  for (const file of args['policy-file']) {
    const before = new Set(registry.list());
    registry.loadFile(file);
    for (const name of registry.list()) if (!before.has(name)) fromFiles.push(name);
    for (const name of registry.list()) if (!before.has(name)) policySources[name] = { source: 'file', file };
  }
  const flagPolicy = policyFromFlags(args as Record<string, unknown>);
  if (flagPolicy) registry.store(flagPolicy);
  if (flagPolicy) policySources[flagPolicy.name] = { source: 'flags' };
  const active = args.policy.length > 0 ? args.policy : fromFiles;
  const options = {
    registry,
    ...(args.seed === undefined ? {} : { seed: parseInteger(last(args.seed), '--seed', 0, 0xffffffff) }),
    udpIdleTimeoutMs: parseDuration(args['udp-timeout'], '--udp-timeout'),
    linger: parseLinger(last(args.linger), '--linger'),
    maxFlows: optionalInteger(args['max-flows'], '--max-flows'),
    maxHeld: last(args['max-held']) as string | undefined,
    maxHostTcp: optionalInteger(args['max-host-tcp'], '--max-host-tcp'),
    maxHostUdp: optionalInteger(args['max-host-udp'], '--max-host-udp'),
    activePolicies: flagPolicy ? [...active, flagPolicy.name] : active,
    mtu: parseMtu(args.mtu, '--mtu'),
    hosts: parseHosts(args.host, '--host'),
    dnsUpstream: args['dns-upstream'],
    hostLoopback: args['host-loopback'],
    hostNetwork: args['host-network'],
    runJson: args['run-json'],
    policySources,
  };
  if (args.tui && !(process.stdout.isTTY && process.stdin.isTTY)) {
    throw new OptionError('--tui: needs an interactive terminal (stdin and stdout must be TTYs)');
  }
  preflight();
  // A faultnet killed with SIGKILL could not remove its socket; its pid is gone now.
  removeStaleControlSockets();
  const logPath = args.tui ? programLogPath() : undefined;
  const log =
    logPath === undefined
      ? undefined
      : openSync(
          logPath,
          constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
          0o600,
        );
  const net = await Network.start(
    {
      ...options,
      control: args.control ?? defaultControlPath(process.pid),
      program: {
        command: command[0]!,
        args: command.slice(1),
        stdio: log === undefined ? ['inherit', 'inherit', 'inherit'] : ['ignore', log, log],
      },
    },
    (field) =>
      field === 'activePolicies' ? '--policy' : `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  );
  let programExited = false;
  void net.exited.then(() => {
    programExited = true;
  });
  // Once the program is gone, a signal means: stop waiting for its data to drain.
  const forward = (signal: NodeJS.Signals) => (programExited ? net.endLinger() : net.signal(signal));
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, forward);
  if (log !== undefined) {
    closeSync(log);
    await watch(net, logPath!, command.join(' '));
  }
  if (log === undefined) await net.exited;
  await net.close();
  // The log is the program's output, kept for reading; an empty one would only accumulate.
  if (logPath !== undefined && statSync(logPath).size === 0)
    rmSync(dirname(logPath), { recursive: true, force: true });
  return (await net.exited).code;
}

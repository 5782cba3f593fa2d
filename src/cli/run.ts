import { accessSync, constants } from 'node:fs';
import type { Argv } from 'yargs';
import { Network } from '../api/network.js';
import { OptionError, parseHosts, parseMtu } from '../api/options.js';

export function runOptions(y: Argv) {
  return y
    .usage('faultnet run [flags] -- cmd args...')
    .positional('words', { type: 'string', array: true, hidden: true })
    .option('mtu', { type: 'string', default: '1500', describe: 'MTU of tun0 (1280..65520; 65520 for speed)' })
    .option('dns-upstream', {
      type: 'string',
      describe: 'DNS server queries are forwarded to, HOST[:PORT] (default: the host resolv.conf nameservers)',
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
    .option('udp-timeout', { type: 'string', default: '60s', describe: 'idle time after which a UDP flow expires' });
}

type RunArgs = Awaited<ReturnType<ReturnType<typeof runOptions>['parseAsync']>> & { '--'?: string[] };

function preflight(): void {
  if (process.getuid?.() !== 0) {
    throw new OptionError('run: faultnet needs root to create namespaces and TUN devices; run it with sudo (see faultnet doctor)');
  }
  try {
    accessSync('/dev/net/tun', constants.R_OK | constants.W_OK);
  } catch {
    throw new OptionError('run: /dev/net/tun is missing; load the tun module (modprobe tun) or pass the device to the container');
  }
}

export async function runCommand(args: RunArgs): Promise<number> {
  const extra = [...args._.slice(1), ...(args.words ?? [])];
  if (extra.length > 0) {
    throw new OptionError(`run: put -- before the command, as in: faultnet run -- ${extra.join(' ')}`);
  }
  const command = (args['--'] ?? []).map(String);
  if (command.length === 0) throw new OptionError('run: missing the command after --, as in: faultnet run -- curl http://10.0.2.2/');
  const options = {
    mtu: parseMtu(args.mtu, '--mtu'),
    hosts: parseHosts(args.host, '--host'),
    dnsUpstream: args['dns-upstream'],
    hostLoopback: args['host-loopback'],
    udpTimeout: args['udp-timeout'],
  };
  preflight();
  const net = await Network.start(
    {
      ...options,
      program: { command: command[0]!, args: command.slice(1), stdio: ['inherit', 'inherit', 'inherit'] },
    },
    (field) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
  );
  const forward = (signal: NodeJS.Signals) => net.signal(signal);
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, forward);
  const status = await net.exited;
  await net.close();
  return status.code;
}

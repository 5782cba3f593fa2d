import type { StdioOptions } from 'node:child_process';
import type { DataPlaneSettings } from '../dataplane/protocol.js';
import type { DnsUpstream } from '../dns/handler.js';
import { parseUpstream, readSystemResolvers } from '../dns/resolvers.js';
import type { PolicyRegistry } from '../policy/registry.js';
import { OptionError, parseHosts, parseIdleTimeout, parseLimits, parseLinger, parseMtu } from './options.js';
import type { PolicySource } from './run-record.js';
import type { PolicyInput, PolicyRef } from './scope.js';

export interface ProgramSpec {
  command: string;
  args: readonly string[];
  stdio?: StdioOptions;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface NetworkOptions {
  /** MTU of tun0, 1280..65520 (default 1500). */
  mtu?: number | string;
  /** DNS server to forward to, `HOST[:PORT]` (default: the host's resolv.conf nameservers). */
  dnsUpstream?: string;
  /** Names answered locally: `{ name: ip | ip[] }` or a parsed table. */
  hosts?: Record<string, string | readonly string[]> | Map<string, string[]>;
  /** 10.0.2.2 and fd00:fa17::2 reach the host's loopback (default true). */
  hostLoopback?: boolean;
  /** Addresses other than the gateway reach the real network (default true; false seals the namespace). */
  hostNetwork?: boolean;
  /** Idle time after which a UDP or ICMP flow is forgotten: a duration like "30s", or ms (default 60s). */
  udpIdleTimeout?: string | number;
  /** The same in ms (what `faultnet run --udp-timeout` passes). */
  udpIdleTimeoutMs?: number;
  /**
   * Policies active from the start: inline policy objects keyed by name, or a list of registered
   * names (`registerPolicy`) and inline objects (named `inline-<index>`).
   */
  policies?: Record<string, PolicyInput> | readonly PolicyRef[];
  /** Write the run record (docs/RUN_RECORD.md) to this file at close(). */
  runJson?: string;
  /** Where the registry's policies came from, for the run record (default: `registry`). */
  policySources?: Record<string, PolicySource>;
  /** The program the namespace runs; without one the namespace holds until close(). */
  program?: ProgramSpec;
  /** Policies this network knows (default: a new registry of its own). */
  registry?: PolicyRegistry;
  /** Names of policies of `registry` active from the start, after `policies`, in activation order. */
  activePolicies?: readonly string[];
  /** Seed for active policies without one of their own (default: random, reported in stats). */
  seed?: number;
  /** Serve the control socket (stats, live policy changes) at this path (mode 0600). */
  control?: string;
  /**
   * How long close() keeps carrying what the program had already sent (its sockets' queued data,
   * delayed packets) before it resets what is left: a duration like "5s" or ms, 0..600s (default 5s).
   */
  linger?: string | number;
  /** Flows at once (default 65536); packets that would open more are counted as `flowLimit`. */
  maxFlows?: number;
  /** Bytes the fault pipelines may hold at once, `"256mib"` or bytes (default 256 MiB); more are counted as `heldLimit`. */
  maxHeld?: string | number;
  /** Host TCP connections at once (default 70% of the open-file limit); a SYN past it is reset, counted as `connectLimit`. */
  maxHostTcp?: number;
  /** Host UDP sockets at once (default 10% of the open-file limit, at most 4096); counted as `udpSocketLimit`. */
  maxHostUdp?: number;
}

export interface ResolvedOptions extends DataPlaneSettings {
  lingerMs: number;
}

export function resolveOptions(opts: NetworkOptions, flag: (name: string) => string): ResolvedOptions {
  const hosts =
    opts.hosts instanceof Map
      ? opts.hosts
      : parseHosts(
          Object.entries(opts.hosts ?? {}).flatMap(([name, ips]) =>
            (typeof ips === 'string' ? [ips] : ips).map((ip) => `${name}=${ip}`),
          ),
          flag('hosts'),
        );
  let upstreams: DnsUpstream[];
  if (opts.dnsUpstream !== undefined) {
    try {
      upstreams = [parseUpstream(opts.dnsUpstream)];
    } catch (err) {
      throw new OptionError((err as Error).message.replace(/^--dns-upstream/, flag('dnsUpstream')));
    }
  } else {
    upstreams = readSystemResolvers();
  }
  const udpIdleTimeoutMs = parseIdleTimeout(opts, flag);
  return {
    mtu: parseMtu(opts.mtu ?? 1500, flag('mtu')),
    upstreams,
    hosts,
    hostLoopback: opts.hostLoopback ?? true,
    hostNetwork: opts.hostNetwork ?? true,
    udpIdleTimeoutMs,
    lingerMs: parseLinger(opts.linger, flag('linger')),
    limits: parseLimits(opts as Record<string, unknown>, flag),
  };
}

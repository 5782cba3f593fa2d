import type { StdioOptions } from 'node:child_process';
import { Namespace } from '../../netns/namespace.js';
import type { TcpConfig } from '../../stack/tcp/config.js';
import { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import type { ControlTarget } from '../control/operations.js';
import { ControlServer } from '../control/server.js';
import { type DnsFaultKind, DnsHandler, type DnsUpstream } from '../dns/handler.js';
import { parseUpstream, readSystemResolvers } from '../dns/resolvers.js';
import { TcpEgress } from '../egress/tcp.js';
import { UdpEgress } from '../egress/udp.js';
import { FaultCounters } from '../metrics/counters.js';
import type { StatsSnapshot } from '../metrics/snapshot.js';
import { PolicyRegistry } from '../policy/registry.js';
import { compileRuleSet, type RuleSet } from '../policy/resolve.js';
import type { Policy } from '../policy/types.js';
import { DnsFaultSource } from '../router/dns-faults.js';
import { Router } from '../router/router.js';
import { ADDRESSES, OptionError, parseHosts, parseMtu } from './options.js';

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
  /** Idle time after which a UDP or ICMP flow is forgotten, in ms (default 60000). */
  udpIdleTimeoutMs?: number;
  /** The program the namespace runs; without one the namespace holds until close(). */
  program?: ProgramSpec;
  /** Policies this network knows (default: a new registry of its own). */
  registry?: PolicyRegistry;
  /** Names of registered policies active from the start, in activation order. */
  activePolicies?: readonly string[];
  /** Seed for active policies without one of their own (default: random, reported in stats). */
  seed?: number;
  /** Serve the control socket (stats, live policy changes) at this path (mode 0600). */
  control?: string;
}

interface ResolvedOptions {
  mtu: number;
  upstreams: DnsUpstream[];
  hosts: Map<string, string[]>;
  hostLoopback: boolean;
  udpIdleTimeoutMs: number;
}

function resolveOptions(opts: NetworkOptions, flag: (name: string) => string): ResolvedOptions {
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
  const udpIdleTimeoutMs = opts.udpIdleTimeoutMs ?? 60_000;
  if (!(udpIdleTimeoutMs > 0))
    throw new OptionError(`${flag('udpIdleTimeoutMs')}: must be greater than zero`);
  return {
    mtu: parseMtu(opts.mtu ?? 1500, flag('mtu')),
    upstreams,
    hosts,
    hostLoopback: opts.hostLoopback ?? true,
    udpIdleTimeoutMs,
  };
}

const TOP_FLOWS = 10;
const TCP_CONNECT_TIMEOUT_MS = 20_000;

function tcpConfigFor(o: ResolvedOptions): Partial<TcpConfig> {
  return { mtu: o.mtu };
}

/** Compiles registered policies by name; throws OptionError naming `field` for an unknown one. */
function compileActive(
  registry: PolicyRegistry,
  names: readonly string[],
  seed: number | undefined,
  field: string,
): { names: string[]; ruleSet: RuleSet } {
  const policies: Policy[] = [];
  for (const name of names) {
    const policy = registry.peek(name);
    if (!policy)
      throw new OptionError(
        `${field}: no policy named ${JSON.stringify(name)} (registered: ${registry.list().join(', ') || 'none'})`,
      );
    policies.push(policy);
  }
  const ruleSet = compileRuleSet(policies, seed === undefined ? {} : { fallbackSeed: seed });
  return { names: [...ruleSet.policyNames], ruleSet };
}

function countDnsFault(counters: FaultCounters, ruleSet: RuleSet, kind: DnsFaultKind, ruleId: number): void {
  const key = kind === 'delay' ? 'delayed' : kind;
  counters.dns[key]++;
  const rule = ruleSet.rules[ruleId];
  if (rule) counters.forRule(rule).dns[key]++;
}

const HOLD_PROGRAM: ProgramSpec = { command: 'sleep', args: ['infinity'], stdio: 'ignore' };

/**
 * One faultnet network: a namespace whose tun0 is served by the router, DNS handler and egress.
 * Everything it owns goes away in close(), which is idempotent.
 */
export class Network implements ControlTarget {
  private closing: Promise<void> | undefined;
  private readonly timers: NodeJS.Timeout[] = [];
  private wake: NodeJS.Timeout | undefined;
  private wakeAt = Number.POSITIVE_INFINITY;

  private active: string[] = [];
  private control: ControlServer | undefined;
  private readonly startedAt = performance.now();

  private constructor(
    readonly namespace: Namespace,
    readonly router: Router,
    private readonly dns: DnsHandler,
    private readonly udp: UdpEgress,
    private readonly tcpEgress: TcpEgress,
    private readonly counters: FaultCounters,
    readonly registry: PolicyRegistry,
    private readonly fallbackSeed: number | undefined,
  ) {}

  /** Resolves when the program (or holder) exits: its code, or 128+N for signal N. */
  get exited(): Promise<{ code: number }> {
    return this.namespace.exited;
  }

  /** The control socket's path, when it serves one. */
  get controlPath(): string | undefined {
    return this.control?.path;
  }

  get pid(): number {
    return this.namespace.pid;
  }

  static async start(opts: NetworkOptions = {}, flag: (name: string) => string = (n) => n): Promise<Network> {
    const o = resolveOptions(opts, flag);
    const registry = opts.registry ?? new PolicyRegistry();
    const initial = compileActive(registry, opts.activePolicies ?? [], opts.seed, flag('activePolicies'));
    const program = opts.program ?? HOLD_PROGRAM;
    const env = opts.control
      ? { ...(program.env ?? process.env), FAULTNET_CONTROL: opts.control }
      : program.env;
    const namespace = await Namespace.launch({
      command: program.command,
      args: program.args,
      stdio: program.stdio,
      env,
      cwd: program.cwd,
      link: { ...ADDRESSES, mtu: o.mtu, resolvConf: `nameserver ${ADDRESSES.dns4}\n` },
    });
    let router: Router | undefined;
    const udp = new UdpEgress(
      {
        hostLoopback: o.hostLoopback,
        gateway4: ADDRESSES.gateway4,
        gateway6: ADDRESSES.gateway6,
        idleTimeoutMs: o.udpIdleTimeoutMs,
      },
      (endpoint, from, port, payload) => {
        router?.udpFromHost(endpoint, from, port, payload);
        net.schedule();
      },
    );
    const counters = new FaultCounters();
    const dnsFaults = new DnsFaultSource(() => router!.engine.currentRuleSet);
    const dns = new DnsHandler({
      upstreams: o.upstreams,
      hosts: o.hosts,
      faultsFor: (qname) => dnsFaults.faultsFor(qname),
      onQuery: () => {
        counters.dns.queries++;
      },
      onFault: (kind, ruleId) => countDnsFault(counters, router!.engine.currentRuleSet, kind, ruleId),
    });
    dns.onLearn = (address) => router?.learned(address);
    const tcp = new TcpEndpoint(tcpConfigFor(o), (packet, len) => router!.tcpOutput(packet, len));
    router = new Router(
      namespace.tun,
      o.mtu,
      ADDRESSES,
      udp,
      {
        handle: (query, reply) =>
          dns.handle(query, (response) => {
            reply(response);
            net.schedule();
          }),
        hostnamesFor: (address) => dns.hostnamesFor(address),
      },
      counters,
      tcp,
    );
    const tcpEgress = new TcpEgress(
      tcp,
      {
        hostLoopback: o.hostLoopback,
        gateway4: ADDRESSES.gateway4,
        gateway6: ADDRESSES.gateway6,
        connectTimeoutMs: TCP_CONNECT_TIMEOUT_MS,
      },
      dns,
      (conn) =>
        router!.connectionClosed(
          conn.family,
          conn.remoteAddress,
          conn.remotePort,
          conn.localAddress,
          conn.localPort,
        ),
    );
    tcp.onUnreachable = (_conn, syn) => router!.unreachable(syn);
    let flushQueued = false;
    tcp.onFlushNeeded = () => {
      if (flushQueued) return;
      flushQueued = true;
      setImmediate(() => {
        flushQueued = false;
        tcp.flush(performance.now());
        net.schedule();
      });
    };
    router.engine.setRuleSet(initial.ruleSet);
    const net = new Network(namespace, router, dns, udp, tcpEgress, counters, registry, opts.seed);
    net.active = initial.names;
    namespace.tun.start(
      (slab, meta, count) => {
        router.handleBatch(slab, meta, count, performance.now());
        net.schedule();
      },
      () => {},
    );
    const sweep = setInterval(
      () => {
        const now = performance.now();
        udp.expire(now);
        router.expire(now, o.udpIdleTimeoutMs);
      },
      Math.min(1000, o.udpIdleTimeoutMs),
    );
    sweep.unref();
    net.timers.push(sweep);
    if (opts.control) {
      try {
        net.control = await ControlServer.listen(opts.control, net);
      } catch (err) {
        await net.close();
        throw new OptionError(
          `${flag('control')}: cannot serve the control socket: ${(err as Error).message}`,
        );
      }
    }
    namespace.go();
    return net;
  }

  /** Arms the one timer for the pipeline's next deadline. */
  schedule(): void {
    const at = this.router.nextDeadline();
    if (at >= this.wakeAt || at === Number.POSITIVE_INFINITY) return;
    if (this.wake) clearTimeout(this.wake);
    this.wakeAt = at;
    this.wake = setTimeout(
      () => {
        this.wake = undefined;
        this.wakeAt = Number.POSITIVE_INFINITY;
        this.router.poll(performance.now());
        this.schedule();
      },
      Math.max(0, at - performance.now()),
    );
  }

  /** Names of the active policies, in activation order. */
  activePolicies(): string[] {
    return [...this.active];
  }

  /** Makes exactly these registered policies active, atomically; an unknown name changes nothing. */
  setActivePolicies(names: readonly string[]): void {
    const next = compileActive(
      this.registry,
      names,
      this.fallbackSeed ?? this.router.engine.currentRuleSet.fallbackSeed,
      'policies',
    );
    this.router.engine.setRuleSet(next.ruleSet);
    this.active = next.names;
  }

  setPaused(paused: boolean): void {
    this.router.engine.setPaused(paused);
  }

  resetCounters(): void {
    this.counters.reset();
    for (const flow of this.router.flows.all()) {
      flow.packetsUp = flow.bytesUp = flow.packetsDown = flow.bytesDown = 0;
    }
    this.router.counters.malformed = 0;
  }

  stats(): StatsSnapshot {
    const engine = this.router.engine;
    const flows = [...this.router.flows.all()];
    const top = flows
      .filter((f) => f.bytesUp + f.bytesDown > 0)
      .sort((a, b) => b.bytesUp + b.bytesDown - (a.bytesUp + a.bytesDown))
      .slice(0, TOP_FLOWS);
    return this.counters.snapshot({
      uptimeMs: performance.now() - this.startedAt,
      paused: engine.isPaused,
      policies: this.activePolicies(),
      seed: this.active.length > 0 ? engine.currentRuleSet.fallbackSeed : null,
      flows: {
        tcp: flows.filter((f) => f.protocol === 'tcp').length,
        udp: flows.filter((f) => f.protocol === 'udp').length,
      },
      topFlows: top.map((f) => ({
        proto: f.protocol,
        src: f.localAddress,
        dst: f.remoteAddress,
        srcPort: f.localPort,
        dstPort: f.remotePort,
        ...(f.hostnames[0] ? { hostname: f.hostnames[0] } : {}),
        ...(engine.flowRule(f.id) ? { rule: engine.flowRule(f.id)!.key } : {}),
        bytesUp: f.bytesUp,
        bytesDown: f.bytesDown,
      })),
      dropsMalformed: this.router.counters.malformed,
    });
  }

  /** Forwards a signal to the program. */
  signal(signal: NodeJS.Signals): void {
    this.namespace.signal(signal);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const t of this.timers) clearInterval(t);
      if (this.wake) clearTimeout(this.wake);
      await this.control?.close();
      await this.namespace.kill();
      this.dns.close();
      this.udp.close();
      this.tcpEgress.close();
    })();
    return this.closing;
  }
}

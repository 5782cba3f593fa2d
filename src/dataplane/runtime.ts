import { LinkStats } from '../../netns/link-stats.js';
import { setThreadRealtime } from '../../netns/thread-priority.js';
import { Tun } from '../../netns/tun.js';
import { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import { type DnsFaultKind, DnsHandler } from '../dns/handler.js';
import { HostAccess } from '../egress/host-access.js';
import { TcpEgress } from '../egress/tcp.js';
import { UdpEgress } from '../egress/udp.js';
import { FaultCounters } from '../metrics/counters.js';
import type { StatsSnapshot } from '../metrics/snapshot.js';
import { tcpPeerStats } from '../metrics/tcp-peer.js';
import { compileRuleSet, type RuleSet } from '../policy/resolve.js';
import type { Policy } from '../policy/types.js';
import { DnsFaultSource } from '../router/dns-faults.js';
import { Router } from '../router/router.js';
import { ADDRESSES } from './addresses.js';
import { Driver } from './driver.js';
import { adaptPriority } from './priority.js';
import type { DataPlaneConfig, FinishResult, Report, StatsView } from './protocol.js';

const TOP_FLOWS = 10;
/** How often a drain looks whether it is done. */
const DRAIN_CHECK_MS = 5;
/** A command waits for a release due within this long (betweenPackets). */
const COMMAND_GUARD_MS = 3;
const TCP_CONNECT_TIMEOUT_MS = 20_000;

function countDnsFault(counters: FaultCounters, ruleSet: RuleSet, kind: DnsFaultKind, ruleId: number): void {
  const key = kind === 'delay' ? 'delayed' : kind;
  counters.dns[key]++;
  const rule = ruleSet.rules[ruleId];
  if (rule) counters.forRule(rule).dns[key]++;
}

function flowTarget(conn: { family: 4 | 6; localAddress: string; localPort: number }): string {
  return conn.family === 4
    ? `tcp://${conn.localAddress}:${conn.localPort}`
    : `tcp://[${conn.localAddress}]:${conn.localPort}`;
}

/**
 * The data plane of one network, assembled: tun0's reader and writer, the router and its fault
 * engine, our TCP, DNS and the host sockets, driven by one clock. Everything a packet meets lives
 * here and runs on this thread's loop; the outside only sends it the commands of protocol.ts.
 */
export class DataPlane {
  private readonly tun: Tun;
  private readonly linkStats: LinkStats;
  private readonly counters = new FaultCounters();
  private readonly router: Router;
  private readonly dns: DnsHandler;
  private readonly udp: UdpEgress;
  private readonly tcpEgress: TcpEgress;
  private readonly driver: Driver;
  private readonly sweep: NodeJS.Timeout;
  /** tun0's kernel drop counters at the last reading: the difference is counted as discards. */
  private linkDrops = { txDropped: 0, rxDropped: 0 };
  private lingerCut = false;
  private finished: Omit<FinishResult, 'eventsDropped'> | undefined;

  constructor(config: DataPlaneConfig, report: (r: Report) => void) {
    const counters = this.counters;
    this.tun = new Tun(config.tunFd, config.mtu);
    adaptPriority([setThreadRealtime, (priority) => this.tun.setWriterRealtime(priority)]);
    this.linkStats = LinkStats.open(config.namespacePid, ADDRESSES.ifname);
    const access = new HostAccess({
      ...ADDRESSES,
      hostLoopback: config.hostLoopback,
      hostNetwork: config.hostNetwork,
    });
    // The parts refer to each other (replies go back through the router, the router's rule set
    // decides DNS faults); `router` is assigned before the first packet is read.
    let router: Router;
    this.udp = new UdpEgress(
      {
        access,
        hostLoopback: config.hostLoopback,
        gateway4: ADDRESSES.gateway4,
        gateway6: ADDRESSES.gateway6,
        idleTimeoutMs: config.udpIdleTimeoutMs,
        maxUdp: config.limits.sockets.maxUdp,
      },
      (endpoint, from, port, payload) => {
        router.udpFromHost(endpoint, from, port, payload);
        this.driver.schedule();
      },
    );
    const dnsFaults = new DnsFaultSource(() => router.engine.currentRuleSet);
    this.dns = new DnsHandler({
      upstreams: config.upstreams,
      hosts: config.hosts,
      faultsFor: (qname) => dnsFaults.faultsFor(qname),
      onQuery: () => {
        counters.dns.queries++;
      },
      onFault: (kind, ruleId) => countDnsFault(counters, router.engine.currentRuleSet, kind, ruleId),
    });
    this.dns.onLearn = (address) => router.learned(address);
    const tcp = new TcpEndpoint({ mtu: config.mtu, tailLossProbe: true }, (packet, len, conn) =>
      router.tcpOutput(packet, len, conn),
    );
    router = new Router(
      this.tun,
      config.mtu,
      ADDRESSES,
      this.udp,
      {
        handle: (query, reply, transport, context) =>
          this.dns.handle(
            query,
            (response) => {
              reply(response);
              this.driver.schedule();
            },
            transport,
            context,
          ),
        hostnamesFor: (address) => this.dns.hostnamesFor(address),
      },
      counters,
      tcp,
      { maxFlows: config.limits.maxFlows, maxHeldBytes: config.limits.maxHeldBytes },
    );
    this.router = router;
    this.driver = new Driver(router, tcp);
    this.tcpEgress = new TcpEgress(
      tcp,
      {
        access,
        connectTimeoutMs: TCP_CONNECT_TIMEOUT_MS,
        maxTcp: config.limits.sockets.maxTcp,
        maxConnecting: config.limits.sockets.maxConnecting,
        onLimit: () => counters.discards.add('connectLimit'),
      },
      this.dns,
      (conn) => router.connectionClosed(conn),
      (conn) => {
        const target = flowTarget(conn);
        report({ type: 'event', kind: 'flow-refused', message: `${target} refused`, target });
      },
    );
    tcp.onUnreachable = (conn, syn) => {
      const target = flowTarget(conn);
      report({ type: 'event', kind: 'flow-unreachable', message: `${target} unreachable`, target });
      router.unreachable(syn);
    };
    this.setPolicies(config.policies, config.fallbackSeed);
    this.tun.start(
      (slab, meta, count) => {
        router.handleBatch(slab, meta, count, performance.now());
        this.driver.schedule();
      },
      (message) => report({ type: 'event', kind: 'error', message: `tun0: ${message}` }),
    );
    this.sweep = setInterval(
      () => {
        const now = performance.now();
        this.udp.expire(now);
        router.expire(now, config.udpIdleTimeoutMs);
        this.readLinkDrops();
      },
      Math.min(1000, config.udpIdleTimeoutMs),
    );
  }

  /**
   * Runs a command now, or after the release due in the next COMMAND_GUARD_MS: a cold snapshot
   * takes 0.3-3 ms (tun0's counters from procfs, the summaries), and the TUI asks four times a
   * second; answering on a packet's time made it that much late (ping p99 under the TUI).
   */
  betweenPackets(fn: () => void): void {
    this.driver.betweenReleases(fn, COMMAND_GUARD_MS);
  }

  /** Switches the rule set at a packet boundary (the main thread compiled and checked it first). */
  setPolicies(policies: readonly Policy[], fallbackSeed: number): void {
    this.router.engine.setRuleSet(compileRuleSet(policies, { fallbackSeed }));
  }

  setPaused(paused: boolean): void {
    this.router.engine.setPaused(paused);
  }

  resetCounters(): void {
    this.counters.reset();
    this.router.tcp.resetCounters();
    for (const flow of this.router.flows.all()) {
      flow.packetsUp = flow.bytesUp = flow.packetsDown = flow.bytesDown = 0;
    }
  }

  /** Counts what tun0's kernel queues dropped since the last reading. */
  private readLinkDrops(): void {
    const now = this.linkStats.read();
    if (now === null) return;
    this.counters.discards.add('tunQueue', now.txDropped - this.linkDrops.txDropped);
    this.counters.discards.add('tunWrite', now.rxDropped - this.linkDrops.rxDropped);
    this.linkDrops = now;
  }

  stats(view: StatsView): StatsSnapshot {
    this.readLinkDrops();
    const engine = this.router.engine;
    const flows = [...this.router.flows.all()];
    const top = flows
      .filter((f) => f.bytesUp + f.bytesDown > 0)
      .sort((a, b) => b.bytesUp + b.bytesDown - (a.bytesUp + a.bytesDown))
      .slice(0, TOP_FLOWS);
    return this.counters.snapshot({
      uptimeMs: view.uptimeMs,
      paused: engine.isPaused,
      policies: view.policies,
      seed: engine.currentRuleSet.rules.length > 0 ? engine.currentRuleSet.fallbackSeed : null,
      flows: {
        tcp: flows.filter((f) => f.protocol === 'tcp').length,
        udp: flows.filter((f) => f.protocol === 'udp').length,
      },
      tcp: tcpPeerStats(this.router.tcp),
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
    });
  }

  /**
   * Carries on until nothing the program sent is still on its way (held by the pipelines, being
   * uploaded to a host socket, a UDP send, or a segment of ours awaiting the namespace's ACK),
   * `withinMs` passes or endLinger() is called, then finishes at once: a host's FIN arriving
   * after the check must not become a packet held at close. True if it all went.
   */
  async drain(withinMs: number): Promise<boolean> {
    const deadline = performance.now() + withinMs;
    const done = () =>
      this.router.engine.heldCount === 0 &&
      this.tcpEgress.unfinished === 0 &&
      this.udp.inFlight === 0 &&
      this.router.tcp.unacknowledged === 0;
    let drained = true;
    while (!done()) {
      if (this.lingerCut || performance.now() >= deadline) {
        drained = false;
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, DRAIN_CHECK_MS));
    }
    this.finish();
    return drained;
  }

  endLinger(): void {
    this.lingerCut = true;
  }

  /**
   * Stops tun0's reader and writer (the main thread closes the descriptor) and the host uploads.
   * The first call's result stands: drain() has usually finished already.
   */
  finish(): Omit<FinishResult, 'eventsDropped'> {
    if (this.finished) return this.finished;
    this.driver.stop();
    clearInterval(this.sweep);
    // tun0 goes with its descriptor: its counters first.
    this.readLinkDrops();
    this.tun.stop();
    this.linkStats.close();
    const held = this.router.engine.heldCount;
    if (held > 0) this.counters.discards.add('closeHeld', held);
    this.finished = { held, reset: this.tcpEgress.close() };
    return this.finished;
  }

  /** Closes the DNS and UDP sockets: after it the thread's loop has nothing left. */
  shutdown(): void {
    this.dns.close();
    this.udp.close();
  }
}

import type { CompiledRule } from '../policy/resolve.js';
import { formatTarget } from '../policy/targets.js';
import type { DirectionFaults } from '../policy/types.js';
import { DiscardCounters } from './discards.js';
import { DelayHistogram } from './histogram.js';
import type {
  DelaySummary,
  DirectionStats,
  DnsStats,
  RouterStats,
  RuleDirectionStats,
  RuleStats,
  StatsSnapshot,
} from './snapshot.js';

/** Why the fault pipeline dropped a packet. */
export type DropCause = 'loss' | 'burst' | 'gilbert' | 'queue_full';

/** Counters of one direction (of everything, or of one rule): plain fields, bumped in place. */
export class DirectionCounters {
  packetsIn = 0;
  bytesIn = 0;
  packetsOut = 0;
  bytesOut = 0;
  dropLoss = 0;
  dropBurst = 0;
  dropGilbert = 0;
  dropQueueFull = 0;
  delayed = 0;
  reordered = 0;
  duplicated = 0;
  readonly addedDelay = new DelayHistogram();
  /** How much later than scheduled held packets were released (timer and event-loop delay). */
  readonly lateness = new DelayHistogram();

  drop(cause: DropCause): void {
    if (cause === 'loss') this.dropLoss++;
    else if (cause === 'burst') this.dropBurst++;
    else if (cause === 'gilbert') this.dropGilbert++;
    else this.dropQueueFull++;
  }

  reset(): void {
    this.packetsIn = this.bytesIn = this.packetsOut = this.bytesOut = 0;
    this.dropLoss = this.dropBurst = this.dropGilbert = this.dropQueueFull = 0;
    this.delayed = this.reordered = this.duplicated = 0;
    this.addedDelay.reset();
    this.lateness.reset();
  }

  get drops(): number {
    return this.dropLoss + this.dropBurst + this.dropGilbert + this.dropQueueFull;
  }

  snapshot(): DirectionStats {
    return {
      packetsIn: this.packetsIn,
      bytesIn: this.bytesIn,
      packetsOut: this.packetsOut,
      bytesOut: this.bytesOut,
      drops: {
        loss: this.dropLoss,
        burst: this.dropBurst,
        gilbert: this.dropGilbert,
        queueFull: this.dropQueueFull,
      },
      delayed: this.delayed,
      reordered: this.reordered,
      duplicated: this.duplicated,
      addedDelay: summarise(this.addedDelay),
      lateness: summarise(this.lateness),
    };
  }
}

function summarise(h: DelayHistogram): DelaySummary {
  return {
    count: h.count,
    meanMs: h.count === 0 ? 0 : h.sumMs / h.count,
    p50Ms: h.quantile(0.5),
    p95Ms: h.quantile(0.95),
    p99Ms: h.quantile(0.99),
    maxMs: h.maxMs,
  };
}

export class DnsCounters {
  queries = 0;
  delayed = 0;
  timeout = 0;
  nxdomain = 0;
  servfail = 0;

  reset(): void {
    this.queries = this.delayed = this.timeout = this.nxdomain = this.servfail = 0;
  }

  snapshot(): DnsStats {
    const { queries, delayed, timeout, nxdomain, servfail } = this;
    return { queries, delayed, timeout, nxdomain, servfail };
  }
}

/** Counters of one rule; they survive rule-set switches that keep the rule's key. */
export class RuleCounters {
  readonly uplink = new DirectionCounters();
  readonly downlink = new DirectionCounters();
  readonly dns = new DnsCounters();
  active = true;

  constructor(public rule: CompiledRule) {}

  snapshot(): RuleStats {
    const rule = this.rule;
    const direction = (counters: DirectionCounters, faults: DirectionFaults): RuleDirectionStats => ({
      ...counters.snapshot(),
      configured: {
        latencyMs: faults.latencyMs,
        jitterMs: faults.jitterMs,
        distribution: faults.distribution,
      },
    });
    return {
      key: rule.key,
      policy: rule.policy.name,
      ruleIndex: rule.ruleIndex,
      target: rule.target === null ? null : formatTarget(rule.target),
      active: this.active,
      uplink: direction(this.uplink, rule.uplink),
      downlink: direction(this.downlink, rule.downlink),
      dns: this.dns.snapshot(),
    };
  }
}

function noRouterStats(): RouterStats {
  return {
    uptimeMs: 0,
    paused: false,
    policies: [],
    seed: null,
    flows: { tcp: 0, udp: 0 },
    topFlows: [],
    tcp: {
      connections: 0,
      retransmittedSegments: 0,
      rtos: 0,
      spuriousRtos: 0,
      tailLossProbes: 0,
      fastRecoveries: 0,
      dsacksReceived: 0,
      stalledMs: 0,
    },
  };
}

/** All fault and DNS counters of one network. */
export class FaultCounters {
  /** Packets discarded for any reason other than a policy, by cause. */
  readonly discards = new DiscardCounters();
  readonly uplink = new DirectionCounters();
  readonly downlink = new DirectionCounters();
  readonly dns = new DnsCounters();
  private readonly rules = new Map<string, RuleCounters>();

  /** The counters of a rule (created on first use); look it up once per rule set, not per packet. */
  forRule(rule: CompiledRule): RuleCounters {
    let counters = this.rules.get(rule.key);
    if (counters === undefined) {
      counters = new RuleCounters(rule);
      this.rules.set(rule.key, counters);
    }
    counters.rule = rule;
    counters.active = true;
    return counters;
  }

  /** Zeroes every counter; rules stay known. */
  reset(): void {
    for (const c of [this.uplink, this.downlink, this.dns, this.discards]) c.reset();
    for (const r of this.rules.values()) for (const c of [r.uplink, r.downlink, r.dns]) c.reset();
  }

  /** Marks which rules are in the current rule set (the others keep their counts, inactive). */
  setActiveRules(rules: readonly CompiledRule[]): void {
    const keys = new Set(rules.map((r) => r.key));
    for (const [key, counters] of this.rules) counters.active = keys.has(key);
  }

  /** A JSON-ready snapshot; the router passes the fields only it knows. */
  snapshot(router: Partial<RouterStats> = {}): StatsSnapshot {
    return {
      version: 1,
      ...noRouterStats(),
      ...router,
      uplink: this.uplink.snapshot(),
      downlink: this.downlink.snapshot(),
      rules: [...this.rules.values()].map((r) => r.snapshot()),
      dns: this.dns.snapshot(),
      discards: this.discards.snapshot(),
    };
  }
}

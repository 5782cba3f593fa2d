import type { Distribution } from '../policy/types.js';
import type { DiscardStats } from './discards.js';

/**
 * The statistics of one running network at one instant: what the control socket sends, the TUI
 * shows and the run record stores. Plain JSON data. Counters count since the network started.
 */
export interface StatsSnapshot {
  /** Format version of this object. */
  version: 1;
  /** Milliseconds since the network started. */
  uptimeMs: number;
  /** Whether faults are paused (all traffic passes untouched). */
  paused: boolean;
  /** Names of the active policies, in activation order. */
  policies: string[];
  /** The seed used by active policies that have none of their own (null before any policy is active). */
  seed: number | null;
  /** Live flows in the flow table, by transport. */
  flows: { tcp: number; udp: number };
  /** The busiest flows by bytes, busiest first. */
  topFlows: FlowStats[];
  /** What faultnet's own TCP did as the other end of the program's connections. */
  tcp: TcpPeerStats;
  /** Packets leaving the namespace, all rules together. */
  uplink: DirectionStats;
  /** Packets entering the namespace, all rules together. */
  downlink: DirectionStats;
  /** One entry per rule that has matched a flow since the network started. */
  rules: RuleStats[];
  /** DNS queries seen and DNS faults injected, all rules together. */
  dns: DnsStats;
  /** Packets faultnet discarded for any reason other than a policy, by cause. */
  discards: DiscardStats;
}

export interface FlowStats {
  /** Transport protocol. */
  proto: 'tcp' | 'udp' | 'icmp' | 'other';
  /** Source address inside the namespace. */
  src: string;
  /** Destination address. */
  dst: string;
  /** Source port (0 without ports). */
  srcPort: number;
  /** Destination port (0 without ports). */
  dstPort: number;
  /** A name the DNS handler saw resolve to dst, if any. */
  hostname?: string;
  /** Key of the rule the flow matched (`policy` or `policy#index`), if any. */
  rule?: string;
  /** Bytes sent by the program on this flow. */
  bytesUp: number;
  /** Bytes received by the program on this flow. */
  bytesDown: number;
}

export interface DirectionStats {
  /** Packets that entered the fault pipeline. */
  packetsIn: number;
  /** Bytes that entered the fault pipeline. */
  bytesIn: number;
  /** Packets that left it (duplicates included). */
  packetsOut: number;
  /** Bytes that left it (duplicates included). */
  bytesOut: number;
  /** Packets dropped, by cause. */
  drops: DropStats;
  /** Packets that were held for some time (latency, jitter or the rate queue). */
  delayed: number;
  /** Packets held back by packet_reorder. */
  reordered: number;
  /** Extra copies made by packet_duplicate. */
  duplicated: number;
  /** Measured delay between entering and leaving the pipeline, over packets of flows that matched a rule. */
  addedDelay: DelaySummary;
  /**
   * Release time minus scheduled release time of every held packet: faultnet's own lateness,
   * part of `addedDelay` that no policy asked for. Large values mean the machine cannot keep up.
   */
  lateness: DelaySummary;
}

export interface DropStats {
  /** Independent loss (packet_loss). */
  loss: number;
  /** The rest of a burst after a loss (burst_loss). */
  burst: number;
  /** Gilbert-Elliott loss (correlated_loss). */
  gilbert: number;
  /** Tail drops of a full rate queue. */
  queueFull: number;
}

export interface DelaySummary {
  /** Packets measured. */
  count: number;
  /** Mean added delay in ms. */
  meanMs: number;
  /** Median added delay in ms (±2.2%). */
  p50Ms: number;
  /** 95th percentile in ms (±2.2%). */
  p95Ms: number;
  /** 99th percentile in ms (±2.2%). */
  p99Ms: number;
  /** Largest added delay in ms. */
  maxMs: number;
}

export interface ConfiguredDelay {
  /** The policy's one-way latency for this direction, ms. */
  latencyMs: number;
  /** Its jitter, ms. */
  jitterMs: number;
  /** Its jitter distribution. */
  distribution: Distribution;
}

export interface RuleDirectionStats extends DirectionStats {
  /** What the policy asks for, to read beside `addedDelay`. */
  configured: ConfiguredDelay;
}

export interface RuleStats {
  /** `policy` or `policy#index`. */
  key: string;
  /** Policy name. */
  policy: string;
  /** Index in the policy's targets; null when the policy has no targets. */
  ruleIndex: number | null;
  /** The target in URL form (`tcp://10.0.0.0/8:443`), null when the policy has no targets. */
  target: string | null;
  /** Whether the rule is in the current rule set. */
  active: boolean;
  /** Uplink counters of this rule. */
  uplink: RuleDirectionStats;
  /** Downlink counters of this rule. */
  downlink: RuleDirectionStats;
  /** DNS counters of this rule. */
  dns: DnsStats;
}

/**
 * The userspace TCP peer's own sending: segments it put on the wire again and why. These are
 * packets faultnet made, not ones a policy changed, so they are shown apart from the faults.
 */
export interface TcpPeerStats {
  /** Live connections (TIME_WAIT included). */
  connections: number;
  /** Segments sent again: fast retransmits, RTO retransmissions, probes of old data. */
  retransmittedSegments: number;
  /** Retransmission timeouts with data outstanding. */
  rtos: number;
  /** RTOs later undone as spurious. */
  spuriousRtos: number;
  /** Tail loss probes sent. */
  tailLossProbes: number;
  /** Loss recovery episodes entered. */
  fastRecoveries: number;
  /** D-SACK blocks received: the program's kernel got a segment twice. */
  dsacksReceived: number;
  /** Milliseconds with data outstanding and no cumulative ACK progress for more than 10 ms. */
  stalledMs: number;
}

export interface DnsStats {
  /** Queries the DNS handler saw. */
  queries: number;
  /** Queries whose answer was delayed. */
  delayed: number;
  /** Queries swallowed. */
  timeout: number;
  /** Queries answered NXDOMAIN by the fault. */
  nxdomain: number;
  /** Queries answered SERVFAIL by the fault. */
  servfail: number;
}

/** The fields the router fills in; `FaultCounters.snapshot` has the rest. */
export type RouterStats = Pick<
  StatsSnapshot,
  'uptimeMs' | 'paused' | 'policies' | 'seed' | 'flows' | 'topFlows' | 'tcp'
>;

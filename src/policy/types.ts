/**
 * The normalised policy: what validation produces from a file, flags or `registerPolicy`. Every
 * number is in a canonical unit (milliseconds, bits per second, bytes, probabilities in [0, 1]),
 * every default is filled in, both directions are fully resolved, and the whole tree is frozen.
 * It is plain JSON data, so it can cross the control socket unchanged.
 */

export type Direction = 'uplink' | 'downlink';
export type Distribution = 'uniform' | 'normal' | 'pareto' | 'paretonormal';
export type TargetProtocol = 'tcp' | 'udp' | 'icmp' | 'any';

/** netem `gemodel`: the loss of a packet depends on the state it finds the chain in. */
export interface GilbertElliott {
  readonly pGoodToBad: number;
  readonly pBadToGood: number;
  readonly lossGood: number;
  readonly lossBad: number;
}

export interface Reorder {
  /** Probability that a packet is held back. */
  readonly prob: number;
  /** The held packet goes out once this many later packets of its flow have. */
  readonly window: number;
  /** ... or this long after it would have gone out, whichever comes first. */
  readonly maxDelayMs: number;
}

export interface Duplicate {
  readonly prob: number;
  /** A duplicated packet gets 1..maxExtra extra copies (uniformly). */
  readonly maxExtra: number;
}

export interface Rate {
  readonly bitsPerSecond: number;
  /** Queue limit: packets waiting for the serialiser, counted in `limitUnit`. */
  readonly limit: number;
  readonly limitUnit: 'packets' | 'bytes';
}

/** Every packet-level fault of one direction. Zero / null means "this fault is off". */
export interface DirectionFaults {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly distribution: Distribution;
  /** Jitter may reorder a flow, as netem's does; by default a packet never leaves before its predecessor. */
  readonly jitterReorders: boolean;
  /** netem delay correlation in [0, 1]: how much of the previous random draw carries over. */
  readonly correlation: number;
  readonly packetLoss: number;
  /** Losses come in bursts of this many packets of one flow (1 = no bursts). */
  readonly burstLoss: number;
  readonly correlatedLoss: GilbertElliott | null;
  readonly reorder: Reorder | null;
  readonly duplicate: Duplicate | null;
  readonly rate: Rate | null;
}

/** DNS faults for the queries a policy applies to; probabilities are per query. */
export interface DnsFaults {
  readonly delayMs: number;
  readonly delayProb: number;
  readonly timeoutProb: number;
  readonly nxdomainProb: number;
  readonly servfailProb: number;
}

export interface PortRange {
  readonly from: number;
  readonly to: number;
}

/** One rule of `targets`. At most one of host, cidr and hostname is set. */
export interface Target {
  readonly protocol: TargetProtocol;
  /** An exact address, canonical (IPv4 dotted quad, IPv6 RFC 5952). */
  readonly host: string | null;
  /** Canonical network/prefix, host bits cleared: `10.0.0.0/8`, `2001:db8::/32`. */
  readonly cidr: string | null;
  /** Lower-case, no trailing dot; `*.example.com` matches the subdomains of example.com only. */
  readonly hostname: string | null;
  /** Null: any port. Ranges include both ends. */
  readonly ports: readonly PortRange[] | null;
  readonly priority: number;
}

export interface Policy {
  readonly name: string;
  readonly description: string;
  /** Null: the rule set's fallback seed is used (it is recorded, so a run can be repeated). */
  readonly seed: number | null;
  readonly uplink: DirectionFaults;
  readonly downlink: DirectionFaults;
  readonly dns: DnsFaults | null;
  /** Empty: the policy matches all traffic, at the default priority. */
  readonly targets: readonly Target[];
}

/** What the router knows about a flow when it asks which rule applies. */
export interface FlowDescriptor {
  readonly protocol: 'tcp' | 'udp' | 'icmp' | 'other';
  /** Canonical IPv4 dotted quad or IPv6 RFC 5952 text. */
  readonly dstAddress: string;
  /** 0 when the protocol has no ports. */
  readonly dstPort: number;
  /** Names faultnet's DNS handler saw resolve to dstAddress. */
  readonly hostnames: readonly string[];
}

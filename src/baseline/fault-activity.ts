import { totalDiscards } from '../metrics/discards.js';
import type { DirectionStats, StatsSnapshot } from '../metrics/snapshot.js';

/** What faultnet did to the traffic during one phase: counter differences, both directions summed. */
export interface FaultActivity {
  packets: number;
  delayed: number;
  lost: number;
  burstLost: number;
  queueDropped: number;
  reordered: number;
  duplicated: number;
  dnsQueries: number;
  dnsDelayed: number;
  dnsTimeout: number;
  dnsNxdomain: number;
  dnsServfail: number;
  /** Packets faultnet discarded for a reason no policy gave (docs/FAULTS.md's discard causes). */
  discarded: number;
}

function sum(s: StatsSnapshot, pick: (d: DirectionStats) => number): number {
  return pick(s.uplink) + pick(s.downlink);
}

/** The activity between two snapshots of one network. */
export function faultActivity(before: StatsSnapshot, after: StatsSnapshot): FaultActivity {
  const diff = (pick: (d: DirectionStats) => number) => sum(after, pick) - sum(before, pick);
  return {
    packets: diff((d) => d.packetsIn),
    delayed: diff((d) => d.delayed),
    lost: diff((d) => d.drops.loss + d.drops.gilbert),
    burstLost: diff((d) => d.drops.burst),
    queueDropped: diff((d) => d.drops.queueFull),
    reordered: diff((d) => d.reordered),
    duplicated: diff((d) => d.duplicated),
    dnsQueries: after.dns.queries - before.dns.queries,
    dnsDelayed: after.dns.delayed - before.dns.delayed,
    dnsTimeout: after.dns.timeout - before.dns.timeout,
    dnsNxdomain: after.dns.nxdomain - before.dns.nxdomain,
    dnsServfail: after.dns.servfail - before.dns.servfail,
    discarded: totalDiscards(after.discards) - totalDiscards(before.discards),
  };
}

const LABELS: ReadonlyArray<[keyof FaultActivity, string]> = [
  ['delayed', 'delayed'],
  ['lost', 'lost'],
  ['burstLost', 'burst-lost'],
  ['queueDropped', 'queue-dropped'],
  ['reordered', 'reordered'],
  ['duplicated', 'duplicated'],
  ['dnsDelayed', 'dns-delayed'],
  ['dnsTimeout', 'dns-timeout'],
  ['dnsNxdomain', 'nxdomain'],
  ['dnsServfail', 'servfail'],
  ['discarded', 'discarded'],
];

/** The non-zero fault counters, as `lost 31 burst-lost 92`; `-` when faultnet changed nothing. */
export function formatActivity(a: FaultActivity): string {
  const parts = LABELS.filter(([key]) => a[key] > 0).map(([key, label]) => `${label} ${a[key]}`);
  return parts.length === 0 ? '-' : parts.join(' ');
}

import { DISCARD_CAUSES } from '../metrics/discards.js';
import type { DelaySummary, DnsStats, StatsSnapshot } from '../metrics/snapshot.js';
import type { Policy } from '../policy/types.js';
import { RUN_EVENT_KINDS, type RunEvent } from './events.js';

/** Where a policy of the run came from. */
export const POLICY_SOURCE_KINDS = ['file', 'flags', 'inline', 'registry', 'control'] as const;
export type PolicySourceKind = (typeof POLICY_SOURCE_KINDS)[number];

export interface PolicySource {
  source: PolicySourceKind;
  /** The policy file, for `file`. */
  file?: string;
}

export interface RunRecordPolicy extends PolicySource {
  name: string;
  /** Whether the policy was in the network's own active set at the end of the run. */
  active: boolean;
  /** The normalised policy (canonical units, defaults filled in). */
  policy: Policy;
}

/** One run of a faultnet network, as `faultnet run --run-json` and `net.close({ runJson })` write it. See docs/RUN_RECORD.md. */
export interface RunRecord {
  format: 'faultnet-run';
  version: 1;
  faultnetVersion: string;
  /** The program and its arguments; null for a library network without a program. */
  command: string[] | null;
  /** The program's exit code (128+N for signal N); null when it had not exited at close. */
  exitCode: number | null;
  /** ISO 8601 times of start and close, and the milliseconds between them. */
  startedAt: string;
  endedAt: string;
  durationMs: number;
  /** The seed of policies without their own; null when no policy was ever active. */
  seed: number | null;
  policies: RunRecordPolicy[];
  /** The final statistics: counters per direction and per rule. */
  stats: StatsSnapshot;
  /** Measured added delay per direction (a copy of stats.uplink/downlink.addedDelay). */
  delay: { uplink: DelaySummary; downlink: DelaySummary };
  /** DNS queries and DNS faults (a copy of stats.dns). */
  dns: DnsStats;
  events: RunEvent[];
  /** Events left out because the log is bounded (the oldest go first). */
  eventsDropped: number;
}

type Check = (value: unknown, path: string, problems: string[]) => void;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const num: Check = (v, path, p) => {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) p.push(`${path}: expected a number >= 0`);
};
const int: Check = (v, path, p) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) p.push(`${path}: expected an integer >= 0`);
};
const str: Check = (v, path, p) => {
  if (typeof v !== 'string') p.push(`${path}: expected a string`);
};
const bool: Check = (v, path, p) => {
  if (typeof v !== 'boolean') p.push(`${path}: expected true or false`);
};
const isoTime: Check = (v, path, p) => {
  if (typeof v !== 'string' || Number.isNaN(Date.parse(v))) p.push(`${path}: expected an ISO 8601 time`);
};
const one: Check = (v, path, p) => {
  if (v !== 1) p.push(`${path}: expected 1`);
};
const nullable =
  (check: Check): Check =>
  (v, path, p) => {
    if (v !== null) check(v, path, p);
  };
const oneOf =
  (...values: string[]): Check =>
  (v, path, p) => {
    if (!values.includes(v as string)) p.push(`${path}: expected one of ${values.join(', ')}`);
  };
const list =
  (check: Check): Check =>
  (v, path, p) => {
    if (!Array.isArray(v)) p.push(`${path}: expected a list`);
    else
      v.forEach((item, i) => {
        check(item, `${path}[${i}]`, p);
      });
  };
const object =
  (fields: Record<string, Check>, optional: Record<string, Check> = {}): Check =>
  (v, path, p) => {
    if (!isObject(v)) {
      p.push(`${path}: expected an object`);
      return;
    }
    for (const [key, check] of Object.entries(fields)) {
      if (!(key in v)) p.push(`${path}.${key}: missing`);
      else check(v[key], `${path}.${key}`, p);
    }
    for (const [key, check] of Object.entries(optional))
      if (v[key] !== undefined) check(v[key], `${path}.${key}`, p);
  };

const delaySummary = object({ count: int, meanMs: num, p50Ms: num, p95Ms: num, p99Ms: num, maxMs: num });
const dnsStats = object({ queries: int, delayed: int, timeout: int, nxdomain: int, servfail: int });
const directionFields = {
  packetsIn: int,
  bytesIn: int,
  packetsOut: int,
  bytesOut: int,
  drops: object({ loss: int, burst: int, gilbert: int, queueFull: int }),
  delayed: int,
  reordered: int,
  duplicated: int,
  addedDelay: delaySummary,
  lateness: delaySummary,
};
const direction = object(directionFields);
const ruleDirection = object({
  ...directionFields,
  configured: object({ latencyMs: num, jitterMs: num, distribution: str }),
});
const stats = object(
  {
    version: one,
    uptimeMs: num,
    paused: bool,
    policies: list(str),
    seed: nullable(int),
    flows: object({ tcp: int, udp: int }),
    topFlows: list(
      object(
        { proto: str, src: str, dst: str, srcPort: int, dstPort: int, bytesUp: int, bytesDown: int },
        { hostname: str, rule: str },
      ),
    ),
    uplink: direction,
    downlink: direction,
    rules: list(
      object({
        key: str,
        policy: str,
        ruleIndex: nullable(int),
        target: nullable(str),
        active: bool,
        uplink: ruleDirection,
        downlink: ruleDirection,
        dns: dnsStats,
      }),
    ),
    dns: dnsStats,
    discards: object(Object.fromEntries(DISCARD_CAUSES.map((cause) => [cause, int]))),
  },
  // Optional: records written before the TCP peer's counters existed stay valid.
  {
    tcp: object({
      connections: int,
      retransmittedSegments: int,
      rtos: int,
      spuriousRtos: int,
      tailLossProbes: int,
      fastRecoveries: int,
      dsacksReceived: int,
      stalledMs: int,
    }),
  },
);
const record = object({
  format: oneOf('faultnet-run'),
  version: one,
  faultnetVersion: str,
  command: nullable(list(str)),
  exitCode: nullable(int),
  startedAt: isoTime,
  endedAt: isoTime,
  durationMs: num,
  seed: nullable(int),
  policies: list(
    object(
      {
        name: str,
        source: oneOf(...POLICY_SOURCE_KINDS),
        active: bool,
        policy: object({ name: str, uplink: object({}), downlink: object({}), targets: list(object({})) }),
      },
      { file: str },
    ),
  ),
  stats,
  delay: object({ uplink: delaySummary, downlink: delaySummary }),
  dns: dnsStats,
  events: list(
    object(
      {
        atMs: num,
        kind: oneOf(...RUN_EVENT_KINDS),
        message: str,
      },
      { policies: list(str), target: str, code: int },
    ),
  ),
  eventsDropped: int,
});

/** The problems of a would-be run record, one line each naming the field; empty when it is valid. */
export function validateRunRecord(value: unknown): string[] {
  const problems: string[] = [];
  record(value, 'record', problems);
  return problems;
}

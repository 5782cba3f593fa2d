// Fixed snapshots, policies and an in-memory backend for the TUI tests.

import { EventEmitter } from 'node:events';
import { render } from 'ink';
import type { ReactElement } from 'react';
import {
  type DirectionStats,
  DiscardCounters,
  type RuleDirectionStats,
  type StatsSnapshot,
} from '../../src/metrics/index.js';
import { type Policy, validatePolicy } from '../../src/policy/index.js';
import type { PolicyList, TuiBackend } from '../../tui/index.js';

export const POLICY_INPUTS: Record<string, unknown> = {
  slow: {
    description: 'slow api',
    latency: '50ms',
    jitter: '10ms',
    packet_loss: '1%',
    targets: ['tcp://*.example.com:443'],
  },
  lossy: { downlink: { packet_loss: '5%', burst_loss: 3 }, seed: 7 },
  dnsflaky: { dns: { nxdomain: '10%', delay: { duration: '200ms', prob: '50%' } } },
  kitchen: {
    latency: '1.5s',
    jitter: '250us',
    distribution: 'pareto',
    correlation: 0.25,
    correlated_loss: { p_good_to_bad: '1%', p_bad_to_good: '20%', loss_bad: 0.9 },
    packet_reorder: { prob: '2%', window: 3, max_delay: '15ms' },
    packet_duplicate: { prob: '0.5%', max_extra: 2 },
    rate: { rate: '10mbit', limit: '64kib' },
    uplink: { rate: '512kbps', latency: '20ms' },
    dns: { timeout: '500ppm', servfail: 0.02, delay: '1s' },
    targets: [
      { protocol: 'udp', cidr: '2001:db8::/32', port: '53,5353', priority: 200 },
      { host: '10.1.2.3' },
      'any://api.example.com',
    ],
  },
};

export function fixturePolicies(): Record<string, Policy> {
  return Object.fromEntries(
    Object.entries(POLICY_INPUTS).map(([name, input]) => [name, validatePolicy(input, name)]),
  );
}

function direction(n: number): DirectionStats {
  return {
    packetsIn: 1000 * n,
    bytesIn: 1_000_000 * n,
    packetsOut: 990 * n,
    bytesOut: 990_000 * n,
    drops: { loss: 7 * n, burst: 2 * n, gilbert: 0, queueFull: n },
    delayed: 900 * n,
    reordered: 3 * n,
    duplicated: 2 * n,
    addedDelay: { count: 900 * n, meanMs: 50.1, p50Ms: 50.2, p95Ms: 58.9, p99Ms: 59.9, maxMs: 61 },
    lateness: { count: 900 * n, meanMs: 0.2, p50Ms: 0.1, p95Ms: 0.4, p99Ms: 1.2, maxMs: 3 },
  };
}

function ruleDirection(n: number, latencyMs: number): RuleDirectionStats {
  return { ...direction(n), configured: { latencyMs, jitterMs: 10, distribution: 'uniform' } };
}

/** A snapshot of a network `uptimeMs` into its run whose counters are `n` times a base amount. */
function snapshot(uptimeMs: number, n: number): StatsSnapshot {
  return {
    version: 1,
    uptimeMs,
    paused: false,
    policies: ['slow'],
    seed: 42,
    flows: { tcp: 3, udp: 1 },
    tcp: {
      connections: 3,
      retransmittedSegments: 12 * n,
      rtos: n,
      spuriousRtos: 0,
      tailLossProbes: 2 * n,
      fastRecoveries: 5 * n,
      dsacksReceived: n,
      stalledMs: 40 * n,
    },
    topFlows: [
      {
        proto: 'tcp',
        src: '10.0.2.100',
        dst: '93.184.216.34',
        srcPort: 43210,
        dstPort: 443,
        hostname: 'api.example.com',
        rule: 'slow#0',
        bytesUp: 120_000 * n,
        bytesDown: 4_500_000 * n,
      },
      {
        proto: 'udp',
        src: 'fd00:fa17::100',
        dst: '2001:db8::53',
        srcPort: 5353,
        dstPort: 53,
        bytesUp: 900 * n,
        bytesDown: 2_000 * n,
      },
    ],
    uplink: direction(n),
    downlink: direction(2 * n),
    rules: [
      {
        key: 'slow#0',
        policy: 'slow',
        ruleIndex: 0,
        target: 'tcp://*.example.com:443',
        active: true,
        uplink: ruleDirection(n, 50),
        downlink: ruleDirection(2 * n, 50),
        dns: { queries: 10, delayed: 0, timeout: 0, nxdomain: 0, servfail: 0 },
      },
      {
        key: 'lossy',
        policy: 'lossy',
        ruleIndex: null,
        target: null,
        active: false,
        uplink: ruleDirection(0, 0),
        downlink: ruleDirection(0, 0),
        dns: { queries: 0, delayed: 0, timeout: 0, nxdomain: 0, servfail: 0 },
      },
    ],
    dns: { queries: 120, delayed: 3, timeout: 1, nxdomain: 12, servfail: 5 },
    discards: { ...new DiscardCounters().snapshot(), malformed: 4 },
  };
}

/** Ten seconds into a run. */
export const SNAP_A: StatsSnapshot = snapshot(10_000, 10);
/** One second after SNAP_A: uplink +1000 packets and +1 MB, downlink twice that. */
export const SNAP_B: StatsSnapshot = snapshot(11_000, 11);

/** A network held in memory: records every call, and sends the snapshots a test emits. */
export class MemoryBackend implements TuiBackend {
  readonly calls: unknown[][] = [];
  readonly policyMap: Record<string, Policy> = fixturePolicies();
  active: string[] = ['slow'];
  private listener: ((s: StatsSnapshot) => void) | null = null;
  intervalMs = 0;

  emit(s: StatsSnapshot): void {
    this.listener?.(s);
  }

  subscribe(intervalMs: number, onStats: (s: StatsSnapshot) => void): () => void {
    this.intervalMs = intervalMs;
    this.listener = onStats;
    return () => {
      this.listener = null;
    };
  }

  async policies(): Promise<PolicyList> {
    const registered = Object.keys(this.policyMap).sort();
    return { registered, active: [...this.active], policies: { ...this.policyMap } };
  }

  async setPolicies(names: string[]): Promise<void> {
    this.calls.push(['setPolicies', names]);
    this.active = [...names];
  }

  /** Validates like the real registry, so a policy the TUI writes must be valid policy-file syntax. */
  async register(name: string, input: unknown): Promise<void> {
    this.calls.push(['register', name, input]);
    this.policyMap[name] = validatePolicy(input, name);
  }

  async pause(): Promise<void> {
    this.calls.push(['pause']);
  }

  async resume(): Promise<void> {
    this.calls.push(['resume']);
  }

  async reset(): Promise<void> {
    this.calls.push(['reset']);
  }
}

/** Lets pending promise callbacks and the renders they cause run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

class SizedStdout extends EventEmitter {
  lastFrame = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {
    super();
  }
  write = (frame: string) => {
    this.lastFrame = frame;
    return true;
  };
}

/** ink-testing-library's render, on a terminal of the given size (its own is fixed at 100 columns). */
export function renderSized(tree: ReactElement, columns: number, rows: number) {
  const stdout = new SizedStdout(columns, rows);
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return { lastFrame: () => stdout.lastFrame, unmount: instance.unmount };
}

/** The frame's rows with trailing spaces removed. */
export function frameLines(frame: string | undefined): string[] {
  return (frame ?? '').split('\n').map((l) => l.trimEnd());
}

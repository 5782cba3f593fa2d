import { fileURLToPath } from 'node:url';
import { Network } from '../api/network.js';
import type { NetworkOptions } from '../api/network-options.js';
import { AgentLink } from './agent-link.js';
import { faultActivity } from './fault-activity.js';
import { type PhaseResult, summarizePhase } from './phase-result.js';
import type { OperationKind, OperationTargets } from './protocol.js';
import { RssSampler } from './rss-sampler.js';

/** One step of a comparison: exactly these registered policies active (none: the baseline). */
export interface Phase {
  name: string;
  description: string;
  policies: string[];
}

/** What the client inside the network does in every phase. */
export interface Workload {
  mix: OperationKind[];
  workers: number;
  /** Each phase starts operations for this long ... */
  durationMs?: number;
  /** ... or starts this many. */
  count?: number;
  opTimeoutMs: number;
  targets: OperationTargets;
}

export interface ComparisonOptions {
  /** The network (registry, DNS upstream, hosts, control socket ...); its program is the agent. */
  network: Omit<NetworkOptions, 'program' | 'activePolicies'>;
  /** Maps option names to the caller's flag names in errors (as Network.start does). */
  flag?: (name: string) => string;
  phases: readonly Phase[];
  workload: Workload;
  /**
   * An unmeasured phase without policies before the first one, so that the baseline does not pay
   * for cold starts (JIT, first connections, heap growth) the later phases would not.
   */
  warmup?: Pick<Workload, 'durationMs' | 'count'>;
  /**
   * Called once the client is connected, before the first phase (the TUI attaches here); what it
   * returns is awaited after the last phase, before the network closes.
   */
  onStart?: (net: Network) => (() => Promise<void>) | undefined;
  /** Called as each phase ends. */
  onPhase?: (result: PhaseResult, index: number) => void;
  /** Stops between phases: the phases done so far are returned. */
  signal?: AbortSignal;
}

const AGENT = fileURLToPath(new URL('./agent.js', import.meta.url));

/**
 * Runs the phases in order through ONE network: each phase makes its policies the active set
 * (atomically, as a live policy change would), has the agent run the workload, and records what
 * the agent measured, what faultnet's counters say it did, and faultnet's RSS.
 */
export async function runComparison(opts: ComparisonOptions): Promise<PhaseResult[]> {
  const link = await AgentLink.listen();
  let net: Network | undefined;
  let sampler: RssSampler | undefined;
  let stop: (() => Promise<void>) | undefined;
  try {
    net = await Network.start(
      {
        ...opts.network,
        program: {
          command: process.execPath,
          args: [AGENT, link.path],
          stdio: ['ignore', 'ignore', 'inherit'],
        },
      },
      opts.flag,
    );
    await link.accept(net.exited);
    stop = opts.onStart?.(net);
    sampler = new RssSampler();
    if (opts.warmup) {
      net.setActivePolicies([]);
      await link.runPhase({ type: 'phase', name: 'warm-up', ...opts.workload, ...opts.warmup });
    }
    const results: PhaseResult[] = [];
    for (const phase of opts.phases) {
      if (opts.signal?.aborted) break;
      net.setActivePolicies(phase.policies);
      const before = net.stats();
      const report = await link.runPhase({ type: 'phase', name: phase.name, ...opts.workload });
      const result = summarizePhase(report, {
        description: phase.description,
        policies: phase.policies,
        faults: faultActivity(before, net.stats()),
        rss: sampler.endPhase(),
      });
      results.push(result);
      opts.onPhase?.(result, results.length - 1);
    }
    return results;
  } finally {
    await stop?.();
    sampler?.stop();
    await link.close();
    await net?.close();
  }
}

import { flowKey, normaliseHostname, TargetMatcher } from './match.js';
import { DEFAULT_PRIORITY } from './targets.js';
import type { DirectionFaults, FlowDescriptor, Policy, Target } from './types.js';

/** One rule of an active policy: a target (or the whole policy when it has none) and its faults. */
export interface CompiledRule {
  /** Index in `RuleSet.rules`: activation order, then rule order. */
  readonly id: number;
  readonly policy: Policy;
  /** Index in `policy.targets`; null for a policy without targets (it matches everything). */
  readonly ruleIndex: number | null;
  readonly target: Target | null;
  readonly priority: number;
  /** `name` or `name#index`: how counters and the TUI name the rule. */
  readonly key: string;
  /** The policy's seed, or the rule set's fallback seed when the policy has none. */
  readonly seed: number;
  readonly uplink: DirectionFaults;
  readonly downlink: DirectionFaults;
}

interface Candidate {
  readonly rule: CompiledRule;
  readonly matcher: TargetMatcher | null;
}

let lastGeneration = 0;

function compareCandidates(a: Candidate, b: Candidate): number {
  const rank = (c: Candidate, field: 'addressRank' | 'portRank' | 'protocolRank') => c.matcher?.[field] ?? 0;
  return (
    b.rule.priority - a.rule.priority ||
    rank(b, 'addressRank') - rank(a, 'addressRank') ||
    rank(b, 'portRank') - rank(a, 'portRank') ||
    rank(b, 'protocolRank') - rank(a, 'protocolRank') ||
    a.rule.id - b.rule.id
  );
}

/**
 * The active policies compiled for matching: immutable, so the router swaps a whole RuleSet at
 * once and a packet sees the old policies or the new ones. `generation` is unique per compiled set,
 * so a cached flow result tagged with it is known stale after a swap.
 */
export class RuleSet {
  readonly generation: number;
  readonly rules: readonly CompiledRule[];
  /** Names of the active policies, in activation order. */
  readonly policyNames: readonly string[];
  /** Candidates sorted best first: priority, then specificity, then order. */
  private readonly ordered: readonly Candidate[];

  constructor(
    readonly policies: readonly Policy[],
    readonly fallbackSeed: number,
  ) {
    this.generation = ++lastGeneration;
    const candidates: Candidate[] = [];
    for (const policy of policies) {
      const seed = policy.seed ?? fallbackSeed;
      const targets: readonly (Target | null)[] = policy.targets.length === 0 ? [null] : policy.targets;
      targets.forEach((target, i) => {
        const ruleIndex = target === null ? null : i;
        const rule: CompiledRule = Object.freeze({
          id: candidates.length,
          policy,
          ruleIndex,
          target,
          priority: target?.priority ?? DEFAULT_PRIORITY,
          key: ruleIndex === null ? policy.name : `${policy.name}#${ruleIndex}`,
          seed,
          uplink: policy.uplink,
          downlink: policy.downlink,
        });
        candidates.push({ rule, matcher: target === null ? null : new TargetMatcher(target) });
      });
    }
    this.rules = Object.freeze(candidates.map((c) => c.rule));
    this.policyNames = Object.freeze(policies.map((p) => p.name));
    this.ordered = Object.freeze(candidates.sort(compareCandidates));
    Object.freeze(this);
  }

  /** The rule whose faults a flow gets, or null (no faults). Call once per flow, not per packet. */
  resolve(flow: FlowDescriptor): CompiledRule | null {
    if (this.ordered.length === 0) return null;
    const key = flowKey(flow);
    for (const c of this.ordered) if (c.matcher === null || c.matcher.matches(key)) return c.rule;
    return null;
  }

  /**
   * The rule whose `dns` faults apply to a query for `qname`: among policies with `dns`, a rule
   * naming a hostname applies to queries for that name; a policy naming no hostname at all applies
   * to every query. Ties resolve as for flows.
   */
  resolveDns(qname: string): CompiledRule | null {
    const name = normaliseHostname(qname);
    for (const c of this.ordered) {
      const policy = c.rule.policy;
      if (policy.dns === null) continue;
      if (c.matcher?.hasHostname) {
        if (c.matcher.matchesHostname(name)) return c.rule;
      } else if (!policy.targets.some((t) => t.hostname !== null)) return c.rule;
    }
    return null;
  }
}

/** A random 32-bit seed for policies without one; record `RuleSet.fallbackSeed` to repeat a run. */
function randomSeed(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

/**
 * Compiles the active policies (in activation order; a repeated name counts once, at its first
 * position) into a RuleSet.
 */
export function compileRuleSet(
  policies: readonly Policy[],
  opts: { readonly fallbackSeed?: number } = {},
): RuleSet {
  const seen = new Set<string>();
  const unique = policies.filter((p) => !seen.has(p.name) && seen.add(p.name));
  return new RuleSet(Object.freeze(unique), (opts.fallbackSeed ?? randomSeed()) >>> 0);
}

/** A rule set with no policies: nothing matches. */
export const EMPTY_RULE_SET = compileRuleSet([], { fallbackSeed: 0 });

import type { CompiledRule } from '../policy/resolve.js';
import { hasFaults } from '../policy/schema.js';
import type { Direction, DirectionFaults } from '../policy/types.js';
import { Delay } from './delay.js';
import { Duplicate } from './duplicate.js';
import type { Fault } from './fault.js';
import { BernoulliLoss, BurstLoss, GilbertElliottLoss } from './loss.js';
import { RateLimit } from './rate.js';
import { Reorder } from './reorder.js';
import { deriveSeed, hashString, Rng } from './rng.js';

/** Identifies each random stream of a rule and direction (part of its seed, so keep them stable). */
export const STREAM = { loss: 1, gilbert: 2, delay: 3, reorder: 4, duplicate: 5, dns: 6 } as const;

/**
 * The seed of one random stream: the rule's seed mixed with its policy name, its index in the
 * policy, the direction and the stream, so the same seed repeats every decision and no two
 * streams share one.
 */
export function streamSeed(rule: CompiledRule, direction: Direction | 'dns', stream: number): number {
  const dir = direction === 'uplink' ? 1 : direction === 'downlink' ? 2 : 3;
  return deriveSeed(rule.seed, hashString(rule.policy.name), rule.ruleIndex ?? 0xffffffff, dir, stream);
}

/**
 * The faults of one rule and direction, in netem's order (netem_enqueue): duplication, then loss
 * (Bernoulli and Gilbert-Elliott, wrapped by burst loss), which takes one copy, then per copy the
 * rate queue, latency/jitter and reorder.
 */
export class DirectionPipeline {
  readonly packetFaults: readonly Fault[];
  readonly copyFaults: readonly Fault[];

  constructor(faults: DirectionFaults, seedOf: (stream: number) => number) {
    const rng = (stream: number) => new Rng(seedOf(stream));
    const losses: Fault[] = [];
    if (faults.packetLoss > 0) losses.push(new BernoulliLoss(faults.packetLoss, rng(STREAM.loss)));
    if (faults.correlatedLoss !== null)
      losses.push(new GilbertElliottLoss(faults.correlatedLoss, rng(STREAM.gilbert)));
    const packet: Fault[] = [];
    const d = faults.duplicate;
    if (d !== null && d.prob > 0) packet.push(new Duplicate(d.prob, d.maxExtra, rng(STREAM.duplicate)));
    if (faults.burstLoss > 1 && losses.length > 0) packet.push(new BurstLoss(faults.burstLoss, losses));
    else packet.push(...losses);
    const copy: Fault[] = [];
    if (faults.rate !== null) copy.push(new RateLimit(faults.rate));
    if (faults.latencyMs > 0 || faults.jitterMs > 0) {
      copy.push(
        new Delay(
          faults.latencyMs,
          faults.jitterMs,
          faults.distribution,
          faults.correlation,
          rng(STREAM.delay),
          faults.jitterReorders,
        ),
      );
    }
    const r = faults.reorder;
    if (r !== null && r.prob > 0) copy.push(new Reorder(r.prob, r.window, r.maxDelayMs, rng(STREAM.reorder)));
    this.packetFaults = packet;
    this.copyFaults = copy;
  }
}

/** The pipeline of a rule's direction, or null when that direction has no faults. */
export function rulePipeline(rule: CompiledRule, direction: Direction): DirectionPipeline | null {
  const faults = rule[direction];
  if (!hasFaults(faults)) return null;
  return new DirectionPipeline(faults, (stream) => streamSeed(rule, direction, stream));
}

import { type DirectionFaults, type Policy, validatePolicy } from '../src/policy/index.js';
import type { PolicyList } from './backend.js';

/** What one `+`/`-` press adds to the one-way latency of both directions. */
export const LATENCY_STEP_MS = 10;
/** What one `]`/`[` press adds to the independent loss of both directions. */
export const LOSS_STEP = 0.01;

const SUFFIX = '.tuned';
const MAX_NAME = 64;
/** The policy tuned when none is active: no faults, matching all traffic. */
const BLANK: Policy = validatePolicy({}, 'tui');

export interface Tuning {
  latencyMs: number;
  loss: number;
}

/**
 * Tuning never edits a policy someone registered: it registers a copy under this derived name
 * (`slow` -> `slow.tuned`) and activates it in the original's place; a tuned copy is tuned in place.
 */
export function tunedName(name: string): string {
  return name.endsWith(SUFFIX) ? name : `${name.slice(0, MAX_NAME - SUFFIX.length)}${SUFFIX}`;
}

/** The policy the keys tune: the most recently activated one, or a blank one when none is active. */
export function tuningBase(list: PolicyList): Policy {
  const name = list.active.at(-1);
  return (name === undefined ? undefined : list.policies[name]) ?? BLANK;
}

function tuneDirection(d: DirectionFaults, change: Tuning): DirectionFaults {
  return {
    ...d,
    latencyMs: Math.max(0, d.latencyMs + change.latencyMs),
    packetLoss: Math.min(1, Math.max(0, Math.round((d.packetLoss + change.loss) * 1e6) / 1e6)),
  };
}

/** The tuned copy of `base`, named by `tunedName`. */
export function tunePolicy(base: Policy, change: Tuning): Policy {
  return {
    ...base,
    name: tunedName(base.name),
    uplink: tuneDirection(base.uplink, change),
    downlink: tuneDirection(base.downlink, change),
  };
}

/** The active set after the tuned copy replaces its base (or joins it, when the base was not active). */
export function activeAfterTuning(active: readonly string[], base: string, tuned: string): string[] {
  if (active.includes(tuned)) return [...active];
  const at = active.indexOf(base);
  return at < 0 ? [...active, tuned] : active.map((n, i) => (i === at ? tuned : n));
}

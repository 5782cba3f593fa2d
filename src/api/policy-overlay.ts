import { NO_FAULTS } from '../policy/schema.js';
import type { DirectionFaults, DnsFaults, Policy } from '../policy/types.js';

/**
 * How `withPolicy` scopes combine with what is already active. A normalised policy no longer knows
 * which fields were written, so "set" means "not the off value": a scope turns faults on or changes
 * them, it never turns one off.
 */

function overlayDirection(under: DirectionFaults, over: DirectionFaults): DirectionFaults {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(NO_FAULTS) as (keyof DirectionFaults)[]) {
    out[key] = over[key] !== NO_FAULTS[key] ? over[key] : under[key];
  }
  return out as unknown as DirectionFaults;
}

function overlayDns(under: DnsFaults | null, over: DnsFaults | null): DnsFaults | null {
  if (over === null || under === null) return over ?? under;
  const pick = (key: 'timeoutProb' | 'nxdomainProb' | 'servfailProb') =>
    over[key] > 0 ? over[key] : under[key];
  const delay = over.delayProb > 0 ? over : under;
  return {
    delayMs: delay.delayMs,
    delayProb: delay.delayProb,
    timeoutProb: pick('timeoutProb'),
    nxdomainProb: pick('nxdomainProb'),
    servfailProb: pick('servfailProb'),
  };
}

/**
 * `over` layered on `under`: the fields `over` sets win, the others keep `under`'s values; the
 * targets are `over`'s when it has any.
 */
export function overlayPolicy(under: Policy, over: Policy): Policy {
  return Object.freeze({
    name: `${under.name}+${over.name}`,
    description: over.description || under.description,
    seed: over.seed ?? under.seed,
    uplink: Object.freeze(overlayDirection(under.uplink, over.uplink)),
    downlink: Object.freeze(overlayDirection(under.downlink, over.downlink)),
    dns: overlayDns(under.dns, over.dns),
    targets: over.targets.length > 0 ? over.targets : under.targets,
  });
}

/**
 * The policies in force given the network's own active set (`base`) and the open scopes, outermost
 * first. The scopes merge into one, the inner winning. A merged scope without targets is layered on
 * each base policy (which keeps its targets) and also applies, alone and last, to traffic no base
 * policy matches; one with targets of its own goes first, so it wins ties, and layers on nothing.
 */
export function policiesInForce(base: readonly Policy[], scopes: readonly Policy[]): Policy[] {
  if (scopes.length === 0) return [...base];
  const scope = scopes.reduce((acc, s) => overlayPolicy(acc, s));
  if (scope.targets.length > 0) return [scope, ...base];
  return [...base.map((p) => overlayPolicy(p, scope)), scope];
}

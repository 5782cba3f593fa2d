/**
 * Which policies are in force: the registry lookup of names, the start options' policies, and
 * the compilation of the active set with the open withPolicy scopes layered on.
 */
import { childPath } from '../policy/errors.js';
import { defaultRegistry, type PolicyRegistry } from '../policy/registry.js';
import { compileRuleSet, type RuleSet } from '../policy/resolve.js';
import { validatePolicy } from '../policy/schema.js';
import type { Policy } from '../policy/types.js';
import type { NetworkOptions } from './network-options.js';
import { OptionError } from './options.js';
import { policiesInForce } from './policy-overlay.js';
import type { PolicySource } from './run-record.js';
import type { PolicyInput, PolicyRef } from './scope.js';

/** Looks up registered policies by name; throws OptionError naming `field` for an unknown one. */
export function lookUp(registry: PolicyRegistry, names: readonly string[], field: string): Policy[] {
  return names.map((name) => {
    const policy = registry.peek(name);
    if (!policy)
      throw new OptionError(
        `${field}: no policy named ${JSON.stringify(name)} (registered: ${registry.list().join(', ') || 'none'})`,
      );
    return policy;
  });
}

/** Compiles the active set with the open scopes layered on (policy-overlay.ts). */
export function compileActive(
  registry: PolicyRegistry,
  names: readonly string[],
  scopes: readonly Policy[],
  seed: number | undefined,
  field: string,
): { names: string[]; ruleSet: RuleSet } {
  const base = lookUp(registry, names, field);
  const ruleSet = compileRuleSet(
    policiesInForce(base, scopes),
    seed === undefined ? {} : { fallbackSeed: seed },
  );
  return { names: [...new Set(names)], ruleSet };
}

/**
 * Validates the library's `policies` option (all before anything starts) and stores each policy in
 * the network's registry: inline ones under their key or `inline-<index>`, registered names copied
 * from the default registry. Returns the names to activate.
 */
export function storeStartPolicies(
  policies: NetworkOptions['policies'],
  registry: PolicyRegistry,
  sources: Map<string, PolicySource>,
  field: string,
): string[] {
  if (policies === undefined) return [];
  if (typeof policies !== 'object' || policies === null) {
    throw new OptionError(
      `${field}: expected an object keyed by policy name or a list, got ${typeof policies}`,
    );
  }
  const entries: [string, PolicyRef, string][] = Array.isArray(policies)
    ? policies.map((ref, i) => [typeof ref === 'string' ? ref : `inline-${i}`, ref, childPath(field, i)])
    : Object.entries(policies as Record<string, PolicyInput>).map(([name, ref]) => [
        name,
        ref,
        childPath(field, name),
      ]);
  const resolved = entries.map(([name, ref, path]) => {
    if (typeof ref !== 'string')
      return { policy: validatePolicy(ref, name, path), source: 'inline' as const };
    return { policy: lookUp(defaultRegistry, [ref], path)[0]!, source: 'registry' as const };
  });
  for (const { policy, source } of resolved) {
    registry.store(policy);
    sources.set(policy.name, { source });
  }
  return resolved.map((r) => r.policy.name);
}

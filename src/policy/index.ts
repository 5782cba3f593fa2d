export { childPath, describeValue, expected, PolicyError } from './errors.js';
export { POLICY_FLAGS, policyFromFlags } from './flags.js';
export { flowKey, parseAddressValue, TargetMatcher } from './match.js';
export {
  clearPolicies,
  defaultRegistry,
  getPolicy,
  listPolicies,
  loadPolicies,
  PolicyRegistry,
  parsePolicyText,
  registerPolicy,
  unregisterPolicy,
  validatePolicies,
} from './registry.js';
export { type CompiledRule, compileRuleSet, EMPTY_RULE_SET, RuleSet } from './resolve.js';
export {
  DEFAULT_DUPLICATE_MAX_EXTRA,
  DEFAULT_RATE_LIMIT_PACKETS,
  DEFAULT_REORDER_MAX_DELAY_MS,
  DEFAULT_REORDER_WINDOW,
  hasFaults,
  NO_FAULTS,
  validatePolicy,
} from './schema.js';
export {
  canonicalAddress,
  DEFAULT_PRIORITY,
  parsePorts,
  parseTarget,
  parseTargetString,
  parseTargets,
} from './targets.js';
export type * from './types.js';
export { parseDuration, parseInteger, parseProbability, parseRate, parseSize } from './values.js';

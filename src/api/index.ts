/**
 * faultnet's library API: start networks, run programs in them, and make their network bad on
 * purpose from TypeScript tests. See docs/LIBRARY.md.
 */

export { ADDRESSES } from '../dataplane/addresses.js';
export type { StatsSnapshot } from '../metrics/snapshot.js';
export { PolicyError } from '../policy/errors.js';
export {
  clearPolicies,
  getPolicy,
  listPolicies,
  loadPolicies,
  registerPolicy,
  unregisterPolicy,
} from '../policy/registry.js';
export type { Policy } from '../policy/types.js';
export type { RunEvent, RunEventKind } from './events.js';
export type { ExecOptions, ExecResult, NamespaceSpawnOptions } from './exec.js';
export { type CloseOptions, Network } from './network.js';
export type { NetworkOptions, ProgramSpec } from './network-options.js';
export { OptionError } from './options.js';
export {
  type PolicySource,
  type PolicySourceKind,
  type RunRecord,
  type RunRecordPolicy,
  validateRunRecord,
} from './run-record.js';
export {
  type DnsFaultOptions,
  dns,
  type PolicyInput,
  type PolicyRef,
  type PolicyScope,
  withPolicy,
} from './scope.js';

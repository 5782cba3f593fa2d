export { DirectionCounters, DnsCounters, type DropCause, FaultCounters, RuleCounters } from './counters.js';
export {
  DISCARD_CAUSES,
  type DiscardCause,
  DiscardCounters,
  type DiscardStats,
  formatDiscards,
  totalDiscards,
} from './discards.js';
export { DelayHistogram } from './histogram.js';
export type * from './snapshot.js';

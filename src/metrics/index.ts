export { DirectionCounters, DnsCounters, type DropCause, FaultCounters, RuleCounters } from './counters.js';
export { DelayHistogram } from './histogram.js';
export type * from './snapshot.js';

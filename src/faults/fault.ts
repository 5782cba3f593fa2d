import type { DropCause } from '../metrics/counters.js';
import { FlowLane } from './lane.js';

/**
 * The packet a fault looks at, reused for every packet (no allocation). Loss and duplication see
 * each submitted packet once; rate, delay and reorder see each copy, with `time` carrying the
 * moment the copy leaves the previous stage.
 */
export class FaultContext {
  size = 0;
  lane = new FlowLane();
  /** When the packet leaves the current stage, ms. */
  time = 0;
  /** Extra copies to send (set by duplicate). */
  copies = 0;
  /** Set by a delay whose jitter may reorder: the copy need not wait for its predecessor. */
  unordered = false;
  /** Set by reorder: hold this copy back. */
  hold = false;
  holdWindow = 0;
  holdMaxMs = 0;
  /** Why the packet was dropped, when a fault returned false. */
  cause: DropCause = 'loss';
}

/**
 * One fault (toxic): applies itself to the packet in the context; returns false when it drops it
 * (with `ctx.cause` set). A fault keeps its own seeded random stream and state.
 */
export interface Fault {
  /** 'packet': once per submitted packet (loss, duplicate); 'copy': once per copy (rate, delay, reorder). */
  readonly stage: 'packet' | 'copy';
  apply(ctx: FaultContext): boolean;
}

import type { DirectionCounters } from '../metrics/counters.js';
import type { Direction } from '../policy/types.js';
import type { TimerEntry } from './timer-heap.js';

const EMPTY = new Uint8Array(0);

/** A packet waiting in the timer heap; pooled by the engine, so never kept by anyone else. */
export class HeldPacket implements TimerEntry {
  data: Uint8Array = EMPTY;
  /** The bytes behind `data`, kept across reuse from the pool so holding rarely allocates. */
  store: Uint8Array = EMPTY;
  flowId = 0;
  /** When it was submitted, ms. */
  enqueuedAt = 0;
  time = 0;
  seq = 0;
  heapIndex = -1;
  direction: Direction = 'uplink';
  lane: FlowLane | null = null;
  /** The matched rule's counters for this direction; null when no rule matched. */
  counters: DirectionCounters | null = null;
  /** Held back by packet_reorder (else it waits for its release time). */
  reorderHeld = false;
  /** Delayed by reordering jitter: it does not count in its lane's pending packets. */
  unordered = false;
  /** Reorder: later packets of the lane still to leave before this one goes. */
  remaining = 0;
  /** Submission order within its lane: only packets submitted after a held one count toward its window. */
  laneSeq = 0;

  clear(): void {
    this.data = EMPTY;
    this.lane = null;
    this.counters = null;
  }
}

/** Per-flow, per-direction state of the engine and the faults. */
export class FlowLane {
  /** Packets still to drop in the current loss burst. */
  burstLeft = 0;
  /** Release time of the lane's latest (not reorder-held) packet: no later packet leaves before it. */
  lastRelease = Number.NEGATIVE_INFINITY;
  /** Packets of this lane waiting in the timer heap, reorder-held ones not included. */
  pending = 0;
  /** Copies scheduled on this lane so far. */
  seq = 0;
  /** Reorder-held packets, oldest first. */
  readonly held: HeldPacket[] = [];
}

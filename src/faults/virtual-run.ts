import { FaultCounters } from '../metrics/counters.js';
import type { RuleSet } from '../policy/resolve.js';
import type { Direction, FlowDescriptor } from '../policy/types.js';
import { FaultEngine } from './engine.js';

/** One packet that left the engine during a virtual run. */
export interface Released {
  readonly direction: Direction;
  readonly flowId: number;
  /** The id `VirtualRun.send` wrote into the packet's first four bytes. */
  readonly id: number;
  readonly size: number;
  /** Virtual time it left, ms. */
  readonly time: number;
}

/**
 * Drives a FaultEngine on a virtual clock and records what leaves it, for unit tests and
 * deterministic simulations: time only moves when the caller says so, and every held packet is
 * released exactly at its deadline.
 */
export class VirtualRun {
  readonly counters = new FaultCounters();
  readonly engine: FaultEngine;
  readonly released: Released[] = [];
  now = 0;

  constructor(ruleSet?: RuleSet) {
    this.engine = new FaultEngine({
      counters: this.counters,
      onRelease: (direction, data, flowId) => {
        const id = new DataView(data.buffer, data.byteOffset).getUint32(0);
        this.released.push({ direction, flowId, id, size: data.length, time: this.now });
      },
    });
    if (ruleSet !== undefined) this.engine.setRuleSet(ruleSet);
  }

  /** Submits a packet of `size` bytes (at least 4) carrying `id`, at the current virtual time. */
  send(direction: Direction, id: number, flowId: number, flow: FlowDescriptor, size = 100): void {
    const data = new Uint8Array(Math.max(4, size));
    new DataView(data.buffer).setUint32(0, id);
    this.engine.submit(direction, data, flowId, flow, this.now);
  }

  /** Moves the clock to `time`, polling at every deadline on the way. */
  advanceTo(time: number): void {
    this.releaseUntil(time);
    this.now = Math.max(this.now, time);
  }

  /** Releases everything still held, the clock stopping at the last release. */
  drain(): void {
    this.releaseUntil(Number.MAX_VALUE);
  }

  private releaseUntil(limit: number): void {
    for (
      let deadline = this.engine.nextDeadline();
      deadline <= limit;
      deadline = this.engine.nextDeadline()
    ) {
      this.now = Math.max(this.now, deadline);
      this.engine.poll(this.now);
    }
  }
}

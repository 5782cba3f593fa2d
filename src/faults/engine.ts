import type { DirectionCounters, DropCause, FaultCounters, RuleCounters } from '../metrics/counters.js';
import { type CompiledRule, EMPTY_RULE_SET, type RuleSet } from '../policy/resolve.js';
import type { Direction, FlowDescriptor } from '../policy/types.js';
import { FaultContext } from './fault.js';
import { FlowLane, HeldPacket } from './lane.js';
import { type DirectionPipeline, rulePipeline } from './pipeline.js';
import { TimerHeap } from './timer-heap.js';

/** Room for a full-size Ethernet packet, so most stores are allocated once. */
const MIN_STORE = 2048;

export interface FaultEngineOptions {
  /**
   * Called for every packet that leaves the engine, in release order. `data` is valid during the
   * call only: it may be the submitter's own buffer (a packet that was not held), so use or copy it.
   */
  readonly onRelease: (direction: Direction, data: Uint8Array, flowId: number) => void;
  readonly counters: FaultCounters;
  /**
   * Bytes the engine may hold at once, over every delay, rate and reorder line (default
   * DEFAULT_MAX_HELD_BYTES); a packet that would pass it is discarded and counted as `heldLimit`.
   */
  readonly maxHeldBytes?: number;
}

export const DEFAULT_MAX_HELD_BYTES = 256 * 1024 * 1024;
/** Free held-packet entries kept for reuse; more are let go so that memory returns after a burst. */
const MAX_POOL = 4096;

/** What a rule needs at run time: its pipelines (null: no faults that way) and counters. */
interface RuleRuntime {
  readonly counters: RuleCounters;
  readonly uplink: DirectionPipeline | null;
  readonly downlink: DirectionPipeline | null;
}

/** A flow's cached rule (valid for one rule-set generation) and its two lanes. */
class FlowState {
  generation = -1;
  rule: CompiledRule | null = null;
  runtime: RuleRuntime | null = null;
  readonly uplink = new FlowLane();
  readonly downlink = new FlowLane();
}

/**
 * The packet fault engine of one network: both directions, every rule, one timer heap. Pure: driven
 * by `submit(..., now)` and `poll(now)` with `now` in ms (the `performance.now()` domain or a
 * virtual clock); the caller arms one timer for `nextDeadline()`.
 *
 * Ordering: within a flow and direction, packets leave in submission order except those
 * packet_reorder holds back (jitter and the rate queue never reorder a flow). Switching the rule
 * set applies to packets submitted afterwards; held packets keep their release times.
 */
export class FaultEngine {
  private readonly onRelease: FaultEngineOptions['onRelease'];
  private readonly counters: FaultCounters;
  private ruleSet: RuleSet = EMPTY_RULE_SET;
  private runtimes: (RuleRuntime | undefined)[] = [];
  private readonly flows = new Map<number, FlowState>();
  private readonly heap = new TimerHeap<HeldPacket>();
  private readonly pool: HeldPacket[] = [];
  private readonly ctx = new FaultContext();
  private paused = false;
  private readonly maxHeldBytes: number;
  /** Bytes of the packets held now. */
  private held = 0;

  constructor(opts: FaultEngineOptions) {
    this.onRelease = opts.onRelease;
    this.counters = opts.counters;
    this.maxHeldBytes = opts.maxHeldBytes ?? DEFAULT_MAX_HELD_BYTES;
  }

  /** Bytes of the packets held now (delayed, queued or reorder-held). */
  get heldBytes(): number {
    return this.held;
  }

  /** Switches to a new rule set at once; flows re-resolve on their next packet. */
  setRuleSet(rs: RuleSet): void {
    this.ruleSet = rs;
    this.runtimes = new Array(rs.rules.length);
    this.counters.setActiveRules(rs.rules);
  }

  get currentRuleSet(): RuleSet {
    return this.ruleSet;
  }

  /** Paused: new packets pass untouched (after any of their flow still held); held ones keep their times. */
  setPaused(paused: boolean): void {
    this.paused = paused;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Packets currently held (delayed, queued or reorder-held). */
  get heldCount(): number {
    return this.heap.size;
  }

  /** The rule a flow matched under the current rule set, if it has been seen since the last switch. */
  flowRule(flowId: number): CompiledRule | null {
    const state = this.flows.get(flowId);
    return state !== undefined && state.generation === this.ruleSet.generation ? state.rule : null;
  }

  /** Frees a flow's state (call when the flow table expires it); its held packets still leave. */
  forgetFlow(flowId: number): void {
    this.flows.delete(flowId);
  }

  /** Earliest release time of a held packet, Infinity when none is held. */
  nextDeadline(): number {
    return this.heap.peek()?.time ?? Number.POSITIVE_INFINITY;
  }

  submit(direction: Direction, data: Uint8Array, flowId: number, flow: FlowDescriptor, now: number): void {
    const total = this.counters[direction];
    total.packetsIn++;
    total.bytesIn += data.length;
    if (this.heap.size === 0 && (this.paused || this.ruleSet.rules.length === 0)) {
      total.packetsOut++;
      total.bytesOut += data.length;
      this.onRelease(direction, data, flowId);
      return;
    }
    const state = this.flowState(flowId, flow);
    const lane = state[direction];
    const runtime = this.paused ? null : state.runtime;
    const counters = runtime === null ? null : runtime.counters[direction];
    if (counters !== null) {
      counters.packetsIn++;
      counters.bytesIn += data.length;
    }
    const pipeline = runtime === null ? null : runtime[direction];
    if (pipeline === null) {
      this.schedule(direction, data, flowId, lane, counters, now, now);
      return;
    }
    this.runPipeline(pipeline, direction, data, flowId, lane, counters!, now);
  }

  /** Releases every packet due at `now`, in release order. */
  poll(now: number): void {
    for (;;) {
      const entry = this.heap.peek();
      if (entry === undefined || entry.time > now) return;
      this.heap.remove(entry);
      // How late the timer let it go: the machine's share of its delay, not the policy's.
      const late = now - entry.time;
      this.counters[entry.direction].lateness.record(late);
      entry.counters?.lateness.record(late);
      const lane = entry.lane!;
      if (entry.reorderHeld) {
        lane.held.splice(lane.held.indexOf(entry), 1);
        this.emitHeld(entry, now);
      } else {
        if (!entry.unordered) lane.pending--;
        this.emit(
          entry.direction,
          entry.data,
          entry.flowId,
          lane,
          entry.laneSeq,
          entry.counters,
          entry.enqueuedAt,
          now,
        );
        this.free(entry);
      }
    }
  }

  private flowState(flowId: number, flow: FlowDescriptor): FlowState {
    let state = this.flows.get(flowId);
    if (state === undefined) {
      state = new FlowState();
      this.flows.set(flowId, state);
    }
    if (state.generation !== this.ruleSet.generation) {
      const rule = this.ruleSet.resolve(flow);
      state.generation = this.ruleSet.generation;
      state.rule = rule;
      state.runtime = rule === null ? null : this.runtime(rule);
      state.uplink.burstLeft = 0;
      state.downlink.burstLeft = 0;
    }
    return state;
  }

  private runtime(rule: CompiledRule): RuleRuntime {
    let runtime = this.runtimes[rule.id];
    if (runtime === undefined) {
      runtime = {
        counters: this.counters.forRule(rule),
        uplink: rulePipeline(rule, 'uplink'),
        downlink: rulePipeline(rule, 'downlink'),
      };
      this.runtimes[rule.id] = runtime;
    }
    return runtime;
  }

  private runPipeline(
    pipeline: DirectionPipeline,
    direction: Direction,
    data: Uint8Array,
    flowId: number,
    lane: FlowLane,
    counters: DirectionCounters,
    now: number,
  ): void {
    const ctx = this.ctx;
    ctx.size = data.length;
    ctx.lane = lane;
    ctx.copies = 0;
    ctx.time = now;
    let made = 0;
    for (const fault of pipeline.packetFaults) {
      const kept = fault.apply(ctx);
      if (ctx.copies > made) {
        made = ctx.copies;
        this.counters[direction].duplicated += made;
        counters.duplicated += made;
      }
      if (!kept) {
        this.drop(direction, counters, ctx.cause);
        // As netem: a loss takes one copy of a duplicated packet, and the others still go.
        if (ctx.copies === 0) return;
        ctx.copies--;
      }
    }
    const copies = ctx.copies;
    // Every copy is the same borrowed buffer: a held one is copied when it is queued, and one
    // released now is used by onRelease before the next is handed on. onRelease may submit again
    // (the stack answering at once), which reuses ctx: each copy sets it afresh.
    for (let i = copies; i >= 0; i--) {
      ctx.size = data.length;
      ctx.lane = lane;
      ctx.time = now;
      ctx.hold = false;
      ctx.unordered = false;
      let kept = true;
      for (const fault of pipeline.copyFaults) {
        if (!fault.apply(ctx)) {
          kept = false;
          break;
        }
      }
      if (!kept) this.drop(direction, counters, ctx.cause);
      else {
        const holdWindow = ctx.hold ? ctx.holdWindow : 0;
        this.schedule(
          direction,
          data,
          flowId,
          lane,
          counters,
          now,
          ctx.time,
          holdWindow,
          ctx.holdMaxMs,
          ctx.unordered,
        );
      }
    }
  }

  /**
   * Queues a packet for `time` behind its lane's previous packet, or hands it on now when it is due
   * and nothing of its lane waits. A reorder-held packet waits for `window` later packets of its
   * lane, or until its nominal time plus max_delay.
   */
  private schedule(
    direction: Direction,
    data: Uint8Array,
    flowId: number,
    lane: FlowLane,
    counters: DirectionCounters | null,
    now: number,
    time: number,
    holdWindow = 0,
    holdMaxMs = 0,
    unordered = false,
  ): void {
    if (unordered) {
      // netem's jitter: the packet leaves at its own time, before an earlier one if it drew less.
      if (time <= now) {
        this.emit(direction, data, flowId, lane, ++lane.seq, counters, now, now);
        return;
      }
      const entry = this.entry(direction, data, flowId, lane, ++lane.seq, counters, now, time);
      if (entry === null) return;
      entry.unordered = true;
      this.heap.push(entry);
      if (time > lane.lastRelease) lane.lastRelease = time;
      this.counters[direction].delayed++;
      if (counters !== null) counters.delayed++;
      return;
    }
    if (time < lane.lastRelease) time = lane.lastRelease;
    const laneSeq = ++lane.seq;
    if (holdWindow > 0) {
      const entry = this.entry(direction, data, flowId, lane, laneSeq, counters, now, time + holdMaxMs);
      if (entry === null) return;
      entry.reorderHeld = true;
      entry.remaining = holdWindow;
      lane.held.push(entry);
      this.heap.push(entry);
      this.counters[direction].reordered++;
      if (counters !== null) counters.reordered++;
      return;
    }
    lane.lastRelease = time;
    if (time <= now && lane.pending === 0) {
      this.emit(direction, data, flowId, lane, laneSeq, counters, now, now);
      return;
    }
    const entry = this.entry(direction, data, flowId, lane, laneSeq, counters, now, time);
    if (entry === null) return;
    lane.pending++;
    this.heap.push(entry);
    if (time > now) {
      this.counters[direction].delayed++;
      if (counters !== null) counters.delayed++;
    }
  }

  private entry(
    direction: Direction,
    data: Uint8Array,
    flowId: number,
    lane: FlowLane,
    laneSeq: number,
    counters: DirectionCounters | null,
    enqueuedAt: number,
    time: number,
  ): HeldPacket | null {
    if (this.held + data.length > this.maxHeldBytes) {
      this.counters.discards.add('heldLimit');
      return null;
    }
    this.held += data.length;
    const entry = this.pool.pop() ?? new HeldPacket();
    entry.direction = direction;
    // Submitters lend their buffers (the TUN slab, the stack's output buffer): a held packet
    // needs its own copy, in its entry's reused store.
    if (entry.store.length < data.length) entry.store = new Uint8Array(Math.max(data.length, MIN_STORE));
    entry.store.set(data);
    entry.data = entry.store.subarray(0, data.length);
    entry.flowId = flowId;
    entry.lane = lane;
    entry.laneSeq = laneSeq;
    entry.counters = counters;
    entry.enqueuedAt = enqueuedAt;
    entry.time = time;
    entry.reorderHeld = false;
    entry.unordered = false;
    entry.remaining = 0;
    return entry;
  }

  private free(entry: HeldPacket): void {
    this.held -= entry.data.length;
    entry.clear();
    if (this.pool.length >= MAX_POOL) return;
    // A jumbo packet's store is not kept: the pool should not pin 64 KiB per entry.
    if (entry.store.length > MIN_STORE) entry.store = new Uint8Array(0);
    this.pool.push(entry);
  }

  private drop(direction: Direction, counters: DirectionCounters, cause: DropCause): void {
    this.counters[direction].drop(cause);
    counters.drop(cause);
  }

  /** Hands a packet on and lets it count toward the windows of the reorder-held packets submitted before it. */
  private emit(
    direction: Direction,
    data: Uint8Array,
    flowId: number,
    lane: FlowLane,
    laneSeq: number,
    counters: DirectionCounters | null,
    enqueuedAt: number,
    now: number,
  ): void {
    this.countOut(direction, data.length, counters, now - enqueuedAt);
    this.onRelease(direction, data, flowId);
    const held = lane.held;
    for (let i = 0; i < held.length && held[i]!.laneSeq < laneSeq; ) {
      const entry = held[i]!;
      if (--entry.remaining > 0) {
        i++;
        continue;
      }
      held.splice(i, 1);
      this.heap.remove(entry);
      this.emitHeld(entry, now);
    }
  }

  private emitHeld(entry: HeldPacket, now: number): void {
    this.countOut(entry.direction, entry.data.length, entry.counters, now - entry.enqueuedAt);
    this.onRelease(entry.direction, entry.data, entry.flowId);
    this.free(entry);
  }

  private countOut(
    direction: Direction,
    bytes: number,
    counters: DirectionCounters | null,
    delayMs: number,
  ): void {
    const total = this.counters[direction];
    total.packetsOut++;
    total.bytesOut += bytes;
    if (counters === null) return;
    counters.packetsOut++;
    counters.bytesOut += bytes;
    counters.addedDelay.record(delayMs);
    total.addedDelay.record(delayMs);
  }
}

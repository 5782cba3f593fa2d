/**
 * The messages between the main thread (src/api, the control server, the CLI) and the data-plane
 * thread (src/dataplane/entry.ts). Commands are answered synchronously: the main thread posts one
 * on the command port and sleeps on a shared word until the reply is on the port, so `stats()` and
 * policy switches keep their synchronous API. The rest (events, the drain at close) travel as
 * ordinary worker messages.
 */
import type { DnsUpstream } from '../dns/handler.js';
import type { HostSocketLimits } from '../egress/limits.js';
import type { StatsSnapshot } from '../metrics/snapshot.js';
import type { Policy } from '../policy/types.js';

/** The resource limits the data plane keeps (docs/TUNING.md). */
export interface ResourceLimits {
  maxFlows: number;
  maxHeldBytes: number;
  sockets: HostSocketLimits;
}

/** The checked network options the data plane runs with. */
export interface DataPlaneSettings {
  mtu: number;
  upstreams: DnsUpstream[];
  hosts: Map<string, string[]>;
  hostLoopback: boolean;
  hostNetwork: boolean;
  udpIdleTimeoutMs: number;
  limits: ResourceLimits;
}

/** Everything the data plane is built from; structured-cloned into the thread. */
export interface DataPlaneConfig extends DataPlaneSettings {
  /** tun0's descriptor, opened by the main thread (descriptors are per process). */
  tunFd: number;
  /** The launcher's PID, alive while the data plane starts: tun0's counters are read through it. */
  namespacePid: number;
  policies: Policy[];
  fallbackSeed: number;
}

/** What the main thread fills into a snapshot: it owns the names of the active policies. */
export interface StatsView {
  uptimeMs: number;
  policies: string[];
}

/** Commands answered at once, by one reply on the command port. */
export type Command =
  | { op: 'setPolicies'; policies: Policy[]; fallbackSeed: number }
  | { op: 'setPaused'; paused: boolean }
  | { op: 'resetCounters' }
  | { op: 'stats'; view: StatsView }
  /** Stops reading and writing tun0 and closes the host sockets (after the drain). */
  | { op: 'finish' };

export interface FinishResult {
  /** Packets the pipelines still held: counted as `closeHeld`. */
  held: number;
  /** Host connections whose upload was incomplete, reset. */
  reset: number;
  /** Events shed since the last `eventsDropped` report. */
  eventsDropped: number;
}

export interface CommandResults {
  setPolicies: null;
  setPaused: null;
  resetCounters: null;
  stats: StatsSnapshot;
  finish: FinishResult;
}

export type CommandReply = { ok: true; value: unknown } | { ok: false; message: string };

/** Main thread to data plane, on the worker's own channel. */
export type Notice =
  /** The data plane's configuration, once the namespace exists: it starts reading tun0. */
  | { type: 'configure'; config: DataPlaneConfig }
  /** Carry on until nothing the program sent is on its way, or `deadlineMs` from now. */
  | { type: 'drain'; withinMs: number }
  /** Ends a drain now, as if its deadline had passed. */
  | { type: 'endLinger' }
  /** Closes every socket; the thread ends once its loop is empty. */
  | { type: 'shutdown' };

/** Data plane to main thread. */
export type Report =
  | { type: 'ready' }
  | { type: 'event'; kind: 'flow-refused' | 'flow-unreachable' | 'error'; message: string; target?: string }
  /** Events not sent because more than EVENTS_PER_SECOND came in one second (a SYN flood). */
  | { type: 'eventsDropped'; count: number }
  | { type: 'drained'; drained: boolean };

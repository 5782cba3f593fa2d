/**
 * The messages between a comparison run (host side) and its agent, the client program that runs
 * inside the network: newline-delimited JSON over a Unix socket whose path the agent gets as its
 * argument. The socket is a file, not a network address, so this traffic never crosses tun0 and
 * no policy touches it.
 */

/** One kind of operation the agent times. */
export type OperationKind = 'tcp' | 'http' | 'udp' | 'dns' | 'exec';

/** Where each kind of operation goes, as the namespace sees it. */
export interface OperationTargets {
  /** A TCP server that echoes each line back: connect, send a line, read its echo, close. */
  tcpEcho?: { host: string; port: number };
  /** An HTTP server: one GET on a new connection, the whole body read. */
  http?: { host: string; port: number; path: string };
  /** A UDP server that echoes each datagram back: one datagram, one echo, no retry. */
  udpEcho?: { host: string; port: number };
  /**
   * Each worker looks up `w<worker>.<suffix>` (A records) through the namespace's resolver; the
   * zone must answer with TTL 0, or a resolver cache would hide the lookups from faultnet.
   */
  dnsSuffix?: string;
  /** A command run to completion: exit code 0 is a success. */
  command?: readonly string[];
}

export interface PhaseRequest {
  type: 'phase';
  name: string;
  /** Each worker cycles through these kinds, starting at its own index. */
  mix: readonly OperationKind[];
  workers: number;
  /** Stop starting operations after this long ... */
  durationMs?: number;
  /** ... or once this many have started (all workers together). */
  count?: number;
  /** An operation still running after this long fails as `timeout`. */
  opTimeoutMs: number;
  targets: OperationTargets;
}

export interface KindTally {
  ops: number;
  errors: number;
}

export interface PhaseReport {
  type: 'report';
  name: string;
  /** From the first operation's start to the last one's end. */
  elapsedMs: number;
  /** Latency of each successful operation, in completion order. */
  latenciesMs: number[];
  /** Failed operations by reason (`timeout`, `ECONNRESET`, `exit 1`, ...). */
  errors: Record<string, number>;
  /** Payload bytes received by successful operations. */
  bytes: number;
  byKind: Partial<Record<OperationKind, KindTally>>;
}

export type AgentMessage = PhaseReport | { type: 'fatal'; message: string };

// Tunables of the TCP layer. Times are in ms, sizes in bytes.

import type { CongestionFactory } from './congestion/controller.js';
import { cubic } from './congestion/cubic.js';

export interface TcpConfig {
  /** Link MTU: the MSS we announce is this minus the IP and TCP headers. */
  mtu: number;
  /** Most bytes buffered towards the application: the largest window we advertise. */
  receiveBufferSize: number;
  /** Most bytes the application may queue (unsent plus unacknowledged). */
  sendBufferSize: number;
  initialRto: number;
  minRto: number;
  maxRto: number;
  /** Consecutive RTO expiries before the connection is given up as timed out. */
  maxRetransmits: number;
  /** SYN / SYN-ACK retransmissions before giving up. */
  synRetries: number;
  timeWait: number;
  /** A PENDING connection the application has not decided about by then is dropped silently. */
  pendingTimeout: number;
  /** Idle time before keepalive probes; 0 disables keepalive. */
  keepaliveIdle: number;
  keepaliveInterval: number;
  keepaliveProbes: number;
  /** Initial congestion window, in segments (RFC 6928). */
  initialWindowSegments: number;
  /** RFC 6675 DupThresh; raised per connection when reordering is seen. */
  dupThresh: number;
  /** Upper bound of the adaptive DupThresh. */
  maxDupThresh: number;
  windowScaling: boolean;
  timestamps: boolean;
  sack: boolean;
  /**
   * Tail loss probe (RFC 8985 section 7, needs SACK): when the ACK clock stops with data in
   * flight, one segment goes out after two RTTs instead of waiting for the RTO.
   */
  tailLossProbe: boolean;
  /** Out-of-order ranges the receiver tracks (and SACK blocks the sender remembers). */
  maxOutOfOrderRanges: number;
  /** Verify TCP checksums of arriving packets. */
  verifyChecksums: boolean;
  /** Default controller; TcpEndpoint.congestionFor may choose another per flow. CUBIC, as Linux. */
  congestion: CongestionFactory;
  /** RFC 6528 secret (four words); random when absent. Tests pass one to be repeatable. */
  isnKey?: Uint32Array;
}

export const DEFAULT_TCP_CONFIG: TcpConfig = {
  mtu: 1500,
  receiveBufferSize: 4 * 1024 * 1024,
  sendBufferSize: 4 * 1024 * 1024,
  initialRto: 1000,
  minRto: 200,
  maxRto: 60_000,
  maxRetransmits: 15,
  synRetries: 6,
  timeWait: 2000,
  pendingTimeout: 120_000,
  keepaliveIdle: 7_200_000,
  keepaliveInterval: 75_000,
  keepaliveProbes: 9,
  initialWindowSegments: 10,
  dupThresh: 3,
  maxDupThresh: 32,
  windowScaling: true,
  timestamps: true,
  sack: true,
  tailLossProbe: false,
  maxOutOfOrderRanges: 32,
  verifyChecksums: true,
  congestion: cubic,
};

export function tcpConfig(overrides: Partial<TcpConfig> = {}): TcpConfig {
  return { ...DEFAULT_TCP_CONFIG, ...overrides };
}

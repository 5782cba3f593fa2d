import type { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import type { TcpPeerStats } from './snapshot.js';

/** The stack's sender counters, summed over every connection it has had, as stats show them. */
export function tcpPeerStats(tcp: TcpEndpoint): TcpPeerStats {
  const c = tcp.counters();
  return {
    connections: tcp.connectionCount,
    retransmittedSegments: c.retransmittedSegments,
    rtos: c.rtos,
    spuriousRtos: c.spuriousRtos,
    tailLossProbes: c.tailLossProbes,
    fastRecoveries: c.fastRecoveries,
    dsacksReceived: c.dsacksReceived,
    stalledMs: Math.round(c.stalledMs),
  };
}

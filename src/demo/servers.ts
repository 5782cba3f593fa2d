import type { OperationTargets } from '../baseline/protocol.js';
import { ADDRESSES } from '../dataplane/addresses.js';
import { startHttpServer } from './http-server.js';
import { startTcpEcho } from './tcp-echo-server.js';
import { startUdpEcho } from './udp-echo-server.js';
import { startZoneServer } from './zone-server.js';

/** The demo zone: every name under it resolves to the gateway, i.e. to this machine's loopback. */
export const DEMO_ZONE = 'demo.faultnet.test';

/** Body size of the demo's HTTP requests: large enough for a rate limit to show. */
export const DEMO_HTTP_BYTES = 16 * 1024;

export interface DemoServers {
  tcpEchoPort: number;
  httpPort: number;
  udpEchoPort: number;
  dnsPort: number;
  /** `127.0.0.1:PORT` of the zone, for the network's `dnsUpstream`. */
  dnsUpstream: string;
  close(): Promise<void>;
}

/** Starts the TCP echo, HTTP, UDP echo and DNS servers, all on 127.0.0.1. */
export async function startDemoServers(): Promise<DemoServers> {
  const [tcp, http, udp, zone] = await Promise.all([
    startTcpEcho(),
    startHttpServer(),
    startUdpEcho(),
    startZoneServer(DEMO_ZONE, ADDRESSES.gateway4),
  ]);
  return {
    tcpEchoPort: tcp.port,
    httpPort: http.port,
    udpEchoPort: udp.port,
    dnsPort: zone.port,
    dnsUpstream: `127.0.0.1:${zone.port}`,
    close: async () => {
      await Promise.all([tcp.close(), http.close()]);
      udp.socket.close();
      zone.socket.close();
    },
  };
}

/** Where the namespace reaches the servers: the gateway address leads to the host loopback. */
export function demoTargets(ports: Omit<DemoServers, 'close' | 'dnsUpstream'>): OperationTargets {
  const host = ADDRESSES.gateway4;
  return {
    tcpEcho: { host, port: ports.tcpEchoPort },
    http: { host, port: ports.httpPort, path: `/bytes/${DEMO_HTTP_BYTES}` },
    udpEcho: { host, port: ports.udpEchoPort },
    dnsSuffix: DEMO_ZONE,
  };
}

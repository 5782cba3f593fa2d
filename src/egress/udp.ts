import { createSocket, type Socket } from 'node:dgram';
import type { HostAccess } from './host-access.js';

/** Where a reply datagram came from, as the namespace will see it (after loopback mapping). */
export type UdpDeliver = (
  endpoint: UdpEndpoint,
  fromAddress: string,
  fromPort: number,
  payload: Buffer,
) => void;

/**
 * One host datagram socket per namespace source endpoint (address, port): endpoint-independent
 * mapping, like slirp4netns, so replies from any peer port (TFTP, STUN) find their way back.
 */
export class UdpEndpoint {
  lastActive: number;
  private readonly socket: Socket;
  closed = false;

  constructor(
    readonly key: string,
    readonly family: 4 | 6,
    readonly localAddress: string,
    /** The namespace address as bytes, for building reply packets. */
    readonly localBytes: Uint8Array,
    readonly localPort: number,
    private readonly egress: UdpEgress,
    now: number,
  ) {
    this.lastActive = now;
    this.socket = createSocket({
      type: family === 4 ? 'udp4' : 'udp6',
      recvBufferSize: 4 << 20,
      sendBufferSize: 4 << 20,
    });
    this.socket.on('message', (msg, rinfo) => {
      this.lastActive = performance.now();
      const from = this.egress.fromHost(rinfo.address, family);
      this.egress.deliver(this, from, rinfo.port, msg);
    });
    // ICMP errors of other datagrams must not end the endpoint.
    this.socket.on('error', () => {});
    this.socket.bind(0);
  }

  /** The router refuses addresses `UdpEgress.toHost` does not map before it makes an endpoint. */
  send(toAddress: string, toPort: number, payload: Uint8Array, now: number): void {
    this.lastActive = now;
    const target = this.egress.toHost(toAddress, this.family);
    if (target === null) return;
    this.egress.inFlight++;
    this.socket.send(payload, toPort, target, () => this.egress.inFlight--);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }
}

export interface UdpEgressOptions {
  /** What each destination means on the host (the gateway, refused addresses). */
  access: HostAccess;
  /** Replies from the host's loopback are shown as from the gateway, when it leads there. */
  hostLoopback: boolean;
  gateway4: string;
  gateway6: string;
  idleTimeoutMs: number;
  /** Host sockets at once; a new namespace source past it gets none (null). */
  maxUdp: number;
}

/** An endpoint idle this long may be closed early when the socket limit needs room. */
const EVICT_IDLE_MS = 1000;

/** Relays the namespace's UDP flows through host datagram sockets. */
export class UdpEgress {
  private readonly endpoints = new Map<string, UdpEndpoint>();
  /** The oldest endpoint's activity plus EVICT_IDLE_MS at the last scan that found none idle. */
  private noEvictionBefore = Number.NEGATIVE_INFINITY;
  /** Datagrams handed to a host socket whose send has not completed yet. */
  inFlight = 0;

  constructor(
    private readonly opts: UdpEgressOptions,
    readonly deliver: UdpDeliver,
  ) {}

  get size(): number {
    return this.endpoints.size;
  }

  /** The endpoint for a namespace source; called once per new flow, not per packet. */
  endpoint(
    family: 4 | 6,
    localAddress: string,
    localBytes: Uint8Array,
    localPort: number,
    now: number,
  ): UdpEndpoint | null {
    const key = `${localAddress}|${localPort}`;
    let ep = this.endpoints.get(key);
    if (!ep || ep.closed) {
      if (!ep && this.endpoints.size >= this.opts.maxUdp && !this.evictIdle(now)) return null;
      ep = new UdpEndpoint(key, family, localAddress, localBytes.slice(), localPort, this, now);
      this.endpoints.set(key, ep);
    }
    return ep;
  }

  /**
   * At the socket limit, the least recently active endpoint makes room if it has been idle for
   * EVICT_IDLE_MS, as a NAT table recycles its oldest mapping: a client that opens a socket per
   * query would otherwise be refused until the idle timeout. False if every endpoint is busy.
   */
  private evictIdle(now: number): boolean {
    // Until then no endpoint can qualify: a flood of new sources at the limit costs no scans.
    if (now < this.noEvictionBefore) return false;
    let oldest: UdpEndpoint | undefined;
    for (const ep of this.endpoints.values()) if (!oldest || ep.lastActive < oldest.lastActive) oldest = ep;
    if (!oldest) return false;
    if (now - oldest.lastActive < EVICT_IDLE_MS) {
      this.noEvictionBefore = oldest.lastActive + EVICT_IDLE_MS;
      return false;
    }
    oldest.close();
    this.endpoints.delete(oldest.key);
    return true;
  }

  toHost(address: string, family: 4 | 6): string | null {
    return this.opts.access.resolve(address, family);
  }

  fromHost(address: string, family: 4 | 6): string {
    if (this.opts.hostLoopback) {
      if (family === 4 && address.startsWith('127.')) return this.opts.gateway4;
      if (family === 6 && address === '::1') return this.opts.gateway6;
    }
    return address;
  }

  /** Closes endpoints idle for longer than the timeout; returns the keys closed. */
  expire(now: number): UdpEndpoint[] {
    const gone: UdpEndpoint[] = [];
    for (const [key, ep] of this.endpoints) {
      if (now - ep.lastActive >= this.opts.idleTimeoutMs) {
        ep.close();
        this.endpoints.delete(key);
        gone.push(ep);
      }
    }
    return gone;
  }

  close(): void {
    for (const ep of this.endpoints.values()) ep.close();
    this.endpoints.clear();
  }
}

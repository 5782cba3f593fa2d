import { ipv4ToString, ipv6ToString } from '../../stack/wire/address.js';

export type FlowProtocol = 'tcp' | 'udp' | 'icmp' | 'other';

/**
 * One conversation between a namespace endpoint (local) and a remote endpoint, in both
 * directions: the unit that rules are resolved for and that faults keep per-flow state on.
 */
export class Flow {
  /** Next flow in the same hash bucket. */
  next: Flow | undefined;
  readonly localAddress: string;
  readonly remoteAddress: string;
  /** Names faultnet's DNS handler saw resolve to the remote address (hostname targets match these). */
  hostnames: readonly string[] = [];
  packetsUp = 0;
  bytesUp = 0;
  packetsDown = 0;
  bytesDown = 0;
  lastActive: number;
  /** False once the flow left the table: a reference kept elsewhere must not be used for packets. */
  live = true;
  /** Application state (egress endpoint, TCP connection) keyed by whoever owns the flow. */
  attachment: unknown;

  constructor(
    readonly id: number,
    readonly hash: number,
    readonly protocolNumber: number,
    readonly protocol: FlowProtocol,
    readonly family: 4 | 6,
    readonly addresses: Uint8Array,
    readonly localPort: number,
    readonly remotePort: number,
    now: number,
  ) {
    const n = family === 4 ? 4 : 16;
    this.localAddress = family === 4 ? ipv4ToString(addresses, 0) : ipv6ToString(addresses, 0);
    this.remoteAddress = family === 4 ? ipv4ToString(addresses, n) : ipv6ToString(addresses, n);
    this.lastActive = now;
  }

  /** FlowDescriptor: rules match the remote end, whichever direction a packet travels. */
  get dstAddress(): string {
    return this.remoteAddress;
  }

  get dstPort(): number {
    return this.remotePort;
  }

  localAddressBytes(): Uint8Array {
    return this.addresses.subarray(0, this.addresses.length >>> 1);
  }

  remoteAddressBytes(): Uint8Array {
    return this.addresses.subarray(this.addresses.length >>> 1);
  }
}

function protocolName(proto: number): FlowProtocol {
  if (proto === 6) return 'tcp';
  if (proto === 17) return 'udp';
  if (proto === 1 || proto === 58) return 'icmp';
  return 'other';
}

/**
 * Flows by a numeric hash of (protocol, local, remote): one integer hash and a byte compare per
 * packet, no string keys.
 */
export class FlowTable {
  private readonly buckets = new Map<number, Flow>();
  /** Flows by remote address, for the rare events that concern one address (a DNS learning). */
  private readonly byRemote = new Map<string, Set<Flow>>();
  private nextId = 1;
  count = 0;

  static hash(
    proto: number,
    buf: Uint8Array,
    localOff: number,
    remoteOff: number,
    addrLen: number,
    localPort: number,
    remotePort: number,
  ): number {
    let h = (0x811c9dc5 ^ proto) >>> 0;
    for (let i = 0; i < addrLen; i++) h = Math.imul(h ^ buf[localOff + i]!, 0x01000193);
    for (let i = 0; i < addrLen; i++) h = Math.imul(h ^ buf[remoteOff + i]!, 0x01000193);
    h = Math.imul(h ^ localPort, 0x01000193);
    h = Math.imul(h ^ remotePort, 0x01000193);
    return h >>> 0;
  }

  find(
    hash: number,
    proto: number,
    buf: Uint8Array,
    localOff: number,
    remoteOff: number,
    addrLen: number,
    localPort: number,
    remotePort: number,
  ): Flow | undefined {
    for (let f = this.buckets.get(hash); f; f = f.next) {
      if (f.protocolNumber !== proto || f.localPort !== localPort || f.remotePort !== remotePort) continue;
      if (f.addresses.length !== addrLen * 2) continue;
      let same = true;
      const a = f.addresses;
      for (let i = 0; i < addrLen && same; i++) {
        same = a[i] === buf[localOff + i] && a[addrLen + i] === buf[remoteOff + i];
      }
      if (same) return f;
    }
    return undefined;
  }

  create(
    hash: number,
    proto: number,
    buf: Uint8Array,
    localOff: number,
    remoteOff: number,
    addrLen: number,
    localPort: number,
    remotePort: number,
    now: number,
  ): Flow {
    const addresses = new Uint8Array(addrLen * 2);
    addresses.set(buf.subarray(localOff, localOff + addrLen), 0);
    addresses.set(buf.subarray(remoteOff, remoteOff + addrLen), addrLen);
    const flow = new Flow(
      this.nextId++,
      hash,
      proto,
      protocolName(proto),
      addrLen === 4 ? 4 : 6,
      addresses,
      localPort,
      remotePort,
      now,
    );
    flow.next = this.buckets.get(hash);
    this.buckets.set(hash, flow);
    let peers = this.byRemote.get(flow.remoteAddress);
    if (!peers) {
      peers = new Set();
      this.byRemote.set(flow.remoteAddress, peers);
    }
    peers.add(flow);
    this.count++;
    return flow;
  }

  remove(flow: Flow): void {
    let prev: Flow | undefined;
    for (let f = this.buckets.get(flow.hash); f; prev = f, f = f.next) {
      if (f !== flow) continue;
      if (prev) prev.next = f.next;
      else if (f.next) this.buckets.set(flow.hash, f.next);
      else this.buckets.delete(flow.hash);
      const peers = this.byRemote.get(flow.remoteAddress);
      peers?.delete(flow);
      if (peers?.size === 0) this.byRemote.delete(flow.remoteAddress);
      this.count--;
      return;
    }
  }

  /** The flows whose remote end is `address` (canonical text). */
  withRemote(address: string): Iterable<Flow> {
    return this.byRemote.get(address) ?? [];
  }

  *all(): IterableIterator<Flow> {
    for (const head of this.buckets.values()) {
      for (let f: Flow | undefined = head; f; f = f.next) yield f;
    }
  }
}

// A hand-driven TCP peer for scenario tests: it builds IPv4/IPv6 segments field by field, feeds
// them to a TcpEndpoint on a virtual clock, and parses everything the endpoint sends back.

import type { TcpConfig } from '../../stack/tcp/config.js';
import type { Connection } from '../../stack/tcp/connection.js';
import { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import { parseIpv4ToU32, parseIpv6Address } from '../../stack/wire/address.js';
import { IpProtocol } from '../../stack/wire/ip-protocol.js';
import { emitIpv4, ipv4PseudoHeaderSum, newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import { emitIpv6, ipv6PseudoHeaderSum, newIpv6Repr, parseIpv6 } from '../../stack/wire/ipv6.js';
import { emitTcp, fillTcpChecksum, newTcpRepr, parseTcp, TcpFlags } from '../../stack/wire/tcp.js';

export const { FIN, SYN, RST, PSH, ACK, ECE, CWR } = TcpFlags;

export interface SegmentSpec {
  flags: number;
  seq: number;
  ack?: number;
  window?: number;
  payload?: Uint8Array;
  mss?: number;
  windowScale?: number;
  sackPermitted?: boolean;
  /** [tsVal, tsEcr] */
  ts?: [number, number];
  sack?: [number, number][];
}

export interface Seen {
  flags: number;
  seq: number;
  ack: number;
  window: number;
  payload: Uint8Array;
  mss: number;
  windowScale: number;
  sackPermitted: boolean;
  sack: [number, number][];
  ts: [number, number] | null;
  raw: Uint8Array;
}

export class ScriptedPeer {
  readonly ep: TcpEndpoint;
  now = 0;
  readonly seen: Seen[] = [];
  readonly requests: Connection[] = [];
  private readonly buf = new Uint8Array(70_000);
  private readonly ip4 = newIpv4Repr();
  private readonly ip6 = newIpv6Repr();

  constructor(
    config: Partial<TcpConfig> = {},
    readonly v6 = false,
    readonly peerAddress = v6 ? 'fd00:fa17::100' : '10.0.2.100',
    readonly serverAddress = v6 ? '2001:db8::80' : '93.184.216.34',
    public peerPort = 40000,
    readonly serverPort = 80,
  ) {
    this.ep = new TcpEndpoint({ isnKey: Uint32Array.of(1, 2, 3, 4), ...config }, (p, len) =>
      this.seen.push(parseSeen(p.slice(0, len))),
    );
    this.ep.onConnectRequest = (conn) => this.requests.push(conn);
  }

  /** Builds and delivers one segment, then flushes (one batch). */
  send(spec: SegmentSpec): void {
    this.deliver(this.build(spec));
    this.ep.flush(this.now);
  }

  /** Delivers several segments as one batch, then flushes once. */
  sendBatch(specs: SegmentSpec[]): void {
    for (const s of specs) this.deliver(this.build(s));
    this.ep.flush(this.now);
  }

  private deliver(packet: Uint8Array): void {
    this.ep.input(packet, 0, packet.length, this.now);
  }

  build(spec: SegmentSpec): Uint8Array {
    const tcp = newTcpRepr();
    tcp.srcPort = this.peerPort;
    tcp.dstPort = this.serverPort;
    tcp.seq = spec.seq >>> 0;
    tcp.ack = (spec.ack ?? 0) >>> 0;
    tcp.flags = spec.flags;
    tcp.window = spec.window ?? 65535;
    tcp.mss = spec.mss ?? 0;
    tcp.windowScale = spec.windowScale ?? -1;
    tcp.sackPermitted = spec.sackPermitted ?? false;
    if (spec.ts) {
      tcp.hasTimestamp = true;
      tcp.tsVal = spec.ts[0] >>> 0;
      tcp.tsEcr = spec.ts[1] >>> 0;
    }
    const blocks = spec.sack ?? [];
    blocks.forEach(([l, r], i) => {
      tcp.sack[i]!.left = l >>> 0;
      tcp.sack[i]!.right = r >>> 0;
    });
    tcp.sackCount = blocks.length;
    const payload = spec.payload ?? new Uint8Array(0);
    const ipLen = this.v6 ? 40 : 20;
    const buf = this.buf;
    const hl = emitTcp(tcp, buf, ipLen);
    buf.set(payload, ipLen + hl);
    const segLen = hl + payload.length;
    let pseudo: number;
    if (this.v6) {
      const ip = this.ip6;
      parseIpv6Address(this.peerAddress, ip.src, 0);
      parseIpv6Address(this.serverAddress, ip.dst, 0);
      ip.nextHeader = IpProtocol.TCP;
      ip.payloadLength = segLen;
      emitIpv6(ip, buf, 0);
      pseudo = ipv6PseudoHeaderSum(ip, segLen);
    } else {
      const ip = this.ip4;
      ip.src = parseIpv4ToU32(this.peerAddress);
      ip.dst = parseIpv4ToU32(this.serverAddress);
      ip.protocol = IpProtocol.TCP;
      ip.payloadLength = segLen;
      emitIpv4(ip, buf, 0);
      pseudo = ipv4PseudoHeaderSum(ip, segLen);
    }
    fillTcpChecksum(buf, ipLen, segLen, pseudo);
    return buf.slice(0, ipLen + segLen);
  }

  /** Everything the endpoint sent since the last take. */
  take(): Seen[] {
    return this.seen.splice(0);
  }

  /** Moves the clock by `ms` and runs the endpoint's timers. */
  advance(ms: number): void {
    this.now += ms;
    this.ep.poll(this.now);
  }

  /** Runs timers step by step until `ms` have passed. */
  run(ms: number, step = 1): void {
    const end = this.now + ms;
    while (this.now < end) this.advance(Math.min(step, end - this.now));
  }
}

export function parseSeen(raw: Uint8Array): Seen {
  let off: number;
  let len: number;
  if (raw[0]! >>> 4 === 6) {
    const ip = newIpv6Repr();
    if (parseIpv6(raw, 0, raw.length, ip) !== true) throw new Error('bad ipv6 output');
    off = ip.payloadOffset;
    len = ip.payloadLength;
  } else {
    const ip = newIpv4Repr();
    if (parseIpv4(raw, 0, raw.length, ip) !== true) throw new Error('bad ipv4 output');
    off = ip.payloadOffset;
    len = ip.payloadLength;
  }
  const t = newTcpRepr();
  const ok = parseTcp(raw, off, len, t);
  if (ok !== true) throw new Error(`bad tcp output: ${ok}`);
  const sack: [number, number][] = [];
  for (let i = 0; i < t.sackCount; i++) sack.push([t.sack[i]!.left, t.sack[i]!.right]);
  return {
    flags: t.flags,
    seq: t.seq,
    ack: t.ack,
    window: t.window,
    payload: raw.slice(t.payloadOffset, t.payloadOffset + t.payloadLength),
    mss: t.mss,
    windowScale: t.windowScale,
    sackPermitted: t.sackPermitted,
    sack,
    ts: t.hasTimestamp ? [t.tsVal, t.tsEcr] : null,
    raw,
  };
}

/** `n` bytes of a recognisable pattern starting at stream offset `from`. */
export function pattern(from: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (from + i) * 7 + 3;
  return out;
}

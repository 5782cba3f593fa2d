import { classifyPacket, newPacketInfo, type PacketInfo } from '../../stack/classify.js';
import { buildEchoReply, buildUdpPacket, buildUnreachable } from '../../stack/datagram.js';
import { Fragmenter } from '../../stack/ip/fragmentation.js';
import { DEFAULT_REASSEMBLY_LIMITS, fragmentKey, Reassembler } from '../../stack/ip/reassembly.js';
import type { Connection } from '../../stack/tcp/connection.js';
import type { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import { parseIpv4Address, parseIpv6Address } from '../../stack/wire/address.js';
import { writeU32 } from '../../stack/wire/bytes.js';
import { pseudoHeaderSumV4, pseudoHeaderSumV6 } from '../../stack/wire/checksum.js';
import { IpProtocol } from '../../stack/wire/ip-protocol.js';
import { UDP_HEADER_LENGTH, udpChecksumValid } from '../../stack/wire/udp.js';
import type { UdpEgress, UdpEndpoint } from '../egress/udp.js';
import { FaultEngine } from '../faults/engine.js';
import type { FaultCounters } from '../metrics/counters.js';
import type { DiscardCounters } from '../metrics/discards.js';
import type { Direction } from '../policy/types.js';
import { type Flow, FlowTable } from './flows.js';

export interface PacketWriter {
  /** False when the packet could not be queued toward the namespace (counted as `tunRing`). */
  write(buf: Uint8Array, off: number, len: number): boolean;
}

export interface RouterAddresses {
  gateway4: string;
  gateway6: string;
  dns4: string;
  dns6: string;
}

/** Something that answers DNS messages and remembers names (src/dns's handler). */
export interface DnsResponder {
  /** `udpRoom`: the UDP payload the namespace link carries unfragmented; answers fit it or are truncated. */
  handle(
    query: Uint8Array,
    reply: (response: Uint8Array) => void,
    transport: 'udp',
    context: { udpRoom: number },
  ): void;
  hostnamesFor(address: string): readonly string[];
}

export interface RouterLimits {
  /** Flows at once (default DEFAULT_MAX_FLOWS); a packet that would open one more is counted as `flowLimit`. */
  maxFlows?: number;
  /** Bytes the fault pipelines may hold at once (the engine's default when unset). */
  maxHeldBytes?: number;
}

export const DEFAULT_MAX_FLOWS = 65_536;
/** At the flow limit, flows idle this long are expired early, at most once per PRESSURE_SWEEP_MS. */
const PRESSURE_IDLE_MS = 5_000;
const PRESSURE_SWEEP_MS = 1_000;
/**
 * Flows that are only bookkeeping go after this instead of the idle timeout: a TCP flow the
 * namespace never sent on (our stack answering after its connection ended: a reset, TIME_WAIT
 * acknowledging a retransmitted FIN) and a flow to faultnet's own DNS address (no host socket; a
 * resolver picks a new port per query). Measured: a client making 1,900 connections and 1,700
 * lookups a second kept 30,000 and 100,000 such flows at the 60 s timeout, 8,000 at 5 s.
 */
const BOOKKEEPING_FLOW_IDLE_MS = 1_000;

/** What the router answered itself; what it discarded is in `FaultCounters.discards`. */
export interface RouterCounters {
  echoReplies: number;
  dnsQueries: number;
  /** Uplink datagrams reassembled, and the fragments they were made of. */
  reassembled: number;
  reassembledFragments: number;
}

function addressBytes(text: string, family: 4 | 6): Uint8Array {
  const out = new Uint8Array(family === 4 ? 4 : 16);
  const ok = family === 4 ? parseIpv4Address(text, out, 0) : parseIpv6Address(text, out, 0);
  if (!ok) throw new Error(`router: bad address ${text}`);
  return out;
}

/** The largest IP packet: a 64 KiB IPv6 payload behind its 40-byte header. */
const MAX_PACKET = 65_535 + 40;
/** Later fragments carry no ports: they follow the flow of their datagram's first fragment. */
const MAX_FRAGMENT_FLOWS = 1024;

function sameBytes(buf: Uint8Array, off: number, addr: Uint8Array): boolean {
  for (let i = 0; i < addr.length; i++) if (buf[off + i] !== addr[i]) return false;
  return true;
}

/**
 * The packet router: every packet from the TUN is classified into a flow and handed to the
 * uplink pipeline; what the pipeline releases goes to the stack (ICMP echo, UDP relay, DNS).
 * Packets toward the namespace are classified the same way and go through the downlink
 * pipeline to the TUN.
 */
export class Router {
  readonly flows = new FlowTable();
  private readonly flowsById = new Map<number, Flow>();
  private readonly info: PacketInfo = newPacketInfo();
  private readonly releaseInfo: PacketInfo = newPacketInfo();
  private readonly scratch: Uint8Array;
  private readonly gw4: Uint8Array;
  private readonly gw6: Uint8Array;
  private readonly dns4: Uint8Array;
  private readonly dns6: Uint8Array;
  private readonly fromScratch = new Uint8Array(16);
  private readonly tcpTuple = new Uint8Array(32);
  readonly engine: FaultEngine;
  readonly counters: RouterCounters = {
    echoReplies: 0,
    dnsQueries: 0,
    reassembled: 0,
    reassembledFragments: 0,
  };
  private readonly discards: DiscardCounters;
  private readonly fragmenter: Fragmenter;
  private readonly reassembler: Reassembler;
  private readonly fragmentFlows = new Map<string, Flow>();
  private readonly maxFlows: number;
  private lastPressureSweep = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly out: PacketWriter,
    readonly mtu: number,
    addresses: RouterAddresses,
    private readonly udp: UdpEgress,
    private readonly dns: DnsResponder,
    counters: FaultCounters,
    readonly tcp: TcpEndpoint,
    limits: RouterLimits = {},
  ) {
    this.scratch = new Uint8Array(MAX_PACKET);
    this.gw4 = addressBytes(addresses.gateway4, 4);
    this.gw6 = addressBytes(addresses.gateway6, 6);
    this.dns4 = addressBytes(addresses.dns4, 4);
    this.dns6 = addressBytes(addresses.dns6, 6);
    this.discards = counters.discards;
    this.fragmenter = new Fragmenter(mtu);
    this.reassembler = new Reassembler(DEFAULT_REASSEMBLY_LIMITS, (cause, n) => this.discards.add(cause, n));
    this.maxFlows = limits.maxFlows ?? DEFAULT_MAX_FLOWS;
    this.engine = new FaultEngine({
      counters,
      onRelease: (direction, data, flowId) => this.release(direction, data, flowId, performance.now()),
      maxHeldBytes: limits.maxHeldBytes,
    });
  }

  /** A batch read from the TUN: uplink packets, valid only during this call. */
  handleBatch(slab: Uint8Array, meta: Int32Array, count: number, now: number): void {
    for (let i = 0; i < count; i++) {
      const off = meta[i * 2]!;
      const len = meta[i * 2 + 1]!;
      this.fromNamespace(slab, off, len, now);
    }
    this.tcp.flush(now);
  }

  /** Releases held packets and runs TCP timers due at `now`. */
  poll(now: number): void {
    this.engine.poll(now);
    this.tcp.poll(now);
    this.reassembler.expire(now);
  }

  nextDeadline(): number {
    return Math.min(this.engine.nextDeadline(), this.tcp.nextDeadline(), this.reassembler.nextDeadline());
  }

  /**
   * A segment of our TCP toward the namespace, in the stack's reused buffer (lent to the engine
   * like everything else). The connection keeps its flow (`route`), so a segment the stack just
   * built is not classified and looked up again; a flow that has gone since (idle expiry) is
   * found or made anew.
   */
  tcpOutput(packet: Uint8Array, len: number, conn: Connection | null): void {
    const now = this.tcp.now;
    const route = conn?.route as Flow | undefined;
    if (route?.live && len <= this.mtu) {
      route.lastActive = now;
      this.submitDown(route, packet.subarray(0, len), now);
      return;
    }
    const flow = this.toNamespace(packet.subarray(0, len), now);
    if (conn !== null && flow !== null) conn.route = flow;
  }

  /** A connection's host side could not be reached: ICMP unreachable for its SYN. */
  unreachable(syn: Uint8Array): void {
    const len = buildUnreachable(syn, this.scratch);
    if (len > 0) this.toNamespace(this.scratch.subarray(0, len), performance.now());
  }

  /** A TCP connection ended: its flow goes (a late segment would make a new one). */
  connectionClosed(conn: Connection): void {
    let flow = conn.route as Flow | undefined;
    if (flow === undefined) {
      // It never sent a segment (refused or unreachable before its SYN-ACK): find it by tuple.
      const n = conn.v6 ? 16 : 4;
      const bytes = this.tcpTuple;
      for (let i = 0; i < n / 4; i++) {
        writeU32(bytes, 4 * i, conn.remoteWords[i]!);
        writeU32(bytes, n + 4 * i, conn.localWords[i]!);
      }
      const hash = FlowTable.hash(IpProtocol.TCP, bytes, 0, n, n, conn.remotePort, conn.localPort);
      flow = this.flows.find(hash, IpProtocol.TCP, bytes, 0, n, n, conn.remotePort, conn.localPort);
    }
    conn.route = undefined;
    if (flow?.live) this.removeFlow(flow);
  }

  /** One uplink packet, valid during the call only. */
  fromNamespace(buf: Uint8Array, off: number, len: number, now: number): void {
    const info = this.info;
    if (classifyPacket(buf, off, len, info) !== true) {
      this.discards.add('malformed');
      return;
    }
    const flow = info.fragment
      ? this.fragmentFlow(buf, info, now)
      : this.uplinkFlow(buf, info, info.srcOffset, info.dstOffset, info.srcPort, info.dstPort, now);
    if (flow === null) return;
    flow.packetsUp++;
    flow.bytesUp += len;
    flow.lastActive = now;
    // Lent: the engine copies the packets it holds.
    this.engine.submit('uplink', buf.subarray(off, off + len), flow.id, flow, now);
  }

  /**
   * The flow of an uplink fragment: the first fragment finds it by its ports and names it for
   * the rest, so that every fragment of a datagram meets the same rule.
   */
  private fragmentFlow(buf: Uint8Array, info: PacketInfo, now: number): Flow | null {
    const key = fragmentKey(
      info.family,
      buf,
      info.srcOffset,
      info.dstOffset,
      info.family === 4 ? info.protocol : 0,
      info.fragmentIdent,
    );
    let flow = info.fragmentOffset === 0 ? undefined : this.fragmentFlows.get(key);
    if (!flow) {
      const found = this.uplinkFlow(
        buf,
        info,
        info.srcOffset,
        info.dstOffset,
        info.srcPort,
        info.dstPort,
        now,
      );
      if (found === null || info.fragmentOffset !== 0) return found;
      flow = found;
      if (this.fragmentFlows.size >= MAX_FRAGMENT_FLOWS) {
        this.fragmentFlows.delete(this.fragmentFlows.keys().next().value!);
      }
      this.fragmentFlows.set(key, flow);
    } else if (!info.moreFragments) {
      this.fragmentFlows.delete(key);
    }
    return flow;
  }

  /**
   * One downlink packet built by the stack or egress, valid during the call only, through the
   * downlink faults; its flow, or null if malformed. Larger than the MTU, it goes as fragments,
   * each through the faults on its own, as on a real link.
   */
  toNamespace(packet: Uint8Array, now: number): Flow | null {
    const info = this.info;
    // Built here: its IPv4 header checksum is right by construction.
    if (classifyPacket(packet, 0, packet.length, info, false) !== true) {
      this.discards.add('malformed');
      return null;
    }
    const flow = this.flowFor(packet, info, info.dstOffset, info.srcOffset, info.dstPort, info.srcPort, now);
    flow.lastActive = now;
    if (packet.length <= this.mtu) {
      this.submitDown(flow, packet, now);
      return flow;
    }
    if (this.fragmenter.fragment(packet, (fragment) => this.submitDown(flow, fragment, now)) === 0) {
      this.discards.add('unsupported');
    }
    return flow;
  }

  private submitDown(flow: Flow, packet: Uint8Array, now: number): void {
    flow.packetsDown++;
    flow.bytesDown += packet.length;
    this.engine.submit('downlink', packet, flow.id, flow, now);
  }

  /**
   * flowFor for what the namespace sends: past `maxFlows` a new flow is refused and its packet
   * counted as `flowLimit`. Downlink packets answer flows that exist, so they are not limited.
   */
  private uplinkFlow(
    buf: Uint8Array,
    info: PacketInfo,
    localOff: number,
    remoteOff: number,
    localPort: number,
    remotePort: number,
    now: number,
  ): Flow | null {
    if (this.flows.count >= this.maxFlows && now - this.lastPressureSweep >= PRESSURE_SWEEP_MS) {
      // Full: flows idle for a while go early, as a NAT table under pressure shortens its
      // timeouts, so that a client opening a flow per request is not refused for a minute.
      this.lastPressureSweep = now;
      this.expire(now, PRESSURE_IDLE_MS);
    }
    if (this.flows.count >= this.maxFlows) {
      const n = info.addressLength;
      const hash = FlowTable.hash(info.protocol, buf, localOff, remoteOff, n, localPort, remotePort);
      const flow = this.flows.find(hash, info.protocol, buf, localOff, remoteOff, n, localPort, remotePort);
      if (flow === undefined) this.discards.add('flowLimit');
      return flow ?? null;
    }
    return this.flowFor(buf, info, localOff, remoteOff, localPort, remotePort, now);
  }

  private flowFor(
    buf: Uint8Array,
    info: PacketInfo,
    localOff: number,
    remoteOff: number,
    localPort: number,
    remotePort: number,
    now: number,
  ): Flow {
    const n = info.addressLength;
    const hash = FlowTable.hash(info.protocol, buf, localOff, remoteOff, n, localPort, remotePort);
    let flow = this.flows.find(hash, info.protocol, buf, localOff, remoteOff, n, localPort, remotePort);
    if (!flow) {
      flow = this.flows.create(hash, info.protocol, buf, localOff, remoteOff, n, localPort, remotePort, now);
      flow.hostnames = this.dns.hostnamesFor(flow.remoteAddress);
      this.flowsById.set(flow.id, flow);
    }
    return flow;
  }

  /** Called by the pipeline for every packet it lets through. */
  release(direction: Direction, data: Uint8Array, flowId: number, now: number): void {
    if (direction === 'downlink') {
      if (this.out.write(data, 0, data.length) === false) this.discards.add('tunRing');
      return;
    }
    const known = this.flowsById.get(flowId);
    // The stack parses TCP itself: the flow already says what the packet is.
    if (known?.protocolNumber === IpProtocol.TCP && !mayBeFragment(data)) {
      this.tcp.input(data, 0, data.length, now);
      return;
    }
    const info = this.releaseInfo;
    if (classifyPacket(data, 0, data.length, info) !== true) {
      this.discards.add('malformed');
      return;
    }
    if (info.fragment) {
      const whole = this.reassembler.add(data, now);
      if (whole === null) return;
      this.counters.reassembled++;
      this.counters.reassembledFragments += this.reassembler.lastFragments;
      if (classifyPacket(whole, 0, whole.length, info, false) !== true) {
        this.discards.add('malformed');
        return;
      }
      // Its flow by its own ports: a later fragment may have come before the first.
      this.deliverUp(whole, info, undefined, now);
      return;
    }
    this.deliverUp(data, info, known, now);
  }

  /** A whole uplink datagram, released by the pipeline (and reassembled if it came in pieces). */
  private deliverUp(data: Uint8Array, info: PacketInfo, known: Flow | undefined, now: number): void {
    switch (info.protocol) {
      case IpProtocol.ICMP:
      case IpProtocol.ICMPV6:
        this.icmpUp(data, info, now);
        return;
      case IpProtocol.UDP: {
        // A flow expired while its packet was held comes back as a new flow.
        const flow =
          known ??
          this.uplinkFlow(data, info, info.srcOffset, info.dstOffset, info.srcPort, info.dstPort, now);
        if (flow !== null) this.udpUp(data, info, flow, now);
        return;
      }
      case IpProtocol.TCP:
        this.tcp.input(data, 0, data.length, now);
        return;
      default:
        this.discards.add('unsupported');
    }
  }

  private isLocalService(buf: Uint8Array, info: PacketInfo): boolean {
    return info.family === 4
      ? sameBytes(buf, info.dstOffset, this.gw4) || sameBytes(buf, info.dstOffset, this.dns4)
      : sameBytes(buf, info.dstOffset, this.gw6) || sameBytes(buf, info.dstOffset, this.dns6);
  }

  private icmpUp(data: Uint8Array, info: PacketInfo, now: number): void {
    if (!this.isLocalService(data, info)) {
      this.discards.add('unsupported');
      return;
    }
    const len = buildEchoReply(
      data,
      info.family,
      info.srcOffset,
      info.dstOffset,
      info.l4Offset,
      info.l4Length,
      this.scratch,
    );
    if (len === 0) {
      this.discards.add('unsupported');
      return;
    }
    this.counters.echoReplies++;
    this.toNamespace(this.scratch.subarray(0, len), now);
  }

  private udpUp(data: Uint8Array, info: PacketInfo, flow: Flow, now: number): void {
    if (info.l4Length < UDP_HEADER_LENGTH) {
      this.discards.add('malformed');
      return;
    }
    const at = info.l4Offset;
    const udpLength = (data[at + 4]! << 8) | data[at + 5]!;
    if (udpLength < UDP_HEADER_LENGTH || udpLength > info.l4Length) {
      this.discards.add('malformed');
      return;
    }
    const pseudo =
      info.family === 4
        ? pseudoHeaderSumV4(data, info.srcOffset, data, info.dstOffset, IpProtocol.UDP, udpLength)
        : pseudoHeaderSumV6(data, info.srcOffset, data, info.dstOffset, IpProtocol.UDP, udpLength);
    if (!udpChecksumValid(data, at, udpLength, pseudo, info.family === 6)) {
      this.discards.add('malformed');
      return;
    }
    const payload = data.subarray(at + UDP_HEADER_LENGTH, at + udpLength);
    if (info.dstPort === 53) {
      this.counters.dnsQueries++;
      this.dns.handle(
        payload,
        (response) => this.udpDown(flow, flow.remoteAddressBytes(), flow.remotePort, response),
        'udp',
        { udpRoom: this.mtu - (info.family === 4 ? 20 : 40) - UDP_HEADER_LENGTH },
      );
      return;
    }
    if (
      sameBytes(data, info.dstOffset, info.family === 4 ? this.dns4 : this.dns6) ||
      this.udp.toHost(flow.remoteAddress, info.family) === null
    ) {
      this.discards.add('noRoute');
      return;
    }
    let ep = flow.attachment as UdpEndpoint | undefined;
    if (!ep || ep.closed) {
      const made = this.udp.endpoint(
        info.family,
        flow.localAddress,
        flow.localAddressBytes(),
        flow.localPort,
        now,
      );
      if (made === null) {
        this.discards.add('udpSocketLimit');
        return;
      }
      ep = made;
      flow.attachment = ep;
    }
    // dgram sends asynchronously, and `data` is only lent to us.
    ep.send(flow.remoteAddress, flow.remotePort, Buffer.from(payload), now);
  }

  /** A datagram from a host socket back to the namespace endpoint of `endpoint`. */
  udpFromHost(endpoint: UdpEndpoint, fromAddress: string, fromPort: number, payload: Uint8Array): void {
    const family = endpoint.family;
    const from = this.fromScratch;
    const ok = family === 4 ? parseIpv4Address(fromAddress, from, 0) : parseIpv6Address(fromAddress, from, 0);
    if (!ok) {
      this.discards.add('malformed');
      return;
    }
    this.udpDownRaw(family, from, fromPort, endpoint.localBytes, endpoint.localPort, payload);
  }

  private udpDown(flow: Flow, remote: Uint8Array, remotePort: number, payload: Uint8Array): void {
    this.udpDownRaw(flow.family, remote, remotePort, flow.localAddressBytes(), flow.localPort, payload);
  }

  private udpDownRaw(
    family: 4 | 6,
    from: Uint8Array,
    fromPort: number,
    to: Uint8Array,
    toPort: number,
    payload: Uint8Array,
  ): void {
    // 16-bit lengths: the IPv4 total length counts its header, the IPv6 payload length does not.
    if (payload.length > (family === 4 ? 65_507 : 65_527)) {
      this.discards.add('unsupported');
      return;
    }
    // Lent to the engine like every downlink packet, so the scratch buffer serves.
    const len = buildUdpPacket(
      this.scratch,
      family,
      from,
      0,
      fromPort,
      to,
      0,
      toPort,
      payload,
      0,
      payload.length,
    );
    this.toNamespace(this.scratch.subarray(0, len), performance.now());
  }

  /**
   * Drops flows idle for `idleMs`. TCP flows also go when their connection closes; an idle live
   * connection that loses its flow gets a new one (and its rule again) with its next segment.
   */
  expire(now: number, idleMs: number): void {
    const shortMs = Math.min(idleMs, BOOKKEEPING_FLOW_IDLE_MS);
    for (const flow of this.flows.all()) {
      if (now - flow.lastActive >= (this.bookkeepingOnly(flow) ? shortMs : idleMs)) this.removeFlow(flow);
    }
  }

  private bookkeepingOnly(flow: Flow): boolean {
    if (flow.protocolNumber === IpProtocol.TCP) return flow.packetsUp === 0;
    const v4 = flow.family === 4;
    return sameBytes(flow.addresses, v4 ? 4 : 16, v4 ? this.dns4 : this.dns6);
  }

  /** The DNS handler learned a name for `address`: flows to it re-resolve their rule. */
  learned(address: string): void {
    const names = this.dns.hostnamesFor(address);
    for (const flow of this.flows.withRemote(address)) {
      flow.hostnames = names;
      this.engine.forgetFlow(flow.id);
    }
  }

  removeFlow(flow: Flow): void {
    flow.live = false;
    this.flows.remove(flow);
    this.flowsById.delete(flow.id);
    this.engine.forgetFlow(flow.id);
  }
}

/** Cheap test before the full parse: an IPv4 fragment, or an IPv6 packet with any extension header. */
function mayBeFragment(data: Uint8Array): boolean {
  return data[0]! >>> 4 === 4 ? (((data[6]! << 8) | data[7]!) & 0x3fff) !== 0 : data[6] !== IpProtocol.TCP;
}

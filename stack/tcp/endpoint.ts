// The TCP layer of a promiscuous userspace stack (tun2socks-like): whole IPv4/IPv6 packets in,
// whole packets out, every SYN to any address and port becomes a connection the application
// decides about. Pure logic: no sockets, no timers; time is a number of milliseconds.
//
// Driving it
//   const ep = new TcpEndpoint({ mtu: 1500 }, (packet, len) => fs.writeSync(tunFd, packet, 0, len));
//   for (const p of batch) ep.input(p, 0, p.length, now);   // a batch read from the TUN
//   ep.flush(now);                                           // one coalesced ACK/data train per connection
//   ep.poll(now) when now >= ep.nextDeadline();              // timers; poll also flushes
//   ep.onFlushNeeded fires (once until the next flush) when application calls made work pending:
//   schedule ep.flush(Date.now()) soon after, e.g. with setImmediate.
//   `output(packet, len, conn)` gets the first `len` bytes of a buffer reused after it returns
//   (write or copy it synchronously) and the connection that sent it (null for a reset to a
//   segment that had none, or TIME_WAIT's ACK): `conn.route` is the caller's slot for its own
//   state of the connection, such as the flow the packet belongs to.
//
// Endpoint events (assign functions):
//   onConnectRequest(conn)        a SYN for a new 4-tuple; conn.state is PENDING and retransmitted
//                                 SYNs are absorbed. Call conn.accept() (SYN-ACK), conn.refuse()
//                                 (RST) or conn.unreachable() later. Default: refuse.
//   onUnreachable(conn, syn)      conn.unreachable() was called; `syn` is a copy of the original
//                                 IP packet, for an ICMP/ICMPv6 destination-unreachable reply.
//   onFlushNeeded()               see above.
//
// Connection (stack/tcp/connection.ts), addresses from the program's point of view:
//   conn.family 4|6, conn.localAddress/localPort (the destination the program dialled),
//   conn.remoteAddress/remotePort (the program's side); strings built on demand.
//   conn.accept() / conn.refuse() / conn.unreachable()     pending connections only
//   conn.write(data, off?, len?): number                   bytes taken into the send buffer
//   conn.writable: number                                  free send-buffer bytes
//   conn.read(max?): Uint8Array | null                     copy out and consume in-order bytes
//   conn.readInto(dst, off?, len?): number                 same, into the caller's buffer
//   conn.readable: number                                  in-order bytes waiting
//     The advertised window is the receive buffer minus unread bytes: not reading is the
//     backpressure. Reading promptly sends a window update once the window grows by an MSS.
//   conn.shutdownWrite()                                   FIN after all queued data
//   conn.abort()                                           RST, then closed at once
//   conn.onEstablished(conn)      handshake complete
//   conn.onReadable(conn)         new in-order data (once per flush)
//   conn.onWritable(conn)         after a short write, a quarter of the send buffer is free
//   conn.onRemoteFin(conn)        the peer half-closed; remaining data is still readable
//   conn.onReset(conn)            the peer sent RST; onClose(conn, 'reset') follows
//   conn.onClose(conn, reason)    'normal' | 'reset' | 'timeout' | 'aborted' | 'refused' |
//                                 'unreachable'; sent once, also on entering TIME_WAIT
//   conn.userData                 free for the application
// Events are delivered from flush/poll, never from inside input, so callbacks may call any
// connection method.

import { parseIpv4ToU32, parseIpv6Address } from '../wire/address.js';
import { readU32, writeU32 } from '../wire/bytes.js';
import { IpProtocol } from '../wire/ip-protocol.js';
import {
  emitIpv4,
  IPV4_HEADER_LENGTH,
  ipv4IsFragment,
  ipv4PseudoHeaderSum,
  newIpv4Repr,
  parseIpv4,
} from '../wire/ipv4.js';
import {
  emitIpv6,
  IPV6_DST_OFFSET,
  IPV6_HEADER_LENGTH,
  IPV6_SRC_OFFSET,
  ipv6IsFragment,
  ipv6PseudoHeaderSum,
  newIpv6Repr,
  parseIpv6,
} from '../wire/ipv6.js';
import { emitTcp, fillTcpChecksum, newTcpRepr, parseTcp, TcpFlags, tcpChecksumValid } from '../wire/tcp.js';
import { type TcpConfig, tcpConfig } from './config.js';
import type { CongestionFactory } from './congestion/controller.js';
import { Connection, type ConnectionHost } from './connection.js';
import { TcpCounters } from './counters.js';
import { startHeader } from './header.js';
import { IsnGenerator } from './isn.js';
import { seqAdd } from './seq.js';
import { INPUT_REUSE, type TimeWait, type Tuple } from './time-wait.js';
import { TimerHeap } from './timers.js';

const { SYN, ACK, RST, FIN } = TcpFlags;

export interface TcpEndpointStats {
  packetsIn: number;
  packetsOut: number;
  /** Not IP, not TCP, fragments, bad checksums or malformed headers. */
  dropped: number;
  connectRequests: number;
  resetsSent: number;
}

function noop(): void {}

// Murmur3-style finaliser over the tuple words; kept within the small-integer range so Map lookups
// never box the key.
function tupleHash(words: Uint32Array, n: number): number {
  let h = 0x9e3779b9 ^ n;
  for (let i = 0; i < n; i++) {
    h = Math.imul(h ^ words[i]!, 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
    h = Math.imul(h, 0x1b873593);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h & 0x3fffffff;
}

export class TcpEndpoint implements ConnectionHost {
  readonly config: TcpConfig;
  now = 0;
  readonly tx = newTcpRepr();
  readonly stats: TcpEndpointStats = {
    packetsIn: 0,
    packetsOut: 0,
    dropped: 0,
    connectRequests: 0,
    resetsSent: 0,
  };

  onConnectRequest: (conn: Connection) => void = (conn) => conn.refuse();
  onUnreachable: (conn: Connection, syn: Uint8Array) => void = noop;
  onFlushNeeded: () => void = noop;
  /**
   * Picks the congestion control of a new connection (from a SYN or an active open), consulted
   * once per connection; undefined, or a call returning undefined, keeps the config's default.
   */
  congestionFor:
    | ((
        family: 4 | 6,
        localAddress: string,
        localPort: number,
        remoteAddress: string,
        remotePort: number,
      ) => CongestionFactory | undefined)
    | undefined = undefined;
  /** Counters of connections already gone; `counters()` adds the live ones. */
  private readonly closedCounters = new TcpCounters();
  private readonly totals = new TcpCounters();

  /** Demux buckets: live connections and TIME_WAIT records (time-wait.ts), chained. */
  private readonly table = new Map<number, Connection | TimeWait>();
  private count = 0;
  private readonly timers = new TimerHeap<Connection | TimeWait>();
  /**
   * Connections to flush, the first `dirtyCount` of them. The array keeps its length: emptying it
   * (length = 0) gave its store back, and every loop turn's pushes grew a new one (5% of the data
   * plane's allocations under connection churn). Flushed slots are cleared, so none is retained.
   */
  private readonly dirty: (Connection | null)[] = [];
  private dirtyCount = 0;
  private flushing = false;
  private readonly out: Uint8Array;
  private readonly rx = newTcpRepr();
  private readonly ip4 = newIpv4Repr();
  private readonly ip6 = newIpv6Repr();
  private readonly ip4tx = newIpv4Repr();
  private readonly ip6tx = newIpv6Repr();
  /** Tuple of the packet being handled: remote words, local words, ports. */
  private readonly words = new Uint32Array(9);
  private readonly isn: IsnGenerator;
  private ident = 0;

  constructor(
    config: Partial<TcpConfig>,
    private readonly output: (packet: Uint8Array, len: number, conn: Connection | null) => void,
  ) {
    this.config = tcpConfig(config);
    this.isn = new IsnGenerator(this.config.isnKey);
    this.out = new Uint8Array(this.config.mtu + 64);
    this.ip4tx.protocol = IpProtocol.TCP;
    this.ip4tx.dontFragment = true;
    this.ip6tx.nextHeader = IpProtocol.TCP;
  }

  get connectionCount(): number {
    return this.count;
  }

  /** The earliest time `poll` has work (possibly early); Infinity when no timer is set. */
  nextDeadline(): number {
    return this.timers.nextKey();
  }

  // ===================================================================== input

  /** Handles one IP packet `packet[off, off+len)` arriving at `now` (ms). */
  input(packet: Uint8Array, off: number, len: number, now: number): void {
    this.now = now;
    this.stats.packetsIn++;
    const version = len > 0 ? packet[off]! >>> 4 : 0;
    const words = this.words;
    let tcpOff: number;
    let tcpLen: number;
    let pseudo: number;
    let n: number;
    let v6: boolean;
    if (version === 4) {
      const ip = this.ip4;
      if (parseIpv4(packet, off, len, ip) !== true || ip.protocol !== IpProtocol.TCP || ipv4IsFragment(ip)) {
        this.stats.dropped++;
        return;
      }
      tcpOff = ip.payloadOffset;
      tcpLen = ip.payloadLength;
      pseudo = ipv4PseudoHeaderSum(ip, tcpLen);
      words[0] = ip.src;
      words[1] = ip.dst;
      n = 3;
      v6 = false;
    } else if (version === 6) {
      const ip = this.ip6;
      if (
        parseIpv6(packet, off, len, ip) !== true ||
        ip.nextHeader !== IpProtocol.TCP ||
        ipv6IsFragment(ip)
      ) {
        this.stats.dropped++;
        return;
      }
      tcpOff = ip.payloadOffset;
      tcpLen = ip.payloadLength;
      pseudo = ipv6PseudoHeaderSum(ip, tcpLen);
      for (let i = 0; i < 4; i++) {
        words[i] = readU32(packet, off + IPV6_SRC_OFFSET + 4 * i);
        words[4 + i] = readU32(packet, off + IPV6_DST_OFFSET + 4 * i);
      }
      n = 9;
      v6 = true;
    } else {
      this.stats.dropped++;
      return;
    }
    const seg = this.rx;
    if (
      (this.config.verifyChecksums && !tcpChecksumValid(packet, tcpOff, tcpLen, pseudo)) ||
      parseTcp(packet, tcpOff, tcpLen, seg) !== true
    ) {
      this.stats.dropped++;
      return;
    }
    words[n - 1] = ((seg.srcPort << 16) | seg.dstPort) >>> 0;
    const hash = tupleHash(words, n);
    const found = this.find(hash, v6, words);
    if (found instanceof Connection) {
      found.input(seg, packet, now);
      return;
    }
    if (found !== null) {
      if (found.input(seg, now) !== INPUT_REUSE) return;
      this.unlink(found);
    }
    const flags = seg.flags;
    if ((flags & RST) !== 0) return;
    if ((flags & (SYN | ACK | FIN)) === SYN) {
      this.stats.connectRequests++;
      const c = this.create(v6, hash, words, seg.dstPort, seg.srcPort);
      c.initPending(seg, packet.slice(off, off + len), this.isn.isn(this.isnWords(c), n, now), now);
      return;
    }
    this.resetFor(v6, seg);
  }

  private find(hash: number, v6: boolean, words: Uint32Array): Connection | TimeWait | null {
    let c = this.table.get(hash) ?? null;
    const ports = words[v6 ? 8 : 2]!;
    while (c !== null) {
      if (c.v6 === v6 && ((c.remotePort << 16) | c.localPort) >>> 0 === ports) {
        const r = c.remoteWords;
        const l = c.localWords;
        if (!v6) {
          if (r[0] === words[0] && l[0] === words[1]) return c;
        } else if (
          r[0] === words[0] &&
          r[1] === words[1] &&
          r[2] === words[2] &&
          r[3] === words[3] &&
          l[0] === words[4] &&
          l[1] === words[5] &&
          l[2] === words[6] &&
          l[3] === words[7]
        ) {
          return c;
        }
      }
      c = c.nextInBucket;
    }
    return null;
  }

  /** `words` is in packet order: remote (source) words first, then local ones, then ports. */
  private create(
    v6: boolean,
    hash: number,
    words: Uint32Array,
    localPort: number,
    remotePort: number,
  ): Connection {
    const c = new Connection(this, v6);
    const w = v6 ? 4 : 1;
    for (let i = 0; i < w; i++) {
      c.remoteWords[i] = words[i]!;
      c.localWords[i] = words[w + i]!;
    }
    if (v6) {
      c.localAddr6 = new Uint8Array(16);
      c.remoteAddr6 = new Uint8Array(16);
      for (let i = 0; i < 4; i++) {
        writeU32(c.localAddr6, 4 * i, c.localWords[i]!);
        writeU32(c.remoteAddr6, 4 * i, c.remoteWords[i]!);
      }
    }
    c.localPort = localPort;
    c.remotePort = remotePort;
    const pick = this.congestionFor;
    if (pick !== undefined) {
      const f = pick(c.family, c.localAddress, localPort, c.remoteAddress, remotePort);
      if (f !== undefined) c.congestion = f;
    }
    c.hashKey = hash;
    c.nextInBucket = this.table.get(hash) ?? null;
    this.table.set(hash, c);
    this.count++;
    return c;
  }

  /** RFC 6528 hashes the tuple as seen from our side: local first. */
  private isnWords(c: Connection): Uint32Array {
    const words = this.words;
    const w = c.v6 ? 4 : 1;
    for (let i = 0; i < w; i++) {
      words[i] = c.localWords[i]!;
      words[w + i] = c.remoteWords[i]!;
    }
    words[2 * w] = ((c.localPort << 16) | c.remotePort) >>> 0;
    return words;
  }

  /** RFC 9293 3.10.7.1: a segment for no connection gets a RST that the sender will accept. */
  private resetFor(v6: boolean, seg: typeof this.rx): void {
    const tx = this.tx;
    if ((seg.flags & ACK) !== 0) {
      startHeader(tx, seg.dstPort, seg.srcPort, seg.ack, RST);
      tx.ack = 0;
    } else {
      startHeader(tx, seg.dstPort, seg.srcPort, 0, RST | ACK);
      const len = seg.payloadLength + ((seg.flags & SYN) !== 0 ? 1 : 0) + ((seg.flags & FIN) !== 0 ? 1 : 0);
      tx.ack = seqAdd(seg.seq, len);
    }
    tx.window = 0;
    this.stats.resetsSent++;
    if (v6) {
      this.ip6tx.src = this.ip6.dst;
      this.ip6tx.dst = this.ip6.src;
    } else {
      this.ip4tx.src = this.ip4.dst;
      this.ip4tx.dst = this.ip4.src;
    }
    this.send(v6, null, 0, 0);
  }

  // ===================================================================== ConnectionHost

  emit(conn: Connection, payloadSeq: number, payloadLen: number): void {
    if ((this.tx.flags & RST) !== 0) this.stats.resetsSent++;
    this.address(conn);
    this.send(conn.v6, conn, payloadSeq, payloadLen);
  }

  emitControl(tuple: Tuple): void {
    this.address(tuple);
    this.send(tuple.v6, null, 0, 0);
  }

  private address(tuple: Tuple): void {
    if (tuple.v6) {
      this.ip6tx.src = tuple.localAddr6!;
      this.ip6tx.dst = tuple.remoteAddr6!;
    } else {
      this.ip4tx.src = tuple.localWords[0]!;
      this.ip4tx.dst = tuple.remoteWords[0]!;
    }
  }

  private send(v6: boolean, conn: Connection | null, payloadSeq: number, payloadLen: number): void {
    const buf = this.out;
    const ipLen = v6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
    const headerLen = emitTcp(this.tx, buf, ipLen);
    if (payloadLen > 0) conn!.sendBuffer.copyOut(payloadSeq, buf, ipLen + headerLen, payloadLen);
    const segLen = headerLen + payloadLen;
    let pseudo: number;
    if (v6) {
      const ip = this.ip6tx;
      ip.payloadLength = segLen;
      emitIpv6(ip, buf, 0);
      pseudo = ipv6PseudoHeaderSum(ip, segLen);
    } else {
      const ip = this.ip4tx;
      ip.payloadLength = segLen;
      ip.ident = this.ident = (this.ident + 1) & 0xffff;
      emitIpv4(ip, buf, 0);
      pseudo = ipv4PseudoHeaderSum(ip, segLen);
    }
    fillTcpChecksum(buf, ipLen, segLen, pseudo);
    this.stats.packetsOut++;
    this.output(buf, ipLen + segLen, conn);
  }

  timerChanged(item: Connection | TimeWait): void {
    this.timers.update(item);
  }

  markDirty(conn: Connection): void {
    if (conn.dirty) return;
    conn.dirty = true;
    this.dirty[this.dirtyCount++] = conn;
    if (!this.flushing) {
      this.flushing = true;
      this.onFlushNeeded();
    }
  }

  /** Loss-recovery counters summed over every connection this endpoint has had. */
  counters(): TcpCounters {
    const t = this.totals;
    t.reset();
    t.add(this.closedCounters);
    for (const c of this.connections()) t.add(c.counters);
    return t;
  }

  /** Starts every connection's counters (and the closed ones' total) again from zero. */
  resetCounters(): void {
    this.closedCounters.reset();
    for (const c of this.connections()) c.counters.reset();
  }

  /**
   * Connections with data or a FIN the peer has not acknowledged yet: a close in progress is not
   * over while one is waiting for its last ACK (or a reset).
   */
  get unacknowledged(): number {
    let n = 0;
    for (const c of this.connections()) if (c.sndMax !== c.sndUna) n++;
    return n;
  }

  private *connections(): Generator<Connection> {
    for (const head of this.table.values()) {
      for (let c: Connection | TimeWait | null = head; c !== null; c = c.nextInBucket) {
        if (c instanceof Connection) yield c;
      }
    }
  }

  detach(conn: Connection): void {
    if (this.unlink(conn)) this.closedCounters.add(conn.counters);
  }

  enterTimeWait(conn: Connection, record: TimeWait): void {
    if (!this.replace(conn, record)) return;
    this.timers.remove(conn);
    this.closedCounters.add(conn.counters);
    this.timers.update(record);
  }

  /** Puts `next` in `prev`'s place in its bucket chain; false if `prev` was not filed. */
  private replace(prev: Connection | TimeWait, next: Connection | TimeWait): boolean {
    const head = this.table.get(prev.hashKey);
    next.nextInBucket = prev.nextInBucket;
    if (head === prev) {
      this.table.set(prev.hashKey, next);
    } else {
      let c: Connection | TimeWait | null | undefined = head;
      while (c !== undefined && c !== null && c.nextInBucket !== prev) c = c.nextInBucket;
      if (c === undefined || c === null) return false;
      c.nextInBucket = next;
    }
    prev.nextInBucket = null;
    return true;
  }

  /** Forgets a connection or TIME_WAIT record: its bucket entry and timers. False if not filed. */
  private unlink(item: Connection | TimeWait): boolean {
    this.timers.remove(item);
    const head = this.table.get(item.hashKey);
    if (head === undefined) return false;
    if (head === item) {
      if (item.nextInBucket === null) this.table.delete(item.hashKey);
      else this.table.set(item.hashKey, item.nextInBucket);
    } else {
      let c = head;
      while (c.nextInBucket !== null && c.nextInBucket !== item) c = c.nextInBucket;
      if (c.nextInBucket !== item) return false;
      c.nextInBucket = item.nextInBucket;
    }
    item.nextInBucket = null;
    this.count--;
    return true;
  }

  unreachable(conn: Connection, syn: Uint8Array): void {
    this.onUnreachable(conn, syn);
  }

  // ===================================================================== driving

  /** Sends what the batch made due (data, one coalesced ACK per connection) and delivers events. */
  flush(now: number): void {
    this.now = now;
    this.flushing = true;
    const dirty = this.dirty;
    // Output can mark more connections dirty: they are appended and flushed in this pass.
    for (let i = 0; i < this.dirtyCount; i++) {
      const c = dirty[i]!;
      dirty[i] = null;
      c.dirty = false;
      c.dispatch(this.onConnectRequest);
      c.output(now);
    }
    this.dirtyCount = 0;
    this.flushing = false;
  }

  /** Runs every timer due at `now`, then flushes. */
  poll(now: number): void {
    this.now = now;
    for (let c = this.timers.popExpired(now); c !== null; c = this.timers.popExpired(now)) {
      if (c instanceof Connection) c.onTimer(now);
      else this.unlink(c);
    }
    this.flush(now);
  }

  /**
   * Active open (the test side of simulations): a connection from `localAddress:localPort` to
   * `remoteAddress:remotePort`, SYN sent at the next flush.
   */
  connect(localAddress: string, localPort: number, remoteAddress: string, remotePort: number): Connection {
    const v6 = localAddress.includes(':');
    const words = this.words;
    const w = v6 ? 4 : 1;
    if (v6) {
      const bytes = new Uint8Array(32);
      if (!parseIpv6Address(remoteAddress, bytes, 0) || !parseIpv6Address(localAddress, bytes, 16)) {
        throw new Error('tcp: bad IPv6 address');
      }
      for (let i = 0; i < 8; i++) words[i] = readU32(bytes, 4 * i);
    } else {
      const remote = parseIpv4ToU32(remoteAddress);
      const local = parseIpv4ToU32(localAddress);
      if (remote < 0 || local < 0) throw new Error('tcp: bad IPv4 address');
      words[0] = remote;
      words[1] = local;
    }
    const n = 2 * w + 1;
    words[n - 1] = ((remotePort << 16) | localPort) >>> 0;
    const hash = tupleHash(words, n);
    if (this.find(hash, v6, words) !== null) throw new Error('tcp: tuple in use');
    const c = this.create(v6, hash, words, localPort, remotePort);
    c.initConnect(this.isn.isn(this.isnWords(c), n, this.now), this.now);
    return c;
  }
}

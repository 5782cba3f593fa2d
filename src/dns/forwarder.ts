import { randomInt } from 'node:crypto';
import { createSocket, type RemoteInfo, type Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket as TcpSocket } from 'node:net';
import { readU16, writeU16 } from '../../stack/wire/bytes.js';
import { canonicalAddress } from './address.js';
import type { DnsUpstream } from './handler.js';
import {
  answersQuestion,
  type DnsQuery,
  FLAG_QR,
  FLAG_TC,
  HEADER_SIZE,
  RCODE_MASK,
  RCODE_REFUSED,
  RCODE_SERVFAIL,
} from './query.js';
import { DnsStreamReader, frameMessage } from './tcp-framing.js';

// The first try waits at most this long before the next upstream is asked; each full round over
// the upstreams doubles it (1 s, 2 s, 4 s with the default budget), like the C library's resolver.
const FIRST_TRY_MS = 1000;
// Forward ids in flight, well below the 65536 id space so a free id is found in a few draws.
const MAX_IDS_IN_FLIGHT = 32768;

interface Upstream extends DnsUpstream {
  /** Canonical address without scope, to match the sender of a reply. */
  readonly address: string;
}

interface Exchange {
  readonly query: DnsQuery;
  readonly done: (answer: Uint8Array | null) => void;
  attempt: number;
  /** Forward ids of every try so far: a late answer to an earlier try is still welcome. */
  readonly ids: number[];
  tryTimer: NodeJS.Timeout | null;
  deadline: NodeJS.Timeout | null;
  /** An answer to fall back on at the deadline: a SERVFAIL/REFUSED, or a truncated UDP answer. */
  fallback: Uint8Array | null;
  tcp: TcpSocket | null;
}

/**
 * Relays queries to the upstream resolvers over UDP, with a fresh random id per try, retrying the
 * next upstream after a per-try timeout and repeating a truncated answer's query over TCP.
 * `done` gets the answer with the client's id restored, or null when no usable answer came within
 * `budgetMs`.
 */
export class Forwarder {
  private readonly upstreams: Upstream[];
  private readonly firstTryMs: number;
  private readonly byId = new Map<number, { exchange: Exchange; upstream: Upstream }>();
  private readonly exchanges = new Set<Exchange>();
  private udp4: UdpSocket | null = null;
  private udp6: UdpSocket | null = null;

  constructor(
    upstreams: readonly DnsUpstream[],
    private readonly budgetMs: number,
  ) {
    this.upstreams = upstreams.map((upstream) => {
      const address = canonicalAddress(upstream.host);
      if (address === null) throw new Error(`DNS upstream "${upstream.host}" is not an IP address`);
      return { ...upstream, address };
    });
    // With a small budget every upstream still gets its try before the deadline.
    this.firstTryMs = Math.min(FIRST_TRY_MS, budgetMs / (this.upstreams.length + 1));
  }

  forward(query: DnsQuery, done: (answer: Uint8Array | null) => void): void {
    if (this.upstreams.length === 0 || this.byId.size >= MAX_IDS_IN_FLIGHT) {
      done(null);
      return;
    }
    const exchange: Exchange = {
      query,
      done,
      attempt: 0,
      ids: [],
      tryTimer: null,
      deadline: null,
      fallback: null,
      tcp: null,
    };
    this.exchanges.add(exchange);
    exchange.deadline = setTimeout(() => this.finish(exchange, exchange.fallback), this.budgetMs);
    this.sendTry(exchange);
  }

  /** Drops every exchange without calling its `done`. */
  close(): void {
    for (const exchange of this.exchanges) this.release(exchange);
    this.udp4?.close();
    this.udp6?.close();
    this.udp4 = null;
    this.udp6 = null;
  }

  private sendTry(exchange: Exchange): void {
    const count = this.upstreams.length;
    const upstream = this.upstreams[exchange.attempt % count]!;
    const timeout = this.firstTryMs * 2 ** Math.floor(exchange.attempt / count);
    exchange.attempt++;
    exchange.tryTimer = setTimeout(() => this.sendTry(exchange), timeout);
    if (this.byId.size >= MAX_IDS_IN_FLIGHT) return;
    let id = randomInt(0x10000);
    while (this.byId.has(id)) id = randomInt(0x10000);
    this.byId.set(id, { exchange, upstream });
    exchange.ids.push(id);
    const message = exchange.query.bytes.slice();
    writeU16(message, 0, id);
    // Send errors (no route, ...) count as a lost try: the try timer moves on.
    this.socketFor(upstream).send(message, upstream.port, upstream.host, () => {});
  }

  private socketFor(upstream: Upstream): UdpSocket {
    const v6 = upstream.address.includes(':');
    let socket = v6 ? this.udp6 : this.udp4;
    if (socket === null) {
      socket = createSocket(v6 ? 'udp6' : 'udp4');
      socket.on('message', (message, from) => this.onUdpAnswer(message, from));
      socket.on('error', () => {});
      if (v6) this.udp6 = socket;
      else this.udp4 = socket;
    }
    return socket;
  }

  private onUdpAnswer(message: Uint8Array, from: RemoteInfo): void {
    if (message.length < HEADER_SIZE) return;
    const entry = this.byId.get(readU16(message, 0));
    if (entry === undefined || entry.exchange.tcp !== null) return;
    const { exchange, upstream } = entry;
    if (from.port !== upstream.port || canonicalAddress(from.address) !== upstream.address) return;
    if (!this.isAnswer(exchange, message)) return;
    const flags = readU16(message, 2);
    if ((flags & FLAG_TC) !== 0) {
      exchange.fallback = message;
      this.retryOverTcp(exchange, upstream, readU16(message, 0));
      return;
    }
    const rcode = flags & RCODE_MASK;
    // Like the C library: a failing or refusing server is skipped while others remain untried.
    if ((rcode === RCODE_SERVFAIL || rcode === RCODE_REFUSED) && exchange.attempt < this.upstreams.length) {
      exchange.fallback = message;
      clearTimeout(exchange.tryTimer!);
      this.sendTry(exchange);
      return;
    }
    this.finish(exchange, message);
  }

  private isAnswer(exchange: Exchange, message: Uint8Array): boolean {
    return (readU16(message, 2) & FLAG_QR) !== 0 && answersQuestion(exchange.query, message);
  }

  private retryOverTcp(exchange: Exchange, upstream: Upstream, id: number): void {
    clearTimeout(exchange.tryTimer!);
    exchange.tryTimer = null;
    const message = exchange.query.bytes.slice();
    writeU16(message, 0, id);
    const socket = connect({ host: upstream.host, port: upstream.port });
    exchange.tcp = socket;
    const reader = new DnsStreamReader((answer) => {
      if (readU16(answer, 0) === id && this.isAnswer(exchange, answer)) this.finish(exchange, answer.slice());
    });
    socket.on('data', (chunk) => reader.push(chunk));
    // A failed TCP retry leaves the truncated answer: the client can still retry over TCP itself.
    socket.on('error', () => {});
    socket.on('close', () => this.finish(exchange, exchange.fallback));
    socket.write(frameMessage(message));
  }

  private finish(exchange: Exchange, answer: Uint8Array | null): void {
    if (!this.exchanges.has(exchange)) return;
    this.release(exchange);
    if (answer !== null) writeU16(answer, 0, exchange.query.id);
    exchange.done(answer);
  }

  private release(exchange: Exchange): void {
    this.exchanges.delete(exchange);
    clearTimeout(exchange.tryTimer ?? undefined);
    clearTimeout(exchange.deadline ?? undefined);
    for (const id of exchange.ids) this.byId.delete(id);
    exchange.tcp?.destroy();
  }
}

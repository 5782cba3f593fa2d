import { type Answer, decode } from 'dns-packet';
import { canonicalAddress } from './address.js';
import { Forwarder } from './forwarder.js';
import { NameMemory } from './name-memory.js';
import { type DnsQuery, parseQuery } from './query.js';
import {
  answerFlags,
  buildAnswer,
  fitForUdp,
  headerOnlyAnswer,
  nxdomainAnswer,
  servfailAnswer,
} from './responses.js';

/** An upstream resolver; `host` is an IPv4 or IPv6 literal (an IPv6 `%scope` is allowed). */
export interface DnsUpstream {
  host: string;
  port: number;
}

/** Probabilities in [0, 1]; `delayMs` >= 0. */
export interface DnsFaultPlan {
  delayMs: number;
  timeout: number;
  nxdomain: number;
  servfail: number;
}

export interface DnsFaultChoice {
  plan: DnsFaultPlan;
  /** Seeded, in [0, 1). */
  random: () => number;
  ruleId: number;
}

export type DnsFaultKind = 'delay' | 'timeout' | 'nxdomain' | 'servfail';

/** How the query reached faultnet: UDP answers must fit the client's buffer, TCP ones need not. */
export type DnsTransport = 'udp' | 'tcp';

export interface DnsQueryContext {
  /** UDP payload the client's link carries unfragmented (MTU - IP - UDP headers): answers fit both this and the client's EDNS buffer. */
  udpRoom?: number;
  /** Called instead of `reply` when no answer will ever come (a timeout fault, an unparsable query). */
  noAnswer?: () => void;
}

export interface DnsHandlerOptions {
  /** Tried in order. */
  upstreams: DnsUpstream[];
  /** Local names (lower case) -> IPv4/IPv6 literals, answered locally (A and AAAA) with TTL {@link LOCAL_TTL}. */
  hosts: ReadonlyMap<string, readonly string[]>;
  /** Default 5000: an unreachable or silent upstream yields SERVFAIL within this. */
  servfailAfterMs?: number;
  /** Addresses name memory keeps (least recently learned dropped first); default 4096. */
  nameMemorySize?: number;
  faultsFor?: (qname: string) => DnsFaultChoice | null;
  onQuery?: (qname: string, qtype: string) => void;
  onFault?: (kind: DnsFaultKind, ruleId: number) => void;
}

/** TTL of local answers: 0, so every lookup comes back to faultnet and meets the current faults. */
export const LOCAL_TTL = 0;
const DEFAULT_SERVFAIL_AFTER_MS = 5000;
const DEFAULT_NAME_MEMORY_SIZE = 4096;
// A CDN address can serve many names; the newest few are what hostname rules need.
const NAMES_PER_ADDRESS = 16;

interface LocalHost {
  readonly v4: readonly string[];
  readonly v6: readonly string[];
}

/**
 * faultnet's resolver for the namespace: local `hosts` names answered here, everything else relayed
 * to the upstreams, DNS faults applied first, and every relayed or local address remembered
 * against the names that led to it.
 */
export class DnsHandler {
  /** Called for each new address -> hostname learning. */
  onLearn?: (address: string, hostname: string) => void;

  private readonly hosts = new Map<string, LocalHost>();
  private readonly forwarder: Forwarder;
  private readonly memory: NameMemory;
  private readonly delays = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(private readonly opts: DnsHandlerOptions) {
    for (const [name, literals] of opts.hosts) {
      const v4: string[] = [];
      const v6: string[] = [];
      for (const literal of literals) {
        const address = canonicalAddress(literal);
        if (address === null) throw new Error(`DNS hosts entry ${name}: "${literal}" is not an IP address`);
        (address.includes(':') ? v6 : v4).push(address);
      }
      this.hosts.set(name.toLowerCase().replace(/\.$/, ''), { v4, v6 });
    }
    this.forwarder = new Forwarder(opts.upstreams, opts.servfailAfterMs ?? DEFAULT_SERVFAIL_AFTER_MS);
    this.memory = new NameMemory(
      opts.nameMemorySize ?? DEFAULT_NAME_MEMORY_SIZE,
      NAMES_PER_ADDRESS,
      (address, hostname) => this.onLearn?.(address, hostname),
    );
  }

  /**
   * Answers one DNS message; `reply` is called once with the response (maybe synchronously, maybe
   * later), or never when a timeout fault swallows the query. Malformed queries: FORMERR (NOTIMP
   * for opcodes other than QUERY) when the header is readable, otherwise dropped; never throws.
   * `query` is copied, so the caller may reuse its buffer.
   */
  handle(
    query: Uint8Array,
    reply: (response: Uint8Array) => void,
    transport: DnsTransport = 'udp',
    context: DnsQueryContext = {},
  ): void {
    if (this.closed) return;
    // new Uint8Array copies for any typed array (Buffer#slice would not).
    const parsed = parseQuery(new Uint8Array(query));
    if (parsed === null) {
      context.noAnswer?.();
      return;
    }
    if (typeof parsed === 'number') {
      reply(headerOnlyAnswer(query, parsed));
      return;
    }
    const room = context.udpRoom ?? Number.POSITIVE_INFINITY;
    const send = transport === 'udp' ? (answer: Uint8Array) => reply(fitForUdp(parsed, answer, room)) : reply;
    this.opts.onQuery?.(parsed.name, parsed.type);
    const choice = this.opts.faultsFor?.(parsed.name) ?? null;
    const taken = choice === null ? false : this.injectFault(parsed, choice, send);
    if (taken === 'swallowed') context.noAnswer?.();
    if (taken === false) this.answer(parsed, send);
  }

  /**
   * Hostnames (lower case) that relayed or local answers mapped to `address` (canonical: dotted
   * IPv4, RFC 5952 IPv6), CNAME chains included. The array is never mutated afterwards.
   */
  hostnamesFor(address: string): readonly string[] {
    return this.memory.hostnamesFor(address);
  }

  /** Closes the upstream sockets and cancels every timer; pending queries get no reply. */
  close(): void {
    this.closed = true;
    this.forwarder.close();
    for (const timer of this.delays) clearTimeout(timer);
    this.delays.clear();
  }

  /**
   * Decides timeout, servfail, nxdomain, delay in that order: false when no fault took the query,
   * `swallowed` when it will never be answered.
   */
  private injectFault(
    query: DnsQuery,
    choice: DnsFaultChoice,
    send: (answer: Uint8Array) => void,
  ): false | 'answered' | 'swallowed' {
    const { plan, random, ruleId } = choice;
    const fault = this.opts.onFault ?? (() => {});
    if (plan.timeout > 0 && random() < plan.timeout) {
      fault('timeout', ruleId);
      return 'swallowed';
    }
    if (plan.servfail > 0 && random() < plan.servfail) {
      fault('servfail', ruleId);
      send(servfailAnswer(query));
      return 'answered';
    }
    if (plan.nxdomain > 0 && random() < plan.nxdomain) {
      fault('nxdomain', ruleId);
      send(nxdomainAnswer(query));
      return 'answered';
    }
    if (plan.delayMs > 0) {
      fault('delay', ruleId);
      const timer = setTimeout(() => {
        this.delays.delete(timer);
        this.answer(query, send);
      }, plan.delayMs);
      this.delays.add(timer);
      return 'answered';
    }
    return false;
  }

  private answer(query: DnsQuery, send: (answer: Uint8Array) => void): void {
    const local = this.hosts.get(query.name);
    if (local !== undefined) {
      send(this.localAnswer(query, local));
      return;
    }
    this.forwarder.forward(query, (answer) => {
      if (answer === null) {
        send(servfailAnswer(query));
        return;
      }
      this.learnFrom(query, answer);
      send(answer);
    });
  }

  /** A/AAAA of the matching family; any other type of a local name is NOERROR without records. */
  private localAnswer(query: DnsQuery, local: LocalHost): Uint8Array {
    const any = query.type === 'ANY';
    const v4 = query.type === 'A' || any ? local.v4 : [];
    const v6 = query.type === 'AAAA' || any ? local.v6 : [];
    const name = query.spelledName;
    const records: Answer[] = [
      ...v4.map((data): Answer => ({ type: 'A', name, ttl: LOCAL_TTL, data })),
      ...v6.map((data): Answer => ({ type: 'AAAA', name, ttl: LOCAL_TTL, data })),
    ];
    this.memory.learnAnswers(query.name, records);
    return buildAnswer(query, answerFlags(query, 0, true), records);
  }

  private learnFrom(query: DnsQuery, answer: Uint8Array): void {
    let answers: Answer[] | undefined;
    try {
      answers = decode(Buffer.from(answer.buffer, answer.byteOffset, answer.byteLength)).answers;
    } catch {
      // Relayed as it is: the client may read what dns-packet cannot; there is just nothing to learn.
      return;
    }
    if (answers !== undefined) this.memory.learnAnswers(query.name, answers);
  }
}

// One TCP connection (RFC 9293): the state machine, the receive path (acceptability, trimming,
// reassembly, SACK/D-SACK generation, PAWS) and the send path (windows, congestion control, SACK
// loss recovery, RTO, persist, keepalive). It never touches I/O or clocks: the endpoint feeds it
// parsed segments with `now` and fires its timers, and it emits segments through its host.
//
// Input only updates state and raises flags; the endpoint's flush sends one coalesced segment
// train per connection per batch and delivers the application events.

import { ipv4U32ToString, ipv6ToString } from '../wire/address.js';
import { IPV4_HEADER_LENGTH } from '../wire/ipv4.js';
import { IPV6_HEADER_LENGTH } from '../wire/ipv6.js';
import { TCP_HEADER_LENGTH, TcpFlags, type TcpRepr } from '../wire/tcp.js';
import type { TcpConfig } from './config.js';
import type { CongestionControl, CongestionFactory } from './congestion/controller.js';
import { STALL_GAP_MS, TcpCounters } from './counters.js';
import { startHeader } from './header.js';
import { InsertResult, ReceiveBuffer } from './receive-buffer.js';
import { RttEstimator } from './rtt.js';
import { SackScoreboard } from './sack-scoreboard.js';
import { SendBuffer } from './send-buffer.js';
import { seqAdd, seqDiff, seqGe, seqGt, seqLe, seqLt, seqMax, seqMin } from './seq.js';
import { TimeWait, type TimeWaitHost } from './time-wait.js';
import type { TimerItem } from './timers.js';

const { FIN, SYN, RST, PSH, ACK } = TcpFlags;

export const TcpState = {
  /** A SYN arrived; the application has not yet accepted, refused or declared it unreachable. */
  PENDING: 0,
  SYN_SENT: 1,
  SYN_RECEIVED: 2,
  ESTABLISHED: 3,
  FIN_WAIT_1: 4,
  FIN_WAIT_2: 5,
  CLOSE_WAIT: 6,
  CLOSING: 7,
  LAST_ACK: 8,
  TIME_WAIT: 9,
  CLOSED: 10,
} as const;
export type TcpStateValue = (typeof TcpState)[keyof typeof TcpState];

const STATE_NAMES = [
  'PENDING',
  'SYN_SENT',
  'SYN_RECEIVED',
  'ESTABLISHED',
  'FIN_WAIT_1',
  'FIN_WAIT_2',
  'CLOSE_WAIT',
  'CLOSING',
  'LAST_ACK',
  'TIME_WAIT',
  'CLOSED',
];

export type CloseReason = 'normal' | 'reset' | 'timeout' | 'aborted' | 'refused' | 'unreachable';

/** Event bits, delivered in this order by `dispatch`. */
const EV_CONNECT_REQUEST = 1;
const EV_ESTABLISHED = 2;
const EV_READABLE = 4;
const EV_REMOTE_FIN = 8;
const EV_WRITABLE = 16;
const EV_RESET = 32;
const EV_CLOSED = 64;

// RFC 7323 section 5.5: timestamps older than 24 days are no longer trusted for PAWS.
const PAWS_IDLE = 24 * 24 * 3600 * 1000;
const TIMESTAMP_OPTION_LENGTH = 12;
const PERSIST_MAX = 60_000;
/** Added to a tail loss probe's two RTTs: Linux's TCP_TIMEOUT_MIN, two ticks at HZ=1000. */
const PTO_SLACK_MS = 2;
/** The longest a peer may delay its ACK of a lone segment (RFC 8985's WCDelAckT). */
const WORST_DELAYED_ACK_MS = 200;
/**
 * In-order data is acknowledged at least every this many full-sized segments. A Linux receiver
 * with GRO acknowledges one aggregate of up to 64 KB at a time (44 segments at MTU 1500); 16
 * keeps the peer's RTT and delivery-rate samples fresh, where one ACK per TUN batch (up to 256
 * segments) misled its loss detection, and costs no measurable upload throughput here, unlike
 * an ACK per two segments (tcp_ack_snd_check without GRO: 20% less).
 */
const MAX_SEGMENTS_PER_ACK = 16;

/** What a connection needs from its endpoint (and hands on to its TIME_WAIT record). */
export interface ConnectionHost extends TimeWaitHost {
  readonly config: TcpConfig;
  /** The latest time the endpoint was driven with (for calls made by the application). */
  readonly now: number;
  /** Shared transmit header: the connection fills it, then calls `emit`. */
  readonly tx: TcpRepr;
  /** Builds and outputs the packet for `tx` plus `payloadLen` bytes of send buffer at `payloadSeq`. */
  emit(conn: Connection, payloadSeq: number, payloadLen: number): void;
  timerChanged(item: Connection | TimeWait): void;
  markDirty(conn: Connection): void;
  /** The connection reached CLOSED: forget its tuple and timers. */
  detach(conn: Connection): void;
  /** The connection reached TIME_WAIT: `record` takes its place in the demux and timers. */
  enterTimeWait(conn: Connection, record: TimeWait): void;
  /** The application declared the destination unreachable: `syn` is the original SYN packet. */
  unreachable(conn: Connection, syn: Uint8Array): void;
}

function noop(): void {}

export class Connection implements TimerItem {
  // --- identity (set by the endpoint) ---
  readonly v6: boolean;
  /** Address words: [0] for IPv4, [0..3] for IPv6 (network order u32). */
  readonly localWords = new Uint32Array(4);
  readonly remoteWords = new Uint32Array(4);
  localPort = 0;
  remotePort = 0;
  /** IPv6 address bytes for the packet builder (null for IPv4). */
  localAddr6: Uint8Array | null = null;
  remoteAddr6: Uint8Array | null = null;
  /** Next connection (or TIME_WAIT record) in the same demux bucket. */
  nextInBucket: Connection | TimeWait | null = null;
  hashKey = 0;

  // --- application hooks ---
  /** New in-order data can be `read`. */
  onReadable: (conn: Connection) => void = noop;
  /** Send buffer space opened up after a short `write`. */
  onWritable: (conn: Connection) => void = noop;
  onEstablished: (conn: Connection) => void = noop;
  /** The peer sent FIN: no more data will arrive after what is readable now. */
  onRemoteFin: (conn: Connection) => void = noop;
  /** The peer reset the connection; `onClose` with reason 'reset' follows. */
  onReset: (conn: Connection) => void = noop;
  /** The connection is finished (or sits in TIME_WAIT, which needs nothing from the app). */
  onClose: (conn: Connection, reason: CloseReason) => void = noop;
  /** Free slot for the application's own state. */
  userData: unknown = undefined;
  /** Free slot for whoever carries the packets (the router keeps the connection's flow here). */
  route: unknown = undefined;

  state: TcpStateValue = TcpState.CLOSED;
  closeReason: CloseReason = 'normal';

  // --- timers (TimerItem) ---
  deadline = 0;
  timerIndex = -1;
  timerKey = 0;
  private rtoAt = 0;
  private persistAt = 0;
  /** Tail loss probe (RFC 8985 section 7): fires when the ACK clock stops before the RTO would. */
  private probeAt = 0;
  private keepaliveAt = 0;

  // --- send side ---
  iss = 0;
  sndUna = 0;
  sndNxt = 0;
  sndMax = 0;
  sndWnd = 0;
  private sndWl1 = 0;
  private sndWl2 = 0;
  private maxSndWnd = 0;
  private sndWscale = 0;
  /** Largest payload per segment we send (peer MSS, our MTU, minus the timestamp option). */
  sendMss = 536;
  readonly sendBuffer: SendBuffer;
  private finQueued = false;
  private wantWritable = false;
  private synDue = false;
  private synRetries = 0;
  private retries = 0;
  private persistBackoff = 0;
  private forceSend = false;
  /** The probe timer fired: send one segment beyond cwnd. */
  private probeDue = false;

  // loss recovery
  private readonly scoreboard: SackScoreboard;
  private dupAcks = 0;
  dupThresh: number;
  inRecovery = false;
  private recoverPoint = 0;
  private highRxt = 0;
  /** End of the highest retransmission: data below it may have been sent more than once. */
  private rtxHigh = 0;
  /** SND.MAX when the data at SND.UNA was last retransmitted (or SND.UNA last moved below rtxHigh). */
  private unaRtxMark = 0;
  /** The retransmission at SND.UNA was lost: send it again at the next output. */
  private resendUna = false;
  /** The D-SACK block last counted, so that a duplicated ACK does not count it twice. */
  private lastDsackLeft = 0;
  private lastDsackRight = 0;
  private lostEdge = 0;
  private forceRetransmit = false;
  private cwndLimited = false;
  private priorCwnd = 0;
  private priorSsthresh = 0;
  /**
   * Eifel detection (RFC 3522): our timestamp on the first retransmission of a timeout, while the
   * first ACK after it is still to come; 0 = nothing to judge. An ACK echoing an older timestamp
   * answers the original transmission, so the timeout was spurious (lost ACKs, not lost data).
   */
  private rtoTsVal = 0;
  private episodeRetransmits = 0;
  private episodeDsacks = 0;

  readonly rtt: RttEstimator;
  /**
   * One segment at a time is timed with the clock `now` comes from (microseconds), timestamps or
   * not: the timestamp option ticks in milliseconds, which on a 0.15 ms path reads 1 ms and keeps
   * the tail loss probe 2 RTTs of a wrong size. Any retransmission cancels the timing (Karn).
   */
  private rttActive = false;
  private rttSeq = 0;
  private rttAt = 0;
  cc: CongestionControl | null = null;

  // --- receive side ---
  irs = 0;
  rcvNxt = 0;
  private rcvAdv = 0;
  private rcvWscale = 0;
  private rcvMss = 536;
  /** Our MSS option: the MTU minus IP and TCP headers, options excluded (RFC 9293 3.7.1). */
  private readonly announcedMss: number;
  readonly receiveBuffer: ReceiveBuffer;
  private finSeen = false;
  private rcvFinSeq = 0;
  finReceived = false;
  private ackPending = false;
  /** In-order bytes received since the last ACK we sent. */
  private unackedBytes = 0;
  private dsackPending = false;
  private dsackLeft = 0;
  private dsackRight = 0;

  // --- negotiated options ---
  private wsOk = false;
  sackOk = false;
  tsOk = false;
  private tsRecent = 0;
  private tsRecentAt = 0;
  private tsOffset = 0;
  private lastAckSent = 0;
  private peerMss = 0;

  private lastRecvAt = 0;
  private keepaliveSent = 0;

  // --- endpoint bookkeeping ---
  events = 0;
  dirty = false;
  private synPacket: Uint8Array | null = null;

  // --- counters ---
  segmentsIn = 0;
  segmentsOut = 0;
  bytesReceived = 0;
  /** Loss-recovery counters shown per connection and summed by the endpoint. */
  readonly counters = new TcpCounters();
  /** Chosen once at creation (TcpEndpoint.congestionFor, else the config's). */
  congestion: CongestionFactory;
  private lastProgressAt = 0;

  constructor(
    private readonly host: ConnectionHost,
    v6: boolean,
  ) {
    const cfg = host.config;
    this.v6 = v6;
    this.congestion = cfg.congestion;
    this.dupThresh = cfg.dupThresh;
    this.sendBuffer = new SendBuffer(cfg.sendBufferSize);
    let ws = 0;
    if (cfg.windowScaling) while (ws < 14 && cfg.receiveBufferSize >>> ws > 0xffff) ws++;
    this.rcvWscale = ws;
    this.receiveBuffer = new ReceiveBuffer(cfg.receiveBufferSize, 1 << ws, cfg.maxOutOfOrderRanges);
    this.scoreboard = new SackScoreboard(cfg.maxOutOfOrderRanges);
    this.rtt = new RttEstimator(cfg.initialRto, cfg.minRto, cfg.maxRto);
    this.announcedMss = cfg.mtu - (v6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH) - TCP_HEADER_LENGTH;
    this.rcvMss = this.announcedMss;
  }

  get family(): 4 | 6 {
    return this.v6 ? 6 : 4;
  }

  /** The address the program dialled (our side of the connection). */
  get localAddress(): string {
    return this.v6 ? ipv6ToString(this.localAddr6!, 0) : ipv4U32ToString(this.localWords[0]!);
  }

  /** The program's own address. */
  get remoteAddress(): string {
    return this.v6 ? ipv6ToString(this.remoteAddr6!, 0) : ipv4U32ToString(this.remoteWords[0]!);
  }

  /** The congestion controller's name; null until the connection is established. */
  get congestionName(): CongestionControl['name'] | null {
    return this.cc === null ? null : this.cc.name;
  }

  get stateName(): string {
    return STATE_NAMES[this.state]!;
  }

  /** In-order bytes ready for `read`. */
  get readable(): number {
    return this.receiveBuffer.readable;
  }

  /** Bytes `write` would accept now. */
  get writable(): number {
    return this.canWrite() ? this.sendBuffer.free : 0;
  }

  /** Queued bytes not yet acknowledged by the peer. */
  get unacknowledged(): number {
    return this.sendBuffer.length;
  }

  private canWrite(): boolean {
    if (this.finQueued) return false;
    const s = this.state;
    return s <= TcpState.ESTABLISHED || s === TcpState.CLOSE_WAIT;
  }

  // ===================================================================== setup

  /** Passive open: record the peer's SYN while the application decides. */
  initPending(seg: TcpRepr, synPacket: Uint8Array, iss: number, now: number): void {
    this.state = TcpState.PENDING;
    this.synPacket = synPacket;
    this.iss = iss;
    this.tsOffset = iss ^ 0x5bd1e995;
    this.sendBuffer.init(seqAdd(iss, 1));
    this.takeSyn(seg, now, true);
    this.events |= EV_CONNECT_REQUEST;
    this.host.markDirty(this);
    this.rtoAt = now + this.host.config.pendingTimeout;
    this.rearm();
  }

  /** Active open (used by tests and by simultaneous-open peers). */
  initConnect(iss: number, now: number): void {
    this.iss = iss;
    this.tsOffset = iss ^ 0x5bd1e995;
    this.state = TcpState.SYN_SENT;
    this.wsOk = this.host.config.windowScaling;
    this.sackOk = this.host.config.sack;
    this.tsOk = this.host.config.timestamps;
    this.sendBuffer.init(seqAdd(iss, 1));
    this.startSyn(now);
  }

  private startSyn(now: number): void {
    this.sndUna = this.iss;
    this.sndNxt = seqAdd(this.iss, 1);
    this.sndMax = this.sndNxt;
    this.recoverPoint = this.iss;
    this.rtxHigh = this.iss;
    this.synDue = true;
    this.lastRecvAt = now;
    this.host.markDirty(this);
  }

  /** Takes the peer's SYN options; `offered` says our SYN did not (yet) constrain them. */
  private takeSyn(seg: TcpRepr, now: number, offered: boolean): void {
    const cfg = this.host.config;
    this.irs = seg.seq;
    this.rcvNxt = seqAdd(seg.seq, 1);
    this.receiveBuffer.init(this.rcvNxt);
    this.rcvAdv = this.rcvNxt;
    this.peerMss = seg.mss > 0 ? seg.mss : this.v6 ? 1220 : 536;
    const ws = (offered ? cfg.windowScaling : this.wsOk) && seg.windowScale >= 0;
    this.wsOk = ws;
    this.sndWscale = ws ? seg.windowScale : 0;
    if (!ws) this.rcvWscale = 0;
    this.sackOk = (offered ? cfg.sack : this.sackOk) && seg.sackPermitted;
    this.tsOk = (offered ? cfg.timestamps : this.tsOk) && seg.hasTimestamp;
    this.tsRecent = seg.tsVal;
    this.tsRecentAt = now;
    this.sndWnd = seg.window;
    this.maxSndWnd = seg.window;
    this.sndWl1 = seg.seq;
    this.lastRecvAt = now;
    const ts = this.tsOk ? TIMESTAMP_OPTION_LENGTH : 0;
    this.sendMss = Math.max(Math.min(this.peerMss, this.rcvMss) - ts, 64);
    this.rcvMss -= ts;
  }

  private establish(now: number): void {
    this.state = TcpState.ESTABLISHED;
    const cfg = this.host.config;
    this.cc = this.congestion(this.sendMss, cfg.initialWindowSegments * this.sendMss);
    this.lastProgressAt = now;
    this.rtoAt = 0;
    this.retries = 0;
    this.rtt.resetBackoff();
    this.events |= EV_ESTABLISHED;
    this.armKeepalive(now);
  }

  // ===================================================================== application API

  /** Sends the SYN-ACK for a pending connection. */
  accept(): void {
    if (this.state !== TcpState.PENDING) return;
    this.synPacket = null;
    this.state = TcpState.SYN_RECEIVED;
    this.rtoAt = 0;
    this.startSyn(this.host.now);
  }

  /** Refuses a pending connection with RST (the program sees ECONNREFUSED). */
  refuse(): void {
    if (this.state !== TcpState.PENDING) return;
    this.synPacket = null;
    this.sendControl(RST | ACK, 0, this.host.now);
    this.close('refused');
  }

  /** Declares a pending connection's destination unreachable: the host gets the original SYN. */
  unreachable(): void {
    if (this.state !== TcpState.PENDING) return;
    const syn = this.synPacket!;
    this.synPacket = null;
    this.host.unreachable(this, syn);
    this.close('unreachable');
  }

  /** Queues bytes; returns how many were taken (the rest: wait for `onWritable`). */
  write(data: Uint8Array, off = 0, len = data.length - off): number {
    if (!this.canWrite()) return 0;
    const n = this.sendBuffer.append(data, off, len);
    if (n < len) this.wantWritable = true;
    if (n > 0) this.host.markDirty(this);
    return n;
  }

  /** Copies out and consumes up to `max` in-order bytes (null when none): this opens the window. */
  read(max = Number.POSITIVE_INFINITY): Uint8Array | null {
    const n = Math.min(this.receiveBuffer.readable, max);
    if (n <= 0) return null;
    const out = new Uint8Array(n);
    this.receiveBuffer.read(out, 0, n);
    this.windowOpened();
    return out;
  }

  /** Like `read`, into the caller's buffer; returns the bytes copied. */
  readInto(dst: Uint8Array, off = 0, len = dst.length - off): number {
    const n = this.receiveBuffer.read(dst, off, len);
    if (n > 0) this.windowOpened();
    return n;
  }

  /** FIN after everything queued (half-close). */
  shutdownWrite(): void {
    if (this.finQueued) return;
    switch (this.state) {
      case TcpState.PENDING:
      case TcpState.SYN_SENT:
      case TcpState.SYN_RECEIVED:
      case TcpState.ESTABLISHED:
      case TcpState.CLOSE_WAIT:
        this.finQueued = true;
        this.host.markDirty(this);
        break;
      default:
        break;
    }
  }

  /** Resets the connection (RST to the peer) and closes it at once. */
  abort(): void {
    switch (this.state) {
      case TcpState.CLOSED:
      case TcpState.TIME_WAIT:
        return;
      case TcpState.PENDING:
        this.refuse();
        return;
      case TcpState.SYN_SENT:
        break;
      default:
        this.sendControl(RST | ACK, this.sndMax, this.host.now);
    }
    this.close('aborted');
  }

  // ===================================================================== input

  input(seg: TcpRepr, buf: Uint8Array, now: number): void {
    this.segmentsIn++;
    const flags = seg.flags;
    switch (this.state) {
      case TcpState.CLOSED:
      case TcpState.TIME_WAIT:
        return;
      case TcpState.PENDING:
        this.inputPending(seg, now);
        return;
      case TcpState.SYN_SENT:
        this.inputSynSent(seg, now);
        return;
      case TcpState.SYN_RECEIVED:
        if ((flags & (SYN | ACK | RST)) === SYN && seg.seq === this.irs) {
          this.takeSynTimestamp(seg, now);
          this.synDue = true;
          this.host.markDirty(this);
          return;
        }
        break;
      default:
        break;
    }
    this.lastRecvAt = now;
    this.keepaliveSent = 0;

    let seq = seg.seq;
    let payOff = seg.payloadOffset;
    let payLen = seg.payloadLength;
    let fin = (flags & FIN) !== 0;
    const segLen = payLen + ((flags & SYN) !== 0 ? 1 : 0) + (fin ? 1 : 0);

    // PAWS (RFC 7323 section 5); RSTs are exempt.
    if (this.tsOk && seg.hasTimestamp && (flags & RST) === 0 && seqLt(seg.tsVal, this.tsRecent)) {
      if (now - this.tsRecentAt <= PAWS_IDLE) {
        this.dsackIfOld(seq, payLen);
        this.needAck();
        return;
      }
      this.tsRecent = seg.tsVal;
    }

    // Acceptability (RFC 9293 section 3.10.7.4).
    const wnd = Math.max(seqDiff(this.rcvAdv, this.rcvNxt), 0);
    let acceptable: boolean;
    if (segLen === 0) {
      acceptable = wnd === 0 ? seq === this.rcvNxt : this.inWindow(seq, wnd);
    } else {
      acceptable = wnd !== 0 && (this.inWindow(seq, wnd) || this.inWindow(seqAdd(seq, segLen - 1), wnd));
    }
    if (!acceptable) {
      if ((flags & RST) !== 0) return;
      // A zero window still takes valid ACKs (RFC 9293 3.10.7.4).
      if (wnd === 0 && seq === this.rcvNxt && (flags & (ACK | SYN)) === ACK) {
        this.processAck(seg, now, 0);
        this.needAck();
        return;
      }
      // A duplicate gets its D-SACK at once, as Linux sends it (tcp_send_dupack): a sender
      // waiting on it to undo a spurious retransmission should not wait for our batch to end.
      if (this.dsackIfOld(seq, payLen) && this.synchronized()) this.sendControl(ACK, this.sndMax, now);
      else this.needAck();
      return;
    }

    // RST (RFC 5961 section 3): exact match resets, anything else in the window is challenged.
    if ((flags & RST) !== 0) {
      if (seq === this.rcvNxt) this.resetReceived();
      else this.needAck();
      return;
    }
    // SYN in a synchronized state (RFC 5961 section 4): challenge ACK.
    if ((flags & SYN) !== 0) {
      this.needAck();
      return;
    }
    if ((flags & ACK) === 0) return;

    if (this.tsOk && seg.hasTimestamp && seqGe(seg.tsVal, this.tsRecent) && seqLe(seq, this.lastAckSent)) {
      this.tsRecent = seg.tsVal;
      this.tsRecentAt = now;
    }

    if (this.state === TcpState.SYN_RECEIVED) {
      if (seqGt(seg.ack, this.sndUna) && seqLe(seg.ack, this.sndMax)) {
        this.handshakeRtt(seg, now);
        this.sndUna = seqAdd(this.iss, 1);
        this.sndWnd = seg.window << this.sndWscale;
        this.maxSndWnd = this.sndWnd;
        this.sndWl1 = seq;
        this.sndWl2 = seg.ack;
        this.establish(now);
      } else {
        this.sendControl(RST, seg.ack, 0);
        return;
      }
    }

    if (!this.processAck(seg, now, payLen)) return;

    // Trim to the window.
    if (seqLt(seq, this.rcvNxt)) {
      const cut = seqDiff(this.rcvNxt, seq);
      if (cut >= payLen) {
        if (payLen > 0) this.setDsack(seq, seqAdd(seq, payLen));
        fin = fin && cut === payLen;
        payLen = 0;
      } else {
        this.setDsack(seq, this.rcvNxt);
        payOff += cut;
        payLen -= cut;
      }
      seq = this.rcvNxt;
    }
    const right = seqAdd(this.rcvNxt, wnd);
    if (seqGt(seqAdd(seq, payLen), right)) {
      payLen = seqDiff(right, seq);
      fin = false;
    }

    // Linux's quick ACKs: out-of-order data, a filled hole and a duplicate are acknowledged at
    // once, each with its own SACK or D-SACK, so the sender's loss detection sees every segment.
    let quick = this.dsackPending;
    if (payLen > 0 && !this.finReceived && this.acceptsData()) {
      const hadHoles = this.receiveBuffer.oooCount > 0;
      const result = this.receiveBuffer.insert(seq, buf, payOff, payLen);
      if ((result & InsertResult.ADVANCED) !== 0) {
        this.rcvNxt = this.receiveBuffer.nxt;
        this.bytesReceived += payLen;
        this.unackedBytes += payLen;
        this.events |= EV_READABLE;
        if (hadHoles || this.unackedBytes >= MAX_SEGMENTS_PER_ACK * this.rcvMss) quick = true;
      } else {
        if ((result & InsertResult.DUPLICATE) !== 0) this.setDsack(seq, seqAdd(seq, payLen));
        quick = true;
      }
      this.ackPending = true;
    }
    if (fin && !this.finReceived) {
      this.finSeen = true;
      this.rcvFinSeq = seqAdd(seq, payLen);
    }
    if (this.finSeen && !this.finReceived && this.rcvNxt === this.rcvFinSeq) this.finArrived(now);
    if (segLen > 0) this.ackPending = true;
    if (segLen > 0 || this.ackPending || this.events !== 0) {
      // The FIN that ends in TIME_WAIT is acknowledged now, as Linux does, not after the close
      // event: whoever tracks the flow forgets it at onClose, and a later ACK would open it again.
      if (
        (quick || (this.state as TcpStateValue) === TcpState.TIME_WAIT) &&
        this.ackPending &&
        this.synchronized()
      )
        this.sendControl(ACK, this.sndMax, now);
      // Output still runs: the timers re-arm and data may go out behind the ACK.
      this.host.markDirty(this);
    }
  }

  /** Data received, SYN exchange done: a pure ACK may go now. */
  private synchronized(): boolean {
    return (
      this.state !== TcpState.SYN_RECEIVED &&
      this.state !== TcpState.SYN_SENT &&
      this.state !== TcpState.CLOSED
    );
  }

  private inWindow(seq: number, wnd: number): boolean {
    const d = seqDiff(seq, this.rcvNxt);
    return d >= 0 && d < wnd;
  }

  private acceptsData(): boolean {
    const s = this.state;
    return s === TcpState.ESTABLISHED || s === TcpState.FIN_WAIT_1 || s === TcpState.FIN_WAIT_2;
  }

  private inputPending(seg: TcpRepr, now: number): void {
    const flags = seg.flags;
    if ((flags & RST) !== 0) {
      if (seg.seq === this.rcvNxt) {
        this.synPacket = null;
        this.close('reset');
      }
      return;
    }
    if ((flags & (SYN | ACK)) !== SYN) return;
    // Retransmitted SYNs are absorbed, but the SYN-ACK will echo the latest timestamp so that
    // the peer's first RTT sample is not inflated by its SYN timeouts.
    this.takeSynTimestamp(seg, now);
    // A SYN with a new ISN replaces the old one.
    if (seg.seq !== this.irs) {
      this.irs = seg.seq;
      this.rcvNxt = seqAdd(seg.seq, 1);
      this.receiveBuffer.init(this.rcvNxt);
      this.rcvAdv = this.rcvNxt;
    }
  }

  private takeSynTimestamp(seg: TcpRepr, now: number): void {
    if (this.tsOk && seg.hasTimestamp) {
      this.tsRecent = seg.tsVal;
      this.tsRecentAt = now;
    }
  }

  private inputSynSent(seg: TcpRepr, now: number): void {
    const flags = seg.flags;
    const ackOk = (flags & ACK) !== 0 && seqGt(seg.ack, this.iss) && seqLe(seg.ack, this.sndMax);
    if ((flags & ACK) !== 0 && !ackOk) {
      if ((flags & RST) === 0) this.sendControl(RST, seg.ack, 0);
      return;
    }
    if ((flags & RST) !== 0) {
      if (ackOk) {
        this.events |= EV_RESET;
        this.close('refused');
      }
      return;
    }
    if ((flags & SYN) === 0) return;
    this.takeSyn(seg, now, false);
    this.synDue = false;
    if (ackOk) {
      this.handshakeRtt(seg, now);
      this.sndUna = seg.ack;
      this.sndWl2 = seg.ack;
      this.establish(now);
      this.ackPending = true;
    } else {
      this.state = TcpState.SYN_RECEIVED;
      this.synDue = true;
    }
    this.host.markDirty(this);
  }

  /**
   * Karn: a SYN that went out once is timed by the clock; one sent again only through the
   * timestamp it echoes (millisecond ticks), which says which copy was answered.
   */
  private handshakeRtt(seg: TcpRepr, now: number): void {
    if (this.synRetries === 0) {
      this.rtt.sample(now - this.rttAt);
    } else if (this.tsOk && seg.hasTimestamp && seg.tsEcr !== 0) {
      const r = seqDiff(this.tsNow(now), seg.tsEcr);
      if (r >= 0) this.rtt.sample(r);
    }
  }

  /** ACK field processing; false when the segment must be dropped. */
  private processAck(seg: TcpRepr, now: number, payLen: number): boolean {
    const ack = seg.ack;
    if (seqGt(ack, this.sndMax)) {
      this.needAck();
      return false;
    }
    // RFC 5961 section 5: ACKs far below SND.UNA are blind-injection attempts.
    if (seqLt(ack, seqAdd(this.sndUna, -Math.max(this.maxSndWnd, 1)))) {
      this.needAck();
      return false;
    }
    const oldWnd = this.sndWnd;
    if (seqLt(this.sndWl1, seg.seq) || (this.sndWl1 === seg.seq && seqLe(this.sndWl2, ack))) {
      const wnd = seg.window << this.sndWscale;
      if (wnd > this.sndWnd) this.host.markDirty(this);
      this.sndWnd = wnd;
      this.sndWl1 = seg.seq;
      this.sndWl2 = ack;
      if (wnd > this.maxSndWnd) this.maxSndWnd = wnd;
      if (wnd > 0) {
        this.persistAt = 0;
        this.persistBackoff = 0;
      }
    }

    const established = this.state !== TcpState.SYN_RECEIVED && this.cc !== null;
    // A hole below SACKed data filled without a retransmission: reordering, not loss. Judged on
    // the scoreboard as it was before this ACK. Below the recovery point the hole may have been
    // filled by a go-back-N resend after a timeout, which is no evidence of reordering.
    if (
      established &&
      seqGt(ack, this.sndUna) &&
      !this.inRecovery &&
      this.sndNxt === this.sndMax &&
      seqGe(this.sndUna, this.recoverPoint) &&
      this.scoreboard.count > 0
    ) {
      const distance = Math.ceil(seqDiff(this.scoreboard.highest(this.sndUna), this.sndUna) / this.sendMss);
      if (distance + 1 > this.dupThresh)
        this.dupThresh = Math.min(distance + 1, this.host.config.maxDupThresh);
    }
    let newlySacked = 0;
    if (this.sackOk && seg.sackCount > 0) newlySacked = this.takeSack(seg, ack);

    if (seqGt(ack, this.sndUna)) {
      this.newAck(seg, now);
    } else if (ack === this.sndUna && this.sndMax !== this.sndUna && established) {
      // RFC 6675: a duplicate ACK is one that SACKs new data; without SACK, RFC 5681's rule.
      // Either way the pipe shrank: limited transmit (RFC 3042) may send.
      if (this.sackOk) {
        if (newlySacked > 0) this.dupAcks++;
      } else if (payLen === 0 && (seg.flags & (SYN | FIN)) === 0 && seg.window << this.sndWscale === oldWnd) {
        this.dupAcks++;
        this.host.markDirty(this);
      }
    }
    if (newlySacked > 0) {
      this.host.markDirty(this);
      if (established) this.detectLostRetransmit();
    }
    if (established) this.detectLoss(now);

    if (this.finQueued && this.sndUna === seqAdd(this.sendBuffer.end, 1)) {
      switch (this.state) {
        case TcpState.FIN_WAIT_1:
          this.state = TcpState.FIN_WAIT_2;
          break;
        case TcpState.CLOSING:
          this.enterTimeWait(now);
          return false;
        case TcpState.LAST_ACK:
          this.close('normal');
          return false;
        default:
          break;
      }
    }
    return true;
  }

  /** Feeds SACK blocks to the scoreboard; returns newly SACKed bytes. Handles D-SACK (RFC 2883). */
  private takeSack(seg: TcpRepr, ack: number): number {
    const blocks = seg.sack;
    let first = 0;
    const b0 = blocks[0]!;
    const dsack =
      seqLe(b0.right, ack) ||
      (seg.sackCount > 1 && seqGe(b0.left, blocks[1]!.left) && seqLe(b0.right, blocks[1]!.right));
    if (dsack) {
      first = 1;
      this.counters.dsacksReceived++;
      const repeated = b0.left === this.lastDsackLeft && b0.right === this.lastDsackRight;
      this.lastDsackLeft = b0.left;
      this.lastDsackRight = b0.right;
      if (!repeated && this.episodeRetransmits > 0 && seqLt(b0.left, this.highRxt)) this.spuriousRetransmit();
    }
    let added = 0;
    for (let i = first; i < seg.sackCount; i++) {
      const b = blocks[i]!;
      added += this.scoreboard.add(b.left, b.right, seqMax(ack, this.sndUna), this.sndMax);
    }
    return added;
  }

  /** D-SACK showed data we retransmitted arrived twice: undo once every retransmission was. */
  private spuriousRetransmit(): void {
    this.episodeDsacks++;
    if (this.episodeDsacks < this.episodeRetransmits) return;
    this.dupThresh = Math.min(this.dupThresh + 1, this.host.config.maxDupThresh);
    this.cc!.undo(this.priorCwnd, this.priorSsthresh);
    this.episodeRetransmits = 0;
    this.episodeDsacks = 0;
  }

  private newAck(seg: TcpRepr, now: number): void {
    const ack = seg.ack;
    const oldUna = this.sndUna;
    const acked = seqDiff(ack, oldUna);
    if (this.rtoTsVal !== 0) this.judgeTimeout(seg);
    if (this.rttActive && seqGe(ack, this.rttSeq)) {
      this.rtt.sample(now - this.rttAt);
      this.rttActive = false;
    }

    const freed = this.sendBuffer.ackTo(ack);
    this.counters.bytesAcked += freed;
    if (freed > 0) {
      const gap = now - this.lastProgressAt;
      if (gap > STALL_GAP_MS) this.counters.stalledMs += gap;
      this.lastProgressAt = now;
    }
    if (freed > 0 && this.wantWritable && this.sendBuffer.free >= this.sendBuffer.limit >>> 2) {
      this.wantWritable = false;
      this.events |= EV_WRITABLE;
    }
    this.sndUna = ack;
    if (seqLt(this.sndNxt, ack)) this.sndNxt = ack;
    // The new SND.UNA's data may have been retransmitted before now: judge it against data sent
    // from here on.
    if (seqLt(ack, this.rtxHigh)) this.unaRtxMark = this.sndMax;
    else this.rtxHigh = ack;
    this.scoreboard.prune(ack);
    this.dupAcks = 0;
    this.retries = 0;
    this.rtt.resetBackoff();
    this.rtoAt = this.sndMax !== ack ? now + this.rtt.rto : 0;
    this.probeAt = 0;
    if (this.sndMax !== ack) this.armProbe(now, this.sndMax);
    const cc = this.cc;
    if (cc !== null) {
      if (this.inRecovery) {
        if (seqGe(ack, this.recoverPoint)) {
          this.inRecovery = false;
          cc.onRecoveryEnd(now);
        } else if (!this.sackOk) {
          // RFC 6582: a partial ACK retransmits the first unacknowledged segment at once.
          this.forceRetransmit = true;
        }
      } else if (this.cwndLimited) {
        cc.onAck(acked, now, this.rtt.hasSample ? this.rtt.srtt : -1);
      }
    }
    this.host.markDirty(this);
  }

  /**
   * The copy of SND.UNA's data we retransmitted is lost when more than DupThresh segments' worth
   * of data sent after it has been SACKed (the rule of RFC 6675's IsLost, applied to the
   * retransmission, as RACK does by time). Without this a lost retransmission waits for the RTO.
   */
  private detectLostRetransmit(): void {
    const una = this.sndUna;
    if (!this.sackOk || this.resendUna || !seqLt(una, this.rtxHigh)) return;
    const threshold = (this.dupThresh - 1) * this.sendMss;
    if (this.scoreboard.sackedIn(this.unaRtxMark, this.sndMax) <= threshold) return;
    this.resendUna = true;
    this.unaRtxMark = this.sndMax;
  }

  private detectLoss(now: number): void {
    const una = this.sndUna;
    if (
      !this.inRecovery &&
      this.sndMax !== una &&
      this.sndNxt === this.sndMax &&
      seqGe(una, this.recoverPoint)
    ) {
      const lost = this.sackOk
        ? this.dupAcks >= this.dupThresh ||
          this.scoreboard.lostBoundary(una, this.dupThresh, this.sendMss) !== una
        : this.dupAcks >= this.dupThresh;
      if (lost) {
        const cc = this.cc!;
        this.priorCwnd = cc.cwnd;
        this.priorSsthresh = cc.ssthresh;
        this.episodeRetransmits = 0;
        this.episodeDsacks = 0;
        cc.onLoss(seqDiff(this.sndMax, una), now);
        this.counters.fastRecoveries++;
        this.inRecovery = true;
        this.probeAt = 0;
        this.recoverPoint = this.sndMax;
        this.highRxt = una;
        this.forceRetransmit = true;
        this.host.markDirty(this);
      }
    }
    if (this.inRecovery) {
      this.lostEdge = this.sackOk
        ? this.scoreboard.lostBoundary(una, this.dupThresh, this.sendMss)
        : seqMin(seqAdd(una, this.sendMss), this.sndMax);
    }
  }

  /**
   * The first ACK after a timeout: if it echoes a timestamp from before the retransmission, the
   * original had arrived, so the window comes back (RFC 4015's response: cwnd and ssthresh as
   * before the timeout) and sending resumes after SND.MAX instead of going back over data the
   * peer holds.
   */
  private judgeTimeout(seg: TcpRepr): void {
    const sentAt = this.rtoTsVal;
    this.rtoTsVal = 0;
    if (!seg.hasTimestamp || seg.tsEcr === 0 || !seqLt(seg.tsEcr, sentAt)) return;
    this.counters.spuriousRtos++;
    this.cc!.undo(this.priorCwnd, this.priorSsthresh);
    this.sndNxt = this.sndMax;
  }

  private resetReceived(): void {
    this.events |= EV_RESET;
    this.close('reset');
  }

  private finArrived(now: number): void {
    this.finReceived = true;
    this.rcvNxt = seqAdd(this.rcvNxt, 1);
    this.events |= EV_REMOTE_FIN;
    this.ackPending = true;
    switch (this.state) {
      case TcpState.ESTABLISHED:
        this.state = TcpState.CLOSE_WAIT;
        break;
      case TcpState.FIN_WAIT_1:
        this.state = TcpState.CLOSING;
        break;
      case TcpState.FIN_WAIT_2:
        this.enterTimeWait(now);
        break;
      default:
        break;
    }
  }

  /**
   * Hands the tuple to a TIME_WAIT record (time-wait.ts) and leaves the demux and timers: what
   * is left here is the close event, at the next flush.
   */
  private enterTimeWait(now: number): void {
    this.state = TcpState.TIME_WAIT;
    this.rtoAt = this.persistAt = this.probeAt = this.keepaliveAt = 0;
    this.deadline = 0;
    this.sendBuffer.release();
    if (this.receiveBuffer.readable === 0) this.receiveBuffer.release();
    const record = new TimeWait(
      this.host,
      this,
      this.hashKey,
      this.sndMax,
      this.rcvNxt,
      this.windowField(),
      this.tsOk,
      this.tsRecent,
      this.tsOffset,
      this.host.config.timeWait,
      now,
    );
    this.host.enterTimeWait(this, record);
    this.events |= EV_CLOSED;
    this.host.markDirty(this);
  }

  private close(reason: CloseReason): void {
    if (this.state === TcpState.CLOSED || this.state === TcpState.TIME_WAIT) return;
    this.state = TcpState.CLOSED;
    this.closeReason = reason;
    this.rtoAt = this.persistAt = this.probeAt = this.keepaliveAt = 0;
    this.deadline = 0;
    this.sendBuffer.release();
    // Unread data stays readable after the close; only an empty ring is given back.
    if (this.receiveBuffer.readable === 0) this.receiveBuffer.release();
    this.events |= EV_CLOSED;
    this.host.markDirty(this);
    this.host.detach(this);
  }

  private needAck(): void {
    this.ackPending = true;
    this.host.markDirty(this);
  }

  /** A segment wholly below RCV.NXT was a duplicate: true if a D-SACK (RFC 2883) is now due. */
  private dsackIfOld(seq: number, payLen: number): boolean {
    if (payLen === 0 || !seqLe(seqAdd(seq, payLen), this.rcvNxt) || !this.sackOk) return false;
    this.setDsack(seq, seqAdd(seq, payLen));
    return true;
  }

  private setDsack(left: number, right: number): void {
    if (!this.sackOk) return;
    this.dsackPending = true;
    this.dsackLeft = left;
    this.dsackRight = right;
  }

  // ===================================================================== receive window

  private windowOpened(): void {
    if (this.state === TcpState.CLOSED || this.finReceived) return;
    const edge = seqAdd(this.receiveBuffer.readSeq, this.receiveBuffer.limit);
    const gain = seqDiff(edge, this.rcvAdv);
    // Prompt update once the window can grow by an MSS (or half the buffer, if smaller) while
    // the peer's view of it is less than half open.
    const half = this.receiveBuffer.limit >>> 1;
    const remaining = seqDiff(this.rcvAdv, this.rcvNxt);
    if (gain >= Math.min(this.rcvMss, half) && (remaining < half || gain >= half)) this.needAck();
  }

  /** The raw window field for a non-SYN segment; advances rcvAdv, never shrinking it. */
  private windowField(): number {
    const rb = this.receiveBuffer;
    let edge = seqAdd(rb.readSeq, rb.limit);
    if (this.finReceived) edge = seqMax(edge, this.rcvNxt);
    // Receiver-side SWS avoidance (RFC 9293 3.8.6.2.2): move the edge by at least min(buffer/2, MSS).
    const gain = seqDiff(edge, this.rcvAdv);
    if (gain < Math.min(rb.limit >>> 1, this.rcvMss) && seqGe(this.rcvAdv, this.rcvNxt)) edge = this.rcvAdv;
    if (seqLt(edge, this.rcvAdv)) edge = this.rcvAdv;
    const win = Math.max(seqDiff(edge, this.rcvNxt), 0);
    const shift = this.rcvWscale;
    let raw = win >>> shift;
    if (seqLt(seqAdd(this.rcvNxt, raw << shift), this.rcvAdv)) raw++;
    if (raw > 0xffff) raw = 0xffff;
    const adv = seqAdd(this.rcvNxt, raw << shift);
    if (seqGt(adv, this.rcvAdv)) this.rcvAdv = adv;
    return raw;
  }

  // ===================================================================== output

  private tsNow(now: number): number {
    return (Math.floor(now) + this.tsOffset) >>> 0;
  }

  private fillHeader(flags: number, seq: number): TcpRepr {
    const tx = startHeader(this.host.tx, this.localPort, this.remotePort, seq, flags);
    if ((flags & ACK) !== 0) {
      tx.ack = this.rcvNxt;
      this.lastAckSent = this.rcvNxt;
      this.ackPending = false;
      this.unackedBytes = 0;
    } else {
      tx.ack = 0;
    }
    return tx;
  }

  private sendSegment(flags: number, seq: number, payloadLen: number, now: number): void {
    this.counters.bytesSent += payloadLen;
    const tx = this.fillHeader(flags, seq);
    if ((flags & SYN) !== 0) {
      tx.window = Math.min(this.receiveBuffer.limit, 0xffff);
      if (this.state !== TcpState.SYN_SENT) this.rcvAdv = seqAdd(this.rcvNxt, tx.window);
      tx.mss = this.announcedMss;
      tx.windowScale = this.wsOk ? this.rcvWscale : -1;
      tx.sackPermitted = this.sackOk;
    } else {
      tx.window = (flags & RST) !== 0 ? 0 : this.windowField();
    }
    if (this.tsOk && (flags & RST) === 0) {
      tx.hasTimestamp = true;
      tx.tsVal = this.tsNow(now);
      tx.tsEcr = (flags & ACK) !== 0 ? this.tsRecent : 0;
    }
    if (this.sackOk && (flags & (ACK | SYN | RST)) === ACK) {
      let n = 0;
      if (this.dsackPending) {
        tx.sack[0]!.left = this.dsackLeft;
        tx.sack[0]!.right = this.dsackRight;
        n = 1;
        this.dsackPending = false;
      }
      n += this.receiveBuffer.sackBlocks(tx.sack, n, tx.sack.length - n);
      tx.sackCount = n;
    }
    this.segmentsOut++;
    this.host.emit(this, seq, payloadLen);
  }

  /** A segment outside the data flow: RST, a pure ACK or a probe. */
  private sendControl(flags: number, seq: number, now: number): void {
    this.sendSegment(flags, seq, 0, now);
  }

  /** Delivers queued events to the application; called by the endpoint's flush. */
  dispatch(onConnectRequest: (conn: Connection) => void): void {
    const ev = this.events;
    if (ev === 0) return;
    this.events = 0;
    if ((ev & EV_CONNECT_REQUEST) !== 0) onConnectRequest(this);
    if ((ev & EV_ESTABLISHED) !== 0) this.onEstablished(this);
    if ((ev & EV_READABLE) !== 0 && this.receiveBuffer.readable > 0) this.onReadable(this);
    if ((ev & EV_REMOTE_FIN) !== 0) this.onRemoteFin(this);
    if ((ev & EV_WRITABLE) !== 0) this.onWritable(this);
    if ((ev & EV_RESET) !== 0) this.onReset(this);
    if ((ev & EV_CLOSED) !== 0) {
      this.onClose(this, this.closeReason);
      this.releaseApplication();
    }
  }

  /**
   * After onClose the application hears nothing more, so its hooks go: a connection in TIME_WAIT
   * otherwise keeps the application's whole state (a host socket and its streams) alive for the
   * TIME_WAIT, long enough to be promoted into the old generation at thousands of connections a
   * second.
   */
  private releaseApplication(): void {
    this.onReadable = this.onWritable = this.onEstablished = this.onRemoteFin = this.onReset = noop;
    this.onClose = noop;
    this.userData = undefined;
  }

  /** Sends what the windows allow plus any owed ACK; called by the endpoint's flush and timers. */
  output(now: number): void {
    switch (this.state) {
      case TcpState.PENDING:
      case TcpState.CLOSED:
        return;
      case TcpState.SYN_SENT:
      case TcpState.SYN_RECEIVED:
        if (this.synDue) this.sendSyn(now);
        else if (this.ackPending) this.sendControl(ACK, this.sndMax, now);
        this.rearm();
        return;
      case TcpState.TIME_WAIT:
        // The ACK of the peer's FIN; the timers are the TIME_WAIT record's now.
        if (this.ackPending) this.sendControl(ACK, this.sndMax, now);
        return;
      default:
        break;
    }
    this.sendData(now);
    if (this.finQueued && seqGt(this.sndMax, this.sendBuffer.end)) {
      if (this.state === TcpState.ESTABLISHED) this.state = TcpState.FIN_WAIT_1;
      else if (this.state === TcpState.CLOSE_WAIT) this.state = TcpState.LAST_ACK;
    }
    if (this.ackPending) this.sendControl(ACK, this.sndMax, now);
    this.rearm();
  }

  private sendSyn(now: number): void {
    this.synDue = false;
    const flags = this.state === TcpState.SYN_SENT ? SYN : SYN | ACK;
    if (this.synRetries === 0) this.rttAt = now;
    this.sendSegment(flags, this.iss, 0, now);
    if (this.rtoAt === 0) this.rtoAt = now + this.rtt.rto;
  }

  private pipe(): number {
    const una = this.sndUna;
    const end = this.sndNxt;
    let p = seqDiff(end, una);
    if (this.sackOk) p -= this.scoreboard.sackedIn(una, end);
    else p -= Math.min(this.dupAcks * this.sendMss, p);
    if (this.inRecovery) {
      const start = seqMax(this.highRxt, una);
      if (seqLt(start, this.lostEdge)) {
        p -=
          seqDiff(this.lostEdge, start) - (this.sackOk ? this.scoreboard.sackedIn(start, this.lostEdge) : 0);
      }
    }
    return Math.max(p, 0);
  }

  private sendData(now: number): void {
    const cc = this.cc!;
    const mss = this.sendMss;
    const dataEnd = this.sendBuffer.end;
    let sent = false;
    this.cwndLimited = false;
    if (this.resendUna) {
      this.resendUna = false;
      const una = this.sndUna;
      if (seqLt(una, this.sndMax)) {
        let end = this.sndMax;
        if (this.sackOk) {
          this.scoreboard.nextHole(una, end);
          end = this.scoreboard.holeEnd;
        }
        this.sendRange(una, Math.min(seqDiff(end, una), mss), true, now);
        sent = true;
      }
    }
    for (;;) {
      const pipe = this.pipe();
      const room = cc.cwnd - pipe;
      // 1. Retransmit a lost hole (RFC 6675 NextSeg rule 1, or NewReno's first unacked segment).
      if (this.inRecovery) {
        const una = this.sndUna;
        const from = seqMax(this.highRxt, una);
        let start = from;
        let end = this.lostEdge;
        if (this.forceRetransmit && from === una) {
          end = seqMax(end, seqMin(seqAdd(una, mss), this.sndMax));
        }
        if (seqLt(start, end)) {
          if (this.sackOk) {
            start = this.scoreboard.nextHole(start, end);
            end = this.scoreboard.holeEnd;
          }
          if (seqLt(start, end)) {
            if (room < mss && !this.forceRetransmit) {
              this.cwndLimited = true;
              break;
            }
            const len = Math.min(seqDiff(end, start), mss);
            this.sendRange(start, len, true, now);
            this.highRxt = seqAdd(start, len);
            this.forceRetransmit = false;
            sent = true;
            continue;
          }
        }
        this.forceRetransmit = false;
      }
      const seq = this.sndNxt;
      // 2. Go-back-N after a timeout: resend from SND.NXT up to SND.MAX, skipping SACKed data.
      if (seqLt(seq, this.sndMax)) {
        let end = this.sndMax;
        if (this.sackOk && this.scoreboard.count > 0) {
          const hole = this.scoreboard.nextHole(seq, end);
          if (hole !== seq) {
            this.sndNxt = hole;
            continue;
          }
          end = this.scoreboard.holeEnd;
        }
        const len = Math.min(seqDiff(end, seq), mss);
        if (room < len && pipe > 0) {
          this.cwndLimited = true;
          break;
        }
        this.sendRange(seq, len, true, now);
        this.sndNxt = seqAdd(seq, len);
        sent = true;
        continue;
      }
      // 3. New data, and the FIN.
      const avail = Math.max(seqDiff(dataEnd, seq), 0);
      const finPending = this.finQueued && seq === dataEnd;
      if (avail === 0 && !finPending) break;
      const wndRoom = Math.max(seqDiff(seqAdd(this.sndUna, this.sndWnd), seq), 0);
      const len = Math.min(avail, mss, wndRoom);
      if (len < avail && len < mss) {
        // Sender-side SWS avoidance (RFC 9293 3.8.6.2.1), overridden by the persist timer.
        if (len === 0 || (len < this.maxSndWnd >>> 1 && !this.forceSend)) break;
      }
      // Limited transmit (RFC 3042) while SACKs arrive before recovery: each SACKed segment lets
      // one new one out even when cwnd is not a whole number of segments above the pipe.
      const slack = !this.inRecovery && this.scoreboard.count > 0 && room > 0 ? mss : 0;
      if (len > room + slack && pipe > 0) {
        this.cwndLimited = true;
        break;
      }
      const fin = this.finQueued && seqAdd(seq, len) === dataEnd && wndRoom > len;
      if (len === 0 && !fin) break;
      this.forceSend = false;
      this.sendRange(seq, len + (fin ? 1 : 0), false, now);
      this.sndNxt = seqAdd(seq, len + (fin ? 1 : 0));
      if (seqGt(this.sndNxt, this.sndMax)) this.sndMax = this.sndNxt;
      sent = true;
      if (fin) break;
    }
    this.forceSend = false;
    if (this.probeDue) {
      this.probeDue = false;
      this.counters.tailLossProbes++;
      if (!sent && !this.inRecovery && this.sndUna !== this.sndMax) this.sendProbe(now);
    }
    // Persist: data waits but nothing is in flight to bring a window update.
    const waiting = seqLt(this.sndNxt, dataEnd) || (this.finQueued && seqLe(this.sndMax, dataEnd));
    if (!sent && waiting && this.sndUna === this.sndMax) {
      if (this.persistAt === 0) {
        this.persistAt = now + Math.min(this.rtt.rto * 2 ** this.persistBackoff, PERSIST_MAX);
      }
    } else if (this.sndUna !== this.sndMax) {
      this.persistAt = 0;
    }
  }

  /** The tail loss probe: one new segment if the peer's window allows, else the last one again. */
  private sendProbe(now: number): void {
    const seq = this.sndNxt;
    const avail = seqDiff(this.sendBuffer.end, seq);
    const wndRoom = seqDiff(seqAdd(this.sndUna, this.sndWnd), seq);
    if (seq === this.sndMax && avail > 0 && wndRoom > 0) {
      const len = Math.min(avail, this.sendMss, wndRoom);
      this.sendRange(seq, len, false, now);
      this.sndNxt = this.sndMax = seqAdd(seq, len);
      return;
    }
    const len = Math.min(this.sendMss, seqDiff(this.sndMax, this.sndUna));
    this.sendRange(seqAdd(this.sndMax, -len), len, true, now);
  }

  /** Sends `[seq, seq+len)` of sequence space (a FIN counts as the last unit). */
  private sendRange(seq: number, len: number, retransmission: boolean, now: number): void {
    // A stall is measured from when data became outstanding, not from the last ACK before an idle spell.
    if (this.sndUna === this.sndMax) this.lastProgressAt = now;
    const dataEnd = this.sendBuffer.end;
    const payload = Math.max(Math.min(len, seqDiff(dataEnd, seq)), 0);
    const fin = this.finQueued && payload < len;
    let flags = ACK;
    if (fin) flags |= FIN;
    if (payload > 0 && seqAdd(seq, payload) === dataEnd) flags |= PSH;
    this.sendSegment(flags, seq, payload, now);
    if (retransmission) {
      if (seq === this.sndUna) this.unaRtxMark = this.sndMax;
      if (seqGt(seqAdd(seq, len), this.rtxHigh)) this.rtxHigh = seqAdd(seq, len);
      this.counters.retransmittedSegments++;
      this.episodeRetransmits++;
      this.rttActive = false;
    } else if (!this.rttActive) {
      this.rttActive = true;
      this.rttSeq = seqAdd(seq, len);
      this.rttAt = now;
    }
    if (this.rtoAt === 0) this.rtoAt = now + this.rtt.rto;
    if (!retransmission) this.armProbe(now, seqAdd(seq, len));
  }

  /**
   * PTO (RFC 8985 7.2, with Linux's slack): two smoothed RTTs plus PTO_SLACK_MS, or plus the
   * peer's worst delayed-ACK time when only one segment is out; never later than the RTO. Only
   * with SACK, which turns the probe's ACK into loss information.
   */
  private armProbe(now: number, sentTo: number): void {
    if (!this.sackOk || this.inRecovery || this.probeAt !== 0 || !this.host.config.tailLossProbe) return;
    const rtt = this.rtt;
    if (!rtt.hasSample) return;
    const oneSegment = seqDiff(seqMax(sentTo, this.sndMax), this.sndUna) <= this.sendMss;
    const pto = 2 * rtt.srtt + (oneSegment ? WORST_DELAYED_ACK_MS : PTO_SLACK_MS);
    if (pto >= rtt.rto) return;
    this.probeAt = now + pto;
  }

  // ===================================================================== timers

  private armKeepalive(now: number): void {
    const idle = this.host.config.keepaliveIdle;
    this.keepaliveAt = idle > 0 ? now + idle : 0;
  }

  /** Recomputes the single deadline the endpoint's timer heap files this connection under. */
  rearm(): void {
    // In TIME_WAIT the record (time-wait.ts) has the tuple's only timer.
    if (this.state === TcpState.TIME_WAIT) return;
    let d = 0;
    if (this.rtoAt !== 0) d = this.rtoAt;
    if (this.persistAt !== 0 && (d === 0 || this.persistAt < d)) d = this.persistAt;
    if (this.probeAt !== 0 && (d === 0 || this.probeAt < d)) d = this.probeAt;
    if (this.keepaliveAt !== 0 && (d === 0 || this.keepaliveAt < d)) d = this.keepaliveAt;
    this.deadline = d;
    this.host.timerChanged(this);
  }

  /** Runs every timer due at `now`. */
  onTimer(now: number): void {
    if (this.rtoAt !== 0 && now >= this.rtoAt) {
      this.rtoAt = 0;
      this.retransmitTimeout(now);
      if (this.state === TcpState.CLOSED) return;
    }
    if (this.probeAt !== 0 && now >= this.probeAt) {
      this.probeAt = 0;
      if (!this.inRecovery && this.sndUna !== this.sndMax) {
        this.probeDue = true;
        this.host.markDirty(this);
      }
    }
    if (this.persistAt !== 0 && now >= this.persistAt) {
      this.persistAt = 0;
      this.persistBackoff++;
      if (this.sndWnd === 0) this.sendControl(ACK, seqAdd(this.sndUna, -1), now);
      else this.forceSend = true;
      this.host.markDirty(this);
    }
    if (this.keepaliveAt !== 0 && now >= this.keepaliveAt) {
      const cfg = this.host.config;
      const idleFor = now - this.lastRecvAt;
      if (idleFor < cfg.keepaliveIdle) {
        this.keepaliveAt = this.lastRecvAt + cfg.keepaliveIdle;
      } else if (this.keepaliveSent >= cfg.keepaliveProbes) {
        this.sendControl(RST | ACK, this.sndMax, now);
        this.close('timeout');
        return;
      } else {
        this.keepaliveSent++;
        this.sendControl(ACK, seqAdd(this.sndUna, -1), now);
        this.keepaliveAt = now + cfg.keepaliveInterval;
      }
    }
    this.rearm();
  }

  private retransmitTimeout(now: number): void {
    const cfg = this.host.config;
    if (this.state === TcpState.PENDING) {
      this.synPacket = null;
      this.close('timeout');
      return;
    }
    if (this.state === TcpState.SYN_SENT || this.state === TcpState.SYN_RECEIVED) {
      if (++this.synRetries > cfg.synRetries) {
        this.close('timeout');
        return;
      }
      this.rtt.backoff();
      this.synDue = true;
      this.sendSyn(now);
      return;
    }
    if (this.sndUna === this.sndMax) return;
    if (++this.retries > cfg.maxRetransmits) {
      this.sendControl(RST | ACK, this.sndMax, now);
      this.close('timeout');
      return;
    }
    this.counters.rtos++;
    if (this.retries === 1 && this.tsOk) {
      this.priorCwnd = this.cc!.cwnd;
      this.priorSsthresh = this.cc!.ssthresh;
      // Never 0: 0 means no timeout is being judged.
      this.rtoTsVal = this.tsNow(now) || 1;
    }
    this.cc!.onTimeout(seqDiff(this.sndMax, this.sndUna), now);
    this.probeAt = 0;
    this.rtt.backoff();
    this.scoreboard.clear();
    this.dupAcks = 0;
    this.inRecovery = false;
    this.forceRetransmit = false;
    this.recoverPoint = this.sndMax;
    this.sndNxt = this.sndUna;
    this.highRxt = this.sndUna;
    this.episodeRetransmits = 0;
    this.episodeDsacks = 0;
    this.rttActive = false;
    this.sendData(now);
  }
}

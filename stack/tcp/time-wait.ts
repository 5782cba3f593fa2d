import { TcpFlags, type TcpRepr } from '../wire/tcp.js';
import type { Connection } from './connection.js';
import { startHeader } from './header.js';
import { seqGe, seqGt } from './seq.js';
import type { TimerItem } from './timers.js';

const { SYN, ACK, RST, FIN } = TcpFlags;

/** Returned by `TimeWait.input` when a SYN may reuse the tuple (RFC 6191). */
export const INPUT_REUSE = 1;

/** A connection's addresses and ports, as the endpoint's demux and packet builder read them. */
export type Tuple = Readonly<
  Pick<
    Connection,
    'v6' | 'localWords' | 'remoteWords' | 'localAddr6' | 'remoteAddr6' | 'localPort' | 'remotePort'
  >
>;

/** What a TIME_WAIT record needs from its endpoint. */
export interface TimeWaitHost {
  readonly tx: TcpRepr;
  /** Builds and outputs the packet for `tx`, without payload, toward the tuple's remote end. */
  emitControl(tuple: Tuple): void;
  timerChanged(item: TimeWait): void;
}

/**
 * A connection in TIME_WAIT, reduced to what the state needs, as Linux keeps an
 * inet_timewait_sock instead of the socket: the tuple, both sequence numbers, the last window,
 * the timestamp state. The Connection, its buffers and the application's state are garbage once
 * it got here, so a connection that lived milliseconds is not kept (and promoted to the old
 * generation) for the whole TIME_WAIT.
 *
 * In it (RFC 9293 3.10.7.4): a retransmitted FIN is acknowledged again and restarts the timer;
 * RSTs are ignored (RFC 1337); a SYN with a newer timestamp (or, without timestamps, a higher
 * sequence number) may reuse the tuple (RFC 6191), any other SYN gets a challenge ACK (RFC 5961).
 */
export class TimeWait implements TimerItem, Tuple {
  deadline: number;
  timerIndex = -1;
  timerKey = 0;
  /** Next entry in the same demux bucket. */
  nextInBucket: Connection | TimeWait | null = null;

  constructor(
    private readonly host: TimeWaitHost,
    tuple: Tuple,
    readonly hashKey: number,
    /** Our next sequence number: after our FIN. */
    private readonly sndNxt: number,
    /** The peer's next sequence number: after its FIN. */
    private readonly rcvNxt: number,
    /** The raw window field we last advertised. */
    private readonly window: number,
    private readonly tsOk: boolean,
    private tsRecent: number,
    private readonly tsOffset: number,
    private readonly durationMs: number,
    now: number,
  ) {
    this.v6 = tuple.v6;
    this.localWords = tuple.localWords;
    this.remoteWords = tuple.remoteWords;
    this.localAddr6 = tuple.localAddr6;
    this.remoteAddr6 = tuple.remoteAddr6;
    this.localPort = tuple.localPort;
    this.remotePort = tuple.remotePort;
    this.deadline = now + durationMs;
  }

  readonly v6: boolean;
  readonly localWords: Tuple['localWords'];
  readonly remoteWords: Tuple['remoteWords'];
  readonly localAddr6: Tuple['localAddr6'];
  readonly remoteAddr6: Tuple['remoteAddr6'];
  readonly localPort: number;
  readonly remotePort: number;

  /** Handles a segment for this tuple; INPUT_REUSE when a new connection may take it over. */
  input(seg: TcpRepr, now: number): number {
    const flags = seg.flags;
    if ((flags & RST) !== 0) return 0;
    if ((flags & (SYN | ACK)) === SYN) {
      const newer =
        this.tsOk && seg.hasTimestamp ? seqGt(seg.tsVal, this.tsRecent) : seqGt(seg.seq, this.rcvNxt);
      if (newer) return INPUT_REUSE;
      this.ack(now);
      return 0;
    }
    if (this.tsOk && seg.hasTimestamp && seqGe(seg.tsVal, this.tsRecent)) this.tsRecent = seg.tsVal;
    if ((flags & (SYN | FIN)) !== 0 || seg.payloadLength > 0) {
      if ((flags & FIN) !== 0) {
        this.deadline = now + this.durationMs;
        this.host.timerChanged(this);
      }
      this.ack(now);
    }
    return 0;
  }

  private ack(now: number): void {
    const tx = startHeader(this.host.tx, this.localPort, this.remotePort, this.sndNxt, ACK);
    tx.ack = this.rcvNxt;
    tx.window = this.window;
    tx.hasTimestamp = this.tsOk;
    if (this.tsOk) {
      tx.tsVal = (Math.floor(now) + this.tsOffset) >>> 0;
      tx.tsEcr = this.tsRecent;
    }
    this.host.emitControl(this);
  }
}

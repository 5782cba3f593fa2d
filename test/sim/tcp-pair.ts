// The stack against itself: endpoint A actively opens to promiscuous endpoint B through a seeded
// LossyLink; each side streams a seeded byte pattern, half-closes, and checks every byte it
// receives. Everything runs on a virtual clock, so a run is a pure function of its seed.

import { Rng } from '../../src/faults/rng.js';
import type { TcpConfig } from '../../stack/tcp/config.js';
import type { CloseReason, Connection } from '../../stack/tcp/connection.js';
import { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import { type LinkDirection, LossyLink } from './lossy-link.js';

export interface PairOptions {
  bytes: [number, number];
  dirs: [LinkDirection, LinkDirection];
  config: Partial<TcpConfig>;
  v6: boolean;
  /** Bytes a slow reader takes per virtual ms (host backpressure); 0 = reads at once. */
  readChunk: [number, number];
  tick: number;
  limit: number;
}

export interface PairResult {
  ok: boolean;
  error: string;
  /** Virtual ms until both sides closed and every tuple was released. */
  time: number;
  received: [number, number];
  retransmits: [number, number];
  packets: number;
}

/** Byte `i` of the stream a side sends: a hash, so misplaced data never matches by accident. */
export function streamByte(salt: number, i: number): number {
  return Math.imul((i ^ salt) + 0x6d2b79f5, 0x9e3779b1) >>> 24;
}

class Side {
  conn: Connection | null = null;
  written = 0;
  received = 0;
  remoteFin = false;
  nextReadAt = 0;
  closed: CloseReason | null = null;
  error = '';
  private readonly scratch = new Uint8Array(65536);

  constructor(
    readonly total: number,
    readonly salt: number,
    readonly peerSalt: number,
    readonly readChunk: number,
    readonly rng: Rng,
  ) {}

  attach(conn: Connection): void {
    this.conn = conn;
    conn.onEstablished = () => this.pump();
    conn.onWritable = () => this.pump();
    conn.onReadable = () => {
      if (this.readChunk === 0) this.drain();
    };
    conn.onRemoteFin = () => {
      this.remoteFin = true;
    };
    conn.onClose = (_c, reason) => {
      this.closed = reason;
    };
    this.pump();
  }

  pump(): void {
    const conn = this.conn!;
    while (this.written < this.total) {
      const n = Math.min(this.total - this.written, 1 + Math.floor(this.rng.next() * this.scratch.length));
      for (let i = 0; i < n; i++) this.scratch[i] = streamByte(this.salt, this.written + i);
      const took = conn.write(this.scratch, 0, n);
      this.written += took;
      if (took < n) return;
    }
    conn.shutdownWrite();
  }

  /** Reads everything, or one `readChunk` when limited and `all` is false. */
  drain(all = this.readChunk === 0 || this.closed !== null): void {
    const conn = this.conn!;
    for (;;) {
      const chunk = conn.read(all ? undefined : this.readChunk);
      if (chunk === null) return;
      for (let i = 0; i < chunk.length; i++) {
        if (chunk[i] !== streamByte(this.peerSalt, this.received + i)) {
          this.error ||= `byte ${this.received + i} differs`;
          break;
        }
      }
      this.received += chunk.length;
      if (!all) return;
    }
  }

  get done(): boolean {
    return this.closed !== null && this.conn!.readable === 0;
  }
}

export function runPair(seed: number, opts: PairOptions): PairResult {
  const rng = new Rng(seed);
  const link = new LossyLink(new Rng(seed ^ 0x5eed), opts.dirs, opts.tick);
  let now = 0;
  const key = Uint32Array.of(seed, 1, 2, 3);
  const a = new TcpEndpoint({ ...opts.config, isnKey: key }, (p, len) => link.send(0, p, len, now));
  const b = new TcpEndpoint({ ...opts.config, isnKey: key }, (p, len) => link.send(1, p, len, now));
  const sideA = new Side(opts.bytes[0], 0x1111 + seed, 0x2222 + seed, opts.readChunk[0], rng);
  const sideB = new Side(opts.bytes[1], 0x2222 + seed, 0x1111 + seed, opts.readChunk[1], rng);
  b.onConnectRequest = (conn) => {
    if (sideB.conn !== null) return;
    conn.accept();
    sideB.attach(conn);
  };
  const eps = [a, b];
  const client = opts.v6
    ? a.connect('fd00::1', 40000 + (seed % 20000), '2001:db8::2', 443)
    : a.connect('10.0.0.1', 40000 + (seed % 20000), '93.184.216.34', 80);
  sideA.attach(client);
  a.flush(now);
  let packets = 0;
  const result = (ok: boolean, error: string): PairResult => ({
    ok,
    error,
    time: now,
    received: [sideA.received, sideB.received],
    retransmits: [client.counters.retransmittedSegments, sideB.conn?.counters.retransmittedSegments ?? 0],
    packets,
  });
  for (;;) {
    if (sideA.error || sideB.error) return result(false, `A: ${sideA.error} B: ${sideB.error}`);
    // A slow reader drains a chunk each virtual ms, like a host socket with a slow consumer.
    let t = Math.min(link.nextTime(), a.nextDeadline(), b.nextDeadline());
    for (const side of [sideA, sideB]) {
      if (side.conn === null || side.done) continue;
      if (side.readChunk > 0 && now >= side.nextReadAt) {
        side.drain();
        side.nextReadAt = now + 1;
      }
      if (side.closed !== null) side.drain(true);
      if (side.readChunk > 0) t = Math.min(t, side.nextReadAt);
    }
    a.flush(now);
    b.flush(now);
    if (sideA.done && sideB.done && a.connectionCount === 0 && b.connectionCount === 0) break;
    if (t === Number.POSITIVE_INFINITY) return result(false, 'nothing left to do before both sides closed');
    if (t > opts.limit) return result(false, `stalled: ${describe(sideA)} | ${describe(sideB)}`);
    now = Math.max(now, t);
    for (let p = link.take(now); p !== null; p = link.take(now)) {
      packets++;
      eps[p.to]!.input(p.data, 0, p.data.length, now);
    }
    a.poll(now);
    b.poll(now);
  }
  if (sideA.received !== opts.bytes[1] || sideB.received !== opts.bytes[0]) {
    return result(
      false,
      `short stream: A got ${sideA.received}/${opts.bytes[1]}, B got ${sideB.received}/${opts.bytes[0]}`,
    );
  }
  if (sideA.closed !== 'normal' || sideB.closed !== 'normal') {
    return result(false, `close reasons ${sideA.closed} ${sideB.closed}`);
  }
  return result(true, '');
}

function describe(s: Side): string {
  const c = s.conn;
  if (!c) return 'no connection';
  return `${c.stateName} wrote ${s.written}/${s.total} got ${s.received} una ${c.sndUna} nxt ${c.sndNxt} max ${c.sndMax} wnd ${c.sndWnd} cwnd ${c.cc?.cwnd} rcvNxt ${c.rcvNxt} readable ${c.readable}`;
}

/** Draws a link and a workload for one seed: loss up to 10%, reordering, duplication, jitter. */
export function seededOptions(seed: number): PairOptions {
  const r = new Rng(seed * 7919 + 17);
  const dir = (): LinkDirection => ({
    delay: 1 + r.next() * 20,
    jitter: r.next() * 4,
    loss: r.next() * 0.1,
    duplicate: r.next() * 0.05,
    reorder: r.next() * 0.1,
    reorderDelay: r.next() * 15,
    rate: r.next() < 0.3 ? 5 + r.next() * 50 : 0,
  });
  const mtus = [1500, 1500, 9000, 576, 65520];
  const size = () => (r.next() < 0.1 ? Math.floor(r.next() * 100) : Math.floor(r.next() * 200_000));
  const buffers = [4 * 1024 * 1024, 64 * 1024, 16 * 1024];
  return {
    bytes: [size(), size()],
    dirs: [dir(), dir()],
    config: {
      mtu: mtus[Math.floor(r.next() * mtus.length)]!,
      receiveBufferSize: buffers[Math.floor(r.next() * buffers.length)]!,
      sendBufferSize: r.next() < 0.5 ? 4 * 1024 * 1024 : 32 * 1024,
      timeWait: 10_000,
      sack: r.next() < 0.85,
      timestamps: r.next() < 0.8,
      windowScaling: r.next() < 0.9,
    },
    v6: r.next() < 0.3,
    readChunk: [
      r.next() < 0.2 ? 200 + Math.floor(r.next() * 5000) : 0,
      r.next() < 0.2 ? 200 + Math.floor(r.next() * 5000) : 0,
    ],
    tick: r.next() < 0.5 ? 0.25 : 1,
    limit: 600_000,
  };
}

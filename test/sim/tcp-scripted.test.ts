// Scripted-segment scenarios: one TcpEndpoint against a hand-driven peer on a virtual clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { TcpConfig } from '../../stack/tcp/config.js';
import type { CloseReason, Connection } from '../../stack/tcp/connection.js';
import { ACK, CWR, ECE, FIN, PSH, pattern, RST, ScriptedPeer, type Seen, SYN } from './scripted-peer.js';

const PEER_ISN = 1000;

interface Opened {
  peer: ScriptedPeer;
  conn: Connection;
  /** Our ISN + 1: the first data byte we send. */
  snd: number;
  /** The peer's next sequence number. */
  rcv: number;
  events: string[];
  closed: CloseReason[];
}

interface OpenOptions {
  config?: Partial<TcpConfig>;
  ts?: boolean;
  sack?: boolean;
  windowScale?: number;
  v6?: boolean;
  peerIsn?: number;
  window?: number;
  at?: number;
}

/** Three-way handshake with the peer as the active opener. */
function open(opts: OpenOptions = {}): Opened {
  const peer = new ScriptedPeer(opts.config ?? {}, opts.v6 ?? false);
  peer.now = opts.at ?? 0;
  const isn = opts.peerIsn ?? PEER_ISN;
  const ts = opts.ts ?? true;
  peer.send({
    flags: SYN,
    seq: isn,
    mss: 1460,
    windowScale: opts.windowScale ?? 7,
    sackPermitted: opts.sack ?? true,
    ...(ts ? { ts: [100, 0] as [number, number] } : {}),
  });
  assert.equal(peer.requests.length, 1);
  const conn = peer.requests[0]!;
  const events: string[] = [];
  const closed: CloseReason[] = [];
  conn.onEstablished = () => events.push('established');
  conn.onReadable = () => events.push('readable');
  conn.onRemoteFin = () => events.push('fin');
  conn.onReset = () => events.push('reset');
  conn.onClose = (_c, reason) => closed.push(reason);
  conn.accept();
  peer.ep.flush(peer.now);
  const [synAck] = peer.take();
  assert.ok(synAck);
  assert.equal(synAck.flags, SYN | ACK);
  const snd = (synAck.seq + 1) >>> 0;
  const rcv = (isn + 1) >>> 0;
  peer.send({
    flags: ACK,
    seq: rcv,
    ack: snd,
    window: opts.window ?? 1024,
    ...(ts ? { ts: [101, synAck.ts![0]] } : {}),
  });
  assert.deepEqual(events, ['established']);
  events.length = 0;
  return { peer, conn, snd, rcv, events, closed };
}

function only(segs: Seen[]): Seen {
  assert.equal(segs.length, 1, `expected one segment, got ${segs.length}`);
  return segs[0]!;
}

describe('handshake', () => {
  test('SYN retransmits are absorbed while pending; SYN-ACK carries options and retransmits with backoff', () => {
    const peer = new ScriptedPeer({ mtu: 1500 });
    peer.send({ flags: SYN, seq: PEER_ISN, mss: 1460, windowScale: 7, sackPermitted: true, ts: [100, 0] });
    assert.equal(peer.requests.length, 1);
    const conn = peer.requests[0]!;
    assert.equal(conn.stateName, 'PENDING');
    assert.equal(conn.localAddress, '93.184.216.34');
    assert.equal(conn.remoteAddress, '10.0.2.100');
    assert.equal(conn.localPort, 80);
    assert.equal(conn.remotePort, 40000);
    peer.now = 1000;
    peer.send({ flags: SYN, seq: PEER_ISN, mss: 1460, windowScale: 7, sackPermitted: true, ts: [1100, 0] });
    assert.equal(peer.requests.length, 1);
    assert.deepEqual(peer.take(), []);

    conn.accept();
    peer.ep.flush(peer.now);
    const synAck = only(peer.take());
    assert.equal(synAck.flags, SYN | ACK);
    assert.equal(synAck.ack, PEER_ISN + 1);
    assert.equal(synAck.mss, 1460);
    assert.equal(synAck.windowScale, 7, '4 MiB needs a shift of 7');
    assert.equal(synAck.sackPermitted, true);
    assert.equal(synAck.window, 65535);
    assert.deepEqual(synAck.ts![1], 1100, 'echoes the latest SYN timestamp');

    peer.run(999);
    assert.deepEqual(peer.take(), []);
    peer.run(1);
    assert.equal(only(peer.take()).seq, synAck.seq, 'SYN-ACK again after the 1 s initial RTO');
    peer.run(1999);
    assert.deepEqual(peer.take(), []);
    peer.run(1);
    assert.equal(only(peer.take()).flags, SYN | ACK, 'then after 2 s (backoff)');

    let established = 0;
    conn.onEstablished = () => established++;
    peer.send({ flags: ACK, seq: PEER_ISN + 1, ack: synAck.seq + 1, ts: [4000, synAck.ts![0]] });
    assert.equal(established, 1);
    assert.equal(conn.stateName, 'ESTABLISHED');
  });

  test('refuse sends RST|ACK; unreachable hands the original SYN to the hook', () => {
    const peer = new ScriptedPeer();
    peer.send({ flags: SYN, seq: PEER_ISN });
    peer.requests[0]!.refuse();
    const rst = only(peer.take());
    assert.equal(rst.flags, RST | ACK);
    assert.equal(rst.ack, PEER_ISN + 1);
    assert.equal(peer.ep.connectionCount, 0);

    let hooked: Uint8Array | null = null;
    peer.ep.onUnreachable = (_c, syn) => {
      hooked = syn;
    };
    const syn = peer.build({ flags: SYN, seq: 5000 });
    peer.send({ flags: SYN, seq: 5000 });
    peer.requests[1]!.unreachable();
    assert.deepEqual(hooked, syn);
    assert.deepEqual(peer.take(), []);
    assert.equal(peer.ep.connectionCount, 0);
  });

  test('an ECN-setup SYN is accepted and answered without ECN', () => {
    const peer = new ScriptedPeer();
    peer.send({ flags: SYN | ECE | CWR, seq: PEER_ISN, mss: 1460 });
    peer.requests[0]!.accept();
    peer.ep.flush(0);
    assert.equal(only(peer.take()).flags, SYN | ACK);
  });

  test('MSS comes from the MTU: 9000 over IPv4, 65520 over IPv6', () => {
    const v4 = new ScriptedPeer({ mtu: 9000 });
    v4.send({ flags: SYN, seq: 1, mss: 65000 });
    v4.requests[0]!.accept();
    v4.ep.flush(0);
    assert.equal(only(v4.take()).mss, 8960);
    const v6 = new ScriptedPeer({ mtu: 65520 }, true);
    v6.send({ flags: SYN, seq: 1, mss: 65000 });
    v6.requests[0]!.accept();
    v6.ep.flush(0);
    assert.equal(only(v6.take()).mss, 65460);
    assert.equal(v6.requests[0]!.remoteAddress, 'fd00:fa17::100');
  });

  test('a segment for no connection is answered with RST', () => {
    const peer = new ScriptedPeer();
    peer.send({ flags: ACK, seq: 10, ack: 777 });
    const rst = only(peer.take());
    assert.equal(rst.flags, RST);
    assert.equal(rst.seq, 777);
  });
});

describe('data and close', () => {
  test('FIN with data: delivered, acknowledged, then a passive close', () => {
    const { peer, conn, snd, rcv, events, closed } = open({ ts: false });
    peer.send({ flags: ACK | PSH | FIN, seq: rcv, ack: snd, payload: pattern(0, 100) });
    assert.deepEqual(events, ['readable', 'fin']);
    const ack = only(peer.take());
    assert.equal(ack.ack, rcv + 101);
    assert.deepEqual(conn.read(), pattern(0, 100));
    assert.equal(conn.stateName, 'CLOSE_WAIT');
    conn.write(pattern(0, 10));
    conn.shutdownWrite();
    peer.ep.flush(peer.now);
    const fin = only(peer.take());
    assert.equal(fin.flags & FIN, FIN);
    assert.equal(fin.payload.length, 10);
    assert.equal(conn.stateName, 'LAST_ACK');
    peer.send({ flags: ACK, seq: rcv + 101, ack: snd + 11 });
    assert.equal(conn.stateName, 'CLOSED');
    assert.deepEqual(closed, ['normal']);
    assert.equal(peer.ep.connectionCount, 0);
  });

  test('simultaneous close goes through CLOSING and TIME_WAIT', () => {
    const { peer, conn, snd, rcv, closed } = open({ ts: false, config: { timeWait: 500 } });
    conn.shutdownWrite();
    peer.ep.flush(peer.now);
    const fin = only(peer.take());
    assert.equal(fin.flags, FIN | ACK);
    assert.equal(conn.stateName, 'FIN_WAIT_1');
    peer.send({ flags: FIN | ACK, seq: rcv, ack: snd });
    assert.equal(conn.stateName, 'CLOSING');
    assert.equal(only(peer.take()).ack, rcv + 1);
    peer.send({ flags: ACK, seq: rcv + 1, ack: snd + 1 });
    assert.equal(conn.stateName, 'TIME_WAIT');
    assert.deepEqual(closed, ['normal']);
    peer.run(499);
    assert.equal(peer.ep.connectionCount, 1);
    peer.run(1);
    assert.equal(peer.ep.connectionCount, 0);
  });

  test('sequence numbers wrap on both sides', () => {
    // Learn our ISN for this tuple, then come back when the 4 µs clock puts it just below 2^32.
    const probe = new ScriptedPeer();
    probe.send({ flags: SYN, seq: 1 });
    probe.requests[0]!.accept();
    probe.ep.flush(0);
    const base = only(probe.take()).seq;
    const at = Math.ceil(((2 ** 32 - 3000 - base) >>> 0) / 250);
    const { peer, conn, snd, rcv } = open({ peerIsn: 0xffffff00, ts: false, at, window: 65535 });
    assert.ok(snd > 2 ** 32 - 4000, `our ISN ${snd} is close to the wrap`);
    let got = 0;
    let off = rcv;
    for (let i = 0; i < 6; i++) {
      peer.send({ flags: ACK, seq: off, ack: snd, payload: pattern(i * 100, 100) });
      off = (off + 100) >>> 0;
    }
    const data = conn.read()!;
    got = data.length;
    assert.equal(got, 600);
    assert.deepEqual(data, pattern(0, 600));
    assert.equal(peer.take().at(-1)!.ack, (rcv + 600) >>> 0);
    conn.write(pattern(0, 6000));
    peer.ep.flush(peer.now);
    const sent = peer.take();
    assert.equal(sent.length, 5);
    const bytes = new Uint8Array(6000);
    let pos = 0;
    for (const s of sent) {
      assert.equal(s.seq, (snd + pos) >>> 0);
      bytes.set(s.payload, pos);
      pos += s.payload.length;
    }
    assert.deepEqual(bytes, pattern(0, 6000));
    peer.send({ flags: ACK, seq: off, ack: (snd + 6000) >>> 0 });
    assert.equal(conn.unacknowledged, 0);
  });
});

describe('RFC 5961', () => {
  test('RST: in-window but not exact gets a challenge ACK, outside is ignored, exact resets', () => {
    const { peer, conn, snd, rcv, events, closed } = open({ ts: false });
    peer.send({ flags: RST, seq: rcv + 10 });
    const challenge = only(peer.take());
    assert.equal(challenge.flags, ACK);
    assert.equal(challenge.ack, rcv);
    assert.equal(conn.stateName, 'ESTABLISHED');
    peer.send({ flags: RST, seq: rcv + 10_000_000 });
    assert.deepEqual(peer.take(), []);
    assert.equal(conn.stateName, 'ESTABLISHED');
    peer.send({ flags: SYN, seq: rcv + 5 });
    assert.equal(only(peer.take()).ack, rcv, 'SYN in ESTABLISHED: challenge ACK');
    assert.equal(conn.stateName, 'ESTABLISHED');
    peer.send({ flags: RST | ACK, seq: rcv, ack: snd });
    assert.deepEqual(events, ['reset']);
    assert.deepEqual(closed, ['reset']);
    assert.equal(peer.ep.connectionCount, 0);
  });

  test('an ACK for data never sent is dropped and answered', () => {
    const { peer, conn, snd, rcv } = open({ ts: false });
    peer.send({ flags: ACK, seq: rcv, ack: snd + 5000, payload: pattern(0, 10) });
    assert.equal(only(peer.take()).ack, rcv);
    assert.equal(conn.readable, 0);
  });
});

describe('windows', () => {
  test('zero window: persist probes back off until the window opens', () => {
    const { peer, conn, snd, rcv } = open({ ts: false, window: 0 });
    conn.write(pattern(0, 3000));
    peer.ep.flush(peer.now);
    assert.deepEqual(peer.take(), []);
    const probes: number[] = [];
    const start = peer.now;
    for (let i = 0; i < 3; i++) {
      // Bounded, so a probe that never comes fails below instead of hanging the run.
      for (let waited = 0; peer.seen.length === 0 && waited < 120_000; waited += 10) peer.advance(10);
      const p = only(peer.take());
      assert.equal(p.seq, snd - 1, 'probe at SND.UNA - 1');
      assert.equal(p.payload.length, 0);
      probes.push(peer.now - start);
      peer.send({ flags: ACK, seq: rcv, ack: snd, window: 0 });
      assert.deepEqual(peer.take(), []);
    }
    assert.ok(probes[1]! - probes[0]! > probes[0]!, `backoff ${probes}`);
    peer.send({ flags: ACK, seq: rcv, ack: snd, window: 64 });
    const sent = peer.take();
    assert.equal(
      sent.reduce((n, s) => n + s.payload.length, 0),
      3000,
    );
  });

  test('window update goes out as soon as the application drains a full buffer', () => {
    const { peer, conn, snd, rcv } = open({ ts: false, config: { receiveBufferSize: 8192 } });
    const seqs = [0, 1460, 2920, 4380, 5840];
    peer.sendBatch(seqs.map((s) => ({ flags: ACK, seq: rcv + s, ack: snd, payload: pattern(s, 1460) })));
    peer.send({ flags: ACK, seq: rcv + 7300, ack: snd, payload: pattern(7300, 892) });
    const acks = peer.take();
    assert.equal(acks.at(-1)!.ack, rcv + 8192);
    assert.equal(acks.at(-1)!.window, 0);
    assert.equal(conn.read(1000)!.length, 1000);
    peer.ep.flush(peer.now);
    assert.deepEqual(peer.take(), [], 'less than an MSS free: no update (SWS avoidance)');
    assert.equal(conn.read(1000)!.length, 1000);
    peer.ep.flush(peer.now);
    const update = only(peer.take());
    assert.equal(update.ack, rcv + 8192);
    assert.equal(update.window << 0, 2000);
  });

  test('window scaling: the window field is scaled after the handshake', () => {
    const { peer, conn, snd, rcv } = open({ ts: false });
    peer.send({ flags: ACK, seq: rcv, ack: snd, payload: pattern(0, 100) });
    const ack = only(peer.take());
    assert.equal(ack.window, Math.floor((4 * 1024 * 1024 - 100) / 128));
    assert.equal(conn.readable, 100);
  });
});

describe('loss recovery', () => {
  function sendTen(o: Opened): Seen[] {
    o.conn.write(pattern(0, 14_600));
    o.peer.ep.flush(o.peer.now);
    const segs = o.peer.take();
    assert.equal(segs.length, 10);
    return segs;
  }

  test('NewReno without SACK: three duplicate ACKs, fast retransmit, partial ACK retransmits the next hole', () => {
    const o = open({ ts: false, sack: false, window: 65535 });
    const { peer, snd, rcv } = o;
    sendTen(o);
    for (let i = 0; i < 2; i++) peer.send({ flags: ACK, seq: rcv, ack: snd, window: 65535 });
    assert.deepEqual(peer.take(), [], 'limited transmit has no new data to send');
    peer.send({ flags: ACK, seq: rcv, ack: snd, window: 65535 });
    const rtx = only(peer.take());
    assert.equal(rtx.seq, snd);
    assert.equal(rtx.payload.length, 1460);
    assert.equal(o.conn.inRecovery, true);
    peer.send({ flags: ACK, seq: rcv, ack: snd + 4 * 1460, window: 65535 });
    const partial = only(peer.take());
    assert.equal(partial.seq, snd + 4 * 1460, 'partial ACK: the next unacknowledged segment');
    peer.send({ flags: ACK, seq: rcv, ack: snd + 14_600, window: 65535 });
    assert.equal(o.conn.inRecovery, false);
    assert.equal(o.conn.counters.retransmittedSegments, 2);
  });

  test('SACK: duplicated pure ACKs never trigger a retransmit; new SACKed data does', () => {
    const o = open({ ts: false, window: 65535 });
    const { peer, snd, rcv } = o;
    sendTen(o);
    const block: [number, number] = [snd + 1460, snd + 2920];
    for (let i = 0; i < 5; i++) peer.send({ flags: ACK, seq: rcv, ack: snd, window: 65535, sack: [block] });
    assert.deepEqual(peer.take(), []);
    assert.equal(o.conn.counters.retransmittedSegments, 0);
    peer.send({ flags: ACK, seq: rcv, ack: snd, window: 65535, sack: [[snd + 1460, snd + 5840]] });
    const rtx = only(peer.take());
    assert.equal(rtx.seq, snd);
    peer.send({ flags: ACK, seq: rcv, ack: snd + 5840, window: 65535, sack: [[snd + 7300, snd + 14_600]] });
    const second = only(peer.take());
    assert.equal(second.seq, snd + 5840, 'the next hole below SACKed data');
    assert.equal(second.payload.length, 1460);
  });

  test('limited transmit: each ACK that SACKs new data lets one new segment out (RFC 3042)', () => {
    const o = open({ ts: false, window: 65535 });
    const { peer, conn, snd, rcv } = o;
    conn.write(pattern(0, 20 * 1460));
    peer.ep.flush(peer.now);
    assert.equal(peer.take().length, 10, 'initial window');
    peer.send({ flags: ACK, seq: rcv, ack: snd, window: 65535, sack: [[snd + 1460, snd + 2920]] });
    assert.equal(only(peer.take()).seq, snd + 10 * 1460);
    peer.send({ flags: ACK, seq: rcv, ack: snd, window: 65535, sack: [[snd + 1460, snd + 4380]] });
    assert.equal(only(peer.take()).seq, snd + 11 * 1460);
    assert.equal(conn.counters.retransmittedSegments, 0);
  });

  test('a pending connection nobody decides about is dropped after pendingTimeout', () => {
    const peer = new ScriptedPeer({ pendingTimeout: 5000 });
    peer.send({ flags: SYN, seq: PEER_ISN });
    let reason: CloseReason | null = null;
    peer.requests[0]!.onClose = (_c, r) => {
      reason = r;
    };
    peer.run(4999, 100);
    assert.equal(peer.ep.connectionCount, 1);
    peer.run(1, 1);
    assert.equal(peer.ep.connectionCount, 0);
    assert.equal(reason, 'timeout');
    assert.deepEqual(peer.take(), []);
  });

  test('RTO: retransmits the first segment, backs off, restarts on a new ACK', () => {
    const o = open({ ts: false, window: 65535 });
    const { peer, snd, rcv } = o;
    sendTen(o);
    peer.run(199);
    assert.deepEqual(peer.take(), []);
    peer.run(1);
    const first = only(peer.take());
    assert.equal(first.seq, snd, 'minimum RTO 200 ms (the handshake RTT was ~0)');
    peer.run(399);
    assert.deepEqual(peer.take(), []);
    peer.run(1);
    assert.equal(only(peer.take()).seq, snd, 'doubled');
    peer.send({ flags: ACK, seq: rcv, ack: snd + 1460, window: 65535 });
    const after = peer.take();
    assert.equal(after[0]!.seq, snd + 1460, 'slow start resends from the new SND.UNA');
  });
});

describe('Eifel detection of spurious timeouts (RFC 3522, RFC 4015)', () => {
  // Without SACK there is no tail loss probe, so the RTO is the first thing that fires.
  function timedOut() {
    const o = open({ sack: false, window: 65535 });
    o.conn.write(pattern(0, 14_600));
    o.peer.ep.flush(o.peer.now);
    const originals = o.peer.take();
    assert.equal(originals.length, 10);
    const cwndBefore = o.conn.cc!.cwnd;
    o.peer.run(200);
    const rtx = only(o.peer.take());
    assert.equal(rtx.seq, o.snd);
    return { ...o, originals, rtx, cwndBefore };
  }

  test('an ACK echoing the original timestamp undoes the timeout and does not go back over the window', () => {
    const { peer, conn, rcv, originals, cwndBefore } = timedOut();
    const five = originals[5]!.seq;
    peer.send({ flags: ACK, seq: rcv, ack: five, window: 65535, ts: [900, originals[4]!.ts![0]] });
    assert.equal(conn.counters.spuriousRtos, 1);
    assert.ok(conn.cc!.cwnd >= cwndBefore, `cwnd ${conn.cc!.cwnd} back to ${cwndBefore}`);
    const end = originals[9]!.seq + originals[9]!.payload.length;
    const sent = peer.take();
    assert.deepEqual(
      sent.map((seg) => seg.seq),
      [end],
      'segments 6-10 are still in flight: only the data never sent goes out',
    );
  });

  test('an ACK echoing the retransmission is a real timeout: slow start from the new SND.UNA', () => {
    const { peer, conn, rcv, rtx, originals } = timedOut();
    const five = originals[5]!.seq;
    peer.send({ flags: ACK, seq: rcv, ack: five, window: 65535, ts: [900, rtx.ts![0]] });
    assert.equal(conn.counters.spuriousRtos, 0);
    assert.equal(peer.take()[0]!.seq, five);
  });
});

describe('receive side SACK and D-SACK', () => {
  test('each duplicate wholly below RCV.NXT gets its own D-SACK at once, even in one batch', () => {
    const { peer, snd, rcv } = open({ ts: false });
    peer.send({ flags: ACK, seq: rcv, ack: snd, payload: pattern(0, 1000) });
    peer.take();
    peer.sendBatch([
      { flags: ACK, seq: rcv, ack: snd, payload: pattern(0, 500) },
      { flags: ACK, seq: rcv + 500, ack: snd, payload: pattern(500, 500) },
    ]);
    const acks = peer.take();
    assert.deepEqual(
      acks.map((a) => [a.ack, a.sack]),
      [
        [rcv + 1000, [[rcv, rcv + 500]]],
        [rcv + 1000, [[rcv + 500, rcv + 1000]]],
      ],
    );
  });

  test('out-of-order data is SACKed, most recent block first; duplicates are D-SACKed', () => {
    const { peer, conn, snd, rcv } = open({ ts: false });
    peer.send({ flags: ACK, seq: rcv + 1000, ack: snd, payload: pattern(1000, 500) });
    let a = only(peer.take());
    assert.equal(a.ack, rcv);
    assert.deepEqual(a.sack, [[rcv + 1000, rcv + 1500]]);
    peer.send({ flags: ACK, seq: rcv + 2000, ack: snd, payload: pattern(2000, 500) });
    a = only(peer.take());
    assert.deepEqual(a.sack, [
      [rcv + 2000, rcv + 2500],
      [rcv + 1000, rcv + 1500],
    ]);
    peer.send({ flags: ACK, seq: rcv + 1000, ack: snd, payload: pattern(1000, 500) });
    a = only(peer.take());
    assert.deepEqual(a.sack[0], [rcv + 1000, rcv + 1500], 'D-SACK of out-of-order data first');
    assert.deepEqual(a.sack[1], [rcv + 1000, rcv + 1500]);
    peer.send({ flags: ACK, seq: rcv, ack: snd, payload: pattern(0, 1000) });
    a = only(peer.take());
    assert.equal(a.ack, rcv + 1500);
    assert.deepEqual(a.sack, [[rcv + 2000, rcv + 2500]]);
    peer.send({ flags: ACK, seq: rcv, ack: snd, payload: pattern(0, 1000) });
    a = only(peer.take());
    assert.deepEqual(a.sack[0], [rcv, rcv + 1000], 'D-SACK below the cumulative ACK');
    assert.deepEqual(conn.read(), pattern(0, 1500));
  });

  test('a batch of segments gets one coalesced ACK', () => {
    const { peer, conn, snd, rcv } = open({ ts: false });
    peer.sendBatch(
      [0, 1, 2, 3].map((i) => ({ flags: ACK, seq: rcv + i * 100, ack: snd, payload: pattern(i * 100, 100) })),
    );
    const a = only(peer.take());
    assert.equal(a.ack, rcv + 400);
    assert.equal(conn.readable, 400);
  });
});

describe('timestamps', () => {
  test('PAWS drops an old timestamp, echoes TS.Recent, takes newer ones', () => {
    const { peer, conn, snd, rcv } = open();
    peer.send({ flags: ACK, seq: rcv, ack: snd, payload: pattern(0, 100), ts: [500, 0] });
    let a = only(peer.take());
    assert.equal(a.ts![1], 500);
    peer.send({ flags: ACK, seq: rcv + 100, ack: snd, payload: pattern(100, 100), ts: [400, 0] });
    a = only(peer.take());
    assert.equal(a.ack, rcv + 100, 'PAWS: not accepted');
    assert.equal(a.ts![1], 500);
    peer.send({ flags: ACK, seq: rcv + 100, ack: snd, payload: pattern(100, 100), ts: [600, 0] });
    a = only(peer.take());
    assert.equal(a.ack, rcv + 200);
    assert.equal(a.ts![1], 600);
    assert.deepEqual(conn.read(), pattern(0, 200));
  });

  test('RTT is the age of the timed segment on the microsecond clock, not the millisecond echo', () => {
    const { peer, conn, snd, rcv } = open();
    conn.write(pattern(0, 100));
    peer.ep.flush(peer.now);
    const d = only(peer.take());
    const before = conn.rtt.srtt;
    peer.now += 0.15;
    // An echo 3 ticks old would read as a 3.15 ms RTT.
    peer.send({ flags: ACK, seq: rcv, ack: snd + 100, ts: [700, (d.ts![0] - 3) >>> 0] });
    assert.ok(Math.abs(conn.rtt.srtt - (0.875 * before + 0.125 * 0.15)) < 1e-9, `srtt ${conn.rtt.srtt}`);
  });
});

describe('TIME_WAIT', () => {
  function toTimeWait(): Opened {
    const o = open({ config: { timeWait: 60_000 } });
    const { peer, conn, snd, rcv } = o;
    conn.shutdownWrite();
    peer.ep.flush(peer.now);
    const fin = only(peer.take());
    peer.send({ flags: ACK | FIN, seq: rcv, ack: snd + 1, ts: [200, fin.ts![0]] });
    assert.equal(conn.stateName, 'TIME_WAIT');
    peer.take();
    return o;
  }

  test('TIME_WAIT keeps nothing of the application: its hooks and userData go after onClose', () => {
    const o = open({ config: { timeWait: 60_000 } });
    const { peer, conn, snd, rcv } = o;
    const appState = { socket: 'host socket' };
    conn.userData = appState;
    let closes = 0;
    conn.onClose = () => closes++;
    conn.shutdownWrite();
    peer.ep.flush(peer.now);
    const fin = only(peer.take());
    peer.send({ flags: ACK | FIN, seq: rcv, ack: snd + 1, ts: [200, fin.ts![0]] });
    assert.equal(conn.stateName, 'TIME_WAIT');
    assert.equal(closes, 1);
    assert.equal(conn.userData, undefined);
    peer.send({ flags: ACK | FIN, seq: rcv, ack: snd + 1, ts: [250, fin.ts![0]] });
    assert.equal(closes, 1, 'a retransmitted FIN in TIME_WAIT reaches no application hook');
  });

  test('a SYN with a newer timestamp reuses the tuple (RFC 6191)', () => {
    const { peer } = toTimeWait();
    peer.send({ flags: SYN, seq: PEER_ISN - 50_000, ts: [300, 0], mss: 1460 });
    assert.equal(peer.requests.length, 2);
    assert.equal(peer.requests[1]!.stateName, 'PENDING');
    assert.equal(peer.ep.connectionCount, 1);
  });

  test('a SYN with an older timestamp does not, and RSTs are ignored (RFC 1337)', () => {
    const { peer, conn, rcv } = toTimeWait();
    peer.send({ flags: SYN, seq: rcv + 10, ts: [150, 0] });
    assert.equal(peer.requests.length, 1);
    assert.equal(only(peer.take()).flags, ACK);
    peer.send({ flags: RST, seq: rcv + 1 });
    assert.equal(conn.stateName, 'TIME_WAIT');
    assert.equal(peer.ep.connectionCount, 1, 'the TIME_WAIT record stays');
    assert.equal(peer.take().length, 0);
  });

  test('a retransmitted FIN is acknowledged again and restarts the 2MSL timer', () => {
    const { peer, snd, rcv } = toTimeWait();
    peer.run(40_000, 1000);
    peer.send({ flags: ACK | FIN, seq: rcv, ack: snd + 1, ts: [400, 0] });
    const ack = only(peer.take());
    assert.equal(ack.flags, ACK);
    assert.equal(ack.ack, rcv + 1);
    assert.equal(ack.seq, snd + 1);
    assert.equal(ack.ts![1], 400, 'echoes the newest timestamp');
    peer.run(40_000, 1000);
    assert.equal(peer.ep.connectionCount, 1, '60 s from the retransmission, not from the first FIN');
    peer.run(21_000, 1000);
    assert.equal(peer.ep.connectionCount, 0);
  });
});

describe('keepalive', () => {
  test('probes an idle connection and gives up after the configured count', () => {
    const { peer, conn, snd, closed } = open({
      ts: false,
      config: { keepaliveIdle: 10_000, keepaliveInterval: 1000, keepaliveProbes: 3 },
    });
    peer.run(10_000, 100);
    const probe = only(peer.take());
    assert.equal(probe.seq, snd - 1);
    peer.run(2000, 100);
    assert.equal(peer.take().length, 2);
    peer.run(1000, 100);
    assert.equal(only(peer.take()).flags, RST | ACK);
    assert.deepEqual(closed, ['timeout']);
    assert.equal(conn.stateName, 'CLOSED');
  });
});

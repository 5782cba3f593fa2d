import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4PseudoHeaderSum, newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import { ipv6PseudoHeaderSum, newIpv6Repr, parseIpv6 } from '../../stack/wire/ipv6.js';
import {
  emitTcp,
  fillTcpChecksum,
  newTcpRepr,
  parseTcp,
  TcpFlags,
  type TcpRepr,
  tcpChecksumValid,
  tcpHeaderLength,
  tcpSackBlocksToEmit,
} from '../../stack/wire/tcp.js';
import { fromHex, kernel } from './wire-fixtures.js';

function copyRepr(from: TcpRepr): TcpRepr {
  const to = newTcpRepr();
  Object.assign(to, { ...from, sack: to.sack });
  from.sack.forEach((b, i) => {
    Object.assign(to.sack[i]!, b);
  });
  return to;
}

function roundTrip(repr: TcpRepr, payload: number): TcpRepr {
  const buf = new Uint8Array(200);
  const hl = emitTcp(repr, buf, 3);
  assert.equal(hl, tcpHeaderLength(repr));
  assert.equal(hl % 4, 0);
  assert.ok(hl <= 60);
  const back = newTcpRepr();
  assert.equal(parseTcp(buf, 3, hl + payload, back), true);
  assert.equal(back.payloadOffset, 3 + hl);
  assert.equal(back.payloadLength, payload);
  return back;
}

describe('wire tcp', () => {
  it('parses the kernel SYN over IPv4 with all its options and checksum', () => {
    const pkt = fromHex(kernel.tcpV4Syn);
    const ip = newIpv4Repr();
    assert.equal(parseIpv4(pkt, 0, pkt.length, ip), true);
    const tcp = newTcpRepr();
    assert.equal(parseTcp(pkt, ip.payloadOffset, ip.payloadLength, tcp), true);
    assert.equal(tcp.srcPort, 46546);
    assert.equal(tcp.dstPort, 8080);
    assert.equal(tcp.seq, 0x92c92c48);
    assert.equal(tcp.ack, 0);
    assert.equal(tcp.flags, TcpFlags.SYN);
    assert.equal(tcp.window, 64240);
    assert.equal(tcp.mss, 1460);
    assert.equal(tcp.windowScale, 10);
    assert.equal(tcp.sackPermitted, true);
    assert.equal(tcp.hasTimestamp, true);
    assert.equal(tcp.tsVal, 0x95d69bd7);
    assert.equal(tcp.tsEcr, 0);
    assert.equal(tcp.sackCount, 0);
    assert.equal(tcp.payloadLength, 0);
    const pseudo = ipv4PseudoHeaderSum(ip, ip.payloadLength);
    assert.equal(tcpChecksumValid(pkt, ip.payloadOffset, ip.payloadLength, pseudo), true);
  });

  it('parses the kernel SYN-ACK and data segments and recomputes their checksums', () => {
    const ip = newIpv4Repr();
    const tcp = newTcpRepr();
    const synAck = fromHex(kernel.tcpV4SynAck);
    assert.equal(parseIpv4(synAck, 0, synAck.length, ip), true);
    assert.equal(parseTcp(synAck, ip.payloadOffset, ip.payloadLength, tcp), true);
    assert.equal(tcp.flags, TcpFlags.SYN | TcpFlags.ACK);
    assert.equal(tcp.ack, 0x92c92c49);
    assert.equal(tcp.tsEcr, 0x95d69bd7);

    for (const [name, text] of [
      ['tcpV4Data', 'ping data 123'],
      ['tcpV4Reply', 'pong\n'],
    ] as const) {
      const pkt = fromHex(kernel[name]);
      assert.equal(parseIpv4(pkt, 0, pkt.length, ip), true);
      assert.equal(parseTcp(pkt, ip.payloadOffset, ip.payloadLength, tcp), true);
      assert.equal(tcp.flags, TcpFlags.PSH | TcpFlags.ACK);
      assert.equal(tcp.mss, 0);
      assert.equal(tcp.windowScale, -1);
      assert.equal(tcp.sackPermitted, false);
      assert.equal(tcp.hasTimestamp, true);
      const payload = Buffer.from(pkt.subarray(tcp.payloadOffset, tcp.payloadOffset + tcp.payloadLength));
      assert.equal(payload.toString('latin1'), text);
      const stored = (pkt[ip.payloadOffset + 16]! << 8) | pkt[ip.payloadOffset + 17]!;
      const pseudo = ipv4PseudoHeaderSum(ip, ip.payloadLength);
      assert.equal(fillTcpChecksum(pkt, ip.payloadOffset, ip.payloadLength, pseudo), stored, name);
    }
  });

  it('re-emits the kernel data segment byte for byte', () => {
    const pkt = fromHex(kernel.tcpV4Data);
    const ip = newIpv4Repr();
    const tcp = newTcpRepr();
    assert.equal(parseIpv4(pkt, 0, pkt.length, ip), true);
    assert.equal(parseTcp(pkt, ip.payloadOffset, ip.payloadLength, tcp), true);
    const out = new Uint8Array(pkt.length);
    out.set(pkt.subarray(0, ip.payloadOffset));
    const hl = emitTcp(tcp, out, ip.payloadOffset);
    out.set(pkt.subarray(tcp.payloadOffset), ip.payloadOffset + hl);
    fillTcpChecksum(out, ip.payloadOffset, ip.payloadLength, ipv4PseudoHeaderSum(ip, ip.payloadLength));
    assert.deepEqual(out, pkt);
  });

  it('parses the kernel SYN over IPv6 and checks it with the v6 pseudo-header', () => {
    const pkt = fromHex(kernel.tcpV6Syn);
    const ip = newIpv6Repr();
    const tcp = newTcpRepr();
    assert.equal(parseIpv6(pkt, 0, pkt.length, ip), true);
    assert.equal(parseTcp(pkt, ip.payloadOffset, ip.payloadLength, tcp), true);
    assert.equal(tcp.mss, 1440);
    assert.equal(tcp.window, 64800);
    assert.equal(tcp.windowScale, 10);
    assert.equal(tcp.sackPermitted, true);
    assert.equal(
      tcpChecksumValid(pkt, ip.payloadOffset, ip.payloadLength, ipv6PseudoHeaderSum(ip, 40)),
      true,
    );
    pkt[pkt.length - 1]! ^= 1;
    assert.equal(
      tcpChecksumValid(pkt, ip.payloadOffset, ip.payloadLength, ipv6PseudoHeaderSum(ip, 40)),
      false,
    );
  });

  it('round-trips a SYN with every option in 40 bytes of header', () => {
    const repr = newTcpRepr();
    Object.assign(repr, {
      srcPort: 1,
      dstPort: 65535,
      seq: 0xffffffff,
      ack: 0x80000000,
      flags: TcpFlags.SYN | TcpFlags.ECE | TcpFlags.CWR,
      window: 65535,
      mss: 65495,
      windowScale: 14,
      sackPermitted: true,
      hasTimestamp: true,
      tsVal: 0xdeadbeef,
      tsEcr: 1,
    });
    assert.equal(tcpHeaderLength(repr), 40);
    const back = roundTrip(repr, 0);
    const expected = copyRepr(repr);
    expected.payloadOffset = back.payloadOffset;
    assert.deepEqual(back, expected);
  });

  it('lays out lone options with NOP padding', () => {
    const repr = newTcpRepr();
    repr.sackPermitted = true;
    assert.equal(tcpHeaderLength(repr), 24);
    assert.equal(roundTrip(repr, 5).sackPermitted, true);
    repr.sackPermitted = false;
    repr.windowScale = 0;
    assert.equal(tcpHeaderLength(repr), 24);
    assert.equal(roundTrip(repr, 0).windowScale, 0);
    repr.windowScale = -1;
    repr.hasTimestamp = true;
    assert.equal(tcpHeaderLength(repr), 32);
    assert.equal(roundTrip(repr, 0).hasTimestamp, true);
  });

  it('emits 3 SACK blocks beside timestamps and 4 without', () => {
    const repr = newTcpRepr();
    repr.flags = TcpFlags.ACK;
    repr.sackCount = 4;
    repr.sack.forEach((b, i) => {
      b.left = 1000 * i + 0xfffff000;
      b.right = (1000 * i + 0xfffff000 + 500) >>> 0;
    });
    repr.hasTimestamp = true;
    assert.equal(tcpSackBlocksToEmit(repr), 3);
    assert.equal(tcpHeaderLength(repr), 20 + 12 + 4 + 24);
    let back = roundTrip(repr, 0);
    assert.equal(back.sackCount, 3);
    assert.deepEqual(back.sack.slice(0, 3), repr.sack.slice(0, 3));

    repr.hasTimestamp = false;
    assert.equal(tcpSackBlocksToEmit(repr), 4);
    assert.equal(tcpHeaderLength(repr), 20 + 4 + 32);
    back = roundTrip(repr, 0);
    assert.equal(back.sackCount, 4);
    assert.deepEqual(back.sack, repr.sack);
    assert.equal(back.hasTimestamp, false);
  });

  it('skips unknown options and stops at end-of-options', () => {
    const seg = new Uint8Array(32);
    seg[12] = (32 / 4) << 4;
    seg.set([0xfe, 4, 0xaa, 0xbb, 2, 4, 0x05, 0xb4, 0, 0xff, 0xff, 0xff], 20);
    const repr = newTcpRepr();
    assert.equal(parseTcp(seg, 0, 32, repr), true);
    assert.equal(repr.mss, 1460);
  });

  it('clamps a window scale above 14', () => {
    const seg = new Uint8Array(24);
    seg[12] = 6 << 4;
    seg.set([3, 3, 20, 1], 20);
    const repr = newTcpRepr();
    assert.equal(parseTcp(seg, 0, 24, repr), true);
    assert.equal(repr.windowScale, 14);
  });

  it('returns an error string for malformed headers and options', () => {
    const repr = newTcpRepr();
    // [options, data offset in words, segment length, expected error]
    const cases: [number[], number, number, RegExp][] = [
      [[], 5, 19, /truncated header/],
      [[], 4, 20, /bad data offset/],
      [[2, 4, 0, 0], 6, 20, /truncated options/],
      [[2, 3, 0, 0], 6, 24, /bad MSS option length/],
      [[3, 4, 0, 0], 6, 24, /bad window scale/],
      [[4, 3, 0, 0], 6, 24, /bad SACK-permitted/],
      [[8, 8, 0, 0, 0, 0, 0, 0], 7, 28, /bad timestamp/],
      [[5, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 8, 32, /bad SACK option/],
      [[0xfe, 1, 0, 0], 6, 24, /bad option length/],
      [[0xfe, 9, 0, 0], 6, 24, /bad option length/],
      [[1, 1, 1, 0xfe], 6, 24, /option length missing/],
    ];
    for (const [options, words, len, error] of cases) {
      const seg = new Uint8Array(64);
      seg[12] = words << 4;
      seg.set(options, 20);
      const result = parseTcp(seg, 0, len, repr);
      assert.equal(typeof result, 'string', `${options} ${len}`);
      assert.match(result as string, error);
    }
  });
});

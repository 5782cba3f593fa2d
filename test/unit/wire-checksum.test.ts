import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checksum,
  foldChecksum,
  pseudoHeaderSumV4,
  pseudoHeaderSumV6,
  sumBytes,
  verifyChecksum,
  writeChecksum,
} from '../../stack/wire/checksum.js';
import { ipv4PseudoHeaderSum, newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import {
  IPV6_DST_OFFSET,
  IPV6_SRC_OFFSET,
  ipv6PseudoHeaderSum,
  newIpv6Repr,
  parseIpv6,
} from '../../stack/wire/ipv6.js';
import { fromHex, kernel, seededU32 } from './wire-fixtures.js';

// RFC 1071 the slow way: big-endian byte pairs, odd byte padded, folded with end-around carry.
function naiveChecksum(buf: Uint8Array, off: number, len: number): number {
  let sum = 0;
  for (let i = 0; i < len; i += 2) sum += (buf[off + i]! << 8) | (i + 1 < len ? buf[off + i + 1]! : 0);
  while (sum > 0xffff) sum = (sum % 0x10000) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

describe('wire checksum', () => {
  it('matches the naive reference on random data, offsets, lengths and buffer alignments', () => {
    const next = seededU32(0xc0ffee);
    const backing = new ArrayBuffer(70_000);
    const all = new Uint8Array(backing);
    for (let i = 0; i < all.length; i++) all[i] = next() & 0xff;
    let cases = 0;
    for (let t = 0; t < 5000; t++) {
      const view = new Uint8Array(backing, next() % 8, 66_000);
      const off = next() % 64;
      const len = t < 4500 ? next() % 1600 : next() % 65_536;
      assert.equal(checksum(view, off, len), naiveChecksum(view, off, len), `off ${off} len ${len}`);
      cases++;
    }
    assert.equal(cases, 5000);
  });

  it('handles all-ones data, whose lane sums carry the most', () => {
    const buf = new Uint8Array(65_536).fill(0xff);
    for (const [off, len] of [
      [0, 65_536],
      [1, 65_535],
      [3, 40_001],
      [2, 33],
    ] as const) {
      assert.equal(checksum(buf, off, len), naiveChecksum(buf, off, len));
    }
  });

  it('chains even-length chunks to the same result as one pass', () => {
    const next = seededU32(7);
    const buf = new Uint8Array(3001);
    for (let i = 0; i < buf.length; i++) buf[i] = next() & 0xff;
    const chained = sumBytes(buf, 1001, 2000, sumBytes(buf, 37, 964, sumBytes(buf, 1, 36)));
    assert.equal(foldChecksum(chained), checksum(buf, 1, 3000));
    assert.equal(foldChecksum(chained), naiveChecksum(buf, 1, 3000));
  });

  it('keeps sums chained a million times exact', () => {
    const chunk = new Uint8Array([0xff, 0xff, 0xff, 0xfe]);
    const whole = new Uint8Array(4_000_000);
    for (let i = 0; i < whole.length; i += 4) whole.set(chunk, i);
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum = sumBytes(chunk, 0, 4, sum);
    assert.ok(Number.isSafeInteger(sum));
    assert.equal(foldChecksum(sum), naiveChecksum(whole, 0, whole.length));
    assert.equal(checksum(whole, 0, whole.length), naiveChecksum(whole, 0, whole.length));
  });

  it('writes a checksum that then verifies, and detects a flipped bit', () => {
    const buf = new Uint8Array(41);
    for (let i = 0; i < buf.length; i++) buf[i] = (i * 37) & 0xff;
    const value = writeChecksum(buf, 1, 40, 11, 0x1234);
    assert.equal((buf[11]! << 8) | buf[12]!, value);
    assert.equal(verifyChecksum(buf, 1, 40, 0x1234), true);
    buf[30]! ^= 0x10;
    assert.equal(verifyChecksum(buf, 1, 40, 0x1234), false);
  });

  it('verifies every IPv4 header checksum the kernel produced', () => {
    const names = [
      'icmpv4EchoRequest',
      'icmpv4EchoReply',
      'udpV4',
      'icmpv4PortUnreachable',
      'tcpV4Syn',
    ] as const;
    for (const name of names) {
      const pkt = fromHex(kernel[name]);
      assert.equal(verifyChecksum(pkt, 0, (pkt[0]! & 0x0f) * 4), true, name);
      const stored = (pkt[10]! << 8) | pkt[11]!;
      assert.equal(writeChecksum(pkt, 0, 20, 10), stored, name);
    }
  });

  it('computes the kernel TCP/UDP checksums from the pseudo-header helpers', () => {
    const v4 = newIpv4Repr();
    for (const name of ['udpV4', 'tcpV4Syn', 'tcpV4SynAck', 'tcpV4Data', 'tcpV4Reply'] as const) {
      const pkt = fromHex(kernel[name]);
      assert.equal(parseIpv4(pkt, 0, pkt.length, v4), true);
      const bytes = pseudoHeaderSumV4(pkt, 12, pkt, 16, v4.protocol, v4.payloadLength);
      assert.equal(foldChecksum(bytes), foldChecksum(ipv4PseudoHeaderSum(v4, v4.payloadLength)), name);
      assert.equal(verifyChecksum(pkt, v4.payloadOffset, v4.payloadLength, bytes), true, name);
    }
    const v6 = newIpv6Repr();
    for (const name of ['udpV6', 'tcpV6Syn', 'tcpV6SynAck', 'tcpV6Data', 'icmpv6EchoRequest'] as const) {
      const pkt = fromHex(kernel[name]);
      assert.equal(parseIpv6(pkt, 0, pkt.length, v6), true);
      const bytes = pseudoHeaderSumV6(
        pkt,
        IPV6_SRC_OFFSET,
        pkt,
        IPV6_DST_OFFSET,
        v6.nextHeader,
        v6.payloadLength,
      );
      assert.equal(bytes, ipv6PseudoHeaderSum(v6, v6.payloadLength), name);
      assert.equal(verifyChecksum(pkt, v6.payloadOffset, v6.payloadLength, bytes), true, name);
    }
  });

  it('sums a Buffer from the shared pool (non-zero byteOffset) correctly', () => {
    const pooled = Buffer.from(kernel.tcpV4Data, 'hex');
    assert.equal(checksum(pooled, 20, pooled.length - 20), naiveChecksum(pooled, 20, pooled.length - 20));
  });
});

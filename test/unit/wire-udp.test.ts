import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ipv4PseudoHeaderSum, newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import { ipv6PseudoHeaderSum, newIpv6Repr, parseIpv6 } from '../../stack/wire/ipv6.js';
import { emitUdp, fillUdpChecksum, newUdpRepr, parseUdp, udpChecksumValid } from '../../stack/wire/udp.js';
import { fromHex, kernel } from './wire-fixtures.js';

describe('wire udp', () => {
  it('parses the kernel datagrams and re-emits them byte for byte', () => {
    const v4 = newIpv4Repr();
    const v6 = newIpv6Repr();
    for (const name of ['udpV4', 'udpV6'] as const) {
      const pkt = fromHex(kernel[name]);
      let off: number;
      let len: number;
      let pseudo: number;
      if (name === 'udpV4') {
        assert.equal(parseIpv4(pkt, 0, pkt.length, v4), true);
        [off, len, pseudo] = [v4.payloadOffset, v4.payloadLength, ipv4PseudoHeaderSum(v4, v4.payloadLength)];
      } else {
        assert.equal(parseIpv6(pkt, 0, pkt.length, v6), true);
        [off, len, pseudo] = [v6.payloadOffset, v6.payloadLength, ipv6PseudoHeaderSum(v6, v6.payloadLength)];
      }
      const repr = newUdpRepr();
      assert.equal(parseUdp(pkt, off, len, repr), true);
      assert.equal(repr.dstPort, 9999);
      assert.equal(repr.payloadLength, 11);
      assert.equal(Buffer.from(pkt.subarray(repr.payloadOffset)).toString('latin1'), 'hello, odd!');
      assert.equal(udpChecksumValid(pkt, off, len, pseudo, name === 'udpV6'), true);

      const out = pkt.slice();
      out.fill(0, off, off + 8);
      assert.equal(emitUdp(repr, out, off), 8);
      assert.equal(fillUdpChecksum(out, off, len, pseudo), repr.checksum);
      assert.deepEqual(out, pkt, name);
    }
  });

  it('treats a zero checksum as none over IPv4 only', () => {
    const pkt = fromHex(kernel.udpV6);
    pkt[40 + 6] = 0;
    pkt[40 + 7] = 0;
    assert.equal(udpChecksumValid(pkt, 40, 19, 0, false), true);
    assert.equal(udpChecksumValid(pkt, 40, 19, 0, true), false);
  });

  it('sends a computed zero checksum as 0xffff', () => {
    const buf = new Uint8Array(10);
    const repr = newUdpRepr();
    repr.payloadLength = 2;
    emitUdp(repr, buf, 0);
    // Header words 0, 0, 10 plus the payload word: choose it so the sum is 0xffff.
    buf[8] = 0xff;
    buf[9] = 0xff - 10;
    assert.equal(fillUdpChecksum(buf, 0, 10, 0), 0xffff);
    assert.equal(buf[6], 0xff);
    assert.equal(buf[7], 0xff);
    assert.equal(udpChecksumValid(buf, 0, 10, 0, true), true);
  });

  it('checks lengths', () => {
    const pkt = fromHex(kernel.udpV4);
    const repr = newUdpRepr();
    assert.equal(parseUdp(pkt, 20, 7, repr), 'udp: truncated header');
    assert.equal(parseUdp(pkt, 20, 18, repr), 'udp: truncated datagram');
    pkt[25] = 7;
    assert.equal(parseUdp(pkt, 20, 19, repr), 'udp: bad length');
    pkt[25] = 12;
    assert.equal(parseUdp(pkt, 20, 19, repr), true);
    assert.equal(repr.payloadLength, 4);
  });
});

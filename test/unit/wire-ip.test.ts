import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IpProtocol } from '../../stack/wire/ip-protocol.js';
import {
  emitIpv4,
  fillIpv4HeaderChecksum,
  ipVersion,
  ipv4HeaderChecksumValid,
  ipv4IsFragment,
  newIpv4Repr,
  parseIpv4,
} from '../../stack/wire/ipv4.js';
import { emitIpv6, ipv6IsFragment, newIpv6Repr, parseIpv6 } from '../../stack/wire/ipv6.js';
import { fromHex, kernel } from './wire-fixtures.js';

describe('wire ipv4', () => {
  it('parses kernel packets', () => {
    const pkt = fromHex(kernel.tcpV4Syn);
    const repr = newIpv4Repr();
    assert.equal(ipVersion(pkt, 0), 4);
    assert.equal(parseIpv4(pkt, 0, pkt.length, repr), true);
    assert.equal(repr.src, 0x0a630001);
    assert.equal(repr.dst, 0x0a630002);
    assert.equal(repr.protocol, IpProtocol.TCP);
    assert.equal(repr.ttl, 64);
    assert.equal(repr.ident, 0x65dd);
    assert.equal(repr.dontFragment, true);
    assert.equal(ipv4IsFragment(repr), false);
    assert.equal(repr.headerLength, 20);
    assert.equal(repr.totalLength, 60);
    assert.equal(repr.payloadOffset, 20);
    assert.equal(repr.payloadLength, 40);
    assert.equal(repr.dscp, 0);
    assert.equal(repr.ecn, 0);
  });

  it('re-emits a kernel header byte for byte', () => {
    for (const name of ['tcpV4Syn', 'icmpv4EchoReply', 'icmpv4PortUnreachable'] as const) {
      const pkt = fromHex(kernel[name]);
      const repr = newIpv4Repr();
      assert.equal(parseIpv4(pkt, 0, pkt.length, repr), true);
      const out = new Uint8Array(20);
      assert.equal(emitIpv4(repr, out, 0), 20);
      assert.deepEqual(out, pkt.subarray(0, 20), name);
    }
  });

  it('round-trips fragment fields, DSCP and ECN', () => {
    const repr = newIpv4Repr();
    Object.assign(repr, {
      src: 0xc0a80001,
      dst: 0xffffffff,
      protocol: 17,
      ttl: 1,
      ident: 0xbeef,
      moreFragments: true,
      fragmentOffset: 1480,
      dscp: 46,
      ecn: 3,
      payloadLength: 100,
    });
    const buf = new Uint8Array(2 + 120);
    emitIpv4(repr, buf, 2);
    const back = newIpv4Repr();
    assert.equal(parseIpv4(buf, 2, 120, back), true);
    assert.deepEqual(back, { ...repr, headerLength: 20, totalLength: 120, payloadOffset: 22 });
    assert.equal(ipv4IsFragment(back), true);
  });

  it('accepts options and link padding, and checks the header checksum', () => {
    const buf = new Uint8Array(24 + 8 + 6);
    buf.set([0x46, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 0x94, 4, 0, 0]);
    fillIpv4HeaderChecksum(buf, 0, 24);
    assert.equal(ipv4HeaderChecksumValid(buf, 0, 24), true);
    const repr = newIpv4Repr();
    assert.equal(parseIpv4(buf, 0, buf.length, repr), true);
    assert.equal(repr.headerLength, 24);
    assert.equal(repr.payloadOffset, 24);
    assert.equal(repr.payloadLength, 8);
    buf[5]! ^= 1;
    assert.equal(parseIpv4(buf, 0, buf.length, repr), 'ipv4: bad header checksum');
    assert.equal(parseIpv4(buf, 0, buf.length, repr, false), true);
  });

  it('returns error strings for bad headers', () => {
    const good = fromHex(kernel.udpV4);
    const repr = newIpv4Repr();
    const mutate = (f: (b: Uint8Array) => void, len = good.length) => {
      const b = good.slice();
      f(b);
      fillIpv4HeaderChecksum(b, 0, 20);
      return parseIpv4(b, 0, len, repr);
    };
    assert.equal(
      mutate(() => {}, 19),
      'ipv4: truncated header',
    );
    assert.equal(
      mutate((b) => {
        b[0] = 0x65;
      }),
      'ipv4: not version 4',
    );
    assert.equal(
      mutate((b) => {
        b[0] = 0x44;
      }),
      'ipv4: bad header length',
    );
    assert.equal(
      mutate((b) => {
        b[0] = 0x4f;
      }),
      'ipv4: truncated options',
    );
    assert.equal(
      mutate((b) => {
        b[3] = 19;
      }),
      'ipv4: total length below header length',
    );
    assert.equal(
      mutate(() => {}, good.length - 1),
      'ipv4: truncated packet',
    );
  });
});

// A fixed IPv6 header followed by extension headers given as [type, bytes]; each header's first
// byte is overwritten with the next type. `upper` ends the chain with `upperBytes` of payload.
function chain(headers: [number, number[]][], upper: number, upperBytes: number): Uint8Array {
  const extLength = headers.reduce((n, [, bytes]) => n + bytes.length, 0);
  const buf = new Uint8Array(40 + extLength + upperBytes);
  const repr = newIpv6Repr();
  repr.src[15] = 1;
  repr.dst[15] = 2;
  repr.nextHeader = headers.length > 0 ? headers[0]![0] : upper;
  repr.payloadLength = extLength + upperBytes;
  emitIpv6(repr, buf, 0);
  let at = 40;
  headers.forEach(([, bytes], i) => {
    buf.set(bytes, at);
    buf[at] = i + 1 < headers.length ? headers[i + 1]![0] : upper;
    at += bytes.length;
  });
  return buf;
}

const pad8 = [0, 0, 1, 4, 0, 0, 0, 0];
const routing16 = [0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const ah12 = [0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 7];
function fragment(offset: number, more: boolean): number[] {
  const field = offset | (more ? 1 : 0);
  return [0, 0, field >>> 8, field & 0xff, 0x12, 0x34, 0x56, 0x78];
}

describe('wire ipv6', () => {
  it('parses kernel packets', () => {
    const pkt = fromHex(kernel.tcpV6Syn);
    const repr = newIpv6Repr();
    assert.equal(ipVersion(pkt, 0), 6);
    assert.equal(parseIpv6(pkt, 0, pkt.length, repr), true);
    assert.equal(repr.nextHeader, IpProtocol.TCP);
    assert.equal(repr.payloadOffset, 40);
    assert.equal(repr.payloadLength, 40);
    assert.equal(repr.extensionLength, 0);
    assert.equal(repr.hopLimit, 64);
    assert.equal(repr.flowLabel, 0x32ebe);
    assert.equal(repr.trafficClass, 0);
    assert.deepEqual(repr.src, pkt.subarray(8, 24));
    assert.deepEqual(repr.dst, pkt.subarray(24, 40));
    assert.equal(ipv6IsFragment(repr), false);
    const out = new Uint8Array(40);
    emitIpv6(repr, out, 0);
    assert.deepEqual(out, pkt.subarray(0, 40));
  });

  it('round-trips traffic class and flow label', () => {
    const repr = newIpv6Repr();
    Object.assign(repr, {
      trafficClass: 0xb8,
      flowLabel: 0xfffff,
      hopLimit: 255,
      nextHeader: 17,
      payloadLength: 8,
    });
    const buf = new Uint8Array(48);
    emitIpv6(repr, buf, 0);
    const back = newIpv6Repr();
    assert.equal(parseIpv6(buf, 0, 48, back), true);
    assert.equal(back.trafficClass, 0xb8);
    assert.equal(back.flowLabel, 0xfffff);
    assert.equal(back.hopLimit, 255);
  });

  it('walks hop-by-hop, routing, fragment, destination options and AH to TCP', () => {
    const buf = chain(
      [
        [IpProtocol.HOP_BY_HOP, pad8],
        [IpProtocol.IPV6_ROUTING, routing16],
        [IpProtocol.IPV6_FRAGMENT, fragment(0, true)],
        [IpProtocol.IPV6_DESTINATION_OPTIONS, pad8],
        [IpProtocol.AH, ah12],
      ],
      IpProtocol.TCP,
      20,
    );
    const repr = newIpv6Repr();
    assert.equal(parseIpv6(buf, 0, buf.length, repr), true);
    assert.equal(repr.nextHeader, IpProtocol.TCP);
    assert.equal(repr.extensionLength, 52);
    assert.equal(repr.payloadOffset, 92);
    assert.equal(repr.payloadLength, 20);
    assert.equal(repr.hasFragmentHeader, true);
    assert.equal(repr.moreFragments, true);
    assert.equal(repr.fragmentOffset, 0);
    assert.equal(repr.fragmentIdent, 0x12345678);
    assert.equal(ipv6IsFragment(repr), true);
  });

  it('stops at the fragment header of a non-first fragment', () => {
    const buf = chain(
      [
        [IpProtocol.IPV6_FRAGMENT, fragment(1448, false)],
        [IpProtocol.IPV6_DESTINATION_OPTIONS, pad8],
      ],
      IpProtocol.UDP,
      16,
    );
    const repr = newIpv6Repr();
    assert.equal(parseIpv6(buf, 0, buf.length, repr), true);
    assert.equal(repr.nextHeader, IpProtocol.IPV6_DESTINATION_OPTIONS);
    assert.equal(repr.payloadOffset, 48);
    assert.equal(repr.fragmentOffset, 1448);
    assert.equal(repr.moreFragments, false);
    assert.equal(ipv6IsFragment(repr), true);
  });

  it('handles "no next header", in the fixed header and after an extension', () => {
    const repr = newIpv6Repr();
    let buf = chain([], IpProtocol.IPV6_NO_NEXT_HEADER, 4);
    assert.equal(parseIpv6(buf, 0, buf.length, repr), true);
    assert.equal(repr.nextHeader, 59);
    assert.equal(repr.payloadOffset, 40);
    assert.equal(repr.payloadLength, 4);
    buf = chain([[IpProtocol.IPV6_DESTINATION_OPTIONS, pad8]], IpProtocol.IPV6_NO_NEXT_HEADER, 0);
    assert.equal(parseIpv6(buf, 0, buf.length, repr), true);
    assert.equal(repr.nextHeader, 59);
    assert.equal(repr.payloadOffset, 48);
    assert.equal(repr.payloadLength, 0);
  });

  it('treats ESP and unknown headers as the upper layer', () => {
    const repr = newIpv6Repr();
    const buf = chain([[IpProtocol.HOP_BY_HOP, pad8]], IpProtocol.ESP, 16);
    assert.equal(parseIpv6(buf, 0, buf.length, repr), true);
    assert.equal(repr.nextHeader, IpProtocol.ESP);
    assert.equal(repr.payloadOffset, 48);
  });

  it('rejects malformed chains', () => {
    const repr = newIpv6Repr();
    let buf = chain(
      [
        [IpProtocol.IPV6_DESTINATION_OPTIONS, pad8],
        [IpProtocol.HOP_BY_HOP, pad8],
      ],
      6,
      0,
    );
    assert.equal(parseIpv6(buf, 0, buf.length, repr), 'ipv6: hop-by-hop header not first');
    buf = chain(
      [
        [IpProtocol.IPV6_FRAGMENT, fragment(0, true)],
        [IpProtocol.IPV6_FRAGMENT, fragment(0, true)],
      ],
      6,
      0,
    );
    assert.equal(parseIpv6(buf, 0, buf.length, repr), 'ipv6: more than one fragment header');
    buf = chain([[IpProtocol.IPV6_ROUTING, routing16]], 6, 0);
    buf[41] = 2;
    assert.equal(parseIpv6(buf, 0, buf.length, repr), 'ipv6: truncated extension header');
    buf = chain([], IpProtocol.IPV6_ROUTING, 1);
    assert.equal(parseIpv6(buf, 0, buf.length, repr), 'ipv6: truncated extension header');
    buf = chain([], 6, 20);
    assert.equal(parseIpv6(buf, 0, buf.length - 1, repr), 'ipv6: truncated packet');
    assert.equal(parseIpv6(buf, 0, 39, repr), 'ipv6: truncated header');
    buf[0] = 0x40;
    assert.equal(parseIpv6(buf, 0, buf.length, repr), 'ipv6: not version 6');
  });
});

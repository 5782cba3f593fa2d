import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUnreachable } from '../../stack/datagram.js';
import { parseIpv4ToU32, parseIpv6Address } from '../../stack/wire/address.js';
import { newIcmpRepr } from '../../stack/wire/icmp.js';
import { Icmpv4Type, Icmpv4Unreachable, parseIcmpv4 } from '../../stack/wire/icmpv4.js';
import { Icmpv6Type, Icmpv6Unreachable, parseIcmpv6 } from '../../stack/wire/icmpv6.js';
import { IpProtocol } from '../../stack/wire/ip-protocol.js';
import { emitIpv4, IPV4_HEADER_LENGTH, newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import {
  emitIpv6,
  IPV6_HEADER_LENGTH,
  ipv6PseudoHeaderSum,
  newIpv6Repr,
  parseIpv6,
} from '../../stack/wire/ipv6.js';
import { emitTcp, newTcpRepr, TcpFlags } from '../../stack/wire/tcp.js';

// The ICMP answer to a SYN whose host connect was unreachable (src/egress/tcp.ts): integration
// tests cannot make a local address unreachable, so the packet is checked here.

function syn(v6: boolean): Uint8Array {
  const tcp = newTcpRepr();
  tcp.srcPort = 40000;
  tcp.dstPort = 80;
  tcp.seq = 12345;
  tcp.flags = TcpFlags.SYN;
  tcp.window = 64240;
  tcp.mss = 1460;
  const ipLen = v6 ? IPV6_HEADER_LENGTH : IPV4_HEADER_LENGTH;
  const packet = new Uint8Array(ipLen + 60);
  const tcpLen = emitTcp(tcp, packet, ipLen);
  if (v6) {
    const ip = newIpv6Repr();
    ip.src = new Uint8Array(16);
    ip.dst = new Uint8Array(16);
    parseIpv6Address('fd00:fa17::100', ip.src, 0);
    parseIpv6Address('2001:db8::7', ip.dst, 0);
    ip.nextHeader = IpProtocol.TCP;
    ip.payloadLength = tcpLen;
    emitIpv6(ip, packet, 0);
  } else {
    const ip = newIpv4Repr();
    ip.src = parseIpv4ToU32('10.0.2.100');
    ip.dst = parseIpv4ToU32('192.0.2.7');
    ip.protocol = IpProtocol.TCP;
    ip.payloadLength = tcpLen;
    emitIpv4(ip, packet, 0);
  }
  return packet.subarray(0, ipLen + tcpLen);
}

test('IPv4: host unreachable from the dialled address, checksums valid, the SYN quoted whole', () => {
  const original = syn(false);
  const out = new Uint8Array(1600);
  const len = buildUnreachable(original, out);
  const ip = newIpv4Repr();
  assert.equal(parseIpv4(out, 0, len, ip), true);
  assert.equal(ip.protocol, IpProtocol.ICMP);
  assert.equal(ip.src, parseIpv4ToU32('192.0.2.7'));
  assert.equal(ip.dst, parseIpv4ToU32('10.0.2.100'));
  const icmp = newIcmpRepr();
  assert.equal(parseIcmpv4(out, ip.payloadOffset, ip.payloadLength, icmp), true, 'ICMP checksum');
  assert.equal(icmp.type, Icmpv4Type.DST_UNREACHABLE);
  assert.equal(icmp.code, Icmpv4Unreachable.HOST);
  assert.deepEqual(out.subarray(icmp.dataOffset, icmp.dataOffset + icmp.dataLength), original);
});

test('IPv6: address unreachable from the dialled address, checksum over the pseudo-header', () => {
  const original = syn(true);
  const out = new Uint8Array(1600);
  const len = buildUnreachable(original, out);
  const ip = newIpv6Repr();
  assert.equal(parseIpv6(out, 0, len, ip), true);
  assert.equal(ip.nextHeader, IpProtocol.ICMPV6);
  assert.deepEqual(ip.src, original.subarray(24, 40));
  assert.deepEqual(ip.dst, original.subarray(8, 24));
  const icmp = newIcmpRepr();
  const pseudo = ipv6PseudoHeaderSum(ip, ip.payloadLength);
  assert.equal(parseIcmpv6(out, ip.payloadOffset, ip.payloadLength, icmp, pseudo), true, 'ICMPv6 checksum');
  assert.equal(icmp.type, Icmpv6Type.DST_UNREACHABLE);
  assert.equal(icmp.code, Icmpv6Unreachable.ADDRESS);
  assert.deepEqual(out.subarray(icmp.dataOffset, icmp.dataOffset + icmp.dataLength), original);
});

test('not an IP packet: nothing is built', () => {
  assert.equal(buildUnreachable(new Uint8Array([0x00, 1, 2, 3]), new Uint8Array(100)), 0);
  assert.equal(buildUnreachable(new Uint8Array(0), new Uint8Array(100)), 0);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newIcmpRepr } from '../../stack/wire/icmp.js';
import { emitIcmpv4, Icmpv4Type, Icmpv4Unreachable, parseIcmpv4 } from '../../stack/wire/icmpv4.js';
import { emitIcmpv6, Icmpv6Type, Icmpv6Unreachable, parseIcmpv6 } from '../../stack/wire/icmpv6.js';
import { IpProtocol } from '../../stack/wire/ip-protocol.js';
import { newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import { ipv6PseudoHeaderSum, newIpv6Repr, parseIpv6 } from '../../stack/wire/ipv6.js';
import { newUdpRepr, parseUdp } from '../../stack/wire/udp.js';
import { fromHex, kernel } from './wire-fixtures.js';

describe('wire icmpv4', () => {
  it('parses the kernel echo request and builds the kernel echo reply from it', () => {
    const req = fromHex(kernel.icmpv4EchoRequest);
    const reply = fromHex(kernel.icmpv4EchoReply);
    const repr = newIcmpRepr();
    assert.equal(parseIcmpv4(req, 20, req.length - 20, repr), true);
    assert.equal(repr.type, Icmpv4Type.ECHO_REQUEST);
    assert.equal(repr.code, 0);
    assert.equal(repr.ident, 0x17eb);
    assert.equal(repr.seqNo, 1);
    assert.equal(repr.dataOffset, 28);
    assert.equal(repr.dataLength, 56);
    repr.type = Icmpv4Type.ECHO_REPLY;
    const out = new Uint8Array(64);
    assert.equal(emitIcmpv4(repr, out, 0, req, repr.dataOffset), 64);
    assert.deepEqual(out, reply.subarray(20));
  });

  it('parses the kernel port unreachable and its quoted datagram, and rebuilds it', () => {
    const pkt = fromHex(kernel.icmpv4PortUnreachable);
    const udp = fromHex(kernel.udpV4);
    const ip = newIpv4Repr();
    assert.equal(parseIpv4(pkt, 0, pkt.length, ip), true);
    const repr = newIcmpRepr();
    assert.equal(parseIcmpv4(pkt, ip.payloadOffset, ip.payloadLength, repr), true);
    assert.equal(repr.type, Icmpv4Type.DST_UNREACHABLE);
    assert.equal(repr.code, Icmpv4Unreachable.PORT);
    assert.equal(repr.dataLength, udp.length);

    const quoted = newIpv4Repr();
    assert.equal(parseIpv4(pkt, repr.dataOffset, repr.dataLength, quoted), true);
    assert.equal(quoted.protocol, IpProtocol.UDP);
    const quotedUdp = newUdpRepr();
    assert.equal(parseUdp(pkt, quoted.payloadOffset, quoted.payloadLength, quotedUdp), true);
    assert.equal(quotedUdp.dstPort, 9999);

    const mine = newIcmpRepr();
    Object.assign(mine, {
      type: Icmpv4Type.DST_UNREACHABLE,
      code: Icmpv4Unreachable.PORT,
      dataLength: udp.length,
    });
    const out = new Uint8Array(8 + udp.length);
    emitIcmpv4(mine, out, 0, udp, 0);
    assert.deepEqual(out, pkt.subarray(ip.payloadOffset));
  });

  it('round-trips fragmentation-needed MTU, parameter problem pointer and time exceeded', () => {
    const out = new Uint8Array(8 + 28);
    const repr = newIcmpRepr();
    const back = newIcmpRepr();
    Object.assign(repr, {
      type: Icmpv4Type.DST_UNREACHABLE,
      code: Icmpv4Unreachable.FRAGMENTATION_NEEDED,
      mtu: 1400,
      dataLength: 28,
    });
    emitIcmpv4(repr, out, 0, null, 0);
    assert.equal(parseIcmpv4(out, 0, out.length, back), true);
    assert.equal(back.mtu, 1400);
    Object.assign(repr, { type: Icmpv4Type.PARAMETER_PROBLEM, code: 0, pointer: 9 });
    emitIcmpv4(repr, out, 0, null, 0);
    assert.equal(parseIcmpv4(out, 0, out.length, back), true);
    assert.equal(back.pointer, 9);
    Object.assign(repr, { type: Icmpv4Type.TIME_EXCEEDED, code: 0, pointer: 0 });
    emitIcmpv4(repr, out, 0, null, 0);
    assert.equal(parseIcmpv4(out, 0, out.length, back), true);
    assert.equal(back.type, Icmpv4Type.TIME_EXCEEDED);
    assert.equal(back.rest, 0);
  });

  it('rejects truncated messages and bad checksums', () => {
    const req = fromHex(kernel.icmpv4EchoRequest);
    const repr = newIcmpRepr();
    assert.equal(parseIcmpv4(req, 20, 7, repr), 'icmp: truncated header');
    assert.equal(parseIcmpv4(req, 20, req.length - 21, repr), 'icmp: bad checksum');
  });
});

describe('wire icmpv6', () => {
  it('parses the kernel echo request and builds the kernel echo reply from it', () => {
    const req = fromHex(kernel.icmpv6EchoRequest);
    const reply = fromHex(kernel.icmpv6EchoReply);
    const ip = newIpv6Repr();
    assert.equal(parseIpv6(req, 0, req.length, ip), true);
    const repr = newIcmpRepr();
    assert.equal(
      parseIcmpv6(req, 40, ip.payloadLength, repr, ipv6PseudoHeaderSum(ip, ip.payloadLength)),
      true,
    );
    assert.equal(repr.type, Icmpv6Type.ECHO_REQUEST);
    assert.equal(repr.seqNo, 1);
    assert.equal(repr.dataLength, ip.payloadLength - 8);

    const replyIp = newIpv6Repr();
    assert.equal(parseIpv6(reply, 0, reply.length, replyIp), true);
    repr.type = Icmpv6Type.ECHO_REPLY;
    const out = new Uint8Array(ip.payloadLength);
    emitIcmpv6(repr, out, 0, req, repr.dataOffset, ipv6PseudoHeaderSum(replyIp, ip.payloadLength));
    assert.deepEqual(out, reply.subarray(40));
  });

  it('parses the kernel port unreachable and rebuilds it', () => {
    const pkt = fromHex(kernel.icmpv6PortUnreachable);
    const udp = fromHex(kernel.udpV6);
    const ip = newIpv6Repr();
    assert.equal(parseIpv6(pkt, 0, pkt.length, ip), true);
    const pseudo = ipv6PseudoHeaderSum(ip, ip.payloadLength);
    const repr = newIcmpRepr();
    assert.equal(parseIcmpv6(pkt, ip.payloadOffset, ip.payloadLength, repr, pseudo), true);
    assert.equal(repr.type, Icmpv6Type.DST_UNREACHABLE);
    assert.equal(repr.code, Icmpv6Unreachable.PORT);
    assert.deepEqual(pkt.subarray(repr.dataOffset), udp);

    const out = new Uint8Array(ip.payloadLength);
    emitIcmpv6(repr, out, 0, udp, 0, pseudo);
    assert.deepEqual(out, pkt.subarray(ip.payloadOffset));
    assert.equal(
      parseIcmpv6(pkt, ip.payloadOffset, ip.payloadLength, repr, pseudo + 1),
      'icmp: bad checksum',
    );
  });

  it('round-trips packet too big with a 32-bit MTU', () => {
    const repr = newIcmpRepr();
    Object.assign(repr, { type: Icmpv6Type.PACKET_TOO_BIG, mtu: 0x10000 + 1280, dataLength: 40 });
    const out = new Uint8Array(48);
    emitIcmpv6(repr, out, 0, null, 0, 0x1234);
    const back = newIcmpRepr();
    assert.equal(parseIcmpv6(out, 0, 48, back, 0x1234), true);
    assert.equal(back.mtu, 0x10000 + 1280);
  });

  it('parses types it has no fields for, such as a neighbour solicitation', () => {
    const pkt = fromHex(kernel.icmpv6NeighborSolicitation);
    const ip = newIpv6Repr();
    assert.equal(parseIpv6(pkt, 0, pkt.length, ip), true);
    const repr = newIcmpRepr();
    assert.equal(
      parseIcmpv6(pkt, 40, ip.payloadLength, repr, ipv6PseudoHeaderSum(ip, ip.payloadLength)),
      true,
    );
    assert.equal(repr.type, 135);
    assert.equal(repr.rest, 0);
    const out = new Uint8Array(ip.payloadLength);
    emitIcmpv6(repr, out, 0, pkt, repr.dataOffset, ipv6PseudoHeaderSum(ip, ip.payloadLength));
    assert.deepEqual(out, pkt.subarray(40));
  });
});

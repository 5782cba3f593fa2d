import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseIpv4ToU32, parseIpv6Address } from '../../stack/wire/address.js';
import { newIcmpRepr } from '../../stack/wire/icmp.js';
import { parseIcmpv4 } from '../../stack/wire/icmpv4.js';
import { parseIcmpv6 } from '../../stack/wire/icmpv6.js';
import { newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';
import { newIpv6Repr, parseIpv6 } from '../../stack/wire/ipv6.js';
import { newTcpRepr, parseTcp } from '../../stack/wire/tcp.js';
import { newUdpRepr, parseUdp } from '../../stack/wire/udp.js';
import { fromHex, kernel, seededU32 } from './wire-fixtures.js';

const ROUNDS = 100_000;

const seeds = [
  kernel.tcpV4Syn,
  kernel.tcpV4Data,
  kernel.tcpV6Syn,
  kernel.tcpV6Data,
  kernel.udpV4,
  kernel.udpV6,
  kernel.icmpv4EchoRequest,
  kernel.icmpv4PortUnreachable,
  kernel.icmpv6EchoRequest,
  kernel.icmpv6PortUnreachable,
].map(fromHex);

function checkResult(result: boolean | string, payloadEnd: number, limit: number): void {
  assert.ok(result === true || typeof result === 'string');
  if (result === true) assert.ok(payloadEnd <= limit);
}

describe('wire parsers on garbage', () => {
  it(`never throw on ${ROUNDS} random, truncated and bit-flipped buffers`, () => {
    const next = seededU32(20240601);
    const ip4 = newIpv4Repr();
    const ip6 = newIpv6Repr();
    const tcp = newTcpRepr();
    const udp = newUdpRepr();
    const icmp = newIcmpRepr();
    const counts = { ok: 0, error: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      let buf: Uint8Array;
      const kind = round % 3;
      if (kind === 0) {
        buf = new Uint8Array(next() % 128);
        for (let i = 0; i < buf.length; i++) buf[i] = next() & 0xff;
        // Plausible first bytes reach deeper code than pure noise.
        if (buf.length > 0 && round % 2 === 0) buf[0] = (next() & 1 ? 0x40 : 0x60) | (buf[0]! & 0x0f);
      } else {
        const seed = seeds[next() % seeds.length]!;
        buf = seed.slice(0, next() % (seed.length + 1));
        if (kind === 2)
          for (let f = next() % 4; f >= 0; f--) buf[next() % (buf.length + 1)]! ^= 1 << (next() % 8);
      }
      const off = next() % 3 === 0 ? next() % (buf.length + 2) : 0;
      const len = next() % 4 === 0 ? next() % (buf.length + 8) : buf.length - Math.min(off, buf.length);
      const limit = off + len;
      // Each result is checked before the next parse overwrites the representation it filled.
      const results: (boolean | string)[] = [];
      const check = (result: boolean | string, payloadEnd: number): void => {
        checkResult(result, payloadEnd, limit);
        results.push(result);
      };
      check(parseIpv4(buf, off, len, ip4), ip4.payloadOffset + ip4.payloadLength);
      check(parseIpv4(buf, off, len, ip4, false), ip4.payloadOffset + ip4.payloadLength);
      check(parseIpv6(buf, off, len, ip6), ip6.payloadOffset + ip6.payloadLength);
      const tcpResult = parseTcp(buf, off, len, tcp);
      check(tcpResult, tcp.payloadOffset + tcp.payloadLength);
      if (tcpResult === true) assert.ok(tcp.sackCount >= 0 && tcp.sackCount <= 4);
      check(parseUdp(buf, off, len, udp), udp.payloadOffset + udp.payloadLength);
      check(parseIcmpv4(buf, off, len, icmp), icmp.dataOffset + icmp.dataLength);
      check(parseIcmpv6(buf, off, len, icmp, next() & 0xffff), icmp.dataOffset + icmp.dataLength);
      for (const r of results) counts[r === true ? 'ok' : 'error']++;
    }
    assert.equal(counts.ok + counts.error, ROUNDS * 7);
    assert.ok(counts.ok > ROUNDS / 10, `only ${counts.ok} successful parses: the fuzz is too shallow`);
  });

  it('never throws on random address text', () => {
    const next = seededU32(99);
    const alphabet = '0123456789abcdefABCDEF:.%x ';
    const buf = new Uint8Array(16);
    for (let round = 0; round < 20_000; round++) {
      let text = '';
      for (let n = next() % 48; n > 0; n--) text += alphabet[next() % alphabet.length];
      assert.equal(typeof parseIpv6Address(text, buf, 0), 'boolean');
      assert.equal(typeof parseIpv4ToU32(text), 'number');
    }
  });
});

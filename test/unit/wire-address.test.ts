import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ipv4ToString,
  ipv4U32ToString,
  ipv6ToString,
  parseIpv4Address,
  parseIpv4ToU32,
  parseIpv6Address,
} from '../../stack/wire/address.js';

function v6(text: string): string {
  const buf = new Uint8Array(17);
  assert.equal(parseIpv6Address(text, buf, 1), true, text);
  return ipv6ToString(buf, 1);
}

describe('wire address', () => {
  it('formats and parses IPv4', () => {
    const buf = new Uint8Array(5);
    assert.equal(parseIpv4Address('10.0.2.100', buf, 1), true);
    assert.deepEqual([...buf], [0, 10, 0, 2, 100]);
    assert.equal(ipv4ToString(buf, 1), '10.0.2.100');
    assert.equal(ipv4U32ToString(0xffffffff), '255.255.255.255');
    assert.equal(parseIpv4ToU32('0.0.0.0'), 0);
    for (const bad of ['1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.a', '', '1..2.3', ' 1.2.3.4']) {
      assert.equal(parseIpv4ToU32(bad), -1, bad);
    }
  });

  it('formats IPv6 per RFC 5952', () => {
    assert.equal(v6('2001:0db8:0000:0000:0000:0000:0000:0001'), '2001:db8::1');
    assert.equal(v6('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1');
    assert.equal(v6('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1');
    assert.equal(v6('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1');
    assert.equal(v6('2001:DB8::ABCD'), '2001:db8::abcd');
    assert.equal(v6('::'), '::');
    assert.equal(v6('::1'), '::1');
    assert.equal(v6('1::'), '1::');
    assert.equal(v6('fd00:fa17::100'), 'fd00:fa17::100');
    assert.equal(v6('::ffff:10.0.2.2'), '::ffff:10.0.2.2');
    assert.equal(v6('::ffff:a00:202'), '::ffff:10.0.2.2');
    assert.equal(v6('64:ff9b::192.0.2.33'), '64:ff9b::c000:221');
    assert.equal(v6('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0');
    assert.equal(v6('0:0:1:0:0:0:1:0'), '0:0:1::1:0');
  });

  it('rejects malformed IPv6 text', () => {
    const buf = new Uint8Array(16);
    for (const bad of [
      '',
      ':',
      ':::',
      '1::2::3',
      '1:2:3:4:5:6:7',
      '1:2:3:4:5:6:7:8:9',
      '1:2:3:4:5:6:7:8::',
      '12345::',
      'g::',
      ':1::',
      '1.2.3.4::',
      'fe80::1%eth0',
      '::ffff:1.2.3',
    ]) {
      assert.equal(parseIpv6Address(bad, buf, 0), false, bad);
    }
  });
});

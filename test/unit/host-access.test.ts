import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { ADDRESSES } from '../../src/dataplane/addresses.js';
import { HostAccess } from '../../src/egress/host-access.js';

const access = (hostLoopback: boolean, hostNetwork = true) =>
  new HostAccess({ ...ADDRESSES, hostLoopback, hostNetwork });

test('the gateway leads to the host loopback only with host loopback on', () => {
  assert.equal(access(true).resolve('10.0.2.2', 4), '127.0.0.1');
  assert.equal(access(true).resolve('fd00:fa17::2', 6), '::1');
  assert.equal(access(false).resolve('10.0.2.2', 4), null);
  assert.equal(access(false).resolve('fd00:fa17::2', 6), null);
});

test('loopback, unspecified, link-local, multicast, broadcast and IPv4-mapped addresses: refused in every spelling', () => {
  const refused: [string, 4 | 6][] = [
    ['127.0.0.1', 4],
    ['127.255.255.254', 4],
    ['0.0.0.0', 4],
    ['0.1.2.3', 4],
    ['169.254.1.1', 4],
    ['224.0.0.1', 4],
    ['255.255.255.255', 4],
    ['10.0.2.3', 4],
    ['::1', 6],
    ['::', 6],
    ['::ffff:127.0.0.1', 6],
    ['::ffff:10.0.2.2', 6],
    ['::ffff:93.184.216.34', 6],
    ['::127.0.0.1', 6],
    ['fe80::1', 6],
    ['febf::1', 6],
    ['ff02::1', 6],
    ['fd00:fa17::3', 6],
  ];
  for (const hostLoopback of [true, false]) {
    for (const [address, family] of refused) {
      assert.equal(
        access(hostLoopback).resolve(address, family),
        null,
        `${address} (loopback ${hostLoopback})`,
      );
    }
  }
});

test('other addresses are dialled as they are; --no-host-network refuses them, the gateway stays', () => {
  assert.equal(access(true).resolve('93.184.216.34', 4), '93.184.216.34');
  assert.equal(access(true).resolve('2001:db8::1', 6), '2001:db8::1');
  assert.equal(access(true).resolve('fec0::1', 6), 'fec0::1');
  assert.equal(access(true, false).resolve('93.184.216.34', 4), null);
  assert.equal(access(true, false).resolve('2001:db8::1', 6), null);
  assert.equal(access(true, false).resolve('10.0.2.2', 4), '127.0.0.1');
});

test("without host loopback the host's own interface addresses are refused too", () => {
  const own = Object.values(networkInterfaces())
    .flat()
    .filter((ni) => ni !== undefined && !ni.internal && ni.family === 'IPv4')
    .map((ni) => ni!.address);
  for (const address of own) {
    assert.equal(access(false).resolve(address, 4), null, address);
    assert.equal(access(true).resolve(address, 4), address, address);
  }
});

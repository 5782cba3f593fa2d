import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { parseUpstream, readSystemResolvers } from '../../src/dns/resolvers.js';

const dir = mkdtempSync(join(tmpdir(), 'faultnet-dns-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function resolvConf(text: string): string {
  const path = join(dir, `resolv-${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(path, text);
  return path;
}

test('nameserver lines become port-53 upstreams, the first three kept, scopes kept', () => {
  const path = resolvConf(
    [
      '# generated',
      '; also a comment',
      'search example.test',
      'nameserver 127.0.0.53',
      'nameserver   ::1   # trailing comment',
      'nameserver not-an-address',
      'nameserver',
      'options edns0 trust-ad',
      'nameserver\tfe80::1%lo',
      'nameserver 127.0.0.2',
    ].join('\n'),
  );
  assert.deepEqual(readSystemResolvers(path), [
    { host: '127.0.0.53', port: 53 },
    { host: '::1', port: 53 },
    { host: 'fe80::1%lo', port: 53 },
  ]);
});

test('no nameserver, or no file, means 127.0.0.1 as for the C library', () => {
  assert.deepEqual(readSystemResolvers(resolvConf('search example.test\n')), [
    { host: '127.0.0.1', port: 53 },
  ]);
  assert.deepEqual(readSystemResolvers(join(dir, 'missing.conf')), [{ host: '127.0.0.1', port: 53 }]);
});

test('--dns-upstream accepts IPv4 and IPv6, with or without a port', () => {
  assert.deepEqual(parseUpstream('127.0.0.1'), { host: '127.0.0.1', port: 53 });
  assert.deepEqual(parseUpstream(' 127.0.0.1:5353 '), { host: '127.0.0.1', port: 5353 });
  assert.deepEqual(parseUpstream('::1'), { host: '::1', port: 53 });
  assert.deepEqual(parseUpstream('[::1]'), { host: '::1', port: 53 });
  assert.deepEqual(parseUpstream('[::1]:5353'), { host: '::1', port: 5353 });
  assert.deepEqual(parseUpstream('fe80::1%lo'), { host: 'fe80::1%lo', port: 53 });
});

test('--dns-upstream rejects anything else with an error naming the flag', () => {
  const bad = ['', 'localhost', 'dns.test:53', '127.0.0', '[127.0.0.1]:53', '[::1', '[::1]5353', '::1]:53'];
  for (const text of bad) {
    assert.throws(() => parseUpstream(text), /^Error: --dns-upstream: expected an IP address/, text);
  }
  for (const port of ['', '0', '65536', 'x', '-1', '1e3', '080000']) {
    assert.throws(
      () => parseUpstream(`127.0.0.1:${port}`),
      /^Error: --dns-upstream: expected a port in 1-65535/,
      port,
    );
  }
});

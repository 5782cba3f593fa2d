import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { after, before, test } from 'node:test';
import { ZoneServer } from './dns-zone.js';
import { faultnet } from './harness.js';

let zone: ZoneServer;

before(async () => {
  zone = await ZoneServer.start({
    'www.example.test': [{ type: 'A', data: '192.0.2.10' }],
    'alias.example.test': [{ type: 'CNAME', data: 'www.example.test' }],
    'v6.example.test': [{ type: 'AAAA', data: '2001:db8::10' }],
  });
});

after(() => zone.close());

test('getent and dig resolve through faultnet: forwarded names, CNAMEs, AAAA, --host entries', async () => {
  const r = await faultnet([
    'run',
    '--dns-upstream',
    `127.0.0.1:${zone.port}`,
    '--host',
    'local.test=10.9.8.7',
    '--host',
    'local.test=fd00::7',
    '--',
    'sh',
    '-c',
    [
      'getent hosts www.example.test',
      'getent ahostsv4 local.test | head -1',
      'dig +short +tries=1 @10.0.2.3 alias.example.test',
      'dig +short +tries=1 AAAA v6.example.test',
      'dig +short +tries=1 AAAA local.test',
      // Any address on port 53 is answered by faultnet itself; nothing leaves the machine.
      'dig +short +tries=1 @192.0.2.53 www.example.test',
      'dig +tries=1 nosuch.example.test | grep -o "status: [A-Z]*"',
    ].join('; '),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout
    .trim()
    .split('\n')
    .map((l) => l.trim());
  assert.match(lines[0]!, /^192\.0\.2\.10\s+www\.example\.test$/);
  assert.match(lines[1]!, /^10\.9\.8\.7\s+STREAM\s+local\.test$/);
  assert.deepEqual(lines.slice(2), [
    'www.example.test.',
    '192.0.2.10',
    '2001:db8::10',
    'fd00::7',
    '192.0.2.10',
    'status: NXDOMAIN',
  ]);
});

test('an upstream that does not answer gives SERVFAIL within 5 s', async () => {
  const silent = createSocket('udp4');
  await new Promise<void>((resolve) => silent.bind(0, '127.0.0.1', resolve));
  try {
    const r = await faultnet([
      'run',
      '--dns-upstream',
      `127.0.0.1:${silent.address().port}`,
      '--',
      'dig',
      '+tries=1',
      '+time=10',
      'www.example.test',
    ]);
    assert.match(r.stdout, /status: SERVFAIL/);
    const ms = Number(/Query time: (\d+) msec/.exec(r.stdout)?.[1]);
    assert.ok(ms <= 5200, `SERVFAIL after ${ms} ms`);
  } finally {
    silent.close();
  }
});

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
    // Seven 240-byte strings: an answer of 1.9 KB, more than one 1500-byte packet carries.
    'big.example.test': Array.from({ length: 7 }, (_, i) => ({
      type: 'TXT' as const,
      data: [String.fromCharCode(97 + i).repeat(240)],
    })),
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

test('a 1.9 KB answer over UDP at MTU 1500: truncated to fit the link even with +bufsize=4096, whole over TCP', async () => {
  const r = await faultnet([
    'run',
    '--dns-upstream',
    `127.0.0.1:${zone.port}`,
    '--',
    'sh',
    '-c',
    [
      // UDP only: the answer must come truncated (TC) and within one packet.
      'dig +tries=1 +ignore +bufsize=4096 TXT big.example.test | grep -E "^;; flags:|MSG SIZE"',
      // As a client would: TC, then the same query over TCP.
      'dig +tries=1 +bufsize=4096 TXT big.example.test | grep -cE "^big\\.example\\.test\\..*IN\\s+TXT"',
    ].join('; '),
  ]);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /flags: qr aa tc;/);
  const size = Number(/MSG SIZE\s+rcvd: (\d+)/.exec(lines[1]!)?.[1]);
  assert.ok(size > 0 && size <= 1472, `UDP answer of ${size} bytes`);
  assert.equal(lines[2], '7');
});

test('DNS over TCP: 100 pipelined queries and a half-close get 100 answers, then our FIN (RFC 7766)', async () => {
  const script = [
    'import socket, struct',
    'def query(i):',
    '    q = struct.pack("!HHHHHH", i, 0x0100, 1, 0, 0, 0) + b"\\x03www\\x07example\\x04test\\x00" + struct.pack("!HH", 1, 1)',
    '    return struct.pack("!H", len(q)) + q',
    's = socket.create_connection(("10.0.2.3", 53))',
    's.sendall(b"".join(query(i) for i in range(100)))',
    's.shutdown(socket.SHUT_WR)',
    'data = b""',
    'while True:',
    '    chunk = s.recv(65536)',
    '    if not chunk: break',
    '    data += chunk',
    'ids = []',
    'while data:',
    '    n = struct.unpack("!H", data[:2])[0]',
    '    ids.append(struct.unpack("!H", data[2:4])[0])',
    '    data = data[2 + n:]',
    'print(len(ids), sorted(ids) == list(range(100)))',
  ].join('\n');
  const r = await faultnet([
    'run',
    '--dns-upstream',
    `127.0.0.1:${zone.port}`,
    '--',
    'python3',
    '-c',
    script,
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), '100 True');
});

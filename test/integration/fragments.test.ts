import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientScript, faultnet, readRunRecord, udpEcho, udpSink, withRunRecord } from './harness.js';

for (const [family, gateway] of [
  [4, '10.0.2.2'],
  [6, 'fd00:fa17::2'],
] as const) {
  test(`IPv${family} at MTU 1500: 300 datagrams of 1..65000 bytes cross as fragments both ways, byte-exact`, async () => {
    const echo = await udpEcho(family);
    try {
      await withRunRecord('faultnet-fragments-', async (json) => {
        const r = await faultnet([
          'run',
          '--run-json',
          json,
          '--',
          'python3',
          clientScript('udp_echo_client.py'),
          gateway,
          String(echo.port),
          '300',
          '65000',
          '2',
        ]);
        assert.equal(r.code, 0, r.stderr);
        const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
        assert.deepEqual(result, { sent: 300, received: 300, mismatched: 0, max_size: 65000 });
        const stats = readRunRecord(json).stats;
        // Every tenth datagram is 65000 bytes: 45 fragments each way at MTU 1500.
        assert.ok(stats.downlink.packetsIn > 30 * 44, `downlink packets ${stats.downlink.packetsIn}`);
        const fragmentDiscards = Object.entries(stats.discards).filter(
          ([k, v]) => k.startsWith('fragment') && v > 0,
        );
        assert.deepEqual(fragmentDiscards, []);
      });
    } finally {
      echo.socket.close();
    }
  });
}

test('ping -s 3000 to the gateway, IPv4 and IPv6: no loss', async () => {
  const r = await faultnet([
    'run',
    '--',
    'sh',
    '-c',
    'ping -c 5 -i 0.2 -s 3000 10.0.2.2 && ping -6 -c 5 -i 0.2 -s 3000 fd00:fa17::2',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    [...r.stdout.matchAll(/5 packets transmitted, 5 received, 0% packet loss/g)].length,
    2,
    r.stdout,
  );
});

test('--uplink-loss 10% hits each of an 8000-byte datagram’s 6 fragments: 0.9^6 of datagrams arrive', async () => {
  const sink = await udpSink();
  await withRunRecord('faultnet-fragments-', async (json) => {
    // Paced at 2 ms: the point is the policy's loss, not a burst against any queue.
    const script = [
      'import socket, time',
      's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      `for i in range(400): s.sendto(bytes([i & 255]) * 8000, ("10.0.2.2", ${sink.port})); time.sleep(0.002)`,
    ].join('\n');
    const r = await faultnet([
      'run',
      '--uplink-loss',
      '10%',
      '--seed',
      '11',
      '--run-json',
      json,
      '--',
      'python3',
      '-c',
      script,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { count } = await sink.finish();
    // Binomial(400, 0.531): mean 212.6, sd 10.0; ±4 sd.
    assert.ok(count >= 172 && count <= 253, `${count} of 400 arrived`);
    const stats = readRunRecord(json).stats;
    // 2400 fragments, and the kernel's own few (an IPv6 router solicitation, MLD reports).
    assert.ok(
      stats.uplink.packetsIn >= 2400 && stats.uplink.packetsIn <= 2405,
      `${stats.uplink.packetsIn} in`,
    );
    // Binomial(2400, 0.1): mean 240, sd 14.7; ±4 sd.
    assert.ok(
      stats.uplink.drops.loss >= 181 && stats.uplink.drops.loss <= 299,
      `${stats.uplink.drops.loss} lost`,
    );
  });
});

test('hostile fragments: an overlap discards its datagram, a duplicate is ignored, both counted', async () => {
  const sink = await udpSink();
  await withRunRecord('faultnet-fragments-', async (json) => {
    // Raw IPv4 fragments of 72-byte UDP datagrams (checksum 0: none) to the sink:
    // A whole in two pieces, B with overlapping pieces, C with its first piece sent twice.
    const script = [
      'import socket, struct',
      's = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)',
      `udp = struct.pack("!HHHH", 4242, ${sink.port}, 72, 0) + bytes(range(64))`,
      'def frag(ident, off, data, more):',
      '    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(data), ident, (0x2000 if more else 0) | (off // 8), 64, 17, 0,',
      '                      socket.inet_aton("10.0.2.100"), socket.inet_aton("10.0.2.2"))',
      '    s.sendto(hdr + data, ("10.0.2.2", 0))',
      'frag(101, 0, udp[:32], True); frag(101, 32, udp[32:], False)',
      'frag(102, 0, udp[:32], True); frag(102, 24, udp[24:], False)',
      'frag(103, 0, udp[:32], True); frag(103, 0, udp[:32], True); frag(103, 32, udp[32:], False)',
    ].join('\n');
    const r = await faultnet(['run', '--run-json', json, '--', 'python3', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    const { count, bytes } = await sink.finish();
    assert.deepEqual({ count, bytes }, { count: 2, bytes: 128 });
    const discards = readRunRecord(json).stats.discards;
    assert.equal(discards.fragmentOverlap, 2, JSON.stringify(discards));
    assert.equal(discards.fragmentDuplicate, 1, JSON.stringify(discards));
  });
});

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { closedPort, faultnet, printed, readRunRecord, udpSink, withRunRecord } from './harness.js';

test('tun0 queue drops are counted: a 4-packet queue flooded with UDP, counted as the kernel counted them', async () => {
  const sink = await udpSink();
  await withRunRecord('faultnet-discards-', async (json) => {
    // The program shrinks tun0's queue, floods it faster than any reader, then prints the
    // kernel's own tx_dropped: faultnet's tunQueue must be exactly that.
    const script = [
      'import socket, subprocess, json',
      'subprocess.run(["ip", "link", "set", "tun0", "txqueuelen", "4"], check=True)',
      's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
      `for i in range(20000): s.sendto(b"x" * 1000, ("10.0.2.2", ${sink.port}))`,
      'link = json.loads(subprocess.run(["ip", "-s", "-j", "link", "show", "tun0"], capture_output=True, check=True).stdout)',
      'print(link[0]["stats64"]["tx"]["dropped"])',
    ].join('\n');
    const r = await faultnet(['run', '--run-json', json, '--', 'python3', '-c', script]);
    await sink.finish();
    assert.equal(r.code, 0, r.stderr);
    const kernel = Number(r.stdout.trim());
    assert.ok(kernel > 0, `the flood overflowed the queue (${kernel})`);
    assert.equal(readRunRecord(json).stats.discards.tunQueue, kernel);
  });
});

test('a protocol faultnet does not carry is counted as unsupported, not lost silently', async () => {
  await withRunRecord('faultnet-discards-', async (json) => {
    // 50 raw IPv4 packets of protocol 253 (reserved for experiments) toward the gateway.
    const script = [
      'import socket',
      's = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)',
      'for i in range(50): s.sendto(b"experiment", ("10.0.2.2", 0))',
    ].join('\n');
    const r = await faultnet(['run', '--run-json', json, '--', 'python3', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    const discards = readRunRecord(json).stats.discards;
    // Two ICMPv6 packets (router solicitation, MLD) of the kernel's own are unsupported too.
    assert.ok(discards.unsupported >= 50 && discards.unsupported <= 55, JSON.stringify(discards));
  });
});

// At the kernel's default queue of 1000 this dropped 12%; under 1% leaves room for a loaded machine.
test('eight parallel iperf3 uploads, no policy: tun0 drops under 1% of the packets', async () => {
  const server = spawn('iperf3', ['-s', '-1', '--forceflush', '-p', '5331', '-B', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  server.stdout!.setEncoding('utf8');
  await printed(server, 'Server listening');
  try {
    await withRunRecord('faultnet-discards-', async (json) => {
      const r = await faultnet([
        'run',
        '--run-json',
        json,
        '--',
        'iperf3',
        '-c',
        '10.0.2.2',
        '-p',
        '5331',
        '-P',
        '8',
        '-t',
        '3',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const stats = readRunRecord(json).stats;
      const packets = stats.uplink.packetsIn + stats.discards.tunQueue;
      assert.ok(packets > 50_000, `a real load (${packets} packets)`);
      assert.ok(
        stats.discards.tunQueue / packets < 0.01,
        `tun0 dropped ${stats.discards.tunQueue} of ${packets}`,
      );
    });
  } finally {
    server.kill();
  }
});

test('a flood of refused connections is accounted for: every refusal is an event in the run record or counted as dropped', async () => {
  const port = await closedPort();
  await withRunRecord('faultnet-refused-', async (json) => {
    const script = [
      'import socket',
      'refused = 0',
      'for i in range(3000):',
      '    s = socket.socket()',
      '    try:',
      `        s.connect(("10.0.2.2", ${port}))`,
      '    except ConnectionRefusedError:',
      '        refused += 1',
      '    s.close()',
      'print(refused)',
    ].join('\n');
    const r = await faultnet(['run', '--run-json', json, '--', 'python3', '-c', script]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), '3000');
    const record = readRunRecord(json);
    const refusedEvents = record.events.filter((e) => e.kind === 'flow-refused').length;
    assert.ok(record.events.length <= 1000, `${record.events.length} events kept`);
    // What is neither kept nor counted was lost without a trace; other events may be dropped too.
    assert.ok(
      refusedEvents + record.eventsDropped >= 3000,
      `${refusedEvents} kept, ${record.eventsDropped} dropped`,
    );
  });
});

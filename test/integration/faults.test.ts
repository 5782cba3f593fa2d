import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { ZoneServer } from './dns-zone.js';
import {
  clientScript,
  faultnet,
  pingMedian,
  readRunRecord,
  settledState,
  systemState,
  timestampEcho,
  udpSink,
} from './harness.js';

const PING200 = ['ping', '-c', '200', '-i', '0.005', '-W', '2', '10.0.2.2'];

test('--latency 50ms raises the ping RTT to 10.0.2.2 by 100 ± 3 ms (p50 of 200); timer lateness is measured', async (t) => {
  const json = join(tmpdir(), `faultnet-latency-${process.pid}.json`);
  t.after(() => rmSync(json, { force: true }));
  const base = await faultnet(['run', '--', ...PING200]);
  const slow = await faultnet(['run', '--latency', '50ms', '--run-json', json, '--', ...PING200]);
  assert.equal(base.code, 0, base.stderr);
  assert.equal(slow.code, 0, slow.stderr);
  const added = pingMedian(slow.stdout) - pingMedian(base.stdout);
  assert.ok(Math.abs(added - 100) <= 3, `added ${added.toFixed(2)} ms`);
  const { uplink, downlink } = readRunRecord(json).stats;
  for (const d of [uplink, downlink]) {
    assert.ok(d.lateness.count >= 200, `${d.lateness.count} held packets measured`);
    t.diagnostic(`lateness p50 ${d.lateness.p50Ms.toFixed(3)} ms, p99 ${d.lateness.p99Ms.toFixed(3)} ms`);
    assert.ok(d.lateness.p99Ms < 3, `lateness p99 ${d.lateness.p99Ms} ms`);
  }
});

test('--uplink-latency 40ms delays only the uplink (one-way timestamps)', async () => {
  const echo = await timestampEcho();
  try {
    const r = await faultnet([
      'run',
      '--uplink-latency',
      '40ms',
      '--',
      'python3',
      clientScript('udp_probe.py'),
      'oneway',
      '10.0.2.2',
      String(echo.port),
      '50',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const { up_p50, down_p50 } = JSON.parse(r.stdout.trim());
    assert.ok(Math.abs(up_p50 - 40) <= 3, `uplink one-way ${up_p50} ms`);
    assert.ok(down_p50 < 3, `downlink one-way ${down_p50} ms`);
  } finally {
    echo.socket.close();
  }
});

/**
 * Blasts `count` UDP datagrams of `size` bytes at `pps` from the namespace to a host sink under
 * `flags`; resolves what the sink received.
 */
async function blast(
  t: TestContext,
  flags: string[],
  count: number,
  size: number,
  pps: number,
): Promise<{ count: number; span: number }> {
  const sink = await udpSink();
  t.after(() => sink.finish().catch(() => {}));
  const r = await faultnet([
    'run',
    ...flags,
    '--',
    'python3',
    clientScript('udp_probe.py'),
    'blast',
    '10.0.2.2',
    String(sink.port),
    String(count),
    String(size),
    String(pps),
  ]);
  assert.equal(r.code, 0, r.stderr);
  return sink.finish();
}

test('--loss 10% --seed 7 drops 10% of 20,000 datagrams (within 3 standard errors)', async (t) => {
  const { count } = await blast(t, ['--loss', '10%', '--seed', '7'], 20000, 100, 20000);
  // 20,000 Bernoulli trials at p = 0.9: standard error sqrt(n p (1-p)) = 42.4 datagrams.
  assert.ok(Math.abs(count - 18000) <= 3 * 42.4, `delivered ${count} of 20000`);
});

test('--rate 8mbps: UDP arrives at 8 Mbit/s ± 5%, the excess tail-dropped', async (t) => {
  const { count, span } = await blast(t, ['--uplink-rate', '8mbps'], 3000, 1200, 1500);
  // 1200 bytes of payload travel as 1228-byte IPv4 packets: the serialiser counts packet bytes.
  const bps = ((count - 1) * 1228 * 8) / span;
  assert.ok(Math.abs(bps / 8e6 - 1) <= 0.05, `${(bps / 1e6).toFixed(3)} Mbit/s over ${count} datagrams`);
  assert.ok(count < 3000, 'the sender outran the link, so the queue tail-dropped');
});

test('DNS faults as dig and getent see them: nxdomain, servfail, timeout, delay', async () => {
  const zone = await ZoneServer.start({ 'www.example.test': [{ type: 'A', data: '192.0.2.10' }] });
  const upstream = ['--dns-upstream', `127.0.0.1:${zone.port}`];
  const dig = ['dig', '+tries=1', '+time=2', 'www.example.test'];
  try {
    const nx = await faultnet(['run', ...upstream, '--dns-nxdomain', '100%', '--', ...dig]);
    assert.match(nx.stdout, /status: NXDOMAIN/);
    const getent = await faultnet([
      'run',
      ...upstream,
      '--dns-nxdomain',
      '100%',
      '--',
      'getent',
      'hosts',
      'www.example.test',
    ]);
    assert.equal(getent.code, 2, 'getent: key not found');
    const sf = await faultnet(['run', ...upstream, '--dns-servfail', '100%', '--', ...dig]);
    assert.match(sf.stdout, /status: SERVFAIL/);
    const to = await faultnet(['run', ...upstream, '--dns-timeout', '100%', '--', ...dig]);
    assert.match(to.stdout, /timed out/);
    assert.equal(zone.queries, 0, 'faulted queries never reach the upstream');
    const delayed = await faultnet(['run', ...upstream, '--dns-delay', '300ms', '--', ...dig]);
    assert.match(delayed.stdout, /status: NOERROR/);
    const ms = Number(/Query time: (\d+) msec/.exec(delayed.stdout)?.[1]);
    assert.ok(ms >= 300 && ms < 400, `query time ${ms} ms`);
  } finally {
    zone.close();
  }
});

test("a hostname-targeted rule affects only that name's flows", async () => {
  const file = join(tmpdir(), `faultnet-hostname-${process.pid}.yaml`);
  writeFileSync(file, 'slow:\n  latency: 50ms\n  targets:\n    - hostname: slow.test\n');
  const r = await faultnet([
    'run',
    '--policy-file',
    file,
    '--host',
    'slow.test=10.0.2.2',
    '--host',
    'fast.test=fd00:fa17::2',
    '--',
    'sh',
    '-c',
    'ping -c 10 -i 0.05 slow.test; echo ===; ping -6 -c 10 -i 0.05 fast.test',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const [slow, fast] = r.stdout.split('===');
  assert.ok(Math.abs(pingMedian(slow!) - 100) <= 5, `slow.test ${pingMedian(slow!)} ms`);
  assert.ok(pingMedian(fast!) < 5, `fast.test ${pingMedian(fast!)} ms`);
});

test('bad fault flags: exit 2 naming the flag, nothing started', async () => {
  const before = await settledState();
  for (const [args, flag] of [
    [['--loss', '150%'], '--loss'],
    [['--latency', '20'], '--latency'],
    [['--uplink-jitter', 'lots'], '--uplink-jitter'],
    [['--rate', 'fast'], '--rate'],
    [['--target', 'tcp://2001:db8::1:80'], '--target'],
    [['--policy', 'nosuch'], '--policy'],
  ] as const) {
    const r = await faultnet(['run', ...args, '--', 'true']);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.ok(r.stderr.includes(flag), `${args.join(' ')} names ${flag}: ${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1);
  }
  assert.deepEqual(systemState(), before);
});

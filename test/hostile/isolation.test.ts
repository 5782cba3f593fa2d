import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';
import { test } from 'node:test';
import type { RunRecord } from '../../src/api/run-record.js';
import { clientScript, faultnet, readRunRecord, withRunRecord } from '../integration/harness.js';

const INJECT = clientScript('inject.py', 'hostile');

/** Host listeners on every address (dual-stack), counting whatever reaches them. */
async function hostListeners() {
  const seen = { tcp: 0, udp: 0 };
  const tcp = createServer((s) => {
    seen.tcp++;
    s.destroy();
  });
  await new Promise<void>((resolve) => tcp.listen(0, '::', resolve));
  const port = (tcp.address() as { port: number }).port;
  const udp = createSocket({ type: 'udp6', ipv6Only: false });
  udp.on('message', () => seen.udp++);
  await new Promise<void>((resolve) => udp.bind(port, '::', resolve));
  return {
    port,
    seen,
    close: () => {
      tcp.close();
      udp.close();
    },
  };
}

function inject(extra: string[], packets: string[]): Promise<{ record: RunRecord; stdout: string }> {
  return withRunRecord('faultnet-hostile-', async (json) => {
    const r = await faultnet(['run', ...extra, '--run-json', json, '--', 'python3', INJECT, ...packets]);
    assert.equal(r.code, 0, r.stderr);
    return { record: readRunRecord(json), stdout: r.stdout };
  });
}

const REFUSED4 = ['127.0.0.1', '127.1.2.3', '0.0.0.0', '10.0.2.3'];
const REFUSED6 = ['::1', '::', '::ffff:127.0.0.1', '::ffff:10.0.2.2', '::127.0.0.1', 'fd00:fa17::3'];

test('--no-host-loopback: raw UDP and SYNs to every spelling of the host reach nothing, each counted', async () => {
  const host = await hostListeners();
  try {
    const dsts = [
      ...[...REFUSED4, '10.0.2.2'].map((d) => `4:${d}`),
      ...[...REFUSED6, 'fd00:fa17::2'].map((d) => `6:${d}`),
    ];
    const packets = dsts.flatMap((d) => {
      const [family, addr] = [d[0], d.slice(2)];
      return [`udp${family}:${addr}:${host.port}`, `syn${family}:${addr}:${host.port}`];
    });
    const { record, stdout } = await inject(['--no-host-loopback'], packets);
    assert.equal(stdout.trim(), String(packets.length));
    assert.deepEqual(host.seen, { tcp: 0, udp: 0 });
    assert.equal(record.stats.discards.noRoute, dsts.length, JSON.stringify(record.stats.discards));
    assert.equal(record.events.filter((e) => e.kind === 'flow-refused').length, dsts.length);
  } finally {
    host.close();
  }
});

test('with host loopback, only the gateway leads there: 127.0.0.1, ::1 and mapped spellings are still refused', async () => {
  const host = await hostListeners();
  try {
    const refused = [...REFUSED4.map((d) => `udp4:${d}`), ...REFUSED6.map((d) => `udp6:${d}`)].map(
      (p) => `${p}:${host.port}`,
    );
    const { record } = await inject([], [`udp4:10.0.2.2:${host.port}`, ...refused]);
    // The one datagram to the gateway proves the injection path; every other one is refused.
    assert.deepEqual(host.seen, { tcp: 0, udp: 1 });
    assert.equal(record.stats.discards.noRoute, refused.length);
  } finally {
    host.close();
  }
});

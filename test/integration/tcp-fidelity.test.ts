import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { faultnet, printed, readRunRecord, withRunRecord } from './harness.js';

// Our stack is the receiver the namespace's kernel talks to on an upload: every drop faultnet
// makes should cost the kernel about one retransmission, whatever its congestion control. One
// ACK per TUN batch made the kernel's BBR retransmit ten segments per drop.
for (const [cc, port] of [
  ['bbr', 5341],
  ['cubic', 5342],
] as const) {
  test(`upload under --uplink-loss 1% with the kernel's ${cc}: at most 1.3 kernel retransmissions per drop`, async (t) => {
    const server = spawn('iperf3', ['-s', '-1', '--forceflush', '-p', String(port), '-B', '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    server.stdout!.setEncoding('utf8');
    await printed(server, 'Server listening');
    try {
      await withRunRecord('faultnet-fidelity-', async (json) => {
        const r = await faultnet([
          'run',
          '--uplink-loss',
          '1%',
          '--seed',
          '5',
          '--run-json',
          json,
          '--',
          'sh',
          '-c',
          `nstat -n >/dev/null; iperf3 -c 10.0.2.2 -p ${port} -t 2 -C ${cc} >/dev/null && nstat -az TcpRetransSegs | awk '/TcpRetransSegs/{print $2}'`,
        ]);
        assert.equal(r.code, 0, r.stderr);
        const retransmits = Number(r.stdout.trim());
        const drops = readRunRecord(json).stats.uplink.drops.loss;
        t.diagnostic(`${cc}: ${retransmits} kernel retransmissions for ${drops} drops`);
        assert.ok(drops > 100, `a real loss sample (${drops} drops)`);
        assert.ok(retransmits <= 1.3 * drops, `${retransmits} retransmissions for ${drops} drops`);
      });
    } finally {
      server.kill();
    }
  });
}

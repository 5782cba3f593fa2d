import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { test } from 'node:test';
import type { RunRecord } from '../../src/api/run-record.js';
import {
  clientScript,
  printed,
  readRunRecord,
  startFaultnet,
  udpSink,
  withRunRecord,
} from '../integration/harness.js';

const INJECT = clientScript('inject.py', 'hostile');

function rssKiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]);
}

/** Runs faultnet on `script` (sh), which prints `ready` when the attack is done and then waits. */
async function underAttack(
  args: string[],
  script: string,
  whileWaiting: (pid: number) => void,
): Promise<{ record: RunRecord; stdout: string }> {
  return withRunRecord('faultnet-limits-', async (json) => {
    const { child, done } = startFaultnet([
      'run',
      ...args,
      '--run-json',
      json,
      '--',
      'sh',
      '-c',
      `${script}; echo ready; sleep 600`,
    ]);
    let stdout = '';
    child.stdout!.on('data', (d: string) => {
      stdout += d;
    });
    await printed(child, 'ready');
    whileWaiting(child.pid!);
    child.kill('SIGTERM');
    const r = await done;
    assert.equal(r.code, 143, r.stderr);
    return { record: readRunRecord(json), stdout };
  });
}

test('--latency 30s under a 100k-datagram blast: held bytes stop at --max-held, the rest counted, RSS bounded', async (t) => {
  const sink = await udpSink();
  const blast = [
    'import socket',
    's = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)',
    `for i in range(100000): s.sendto(b"x" * 1000, ("10.0.2.2", ${sink.port}))`,
  ].join('; ');
  let rss = 0;
  const { record } = await underAttack(
    ['--latency', '30s', '--max-held', '8mib', '--linger', '0'],
    `python3 -c '${blast.replaceAll('; for', '\nfor')}'`,
    (pid) => {
      rss = rssKiB(pid);
    },
  );
  await sink.finish();
  const d = record.stats.discards;
  // 8 MiB holds about 8,100 datagrams of 1,028 bytes; every other one is counted somewhere.
  assert.ok(d.heldLimit + d.tunQueue >= 90_000, JSON.stringify(d));
  assert.ok(d.closeHeld >= 7_000 && d.closeHeld <= 8_200, `closeHeld ${d.closeHeld}`);
  t.diagnostic(`faultnet RSS ${rss} KiB holding ${d.closeHeld} packets`);
  assert.ok(rss < 300 * 1024, `RSS ${rss} KiB`);
});

test('a SYN flood of 10,000 source ports at a silent port: connects stay bounded, and a normal curl still works', async (t) => {
  // A host port whose accept queue is full: the host kernel drops further SYNs, so every
  // connect toward it hangs, as toward a filtered port.
  const silent = spawn(
    'python3',
    [
      '-c',
      'import socket,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(600)',
    ],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const silentPort = await new Promise<number>((resolve) =>
    silent.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))),
  );
  const web = createServer((_req, res) => res.end('still here'));
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  const webPort = (web.address() as { port: number }).port;
  let fds = 0;
  try {
    const { record, stdout } = await underAttack(
      [],
      `python3 ${INJECT} syn4:10.0.2.2:${silentPort}x10000 && curl -s -m 10 http://10.0.2.2:${webPort}/`,
      (pid) => {
        fds = readdirSync(`/proc/${pid}/fd`).length;
      },
    );
    assert.match(stdout, /^10000\nstill here/);
    // At most 1,024 connects in progress: the oldest gave way to the newer SYNs, and to curl.
    t.diagnostic(`${fds} descriptors after the flood`);
    assert.ok(fds < 1024 + 200, `${fds} descriptors`);
    // Each SYN past the bound either overflowed tun0's queue (the flood outruns any reader) or
    // reset the oldest connect in progress.
    const d = record.stats.discards;
    assert.ok(d.connectLimit + d.tunQueue >= 8_900, JSON.stringify(d));
  } finally {
    web.close();
    silent.kill();
  }
});

import assert from 'node:assert/strict';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { faultnet, printed, startFaultnet } from './harness.js';

test('faultnet policy set switches the policy of a running network, and the traffic feels it', async () => {
  const dir = tmpdir();
  const file = join(dir, `faultnet-switch-${process.pid}.json`);
  const socket = join(dir, `faultnet-switch-${process.pid}.sock`);
  writeFileSync(file, JSON.stringify({ calm: { description: 'no faults' }, slow: { latency: '50ms' } }));
  const { child, done } = startFaultnet([
    'run',
    '--policy-file',
    file,
    '--policy',
    'calm',
    '--control',
    socket,
    '--',
    'ping',
    '-c',
    '40',
    '-i',
    '0.05',
    '10.0.2.2',
  ]);
  let switched: Promise<unknown> | undefined;
  let out = '';
  child.stdout!.on('data', (d: string) => {
    out += d;
    if (!switched && out.includes('icmp_seq=10 ')) {
      assert.equal(statSync(socket).mode & 0o777, 0o600);
      switched = faultnet(['policy', 'set', 'slow', '--attach', socket]);
    }
  });
  const r = await done;
  assert.equal(r.code, 0, r.stderr);
  const set = (await switched) as { code: number; stderr: string };
  assert.equal(set.code, 0, set.stderr);
  const times = new Map<number, number>();
  for (const m of out.matchAll(/icmp_seq=(\d+) ttl=\d+ time=([\d.]+) ms/g))
    times.set(Number(m[1]), Number(m[2]));
  for (let seq = 1; seq <= 10; seq++)
    assert.ok(times.get(seq)! < 10, `before the switch, seq ${seq}: ${times.get(seq)} ms`);
  for (let seq = 31; seq <= 40; seq++) {
    assert.ok(Math.abs(times.get(seq)! - 100) < 10, `after the switch, seq ${seq}: ${times.get(seq)} ms`);
  }
  assert.equal(existsSync(socket), false, 'the control socket is removed on exit');
});

test('faultnet policy list and set with an unknown name', async () => {
  const socket = join(tmpdir(), `faultnet-list-${process.pid}.sock`);
  const { child, done } = startFaultnet([
    'run',
    '--latency',
    '1ms',
    '--control',
    socket,
    '--',
    'sh',
    '-c',
    'echo ready; exec sleep 1000',
  ]);
  // The control socket listens before the program starts: "ready" means it is there.
  await printed(child, 'ready');
  const list = await faultnet(['policy', 'list', '--attach', socket]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(list.stdout, '* cli\n');
  const bad = await faultnet(['policy', 'set', 'nosuch', '--attach', socket]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /nosuch/);
  child.kill('SIGTERM');
  assert.equal((await done).code, 143);
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  eventually,
  faultnet,
  launchersOf,
  printed,
  settledState,
  startFaultnet,
  systemState,
} from './harness.js';

test('bad input: exit 2, one line naming the flag, nothing started', async () => {
  const before = await settledState();
  const cases: Array<[string[], RegExp]> = [
    [['run', '--bogus', '--', 'true'], /bogus/],
    [['run', 'true'], /--/],
    [['run', '--'], /command/],
    [['run', '--mtu', '1000', '--', 'true'], /--mtu/],
    [['run', '--mtu', '70000', '--', 'true'], /--mtu/],
    [['run', '--mtu', 'abc', '--', 'true'], /--mtu/],
    [['run', '--host', 'nohost', '--', 'true'], /--host/],
    [['run', '--host', 'a.test=999.1.1.1', '--', 'true'], /--host/],
    [['run', '--dns-upstream', 'not an address', '--', 'true'], /--dns-upstream/],
    [['frobnicate'], /frobnicate|command/i],
  ];
  for (const [args, pattern] of cases) {
    const r = await faultnet(args);
    assert.equal(r.code, 2, `${args.join(' ')} -> ${r.code}: ${r.stderr}`);
    assert.match(r.stderr, pattern, args.join(' '));
    assert.equal(r.stderr.trim().split('\n').length, 1, `one line for ${args.join(' ')}: ${r.stderr}`);
  }
  assert.deepEqual(systemState(), before);
});

test('exit codes pass through: the code, or 128+N for signal N', async () => {
  assert.equal((await faultnet(['run', '--', 'sh', '-c', 'exit 7'])).code, 7);
  assert.equal((await faultnet(['run', '--', 'true'])).code, 0);
  assert.equal((await faultnet(['run', '--', 'sh', '-c', 'kill -TERM $$'])).code, 143);
  assert.equal((await faultnet(['run', '--', 'sh', '-c', 'kill -KILL $$'])).code, 137);
  assert.equal((await faultnet(['run', '--', '/nonexistent/program'])).code, 127);
});

test('the program sees tun0, the addresses, routes and resolv.conf; the host file is untouched', async () => {
  const hostResolv = readFileSync('/etc/resolv.conf', 'utf8');
  const r = await faultnet([
    'run',
    '--mtu',
    '9000',
    '--',
    'sh',
    '-c',
    'ip -o addr show dev tun0; ip -o link show dev tun0; ip route; ip -6 route; cat /etc/resolv.conf; echo pid=$$',
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /inet 10\.0\.2\.100\/24/);
  assert.match(r.stdout, /inet6 fd00:fa17::100\/64/);
  assert.match(r.stdout, /mtu 9000/);
  assert.match(r.stdout, /default via 10\.0\.2\.2 dev tun0/);
  assert.match(r.stdout, /default via fd00:fa17::2 dev tun0/);
  assert.match(r.stdout, /^nameserver 10\.0\.2\.3$/m);
  assert.match(r.stdout, /pid=2\b/, 'the program runs as PID 2 under the namespace init');
  assert.equal(readFileSync('/etc/resolv.conf', 'utf8'), hostResolv);
});

test("stdin and stdout are the program's own", async () => {
  const r = await faultnet(['run', '--', 'sh', '-c', 'read line; echo "got:$line"'], 'hello\n');
  assert.equal(r.code, 0);
  assert.equal(r.stdout, 'got:hello\n');
});

async function signalRun(signal: NodeJS.Signals): Promise<{ code: number | null; stdout: string }> {
  const before = await settledState();
  const { child, done } = startFaultnet([
    'run',
    '--',
    'sh',
    '-c',
    `trap 'echo caught; exit 42' ${signal.slice(3)}; echo ready; sleep 1000 & wait`,
  ]);
  await printed(child, 'ready');
  child.kill(signal);
  const r = await done;
  assert.deepEqual(systemState(), before, `nothing left after ${signal}`);
  return r;
}

test('SIGINT and SIGTERM reach the program, and everything is cleaned up', async () => {
  for (const s of ['SIGINT', 'SIGTERM'] as const) {
    const r = await signalRun(s);
    assert.equal(r.code, 42, `${s}: ${r.stdout}`);
    assert.match(r.stdout, /caught/);
  }
});

test('SIGKILL of faultnet takes the program, its children and the namespace with it', async (t) => {
  const before = await settledState();
  const { child, done } = startFaultnet([
    'run',
    '--',
    'sh',
    '-c',
    'sleep 1000 & sleep 1000 & echo ready; wait',
  ]);
  t.after(() => child.kill('SIGKILL'));
  await printed(child, 'ready');
  const mine = () => launchersOf(child.pid!);
  assert.equal(mine(), 2, 'its launcher and namespace init are running');
  child.kill('SIGKILL');
  await done;
  // The kernel delivers the parent-death signals asynchronously, and the killed launchers stay
  // zombies until reaped: wait for all of it, with a bound.
  assert.ok(await eventually(() => systemState().launchers === before.launchers, 5000), 'launchers gone');
  assert.deepEqual(systemState(), before);
});

test('a control socket left by kill -9 is removed by the next faultnet run, and by doctor --fix', async (t) => {
  const { child, done } = startFaultnet(['run', '--', 'sh', '-c', 'echo ready; sleep 1000']);
  t.after(() => child.kill('SIGKILL'));
  await printed(child, 'ready');
  const socket = `/run/faultnet/${child.pid}.sock`;
  assert.ok(existsSync(socket), 'served while running');
  child.kill('SIGKILL');
  await done;
  assert.ok(existsSync(socket), 'SIGKILL leaves it behind');
  const doctor = await faultnet(['doctor']);
  assert.match(doctor.stdout, new RegExp(`FAIL stale control sockets: 1: ${socket}`));
  const r = await faultnet(['run', '--', 'true']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(!existsSync(socket), 'the next run removed it');

  // A fake stale socket for a pid that cannot exist (above pid_max).
  const fake = '/run/faultnet/99999999.sock';
  writeFileSync(fake, '');
  const fixed = await faultnet(['doctor', '--fix']);
  assert.match(fixed.stdout, /^fixed: removed \/run\/faultnet\/99999999\.sock$/m);
  assert.match(fixed.stdout, /^ok {3}stale control sockets: none in \/run\/faultnet$/m);
  assert.ok(!existsSync(fake));
});

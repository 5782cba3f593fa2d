import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  clearPolicies,
  dns,
  listPolicies,
  loadPolicies,
  Network,
  registerPolicy,
  validateRunRecord,
  withPolicy,
} from '../../src/api/index.js';
import { eventually, pingMedian, settledState, systemState } from './harness.js';

const HOSTS = { 'svc.test': '10.0.2.2' };

/** getent's exit code for svc.test: 0 resolved, 2 not found. */
async function lookup(net: Network): Promise<number | null> {
  return (await net.exec('getent', ['hosts', 'svc.test'])).code;
}

async function rtt(net: Network, count = 5): Promise<number> {
  const r = await net.exec('ping', ['-n', '-c', String(count), '-i', '0.05', '-W', '2', '10.0.2.2']);
  return pingMedian(r.stdout);
}

test('exec and spawn run inside the namespace: exit code, signal, output, input, cwd', async () => {
  const net = await Network.start({ hosts: HOSTS });
  try {
    const r = await net.exec('sh', [
      '-c',
      'echo pid=$$; ip -o -4 addr show dev tun0; cat /etc/resolv.conf; echo oops >&2; exit 3',
    ]);
    assert.equal(r.code, 3);
    assert.equal(r.signal, null);
    assert.match(r.stdout, /inet 10\.0\.2\.100\/24/);
    assert.match(r.stdout, /^nameserver 10\.0\.2\.3$/m);
    // PID 1 is the namespace's init and PID 2 its holder: an exec'd program is one of theirs.
    assert.match(r.stdout, /^pid=([3-9]|\d\d+)$/m);
    assert.equal(r.stderr, 'oops\n');
    assert.deepEqual(await net.exec('cat', [], { input: 'hello' }), {
      code: 0,
      signal: null,
      stdout: 'hello',
      stderr: '',
    });
    assert.equal((await net.exec('pwd', [], { cwd: '/tmp' })).stdout, '/tmp\n');
    assert.equal((await net.exec('sh', ['-c', 'kill -KILL $$'])).signal, 'SIGKILL');
    assert.equal((await net.exec('/nonexistent/program')).code, 127);
    const child = await net.spawn('sleep', ['1000'], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGTERM');
    assert.equal(await exited, 'SIGTERM');
    assert.equal(await lookup(net), 0);
  } finally {
    await net.close();
  }
});

test('withPolicy and dns scope a policy to a call, restore it on return and on throw, and nest', async () => {
  clearPolicies();
  registerPolicy('slow', { latency: '40ms' });
  const net = await Network.start({ hosts: HOSTS });
  try {
    assert.ok((await rtt(net)) < 30, 'no policy: no added delay');
    const inside = await withPolicy('slow', () => rtt(net));
    assert.ok(inside >= 78 && inside < 120, `40 ms each way: ${inside}`);
    assert.ok((await rtt(net)) < 30, 'restored after return');
    await assert.rejects(
      withPolicy({ latency: '40ms' }, async () => {
        assert.ok((await rtt(net, 3)) >= 78);
        throw new Error('boom');
      }),
      /boom/,
    );
    assert.ok((await rtt(net)) < 30, 'restored after throw');
    assert.deepEqual(net.activePolicies(), []);

    // Nesting: the inner scope's fields win, the outer's other fields stay.
    await withPolicy({ latency: '40ms', dns: { nxdomain: 1 } }, async () => {
      await withPolicy({ latency: '5ms' }, async () => {
        const r = await rtt(net);
        assert.ok(r >= 9 && r < 30, `inner latency wins: ${r}`);
        assert.equal(await lookup(net), 2, 'outer DNS fault stays');
      });
      assert.ok((await rtt(net)) >= 78, 'outer back after the inner scope');
    });

    // The decorator and the wrapper; the base policy stays under the DNS scope.
    net.setPolicy('slow');
    class Client {
      calls = 0;
      @dns({ nxdomain: '100%' })
      async resolve(): Promise<number | null> {
        this.calls++;
        return lookup(net);
      }
      @dns({ servfail: 1 })
      failing(): never {
        throw new Error('sync throw');
      }
    }
    const client = new Client();
    assert.equal(await client.resolve(), 2);
    assert.equal(client.calls, 1, 'the method keeps its this');
    assert.equal(await lookup(net), 0);
    assert.throws(() => client.failing(), /sync throw/);
    assert.equal(await lookup(net), 0, 'restored after a synchronous throw');
    const wrapped = dns({ nxdomain: 1 })(async (n: number) => [n, await lookup(net)]);
    assert.deepEqual(await wrapped(7), [7, 2]);
    assert.equal(await lookup(net), 0);
    assert.ok(
      (await dns({ nxdomain: 1 })(() => rtt(net))()) >= 78,
      'the base policy keeps its latency in a DNS scope',
    );
    assert.deepEqual(net.activePolicies(), ['slow']);
    net.clearPolicy();
    assert.ok((await rtt(net)) < 30);

    const stats = net.stats();
    assert.ok(stats.dns.nxdomain >= 4, `NXDOMAIN counted: ${stats.dns.nxdomain}`);
    const runJson = join(mkdtempSync(join(tmpdir(), 'faultnet-api-')), 'run.json');
    await net.close({ runJson });
    await net.close();
    const record = JSON.parse(readFileSync(runJson, 'utf8'));
    assert.deepEqual(validateRunRecord(record), []);
    assert.equal(record.command, null);
    assert.deepEqual(
      record.policies.map((p: { name: string; source: string }) => [p.name, p.source]),
      [['slow', 'registry']],
    );
    assert.ok(record.events.some((e: { kind: string }) => e.kind === 'scope'));
    assert.ok(record.events.filter((e: { kind: string }) => e.kind === 'exec').length >= 10);
  } finally {
    await net.close();
    clearPolicies();
  }
});

test('two networks side by side: own policies, own traffic, own counters', async () => {
  // Targeted at the pings, so the kernel's own background packets (IPv6 router solicitations) do not count.
  const echo = ['icmp://10.0.2.2'];
  const a = await Network.start({ policies: { slow: { latency: '50ms', targets: echo } } });
  const b = await Network.start({ policies: [{ packet_loss: 0, targets: echo }] });
  try {
    assert.throws(() => withPolicy({ latency: '1ms' }, () => 0), /2 networks are open/);
    const [ra, rb] = await Promise.all([rtt(a, 6), rtt(b, 4)]);
    assert.ok(ra >= 98 && ra < 150, `a: ${ra}`);
    assert.ok(rb < 30, `b: ${rb}`);
    // Inside a's scope, the module-level helpers apply to a.
    const inner = await a.withPolicy({ latency: '10ms' }, () =>
      withPolicy({ packet_loss: 0 }, () => rtt(a, 4)),
    );
    assert.ok(inner >= 18 && inner < 45, `a scoped: ${inner}`);
    assert.ok((await rtt(b, 4)) < 30, 'b untouched by a scope');
    const slow = a.stats().rules.find((r) => r.key === 'slow#0');
    const inline = b.stats().rules.find((r) => r.key === 'inline-0#0');
    assert.equal(slow?.uplink.packetsIn, 6, 'a counts its own echo requests only');
    assert.equal(inline?.uplink.packetsIn, 8, 'b counts its own echo requests only');
    assert.equal(
      a.stats().rules.find((r) => r.key === 'inline-0#0'),
      undefined,
    );
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});

test('bad options are rejected with the field path before any namespace is made', async () => {
  const before = await settledState();
  clearPolicies();
  const cases: Array<[unknown, RegExp]> = [
    [{ mtu: 100 }, /^options\.mtu: /],
    [{ mtu: 'big' }, /^options\.mtu: /],
    [{ policies: { slow: { latency: '20' } } }, /^options\.policies\.slow\.latency: expected a duration/],
    [{ policies: [{ jiter: '1ms' }] }, /^options\.policies\[0\]\.jiter: unknown field/],
    [{ policies: ['nope'] }, /^options\.policies\[0\]: no policy named "nope"/],
    [{ hosts: { 'a.test': '999.0.0.1' } }, /^options\.hosts: /],
    [{ dnsUpstream: 'not an address' }, /^options\.dnsUpstream: /],
    [{ hostLoopback: 'yes' }, /^options\.hostLoopback: expected true or false/],
    [{ seed: -1 }, /^options\.seed: /],
    [{ udpIdleTimeout: '5 parsecs' }, /^options\.udpIdleTimeout: /],
    [{ runJson: '/nonexistent/dir/run.json' }, /^options\.runJson: /],
    [{ mut: 1500 }, /^options\.mut: unknown option/],
  ];
  for (const [options, pattern] of cases) {
    await assert.rejects(Network.start(options as never), (err: Error) => {
      assert.match(err.message, pattern, JSON.stringify(options));
      return true;
    });
  }
  assert.deepEqual(systemState(), before);
});

test('the registry functions: register, load a file, list', () => {
  clearPolicies();
  const dir = mkdtempSync(join(tmpdir(), 'faultnet-api-'));
  const file = join(dir, 'policies.yaml');
  writeFileSync(file, 'lossy:\n  packet_loss: 5%\nslow:\n  latency: 50ms\n');
  assert.equal(loadPolicies(file), 2);
  registerPolicy('fast', { latency: '1ms' });
  assert.deepEqual(listPolicies(), ['fast', 'lossy', 'slow']);
  clearPolicies();
});

for (const [how, ending, expected] of [
  ['process.exit(5)', 'process.exit(5);', 5],
  ["an exception thrown in the user's code", "setImmediate(() => { throw new Error('user bug'); });", 1],
] as const) {
  test(`a network left open is ended when the process ends by ${how}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultnet-exit-'));
    const socket = join(dir, 'control.sock');
    const api = join(fileURLToPath(import.meta.url), '..', '..', '..', 'src', 'api', 'index.js');
    const script = join(dir, 'leave-open.mjs');
    writeFileSync(
      script,
      `import { Network } from ${JSON.stringify(api)};\n` +
        `const net = await Network.start({ control: ${JSON.stringify(socket)} });\n` +
        `await net.spawn('sleep', ['1000'], { stdio: 'ignore' });\n` +
        `const r = await net.exec('true');\n` +
        `const ns = (await import('node:fs')).readlinkSync('/proc/' + net.pid + '/ns/net');\n` +
        `console.log('open', r.code, net.pid, ns.replace(/\\D/g, ''));\n` +
        `${ending}\n`,
    );
    const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    assert.equal(code, expected);
    const [word, execCode, launcher, inode] = out.trim().split(' ');
    assert.deepEqual([word, execCode], ['open', '0']);
    assert.equal(existsSync(socket), false, 'control socket removed');
    // The kernel ends the launcher (PR_SET_PDEATHSIG) and then the namespace asynchronously.
    assert.ok(await eventually(() => !existsSync(`/proc/${launcher}`), 5000), 'launcher gone');
    const namespaces = () =>
      execFileSync('lsns', ['-n', '-t', 'net', '-o', 'NS'], { encoding: 'utf8' }).split(/\s+/);
    assert.ok(await eventually(() => !namespaces().includes(inode!), 5000), `namespace ${inode} gone`);
  });
}

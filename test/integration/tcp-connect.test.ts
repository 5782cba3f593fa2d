import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, test } from 'node:test';
import { ZoneServer } from './dns-zone.js';
import { closedPort, faultnet } from './harness.js';
import { hashServer, type Payloads, randomPayloads } from './tcp-helpers.js';

// Connection setup and teardown as real clients see them: refusals, IPv6, half-close both ways,
// iperf3 both directions and DNS over TCP.

let payloads: Payloads;

before(() => {
  payloads = randomPayloads({ 'one.bin': 1_000_000 });
});

after(() => payloads.remove());

async function listen(server: Server, host: string): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** curl exits 7 within 1 s, and a Python connect raises ConnectionRefusedError. */
async function assertRefusedAtOnce(port: number, flags: readonly string[] = []): Promise<void> {
  const r = await faultnet([
    'run',
    ...flags,
    '--',
    'curl',
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{time_total}',
    `http://10.0.2.2:${port}/`,
  ]);
  assert.equal(r.code, 7, r.stderr);
  assert.ok(Number(r.stdout) < 1, `refused after ${r.stdout} s`);
  // curl words refusal and unreachability alike; the errno tells them apart.
  assert.match(await connectError('10.0.2.2', port, flags), /ConnectionRefusedError/);
}

test('a closed host port: curl exits 7 (connection refused) within 1 s', async () => {
  await assertRefusedAtOnce(await closedPort());
});

async function connectError(host: string, port: number, flags: readonly string[] = []): Promise<string> {
  const r = await faultnet([
    'run',
    ...flags,
    '--',
    'python3',
    '-c',
    `import socket; socket.create_connection(('${host}', ${port}), timeout=5)`,
  ]);
  assert.equal(r.code, 1, 'the connect raised');
  return r.stderr;
}

test('--no-host-loopback: 10.0.2.2 refuses even an open host port at once', async () => {
  const server = await hashServer(payloads.dir);
  try {
    await assertRefusedAtOnce(server.port, ['--no-host-loopback']);
  } finally {
    server.close();
  }
});

test('IPv6: curl -g http://[fd00:fa17::2]:PORT/ reaches the host ::1, byte-exact', async () => {
  const server = await hashServer(payloads.dir, '::1');
  try {
    for (const mtu of ['1500', '65520']) {
      const r = await faultnet([
        'run',
        '--mtu',
        mtu,
        '--',
        'bash',
        '-c',
        `set -o pipefail; curl -sS -g http://[fd00:fa17::2]:${server.port}/one.bin | sha256sum`,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout.split(' ')[0], payloads.sha256['one.bin'], `MTU ${mtu}`);
    }
  } finally {
    server.close();
  }
});

/** Reads until EOF, then answers `<sha256> <bytes>` and closes its half. */
function readThenReply(): Server {
  return createServer({ allowHalfOpen: true }, (socket) => {
    const hash = createHash('sha256');
    let bytes = 0;
    socket.on('data', (d: Buffer) => {
      hash.update(d);
      bytes += d.length;
    });
    socket.on('end', () => socket.end(`${hash.digest('hex')} ${bytes}\n`));
  });
}

test('half-close, program first: socat shuts down its sending side, the host still answers', async () => {
  const server = readThenReply();
  const port = await listen(server, '127.0.0.1');
  try {
    // 300 kB so that the FIN follows data still in flight.
    const r = await faultnet([
      'run',
      '--',
      'sh',
      '-c',
      `head -c 300000 /dev/zero | socat -t 10 - TCP:10.0.2.2:${port}`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const zeros = createHash('sha256').update(Buffer.alloc(300_000)).digest('hex');
    assert.equal(r.stdout, `${zeros} 300000\n`);
  } finally {
    server.close();
  }
});

test('half-close, host first: the host ends its side, the program keeps sending', async () => {
  const received: Buffer[] = [];
  let ended!: () => void;
  const hostSawEnd = new Promise<void>((resolve) => {
    ended = resolve;
  });
  const server = createServer({ allowHalfOpen: true }, (socket: Socket) => {
    socket.end('greeting from the host\n');
    socket.on('data', (d: Buffer) => received.push(d));
    socket.on('end', () => {
      ended();
      socket.destroy();
    });
  });
  const port = await listen(server, '127.0.0.1');
  try {
    // The script socat runs reads the socket to EOF (the host's FIN) and only then sends.
    const r = await faultnet([
      'run',
      '--',
      'socat',
      '-t',
      '10',
      `TCP:10.0.2.2:${port}`,
      'SYSTEM:cat >&2; echo late data from the program',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'greeting from the host\n');
    await hostSawEnd;
    assert.equal(Buffer.concat(received).toString(), 'late data from the program\n');
  } finally {
    server.close();
  }
});

async function iperf(reverse: boolean, mtu: string): Promise<{ bytes: number; bps: number }> {
  const port = await closedPort();
  const server = spawn('iperf3', ['--forceflush', '-s', '-1', '-B', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      let out = '';
      server.stdout!.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        if (out.includes('Server listening')) resolve();
      });
      server.once('exit', () => reject(new Error(`iperf3 -s exited: ${out}`)));
    });
    const r = await faultnet([
      'run',
      '--mtu',
      mtu,
      '--',
      'iperf3',
      '-J',
      '-t',
      '3',
      ...(reverse ? ['-R'] : []),
      '-c',
      '10.0.2.2',
      '-p',
      String(port),
    ]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as {
      end: { sum_received: { bytes: number; bits_per_second: number } };
    };
    return { bytes: report.end.sum_received.bytes, bps: report.end.sum_received.bits_per_second };
  } finally {
    server.kill();
  }
}

for (const mtu of ['1500', '65520']) {
  test(`MTU ${mtu}: iperf3 -c 10.0.2.2 and -R, 3 s each`, async (t) => {
    const up = await iperf(false, mtu);
    const down = await iperf(true, mtu);
    t.diagnostic(
      `namespace->host ${(up.bps / 1e9).toFixed(2)} Gbit/s, host->namespace ${(down.bps / 1e9).toFixed(2)} Gbit/s`,
    );
    for (const [name, run] of [
      ['-c', up],
      ['-R', down],
    ] as const) {
      assert.ok(run.bytes > 0, `${name}: ${run.bytes} bytes`);
      assert.ok(run.bps > 100e6, `${name}: ${(run.bps / 1e6).toFixed(0)} Mbit/s`);
    }
  });
}

test('dig +tcp resolves through faultnet over TCP port 53', async () => {
  const zone = await ZoneServer.start({ 'tcp.example.test': [{ type: 'A', data: '192.0.2.44' }] });
  try {
    const r = await faultnet([
      'run',
      '--dns-upstream',
      `127.0.0.1:${zone.port}`,
      '--',
      'sh',
      '-c',
      'dig +tcp +tries=1 +time=3 tcp.example.test; dig +tcp +short +tries=1 @fd00:fa17::3 tcp.example.test',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /status: NOERROR/);
    assert.match(r.stdout, /\(TCP\)/);
    assert.match(r.stdout, /tcp\.example\.test\.\s+\d+\s+IN\s+A\s+192\.0\.2\.44/);
    assert.match(r.stdout, /^192\.0\.2\.44$/m);
  } finally {
    zone.close();
  }
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientScript, faultnet, udpEcho } from './harness.js';

const CLIENT = clientScript('udp_echo_client.py');

for (const [family, gateway, overhead] of [
  [4, '10.0.2.2', 28],
  [6, 'fd00:fa17::2', 48],
] as const) {
  test(`UDP echo via ${gateway}: 10,000 datagrams up to the MTU come back intact (IPv${family})`, async () => {
    const echo = await udpEcho(family);
    try {
      const mtu = 1500;
      const r = await faultnet([
        'run',
        '--',
        'python3',
        CLIENT,
        gateway,
        String(echo.port),
        '10000',
        String(mtu - overhead),
      ]);
      assert.equal(r.code, 0, r.stderr);
      const result = JSON.parse(r.stdout.trim().split('\n').pop()!);
      assert.deepEqual(result, { sent: 10000, received: 10000, mismatched: 0, max_size: mtu - overhead });
    } finally {
      echo.socket.close();
    }
  });
}

test('UDP at MTU 65520: datagrams up to 65000 bytes come back intact', async () => {
  const echo = await udpEcho(4);
  try {
    const r = await faultnet([
      'run',
      '--mtu',
      '65520',
      '--',
      'python3',
      CLIENT,
      '10.0.2.2',
      String(echo.port),
      '500',
      '65000',
      '2',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout.trim()), {
      sent: 500,
      received: 500,
      mismatched: 0,
      max_size: 65000,
    });
  } finally {
    echo.socket.close();
  }
});

test('--no-host-loopback: datagrams to 10.0.2.2 do not reach the host', async () => {
  const echo = await udpEcho(4);
  let got = 0;
  echo.socket.on('message', () => got++);
  try {
    const r = await faultnet([
      'run',
      '--no-host-loopback',
      '--',
      'python3',
      '-c',
      `import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(0.5)
s.sendto(b'x', ('10.0.2.2', ${echo.port}))
try:
    s.recv(10); print('answered')
except socket.timeout:
    print('silent')`,
    ]);
    assert.equal(r.stdout.trim(), 'silent');
    assert.equal(got, 0);
  } finally {
    echo.socket.close();
  }
});

test('ping -c 5 10.0.2.2 succeeds, and IPv6 ping of the gateway', async () => {
  const r = await faultnet([
    'run',
    '--',
    'sh',
    '-c',
    'ping -c 5 -i 0.2 -W 2 10.0.2.2 && ping -6 -c 3 -i 0.2 -W 2 fd00:fa17::2',
  ]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /5 packets transmitted, 5 received/);
  assert.match(r.stdout, /3 packets transmitted, 3 received/);
});

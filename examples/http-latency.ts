// An HTTP client under 50 ms of one-way latency: the connect takes one round trip (~100 ms), the
// whole request two (~200 ms). Run: node dist/examples/http-latency.js
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Network } from 'faultnet';

const server = createServer((_req, res) => res.end('hello from the host\n'));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const port = (server.address() as AddressInfo).port;

const net = await Network.start({ policies: { slow: { latency: '50ms' } } });
try {
  // 10.0.2.2 is the host's loopback as seen from inside the namespace.
  const r = await net.exec('curl', [
    '-sS',
    '-o',
    '/dev/null',
    '-w',
    '%{time_connect} %{time_total}',
    `http://10.0.2.2:${port}/`,
  ]);
  if (r.code !== 0) throw new Error(`curl failed: ${r.stderr}`);
  const [connect, total] = r.stdout.split(' ').map((s) => Number(s) * 1000);
  console.log(`connect_ms=${connect!.toFixed(1)}`);
  console.log(`total_ms=${total!.toFixed(1)}`);
} finally {
  await net.close();
  server.close();
}

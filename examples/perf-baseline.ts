// A throughput baseline: the same TCP upload without a policy and under a 20 Mbit/s rate limit.
// Run: node dist/examples/perf-baseline.js

import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { Network, withPolicy } from 'faultnet';

const sink = createServer((socket) => socket.resume());
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve));
const port = (sink.address() as AddressInfo).port;

// Sends `bytes` and prints the goodput in Mbit/s (until the sink has acknowledged it all: shutdown + read).
const upload = (bytes: number) => `
import socket, time
s = socket.create_connection(('10.0.2.2', ${port}))
chunk = b'x' * 65536
t = time.perf_counter()
left = ${bytes}
while left > 0:
    n = s.send(chunk[:min(left, len(chunk))])
    left -= n
s.shutdown(socket.SHUT_WR)
s.recv(1)
print(${bytes} * 8 / (time.perf_counter() - t) / 1e6)
`;

const net = await Network.start();
try {
  const run = async (bytes: number) => {
    const r = await net.exec('python3', ['-c', upload(bytes)]);
    if (r.code !== 0) throw new Error(`upload failed: ${r.stderr}`);
    return Number(r.stdout);
  };
  const baseline = await run(50_000_000);
  const limited = await withPolicy({ uplink: { rate: '20mbit' } }, () => run(5_000_000));
  console.log(`baseline_mbps=${baseline.toFixed(1)}`);
  console.log(`limited_mbps=${limited.toFixed(1)}`);
  console.log(`ratio=${(baseline / limited).toFixed(1)}`);
} finally {
  await net.close();
  sink.close();
}

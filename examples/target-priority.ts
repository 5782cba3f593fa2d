// Target priority: a policy slows everything by 40 ms each way, but a higher-priority rule for one
// UDP port wins for that port's flow, which gets no delay. Run: node dist/examples/target-priority.js
import { createSocket } from 'node:dgram';
import { Network, registerPolicy } from 'faultnet';

const echo = createSocket('udp4');
echo.on('message', (msg, from) => echo.send(msg, from.port, from.address));
await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));
const port = echo.address().port;

registerPolicy('slow', { latency: '40ms' });
registerPolicy('fast-echo', { targets: [{ protocol: 'udp', host: '10.0.2.2', port, priority: 200 }] });

// Median round trip of 10 UDP echoes, in ms.
const probe = `
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
times = []
for i in range(10):
    t = time.perf_counter()
    s.sendto(b'x', ('10.0.2.2', ${port}))
    s.recv(10)
    times.append((time.perf_counter() - t) * 1000)
print(sorted(times)[5])
`;

const net = await Network.start({ policies: ['slow', 'fast-echo'] });
try {
  const ping = await net.exec('ping', ['-n', '-c', '5', '-i', '0.05', '10.0.2.2']);
  const times = [...ping.stdout.matchAll(/time=([\d.]+) ms/g)].map((m) => Number(m[1])).sort((a, b) => a - b);
  const udp = await net.exec('python3', ['-c', probe]);
  if (udp.code !== 0) throw new Error(`probe failed: ${udp.stderr}`);
  console.log(`icmp_ms=${times[Math.floor(times.length / 2)]!.toFixed(1)}`);
  console.log(`udp_ms=${Number(udp.stdout).toFixed(1)}`);
  const rules = net.stats().rules.map((r) => `${r.key}:${r.uplink.packetsIn}`);
  console.log(`rules=${rules.join(',')}`);
} finally {
  await net.close();
  echo.close();
}

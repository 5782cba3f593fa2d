// UDP under 10% loss each way (seeded, so the count repeats): about 81% of the echoes come back.
// Run: node dist/examples/udp-loss.js
import { createSocket } from 'node:dgram';
import { Network } from 'faultnet';

const echo = createSocket('udp4');
echo.on('message', (msg, from) => echo.send(msg, from.port, from.address));
await new Promise<void>((resolve) => echo.bind(0, '127.0.0.1', resolve));

const SENT = 400;
// One datagram every 2 ms, reading echoes as they come (a socket buffer holds only a few hundred),
// then waiting for stragglers; prints how many distinct echoes came back.
const client = `
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
got = set()
def drain(timeout):
    s.settimeout(timeout)
    try:
        while True:
            got.add(s.recv(100))
    except (socket.timeout, BlockingIOError):
        pass
for i in range(${SENT}):
    s.sendto(b'%d' % i, ('10.0.2.2', ${echo.address().port}))
    drain(0.002)
drain(0.5)
print(len(got))
`;

const net = await Network.start({ policies: { lossy: { packet_loss: '10%', seed: 7 } } });
try {
  const r = await net.exec('python3', ['-c', client]);
  if (r.code !== 0) throw new Error(`client failed: ${r.stderr}`);
  const received = Number(r.stdout.trim());
  const stats = net.stats();
  console.log(`sent=${SENT}`);
  console.log(`received=${received}`);
  console.log(`delivered_pct=${((received / SENT) * 100).toFixed(1)}`);
  console.log(`dropped_uplink=${stats.uplink.drops.loss}`);
  console.log(`dropped_downlink=${stats.downlink.drops.loss}`);
} finally {
  await net.close();
  echo.close();
}

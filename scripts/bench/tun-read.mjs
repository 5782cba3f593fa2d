// TUN read rate of the native batched reader: a namespace's program blasts 1400-byte UDP packets
// at the gateway while nothing routes them; we only count what the reader hands to JS.
// Usage: node tun-read.mjs <seconds> <senders>   (prints one JSON object)
import { spawnSync } from 'node:child_process';
import { Namespace } from '../../dist/netns/namespace.js';
import { Tun } from '../../dist/netns/tun.js';
import { ADDRESSES } from '../../dist/src/dataplane/addresses.js';

const seconds = Number(process.argv[2] ?? 3);
const senders = Number(process.argv[3] ?? 2);
const PAYLOAD = 1372; // + 8 UDP + 20 IPv4 = 1400 bytes on tun0
const WARMUP_MS = 500;

// socat reads PAYLOAD bytes of /dev/zero per datagram: a C sender with one sendto per packet.
const blast = `socat -u -b ${PAYLOAD} /dev/zero UDP4-SENDTO:${ADDRESSES.gateway4}:9 2>/dev/null`;
const script = `${Array.from({ length: senders }, () => `${blast} &`).join(' ')} wait`;

function tunStats(netns) {
  const out = spawnSync('nsenter', [`--net=${netns}`, 'ip', '-s', '-j', 'link', 'show', 'tun0'], {
    encoding: 'utf8',
  });
  const tx = JSON.parse(out.stdout)[0].stats64.tx;
  return { packets: tx.packets, dropped: tx.dropped };
}

const ns = await Namespace.launch({
  command: 'sh',
  args: ['-c', script],
  link: { ...ADDRESSES, mtu: 1500, resolvConf: `nameserver ${ADDRESSES.dns4}\n` },
  stdio: ['ignore', 'ignore', 'inherit'],
});

const tun = new Tun(ns.tunFd, 1500);
let counting = false;
let packets = 0;
let batches = 0;
let bytes = 0;
let maxBatch = 0;
tun.start(
  (_slab, meta, count) => {
    if (!counting) return;
    packets += count;
    batches++;
    if (count > maxBatch) maxBatch = count;
    for (let i = 0; i < count; i++) bytes += meta[i * 2 + 1];
  },
  (message) => {
    process.stderr.write(`tun-read: ${message}\n`);
  },
);
ns.go();

await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
const before = tunStats(ns.netnsPath);
const cpuBefore = process.cpuUsage();
const t0 = performance.now();
counting = true;
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
counting = false;
const elapsed = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const after = tunStats(ns.netnsPath);
tun.stop();
await ns.kill();

const offered = after.packets - before.packets + (after.dropped - before.dropped);
console.log(
  JSON.stringify({
    seconds: elapsed,
    senders,
    packetSize: PAYLOAD + 28,
    packets,
    packetsPerSecond: packets / elapsed,
    gbitPerSecond: (bytes * 8) / elapsed / 1e9,
    meanBatch: batches === 0 ? 0 : packets / batches,
    maxBatch,
    readerCpu: (cpu.user + cpu.system) / 1e6 / elapsed,
    readerCpuNsPerPacket: packets === 0 ? 0 : ((cpu.user + cpu.system) * 1000) / packets,
    offeredPerSecond: offered / elapsed,
    tunDroppedPerSecond: (after.dropped - before.dropped) / elapsed,
  }),
);

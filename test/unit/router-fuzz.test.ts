import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ADDRESSES } from '../../src/dataplane/addresses.js';
import { DnsHandler } from '../../src/dns/handler.js';
import { HostAccess } from '../../src/egress/host-access.js';
import { UdpEgress } from '../../src/egress/udp.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import { Router } from '../../src/router/router.js';
import { TcpEndpoint } from '../../stack/tcp/endpoint.js';
import { fillIpv4HeaderChecksum } from '../../stack/wire/ipv4.js';
import { fromHex, kernel, seededU32 } from './wire-fixtures.js';

const GW4 = [10, 0, 2, 2];
const GW6 = fromHex('fd00fa17000000000000000000000002');

/**
 * Aims a packet at the gateway so that nothing a fuzzed packet could become ever leaves this
 * machine (host loopback is off below, so the gateway reaches nothing either), and refreshes the
 * IPv4 header checksum so that mutations reach the transport layers too.
 */
function aimAtGateway(p: Uint8Array): void {
  const version = p[0]! >>> 4;
  if (version === 4 && p.length >= 20) {
    p.set(GW4, 16);
    const ihl = (p[0]! & 0x0f) * 4;
    if (ihl >= 20 && ihl <= p.length) fillIpv4HeaderChecksum(p, 0, ihl);
  } else if (version === 6 && p.length >= 40) {
    p.set(GW6, 24);
  }
}

test('100k random, mutated and truncated packets through the router: nothing throws, every one is accounted for', () => {
  const written: number[] = [];
  const counters = new FaultCounters();
  const udp = new UdpEgress(
    {
      access: new HostAccess({ ...ADDRESSES, hostLoopback: false, hostNetwork: true }),
      hostLoopback: false,
      gateway4: ADDRESSES.gateway4,
      gateway6: ADDRESSES.gateway6,
      idleTimeoutMs: 60_000,
      maxUdp: 64,
    },
    () => {},
  );
  const dns = new DnsHandler({ upstreams: [], hosts: new Map() });
  let router: Router | undefined;
  const tcp = new TcpEndpoint({ mtu: 1500 }, (packet, len, conn) => router!.tcpOutput(packet, len, conn));
  router = new Router(
    {
      write: (_b, _o, len) => {
        written.push(len);
        return true;
      },
    },
    1500,
    ADDRESSES,
    udp,
    dns,
    counters,
    tcp,
  );

  const random = seededU32(20261127);
  const seeds = Object.values(kernel).map(fromHex);
  const N = 100_000;
  const slab = new Uint8Array(2048);
  const meta = new Int32Array(2);
  for (let i = 0; i < N; i++) {
    let packet: Uint8Array;
    const kind = i % 3;
    if (kind === 0) {
      packet = new Uint8Array(random() % 1500);
      for (let j = 0; j < packet.length; j++) packet[j] = random() & 0xff;
      if (packet.length > 0) packet[0] = (packet[0]! & 0x0f) | ((random() & 1 ? 4 : 6) << 4);
    } else {
      const base = seeds[random() % seeds.length]!;
      packet = base.slice(0, kind === 1 ? random() % (base.length + 1) : base.length);
      const flips = 1 + (random() % 4);
      for (let f = 0; f < flips && packet.length > 0; f++)
        packet[random() % packet.length] ^= 1 << (random() % 8);
    }
    aimAtGateway(packet);
    slab.set(packet, 0);
    meta[0] = 0;
    meta[1] = packet.length;
    router.handleBatch(slab, meta, 1, i);
  }
  // Past every reassembly deadline: a fragment still held would be unaccounted for.
  router.poll(N + 60_000);
  udp.close();
  dns.close();

  const c = router.counters;
  const d = counters.discards.counts;
  // A reassembled datagram is one outcome for all its fragments.
  const handled =
    counters.discards.total + c.echoReplies + c.dnsQueries + c.reassembledFragments - c.reassembled;
  const tcpSeen = tcp.stats.packetsIn;
  assert.equal(handled + tcpSeen, N, JSON.stringify({ ...c, ...d, tcp: tcp.stats }));
  assert.ok(d.malformed > N / 2, `most garbage is malformed (${d.malformed})`);
  assert.equal(udp.size, 0, 'no host datagram socket was opened for a fuzzed packet');
});

import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { test } from 'node:test';
import { ADDRESSES } from '../../src/dataplane/addresses.js';
import { DnsHandler } from '../../src/dns/handler.js';
import { HostAccess } from '../../src/egress/host-access.js';
import { UdpEgress } from '../../src/egress/udp.js';
import { FaultCounters } from '../../src/metrics/counters.js';
import { Router } from '../../src/router/router.js';
import { buildUdpPacket } from '../../stack/datagram.js';
import { TcpEndpoint } from '../../stack/tcp/endpoint.js';

const LOCAL = new Uint8Array([10, 0, 2, 100]);
const GATEWAY = new Uint8Array([10, 0, 2, 2]);

/** A router over real host UDP sockets (to a sink on 127.0.0.1), fed datagrams at chosen times. */
async function limitedRouter(maxFlows: number, maxUdp: number) {
  const sink = createSocket('udp4');
  await new Promise<void>((resolve) => sink.bind(0, '127.0.0.1', resolve));
  const port = sink.address().port;
  const counters = new FaultCounters();
  const udp = new UdpEgress(
    {
      access: new HostAccess({ ...ADDRESSES, hostLoopback: true, hostNetwork: false }),
      hostLoopback: true,
      gateway4: ADDRESSES.gateway4,
      gateway6: ADDRESSES.gateway6,
      idleTimeoutMs: 60_000,
      maxUdp,
    },
    () => {},
  );
  const dns = new DnsHandler({ upstreams: [], hosts: new Map() });
  let router: Router | undefined;
  const tcp = new TcpEndpoint({ mtu: 1500 }, (packet, len, conn) => router!.tcpOutput(packet, len, conn));
  router = new Router({ write: () => true }, 1500, ADDRESSES, udp, dns, counters, tcp, { maxFlows });
  const slab = new Uint8Array(2048);
  const meta = new Int32Array(2);
  const payload = new Uint8Array([1, 2, 3]);
  const send = (fromPort: number, now: number, to = GATEWAY, toPort = port) => {
    meta[0] = 0;
    meta[1] = buildUdpPacket(slab, 4, LOCAL, 0, fromPort, to, 0, toPort, payload, 0, payload.length);
    router!.handleBatch(slab, meta, 1, now);
  };
  const close = () => {
    udp.close();
    dns.close();
    sink.close();
  };
  return { send, udp, router, discards: counters.discards.counts, close };
}

test('at --max-host-udp a new source is refused while every socket is busy, and takes the socket idle longest once one has been idle 1 s', async () => {
  const r = await limitedRouter(1000, 2);
  // The router hands datagrams to UdpEgress at their release time (the real clock), so the
  // clock here is driven at UdpEgress itself.
  const open = (port: number, now: number) => r.udp.endpoint(4, '10.0.2.100', LOCAL, port, now) !== null;
  assert.ok(open(1001, 0) && open(1002, 10));
  assert.equal(open(1003, 500), false, 'both sockets were active within the last second');
  assert.ok(open(1002, 1400), 'an existing source keeps its socket');
  r.udp.endpoint(4, '10.0.2.100', LOCAL, 1002, 1400)!.send('10.0.2.2', 9, new Uint8Array(1), 1400);
  assert.ok(open(1004, 1500), '1001 has been idle 1500 ms: its socket is taken');
  assert.equal(r.udp.size, 2);
  assert.equal(open(1001, 1800), false, '1002 and 1004 were active within the last second');
  r.close();
});

test('at --max-flows new flows are refused, until flows idle 5 s are expired early (at most one sweep a second)', async () => {
  const r = await limitedRouter(3, 1000);
  r.send(2001, 0);
  r.send(2002, 0);
  r.send(2003, 4000);
  r.send(2004, 4000);
  assert.equal(r.discards.flowLimit, 1, 'a fourth flow is refused: nothing has been idle 5 s');
  r.send(2004, 5500); // 2001 and 2002 idle 5.5 s: swept
  r.send(2005, 5500);
  assert.equal(r.discards.flowLimit, 1);
  r.send(2006, 5600);
  assert.equal(r.discards.flowLimit, 2, 'full again (2003, 2004, 2005) and no flow idle 5 s');
  r.close();
});

test('a flow to the DNS address of faultnet is bookkeeping only: it goes after 1 s idle, a flow to the host after the idle timeout', async () => {
  const r = await limitedRouter(1000, 1000);
  r.send(3001, 0, new Uint8Array([10, 0, 2, 3]), 53);
  r.send(3002, 0);
  const ports = () => [...r.router.flows.all()].map((f) => f.localPort).sort();
  assert.deepEqual(ports(), [3001, 3002]);
  r.router.expire(900, 60_000);
  assert.deepEqual(ports(), [3001, 3002]);
  r.router.expire(1_000, 60_000);
  assert.deepEqual(ports(), [3002]);
  r.router.expire(60_000, 60_000);
  assert.deepEqual(ports(), []);
  r.close();
});

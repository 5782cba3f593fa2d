import assert from 'node:assert/strict';
import { createSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { after, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { DnsHandler, type DnsHandlerOptions, type DnsTransport } from '../../src/dns/handler.js';

// Forwarding against a real fake upstream resolver on loopback (UDP and TCP on one port).

type Answerer = (
  question: dnsPacket.Question,
  transport: DnsTransport,
) => dnsPacket.Packet | null | Promise<dnsPacket.Packet | null>;

interface FakeUpstream {
  port: number;
  /** Forward ids and names in arrival order. */
  received: { id: number; name: string; transport: DnsTransport }[];
  close(): Promise<void>;
}

async function startUpstream(host: '127.0.0.1' | '::1', answer: Answerer): Promise<FakeUpstream> {
  const received: FakeUpstream['received'] = [];
  const respond = async (raw: Buffer, transport: DnsTransport): Promise<Buffer | null> => {
    const query = dnsPacket.decode(raw);
    const question = query.questions![0]!;
    received.push({ id: query.id!, name: question.name, transport });
    const packet = await answer(question, transport);
    if (packet === null) return null;
    return dnsPacket.encode({ type: 'response', id: query.id, questions: query.questions, ...packet });
  };
  // The upstream answers UDP and TCP on one port number: the TCP port may be taken by some other
  // process's connection, so pick again until both bind (a port, not a test, is retried).
  for (let attempt = 1; ; attempt++) {
    const udp = createSocket(host === '::1' ? 'udp6' : 'udp4');
    udp.on('message', async (message, from) => {
      const response = await respond(message, 'udp');
      if (response !== null) udp.send(response, from.port, from.address);
    });
    udp.bind(0, host);
    await once(udp, 'listening');
    const port = udp.address().port;
    const tcp = createServer((socket) => {
      let buffered = Buffer.alloc(0);
      socket.on('data', async (chunk) => {
        buffered = Buffer.concat([buffered, chunk]);
        while (buffered.length >= 2 && buffered.length >= 2 + buffered.readUInt16BE(0)) {
          const message = buffered.subarray(2, 2 + buffered.readUInt16BE(0));
          buffered = buffered.subarray(2 + message.length);
          const response = await respond(message, 'tcp');
          if (response !== null) socket.write(dnsPacket.streamEncode(dnsPacket.decode(response)));
        }
      });
    });
    try {
      tcp.listen(port, host);
      await once(tcp, 'listening');
    } catch (err) {
      udp.close();
      if (attempt >= 20) throw err;
      continue;
    }
    return {
      port,
      received,
      close: async () => {
        udp.close();
        tcp.close();
      },
    };
  }
}

function handlerFor(opts: Partial<DnsHandlerOptions>): DnsHandler {
  const handler = new DnsHandler({ upstreams: [], hosts: new Map(), ...opts });
  after(() => handler.close());
  return handler;
}

/** dns-packet decodes the rcode too; its type declarations leave it out. */
type Decoded = dnsPacket.DecodedPacket & { rcode: string };

interface Asked {
  bytes: Uint8Array;
  packet: Decoded;
}

function ask(handler: DnsHandler, query: dnsPacket.Packet, transport: DnsTransport = 'udp'): Promise<Asked> {
  return new Promise((resolve) => {
    const bytes = dnsPacket.encode({ type: 'query', flags: dnsPacket.RECURSION_DESIRED, ...query });
    handler.handle(bytes, (response) => resolve({ bytes: response, packet: decode(response) }), transport);
  });
}

function decode(bytes: Uint8Array): Decoded {
  return dnsPacket.decode(Buffer.from(bytes)) as Decoded;
}

function addresses(packet: Decoded): string[] {
  return (packet.answers ?? []).flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.data] : []));
}

/** The header fields a recursive resolver's answer is judged by. */
function header(packet: Decoded) {
  const { id, rcode, flag_qr: qr, flag_aa: aa, flag_tc: tc, flag_rd: rd, flag_ra: ra } = packet;
  return { id, rcode, qr, aa, tc, rd, ra };
}

function onLoopback(...ports: number[]): DnsHandlerOptions['upstreams'] {
  return ports.map((port) => ({ host: '127.0.0.1', port }));
}

function a(name: string, data: string): dnsPacket.Answer {
  return { type: 'A', name, ttl: 30, data };
}

test('forwards queries with fresh ids and maps answers back to the client id', async () => {
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => {
    releaseFirst = resolve;
  });
  const upstream = await startUpstream('127.0.0.1', async (question) => {
    if (question.name === 'First.Test') {
      await firstHeld;
      return { flags: dnsPacket.RECURSION_AVAILABLE, answers: [a(question.name, '127.0.0.10')] };
    }
    setImmediate(releaseFirst);
    return { flags: dnsPacket.RECURSION_AVAILABLE, answers: [a(question.name, '127.0.0.11')] };
  });
  after(() => upstream.close());
  const queried: string[] = [];
  const handler = handlerFor({
    upstreams: onLoopback(upstream.port),
    onQuery: (name, type) => queried.push(`${name} ${type}`),
  });
  // The same client id twice: the upstream must see two different ids, each answer its own.
  const first = ask(handler, { id: 0x1234, questions: [{ type: 'A', name: 'First.Test' }] });
  const second = ask(handler, { id: 0x1234, questions: [{ type: 'A', name: 'second.test' }] });
  const [one, two] = await Promise.all([first, second]);
  assert.equal(one.packet.id, 0x1234);
  assert.equal(two.packet.id, 0x1234);
  assert.deepEqual(one.packet.questions, [{ name: 'First.Test', type: 'A', class: 'IN' }]);
  assert.deepEqual(addresses(one.packet), ['127.0.0.10']);
  assert.deepEqual(addresses(two.packet), ['127.0.0.11']);
  assert.equal(upstream.received.length, 2);
  assert.notEqual(upstream.received[0]!.id, upstream.received[1]!.id);
  assert.deepEqual(queried, ['first.test A', 'second.test A']);
});

test('a silent upstream gives SERVFAIL by servfailAfterMs, after a retry', async () => {
  const upstream = await startUpstream('127.0.0.1', () => null);
  after(() => upstream.close());
  const limitMs = 300;
  // Tolerance for event-loop and scheduling latency on a loaded CI machine.
  const toleranceMs = 250;
  const handler = handlerFor({
    upstreams: onLoopback(upstream.port),
    servfailAfterMs: limitMs,
  });
  const started = performance.now();
  const { packet } = await ask(handler, { id: 77, questions: [{ type: 'AAAA', name: 'silent.test' }] });
  const elapsed = performance.now() - started;
  assert.ok(elapsed < limitMs + toleranceMs, `SERVFAIL after ${elapsed} ms`);
  assert.deepEqual(header(packet), {
    id: 77,
    rcode: 'SERVFAIL',
    qr: true,
    aa: false,
    tc: false,
    rd: true,
    ra: true,
  });
  assert.deepEqual(packet.questions, [{ name: 'silent.test', type: 'AAAA', class: 'IN' }]);
  // One upstream and a 300 ms budget: tries at 0 and 150 ms, each with its own id.
  assert.equal(upstream.received.length, 2);
  assert.notEqual(upstream.received[0]!.id, upstream.received[1]!.id);
});

test('the next upstream is tried when one stays silent', async () => {
  const silent = await startUpstream('127.0.0.1', () => null);
  const good = await startUpstream('127.0.0.1', (q) => ({ answers: [a(q.name, '127.0.0.12')] }));
  after(() => Promise.all([silent.close(), good.close()]));
  const handler = handlerFor({
    upstreams: onLoopback(silent.port, good.port),
    servfailAfterMs: 900,
  });
  const { packet } = await ask(handler, { id: 5, questions: [{ type: 'A', name: 'failover.test' }] });
  assert.equal(packet.rcode, 'NOERROR');
  assert.deepEqual(addresses(packet), ['127.0.0.12']);
  assert.equal(silent.received.length, 1);
});

test('a REFUSED answer moves on to the next upstream, and is relayed when none is left', async () => {
  const refusing = await startUpstream('127.0.0.1', () => ({ flags: 5 }));
  const good = await startUpstream('127.0.0.1', (q) => ({ answers: [a(q.name, '127.0.0.13')] }));
  after(() => Promise.all([refusing.close(), good.close()]));
  const both = handlerFor({
    upstreams: onLoopback(refusing.port, good.port),
  });
  const answered = await ask(both, { id: 6, questions: [{ type: 'A', name: 'refused.test' }] });
  assert.equal(answered.packet.rcode, 'NOERROR');
  assert.equal(answered.packet.answers!.length, 1);
  const alone = handlerFor({ upstreams: onLoopback(refusing.port) });
  const refused = await ask(alone, { id: 7, questions: [{ type: 'A', name: 'refused.test' }] });
  assert.equal(refused.packet.id, 7);
  assert.equal(refused.packet.rcode, 'REFUSED');
});

test('a truncated upstream answer is fetched again over TCP and trimmed for UDP clients', async () => {
  const records = Array.from({ length: 40 }, (_, i) => a('big.test', `127.0.1.${i}`));
  const upstream = await startUpstream('127.0.0.1', (_q, transport) =>
    transport === 'udp' ? { flags: dnsPacket.TRUNCATED_RESPONSE } : { answers: records },
  );
  after(() => upstream.close());
  const handler = handlerFor({ upstreams: onLoopback(upstream.port) });
  const question: dnsPacket.Question = { type: 'A', name: 'big.test' };

  const overTcp = await ask(handler, { id: 8, questions: [question] }, 'tcp');
  assert.equal(overTcp.packet.id, 8);
  assert.equal(overTcp.packet.flag_tc, false);
  assert.equal(overTcp.packet.answers!.length, 40);
  assert.ok(overTcp.bytes.length > 512);

  const classicUdp = await ask(handler, { id: 9, questions: [question] });
  assert.equal(classicUdp.packet.id, 9);
  assert.equal(classicUdp.packet.flag_tc, true);
  assert.equal(classicUdp.packet.answers!.length, 0);
  assert.ok(classicUdp.bytes.length <= 512);

  const ednsUdp = await ask(handler, {
    id: 10,
    questions: [question],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize: 4096 } as dnsPacket.OptAnswer],
  });
  assert.equal(ednsUdp.packet.flag_tc, false);
  assert.equal(ednsUdp.packet.answers!.length, 40);

  assert.deepEqual(
    upstream.received.map((r) => r.transport),
    ['udp', 'tcp', 'udp', 'tcp', 'udp', 'tcp'],
  );
  assert.deepEqual(handler.hostnamesFor('127.0.1.39'), ['big.test']);
});

test('name memory follows CNAME chains and ignores records outside the chain', async () => {
  const upstream = await startUpstream('127.0.0.1', (q) => ({
    answers: [
      { type: 'CNAME', name: q.name, ttl: 30, data: 'Edge.CDN.test' },
      a('e1.cdn.test', '127.0.0.5'),
      { type: 'CNAME', name: 'edge.cdn.test', ttl: 30, data: 'e1.cdn.test' },
      { type: 'AAAA', name: 'e1.cdn.test', ttl: 30, data: '0:0:0:0:0:0:0:1' },
      a('unrelated.test', '127.0.0.99'),
    ],
  }));
  after(() => upstream.close());
  const handler = handlerFor({ upstreams: onLoopback(upstream.port) });
  const learned: string[] = [];
  handler.onLearn = (address, hostname) => learned.push(`${address} ${hostname}`);
  await ask(handler, { id: 11, questions: [{ type: 'A', name: 'WWW.example.test' }] });
  const chain = ['www.example.test', 'edge.cdn.test', 'e1.cdn.test'];
  assert.deepEqual(handler.hostnamesFor('127.0.0.5'), chain);
  assert.deepEqual(handler.hostnamesFor('::1'), chain);
  assert.deepEqual(handler.hostnamesFor('127.0.0.99'), []);
  assert.equal(learned.length, 6);
  // Learning the same pairs again reports nothing new.
  await ask(handler, { id: 12, questions: [{ type: 'A', name: 'www.example.test' }] });
  assert.equal(learned.length, 6);
});

test('an IPv6 upstream is reached over a udp6 socket', async () => {
  const upstream = await startUpstream('::1', (q) => ({ answers: [a(q.name, '127.0.0.14')] }));
  after(() => upstream.close());
  const handler = handlerFor({ upstreams: [{ host: '::1', port: upstream.port }] });
  const { packet } = await ask(handler, { id: 13, questions: [{ type: 'A', name: 'six.test' }] });
  assert.equal(packet.id, 13);
  assert.deepEqual(addresses(packet), ['127.0.0.14']);
});

test('close() drops pending queries without a reply and cancels their timers', async () => {
  const upstream = await startUpstream('127.0.0.1', () => null);
  after(() => upstream.close());
  const handler = new DnsHandler({
    upstreams: onLoopback(upstream.port),
    hosts: new Map(),
  });
  let replies = 0;
  const query = dnsPacket.encode({ type: 'query', id: 14, questions: [{ type: 'A', name: 'pending.test' }] });
  handler.handle(query, () => replies++);
  while (upstream.received.length === 0) await new Promise((resolve) => setImmediate(resolve));
  handler.close();
  handler.handle(query, () => replies++);
  assert.equal(replies, 0);
  // Nothing keeps running: the 5 s deadline and 1 s retry timers are gone, so this file ends now.
});

import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import {
  type DnsFaultKind,
  type DnsFaultPlan,
  DnsHandler,
  type DnsHandlerOptions,
  type DnsTransport,
} from '../../src/dns/handler.js';

// Local hosts and DNS faults. No upstream: a forwarded query fails at once with SERVFAIL.

type Decoded = dnsPacket.DecodedPacket & { rcode: string };

const HOSTS = new Map([
  ['both.local', ['127.0.0.20', '0:0:0:0:0:0:0:1']],
  ['four.local', ['127.0.0.21']],
  ['many.local', Array.from({ length: 40 }, (_, i) => `127.0.2.${i}`)],
]);

// Not in @types/dns-packet's RecordType, though dns-packet encodes it.
const ANY = 'ANY' as dnsPacket.RecordType;

/** The header of a plain answer to `ask`'s query. */
const RESOLVED = { id: 0xbeef, rcode: 'NOERROR', qr: true, aa: false, tc: false, rd: true, ra: true };

const NO_FAULTS: DnsFaultPlan = { delayMs: 0, timeout: 0, nxdomain: 0, servfail: 0 };

let handler: DnsHandler | null = null;
afterEach(() => {
  handler?.close();
  mock.timers.reset();
});

function makeHandler(opts: Partial<DnsHandlerOptions> = {}): DnsHandler {
  handler = new DnsHandler({ upstreams: [], hosts: HOSTS, ...opts });
  return handler;
}

/** Every reply the handler gave to this one query, decoded. */
function ask(
  dns: DnsHandler,
  name: string,
  type: dnsPacket.RecordType,
  extra: Partial<dnsPacket.Packet> = {},
  transport: DnsTransport = 'udp',
): { replies: Decoded[]; sizes: number[] } {
  const replies: Decoded[] = [];
  const sizes: number[] = [];
  const query = dnsPacket.encode({
    type: 'query',
    id: 0xbeef,
    flags: dnsPacket.RECURSION_DESIRED,
    questions: [{ type, name }],
    ...extra,
  });
  dns.handle(
    query,
    (response) => {
      replies.push(dnsPacket.decode(Buffer.from(response)) as Decoded);
      sizes.push(response.length);
    },
    transport,
  );
  return { replies, sizes };
}

function addresses(packet: Decoded): string[] {
  return (packet.answers ?? []).flatMap((r) => (r.type === 'A' || r.type === 'AAAA' ? [r.data] : []));
}

/** The header fields a recursive resolver's answer is judged by. */
function header(packet: Decoded) {
  const { id, rcode, flag_qr: qr, flag_aa: aa, flag_tc: tc, flag_rd: rd, flag_ra: ra } = packet;
  return { id, rcode, qr, aa, tc, rd, ra };
}

function only(result: { replies: Decoded[] }): Decoded {
  assert.equal(result.replies.length, 1);
  return result.replies[0]!;
}

test('local names answer A and AAAA with their own family, authoritatively, TTL 0', () => {
  const dns = makeHandler();
  const four = only(ask(dns, 'Both.Local', 'A'));
  assert.deepEqual(header(four), { ...RESOLVED, aa: true });
  assert.deepEqual(four.questions, [{ name: 'Both.Local', type: 'A', class: 'IN' }]);
  assert.deepEqual(
    (four.answers as dnsPacket.StringAnswer[]).map((r) => [r.type, r.name, r.ttl, r.data]),
    [['A', 'Both.Local', 0, '127.0.0.20']],
  );
  const six = only(ask(dns, 'both.local', 'AAAA'));
  assert.deepEqual(addresses(six), ['::1']);
  const both = only(ask(dns, 'both.local', ANY));
  assert.deepEqual(addresses(both), ['127.0.0.20', '::1']);
});

test('a local name without a record of the asked type is NOERROR with no answer, not NXDOMAIN', () => {
  const dns = makeHandler();
  for (const type of ['AAAA', 'MX', 'TXT'] as const) {
    const reply = only(ask(dns, 'four.local', type));
    assert.equal(reply.rcode, 'NOERROR');
    assert.deepEqual(reply.answers, []);
  }
});

test('a name that is not local is forwarded: with no upstream it fails with SERVFAIL', () => {
  const reply = only(ask(makeHandler(), 'elsewhere.test', 'A'));
  assert.equal(reply.rcode, 'SERVFAIL');
  assert.equal(reply.flag_aa, false);
});

test('EDNS queries get an OPT record back; big answers are trimmed with TC for UDP only', () => {
  const dns = makeHandler();
  const opt = { type: 'OPT', name: '.', udpPayloadSize: 1232 } as dnsPacket.OptAnswer;
  const edns = only(ask(dns, 'four.local', 'A', { additionals: [opt] }));
  assert.deepEqual(
    edns.additionals!.map((r) => r.type),
    ['OPT'],
  );
  const udp = ask(dns, 'many.local', 'A');
  assert.equal(only(udp).flag_tc, true);
  assert.equal(only(udp).answers!.length, 0);
  assert.ok(udp.sizes[0]! <= 512);
  const tcp = only(ask(dns, 'many.local', 'A', {}, 'tcp'));
  assert.equal(tcp.flag_tc, false);
  assert.equal(tcp.answers!.length, 40);
});

test('local answers feed name memory, bounded to the most recently learned addresses', () => {
  const dns = makeHandler({ nameMemorySize: 2 });
  ask(dns, 'both.local', ANY);
  assert.deepEqual(dns.hostnamesFor('127.0.0.20'), ['both.local']);
  assert.deepEqual(dns.hostnamesFor('::1'), ['both.local']);
  ask(dns, 'four.local', 'A');
  assert.deepEqual(dns.hostnamesFor('127.0.0.21'), ['four.local']);
  assert.deepEqual(dns.hostnamesFor('127.0.0.20'), []);
  assert.deepEqual(dns.hostnamesFor('::1'), ['both.local']);
});

function faulty(plan: Partial<DnsFaultPlan>, random: () => number = () => 0) {
  const faults: string[] = [];
  const queried: string[] = [];
  const dns = makeHandler({
    faultsFor: (name) =>
      name.endsWith('.local') ? { plan: { ...NO_FAULTS, ...plan }, random, ruleId: 7 } : null,
    onFault: (kind: DnsFaultKind, ruleId) => faults.push(`${kind} ${ruleId}`),
    onQuery: (name) => queried.push(name),
  });
  return { dns, faults, queried };
}

test('timeout swallows the query and counts it', () => {
  const { dns, faults, queried } = faulty({ timeout: 1, servfail: 1, nxdomain: 1, delayMs: 100 });
  assert.equal(ask(dns, 'four.local', 'A').replies.length, 0);
  assert.deepEqual(faults, ['timeout 7']);
  assert.deepEqual(queried, ['four.local']);
});

test('servfail is synthesised before nxdomain', () => {
  const { dns, faults } = faulty({ servfail: 1, nxdomain: 1 });
  const reply = only(ask(dns, 'four.local', 'A'));
  assert.deepEqual(header(reply), { ...RESOLVED, rcode: 'SERVFAIL' });
  assert.deepEqual(reply.questions, [{ name: 'four.local', type: 'A', class: 'IN' }]);
  assert.deepEqual(reply.answers, []);
  assert.deepEqual(faults, ['servfail 7']);
});

test('nxdomain looks like a resolver relayed it: RD echoed, RA set, the SOA of the parent zone', () => {
  const { dns, faults } = faulty({ nxdomain: 1 });
  const reply = only(ask(dns, 'WWW.four.local', 'AAAA', { flags: 0 }));
  assert.deepEqual(header(reply), { ...RESOLVED, rcode: 'NXDOMAIN', rd: false });
  assert.deepEqual(reply.questions, [{ name: 'WWW.four.local', type: 'AAAA', class: 'IN' }]);
  assert.deepEqual(reply.answers, []);
  assert.deepEqual(
    reply.authorities!.map((r) => [r.type, r.name, (r as { ttl: number }).ttl]),
    [['SOA', 'four.local', 0]],
  );
  assert.deepEqual(faults, ['nxdomain 7']);
});

test('each probability is drawn in order from the seeded random', () => {
  const draws = [0.7, 0.2, 0.9];
  const { dns, faults } = faulty({ timeout: 0.5, servfail: 0.1, nxdomain: 0.95 }, () => draws.shift()!);
  assert.equal(only(ask(dns, 'four.local', 'A')).rcode, 'NXDOMAIN');
  assert.deepEqual(draws, []);
  assert.deepEqual(faults, ['nxdomain 7']);
});

test('probability 0 never fires, even when the random draws 0', () => {
  const { dns, faults } = faulty({});
  assert.equal(only(ask(dns, 'four.local', 'A')).rcode, 'NOERROR');
  assert.deepEqual(faults, []);
});

test('delay answers normally, only after delayMs', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const { dns, faults } = faulty({ delayMs: 250 });
  const delayed = ask(dns, 'four.local', 'A');
  const untouched = ask(dns, 'elsewhere.test', 'A');
  assert.equal(untouched.replies.length, 1);
  mock.timers.tick(249);
  assert.equal(delayed.replies.length, 0);
  mock.timers.tick(1);
  assert.deepEqual(addresses(only(delayed)), ['127.0.0.21']);
  assert.deepEqual(faults, ['delay 7']);
});

test('close() cancels delayed answers', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const { dns } = faulty({ delayMs: 250 });
  const delayed = ask(dns, 'four.local', 'A');
  dns.close();
  mock.timers.tick(1000);
  assert.equal(delayed.replies.length, 0);
});

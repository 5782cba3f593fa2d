import assert from 'node:assert/strict';
import { afterEach, mock, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { DnsHandler } from '../../src/dns/handler.js';
import { DnsStreamReader, DnsTcpSession } from '../../src/dns/tcp-framing.js';

const HOSTS = new Map([
  ['fast.local', ['127.0.0.40']],
  ['slow.local', ['127.0.0.41']],
]);

let handler: DnsHandler | null = null;
afterEach(() => {
  handler?.close();
  mock.timers.reset();
});

function session(): { session: DnsTcpSession; written: Uint8Array[] } {
  handler = new DnsHandler({
    upstreams: [],
    hosts: HOSTS,
    faultsFor: (name) =>
      name === 'slow.local'
        ? { plan: { delayMs: 100, timeout: 0, nxdomain: 0, servfail: 0 }, random: () => 0, ruleId: 1 }
        : null,
  });
  const written: Uint8Array[] = [];
  return { session: new DnsTcpSession(handler, (bytes) => written.push(bytes)), written };
}

function framed(id: number, name: string): Buffer {
  return dnsPacket.streamEncode({ type: 'query', id, questions: [{ type: 'A', name }] });
}

/** Each write must be exactly one length-prefixed message; returns the ids and first answers. */
function answers(written: Uint8Array[]): [number, string][] {
  return written.map((bytes) => {
    assert.equal((bytes[0]! << 8) | bytes[1]!, bytes.length - 2);
    const packet = dnsPacket.decode(Buffer.from(bytes.subarray(2)));
    return [packet.id!, (packet.answers![0] as dnsPacket.StringAnswer).data];
  });
}

const STREAM = Buffer.concat([framed(1, 'fast.local'), framed(2, 'fast.local'), framed(3, 'fast.local')]);
const EXPECTED: [number, string][] = [
  [1, '127.0.0.40'],
  [2, '127.0.0.40'],
  [3, '127.0.0.40'],
];

test('pipelined queries in one chunk get one framed answer each', () => {
  const { session: tcp, written } = session();
  tcp.push(STREAM);
  assert.deepEqual(answers(written), EXPECTED);
});

test('queries split at every byte boundary are reassembled', () => {
  for (let cut = 1; cut < STREAM.length; cut++) {
    const { session: tcp, written } = session();
    tcp.push(STREAM.subarray(0, cut));
    tcp.push(STREAM.subarray(cut));
    assert.deepEqual(answers(written), EXPECTED, `cut at ${cut}`);
    handler!.close();
  }
  const { session: tcp, written } = session();
  for (const byte of STREAM) tcp.push(Uint8Array.of(byte));
  assert.deepEqual(answers(written), EXPECTED);
});

test('answers are written as they are ready, out of order', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const { session: tcp, written } = session();
  tcp.push(Buffer.concat([framed(10, 'slow.local'), framed(11, 'fast.local')]));
  assert.deepEqual(answers(written), [[11, '127.0.0.40']]);
  mock.timers.tick(100);
  assert.deepEqual(answers(written), [
    [11, '127.0.0.40'],
    [10, '127.0.0.41'],
  ]);
});

test('after close() nothing more is written', () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  const { session: tcp, written } = session();
  tcp.push(framed(20, 'slow.local'));
  tcp.close();
  tcp.push(framed(21, 'fast.local'));
  mock.timers.tick(100);
  assert.deepEqual(written, []);
});

test('the reader keeps its own copy of a partial message when the caller reuses its chunk', () => {
  const messages: number[][] = [];
  const reader = new DnsStreamReader((message) => messages.push([...message]));
  const chunk = Uint8Array.of(0, 3, 7, 8);
  reader.push(chunk);
  chunk.fill(0xff);
  reader.push(Uint8Array.of(9, 0, 0));
  assert.deepEqual(messages, [[7, 8, 9], []]);
});

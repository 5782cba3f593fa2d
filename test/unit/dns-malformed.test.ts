import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as dnsPacket from 'dns-packet';
import { DnsHandler } from '../../src/dns/handler.js';

const handler = new DnsHandler({ upstreams: [], hosts: new Map([['host.local', ['127.0.0.30']]]) });
after(() => handler.close());

function replies(query: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  handler.handle(query, (response) => out.push(response));
  return out;
}

function header(id: number, flags: number, qdcount: number): number[] {
  return [id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, qdcount, 0, 0, 0, 0, 0, 0];
}

const VALID = dnsPacket.encode({
  type: 'query',
  id: 0x4242,
  flags: dnsPacket.RECURSION_DESIRED,
  questions: [{ type: 'A', name: 'host.local' }],
});

test('a readable header with an unreadable question gets FORMERR with the id and RD echoed', () => {
  const cases = {
    truncatedQuestion: VALID.subarray(0, VALID.length - 3),
    noQuestion: Uint8Array.from(header(0x4242, 0x0100, 0)),
    twoQuestions: Uint8Array.from([
      ...header(0x4242, 0x0100, 2),
      ...VALID.subarray(12),
      ...VALID.subarray(12),
    ]),
    labelTooLong: Uint8Array.from([
      ...header(0x4242, 0x0100, 1),
      64,
      ...new Array(64).fill(0x61),
      0,
      0,
      1,
      0,
      1,
    ]),
  };
  for (const [name, query] of Object.entries(cases)) {
    const out = replies(query);
    assert.equal(out.length, 1, name);
    // id 0x4242, QR | RD | RA | FORMERR, no records.
    assert.deepEqual([...out[0]!], [0x42, 0x42, 0x81, 0x81, 0, 0, 0, 0, 0, 0, 0, 0], name);
  }
});

test('an opcode other than QUERY gets NOTIMP with the opcode echoed', () => {
  const status = Uint8Array.from(VALID);
  status[2] = 0x11; // opcode 2 (STATUS), RD
  assert.deepEqual([...replies(status)[0]!.subarray(0, 4)], [0x42, 0x42, 0x91, 0x84]);
});

test('messages without a full header, and responses, are dropped', () => {
  assert.deepEqual(replies(new Uint8Array(0)), []);
  assert.deepEqual(replies(VALID.subarray(0, 11)), []);
  const response = Uint8Array.from(VALID);
  response[2]! |= 0x80;
  assert.deepEqual(replies(response), []);
});

test('10,000 random and mutated messages never throw; every reply is a response with the id', () => {
  // xorshift32, fixed seed: the same buffers on every run.
  let state = 0x9e3779b9;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 0x100000000;
  };
  let answered = 0;
  for (let i = 0; i < 10_000; i++) {
    let query: Uint8Array;
    if (i % 2 === 0) {
      query = Uint8Array.from({ length: Math.floor(next() * 80) }, () => Math.floor(next() * 256));
    } else {
      query = Uint8Array.from(VALID.subarray(0, 1 + Math.floor(next() * VALID.length)));
      for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) {
        query[Math.floor(next() * query.length)] = Math.floor(next() * 256);
      }
    }
    for (const response of replies(query)) {
      answered++;
      assert.ok(response.length >= 12);
      assert.equal(response[2]! & 0x80, 0x80);
      assert.deepEqual([...response.subarray(0, 2)], [...query.subarray(0, 2)]);
    }
  }
  // Most mutated queries keep a readable header, so a good share is answered.
  assert.ok(answered > 2000, `${answered} answered`);
});

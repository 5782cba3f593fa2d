import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildUdpPacket } from '../../stack/datagram.js';
import { Fragmenter } from '../../stack/ip/fragmentation.js';
import { DEFAULT_REASSEMBLY_LIMITS, Reassembler, type ReassemblyDiscard } from '../../stack/ip/reassembly.js';
import { newIpv4Repr, parseIpv4 } from '../../stack/wire/ipv4.js';

const SRC4 = new Uint8Array([10, 0, 2, 100]);
const DST4 = new Uint8Array([10, 0, 2, 2]);
const SRC6 = new Uint8Array([0xfd, 0, 0xfa, 0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
const DST6 = new Uint8Array([0xfd, 0, 0xfa, 0x17, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);

function datagram(family: 4 | 6, size: number, seed = 1): Uint8Array {
  const payload = new Uint8Array(size);
  for (let i = 0; i < size; i++) payload[i] = (i * 31 + seed) & 0xff;
  const buf = new Uint8Array(65_600);
  const len = buildUdpPacket(
    buf,
    family,
    family === 4 ? SRC4 : SRC6,
    0,
    4000,
    family === 4 ? DST4 : DST6,
    0,
    5000,
    payload,
    0,
    size,
  );
  return buf.slice(0, len);
}

function fragments(packet: Uint8Array, mtu: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  new Fragmenter(mtu).fragment(packet, (f) => out.push(f.slice()));
  return out;
}

/** An IPv4 packet `cut` bytes shorter, its total length to match. */
function truncated(packet: Uint8Array, cut: number): Uint8Array {
  const out = packet.slice(0, packet.length - cut);
  new DataView(out.buffer).setUint16(2, out.length);
  return out;
}

function reassembler(limits = DEFAULT_REASSEMBLY_LIMITS) {
  const discards: Partial<Record<ReassemblyDiscard, number>> = {};
  const r = new Reassembler(limits, (cause, n) => {
    discards[cause] = (discards[cause] ?? 0) + n;
  });
  return { r, discards };
}

function feed(r: Reassembler, pieces: Uint8Array[], now = 0): Uint8Array[] {
  const whole: Uint8Array[] = [];
  for (const p of pieces) {
    const w = r.add(p, now);
    if (w) whole.push(w);
  }
  return whole;
}

for (const family of [4, 6] as const) {
  test(`IPv${family}: fragments fit the MTU, carry 8-byte multiples, and reassemble to the same bytes in any order`, () => {
    for (const size of [1473, 8000, 30_000, 65_000]) {
      const packet = datagram(family, size);
      const pieces = fragments(packet, 1500);
      const header = family === 4 ? 20 : 48;
      assert.equal(
        pieces.length,
        Math.ceil((packet.length - (family === 4 ? 20 : 40)) / (1500 - header - ((1500 - header) % 8))),
      );
      for (const [i, p] of pieces.entries()) {
        assert.ok(p.length <= 1500, `fragment ${i} is ${p.length}`);
        if (i < pieces.length - 1) assert.equal((p.length - header) % 8, 0);
      }
      const { r, discards } = reassembler();
      assert.deepEqual(feed(r, pieces), [packet]);
      const reversed = reassembler();
      assert.deepEqual(feed(reversed.r, [...pieces].reverse()), [packet]);
      assert.deepEqual(discards, {});
      assert.deepEqual(r.pending, { datagrams: 0, bytes: 0 });
    }
  });
}

test('a packet within the MTU is not fragmented; IPv4 with DF set is refused', () => {
  assert.equal(
    new Fragmenter(1500).fragment(datagram(4, 1472), () => {}),
    0,
  );
  const df = datagram(4, 3000);
  df[6] |= 0x40;
  assert.equal(
    new Fragmenter(1500).fragment(df, () => {}),
    0,
  );
});

test('the reassembled IPv4 header is a valid unfragmented header', () => {
  const packet = datagram(4, 5000);
  const { r } = reassembler();
  const [whole] = feed(r, fragments(packet, 1280));
  const repr = newIpv4Repr();
  assert.equal(parseIpv4(whole!, 0, whole!.length, repr, true), true);
  assert.equal(repr.moreFragments, false);
  assert.equal(repr.fragmentOffset, 0);
  assert.equal(repr.totalLength, packet.length);
});

test('an overlapping fragment discards the whole datagram (RFC 5722), counting every fragment', () => {
  const pieces = fragments(datagram(4, 4000), 1500);
  const overlap = pieces[1]!.slice();
  // Moves the second fragment 8 bytes back: it now overlaps the first.
  const field = ((overlap[6]! << 8) | overlap[7]!) - 1;
  overlap[6] = field >>> 8;
  overlap[7] = field & 0xff;
  const { r, discards } = reassembler();
  assert.deepEqual(feed(r, [pieces[0]!, overlap, pieces[1]!, pieces[2]!]), []);
  assert.equal(discards.fragmentOverlap, 2);
  // The datagram is gone: the rest start a new one that never completes without its first piece.
  assert.equal(r.pending.datagrams, 1);
});

test('an exact duplicate fragment is ignored and counted; the datagram still completes once', () => {
  const packet = datagram(6, 4000);
  const pieces = fragments(packet, 1500);
  const { r, discards } = reassembler();
  assert.deepEqual(feed(r, [pieces[0]!, pieces[0]!, pieces[1]!, pieces[2]!, pieces[2]!]), [packet]);
  assert.equal(discards.fragmentDuplicate, 1);
  // The second copy of the last fragment starts a new datagram that never completes.
  assert.equal(r.pending.datagrams, 1);
});

test('an incomplete datagram is discarded when its time runs out: 30 s for IPv4, 60 s for IPv6', () => {
  const { r, discards } = reassembler();
  r.add(fragments(datagram(4, 4000), 1500)[0]!, 0);
  r.add(fragments(datagram(6, 4000), 1500)[0]!, 0);
  assert.equal(r.nextDeadline(), 30_000);
  r.expire(29_999);
  assert.equal(r.pending.datagrams, 2);
  r.expire(30_000);
  assert.deepEqual(discards, { fragmentTimeout: 1 });
  assert.equal(r.nextDeadline(), 60_000);
  r.expire(60_000);
  assert.deepEqual(discards, { fragmentTimeout: 2 });
  assert.deepEqual(r.pending, { datagrams: 0, bytes: 0 });
});

test('memory and datagram bounds: the oldest datagram goes first, and is counted', () => {
  const { r, discards } = reassembler({ ...DEFAULT_REASSEMBLY_LIMITS, maxDatagrams: 3 });
  for (let i = 0; i < 5; i++) {
    const first = fragments(datagram(4, 4000, i), 1500)[0]!;
    first[4] = i; // a distinct identification each
    r.add(first, 0);
  }
  assert.equal(r.pending.datagrams, 3);
  assert.deepEqual(discards, { fragmentLimit: 2 });

  const small = reassembler({ ...DEFAULT_REASSEMBLY_LIMITS, maxBytes: 4000 });
  const a = fragments(datagram(4, 8000, 1), 1500);
  for (const p of a.slice(0, 2)) small.r.add(p, 0);
  const b = fragments(datagram(4, 8000, 2), 1500).map((p) => {
    const q = p.slice();
    q[4] ^= 0xff;
    return q;
  });
  for (const p of b.slice(0, 2)) small.r.add(p, 0);
  assert.equal(small.r.pending.datagrams, 1, 'the first datagram made room for the second');
  assert.deepEqual(small.discards, { fragmentLimit: 2 });
  assert.ok(small.r.pending.bytes <= 4000);
});

test('a datagram past 64 KiB, a ragged middle fragment, or a second end is malformed', () => {
  const pieces = fragments(datagram(4, 4000), 1500);
  const past = pieces[0]!.slice();
  past[6] = 0x20 | 0x1f; // offset 8184 * 8 bytes, more fragments
  past[7] = 0xff;
  const ragged = truncated(pieces[0]!, 3);
  const { r, discards } = reassembler();
  assert.deepEqual(feed(r, [past, ragged]), []);
  assert.equal(discards.fragmentMalformed, 2);

  const twoEnds = reassembler();
  const end = pieces[2]!;
  assert.deepEqual(feed(twoEnds.r, [end, truncated(end, 8), pieces[0]!, pieces[1]!]), []);
  assert.equal(twoEnds.discards.fragmentMalformed, 2);
});

test('too many fragments for one datagram discard it', () => {
  const { r, discards } = reassembler({ ...DEFAULT_REASSEMBLY_LIMITS, maxFragments: 4 });
  const pieces = fragments(datagram(4, 8000), 1500);
  assert.equal(pieces.length, 6);
  assert.deepEqual(feed(r, pieces), []);
  assert.equal(discards.fragmentLimit, 5);
});

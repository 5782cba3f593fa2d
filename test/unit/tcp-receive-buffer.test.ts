import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InsertResult, ReceiveBuffer } from '../../stack/tcp/receive-buffer.js';
import type { TcpSackBlock } from '../../stack/wire/tcp.js';

const blocks = (rb: ReceiveBuffer, max = 4) => {
  const out: TcpSackBlock[] = Array.from({ length: 4 }, () => ({ left: 0, right: 0 }));
  const n = rb.sackBlocks(out, 0, max);
  return out.slice(0, n).map((b) => [b.left, b.right]);
};

test('SACK blocks go most recently received first (RFC 2018 section 4), whatever their order in sequence space', () => {
  const rb = new ReceiveBuffer(1 << 20, 0, 8);
  rb.init(1000);
  const data = new Uint8Array(100);
  assert.equal(rb.insert(5000, data, 0, 100), InsertResult.OUT_OF_ORDER);
  rb.insert(2000, data, 0, 100);
  rb.insert(3000, data, 0, 100);
  assert.deepEqual(blocks(rb), [
    [3000, 3100],
    [2000, 2100],
    [5000, 5100],
  ]);
  // A segment extending the highest range makes it the most recent again.
  rb.insert(5100, data, 0, 100);
  assert.deepEqual(blocks(rb, 3), [
    [5000, 5200],
    [3000, 3100],
    [2000, 2100],
  ]);
  // Filling the first hole absorbs the lowest range; the rest keep their order.
  assert.equal(rb.insert(1000, data.subarray(0, 100), 0, 100) & InsertResult.ADVANCED, InsertResult.ADVANCED);
  rb.insert(1100, new Uint8Array(900), 0, 900);
  assert.equal(rb.nxt, 2100);
  assert.deepEqual(blocks(rb), [
    [5000, 5200],
    [3000, 3100],
  ]);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/faults/rng.js';
import { TimerHeap } from '../../src/faults/timer-heap.js';

interface Entry {
  time: number;
  seq: number;
  heapIndex: number;
  id: number;
}

describe('TimerHeap', () => {
  it('pops by time, FIFO among equal times, and removes any entry', () => {
    const heap = new TimerHeap<Entry>();
    const rng = new Rng(3);
    const entries: Entry[] = [];
    for (let id = 0; id < 5000; id++) {
      const entry = { time: Math.floor(rng.next() * 100), seq: 0, heapIndex: -1, id };
      entries.push(entry);
      heap.push(entry);
    }
    const removed = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const entry = entries[Math.floor(rng.next() * entries.length)]!;
      heap.remove(entry);
      removed.add(entry.id);
      assert.equal(entry.heapIndex, -1);
    }
    assert.equal(heap.size, 5000 - removed.size);
    const order: Entry[] = [];
    for (let e = heap.pop(); e !== undefined; e = heap.pop()) order.push(e);
    const expected = entries.filter((e) => !removed.has(e.id)).sort((a, b) => a.time - b.time || a.id - b.id);
    assert.deepEqual(
      order.map((e) => e.id),
      expected.map((e) => e.id),
    );
    assert.equal(heap.peek(), undefined);
  });
});

/** What the heap orders: by time, then by insertion (FIFO among equal times). */
export interface TimerEntry {
  time: number;
  seq: number;
  /** Position in the heap, -1 when not in it (the heap maintains it). */
  heapIndex: number;
}

/**
 * The one timer structure of the fault engine: a binary min-heap of held packets keyed by release
 * time, with removal of any entry (a reorder-held packet released early by its window).
 */
export class TimerHeap<T extends TimerEntry> {
  private readonly items: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.items.length;
  }

  /** The earliest entry, or undefined. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(entry: T): void {
    entry.seq = this.nextSeq++;
    entry.heapIndex = this.items.length;
    this.items.push(entry);
    this.up(entry.heapIndex);
  }

  pop(): T | undefined {
    const top = this.items[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(entry: T): void {
    const i = entry.heapIndex;
    if (i < 0) return;
    const last = this.items.pop()!;
    entry.heapIndex = -1;
    if (last === entry) return;
    this.items[i] = last;
    last.heapIndex = i;
    this.down(i);
    this.up(last.heapIndex);
  }

  private less(a: T, b: T): boolean {
    return a.time < b.time || (a.time === b.time && a.seq < b.seq);
  }

  private up(i: number): void {
    const items = this.items;
    const entry = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent]!;
      if (!this.less(entry, p)) break;
      items[i] = p;
      p.heapIndex = i;
      i = parent;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }

  private down(i: number): void {
    const items = this.items;
    const n = items.length;
    const entry = items[i]!;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && this.less(items[child + 1]!, items[child]!)) child++;
      const c = items[child]!;
      if (!this.less(c, entry)) break;
      items[i] = c;
      c.heapIndex = i;
      i = child;
    }
    items[i] = entry;
    entry.heapIndex = i;
  }
}

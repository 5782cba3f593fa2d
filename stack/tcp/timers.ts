// One deadline structure for every connection: a binary min-heap of items keyed by deadline.
// Pushing a deadline later (an RTO restarted by each new ACK) only writes `deadline`: the stale,
// earlier heap key pops first and the item is re-filed. Only an earlier deadline sifts.

export interface TimerItem {
  /** Wanted expiry in ms; 0 = none. */
  deadline: number;
  /** Heap bookkeeping: position (-1 when absent) and the key it is filed under. */
  timerIndex: number;
  timerKey: number;
}

export class TimerHeap<T extends TimerItem> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Earliest key filed (may be earlier than a real deadline); Infinity when empty. */
  nextKey(): number {
    return this.items.length > 0 ? this.items[0]!.timerKey : Number.POSITIVE_INFINITY;
  }

  /** Call after changing `item.deadline`. */
  update(item: T): void {
    if (item.deadline === 0) return;
    if (item.timerIndex < 0) {
      item.timerKey = item.deadline;
      item.timerIndex = this.items.length;
      this.items.push(item);
      this.siftUp(item.timerIndex);
    } else if (item.deadline < item.timerKey) {
      item.timerKey = item.deadline;
      this.siftUp(item.timerIndex);
    }
  }

  remove(item: T): void {
    const i = item.timerIndex;
    if (i < 0) return;
    const last = this.items.pop()!;
    item.timerIndex = -1;
    if (last !== item) {
      this.items[i] = last;
      last.timerIndex = i;
      this.siftDown(i);
      this.siftUp(last.timerIndex);
    }
  }

  /** Next item whose deadline is at or before `now`, removed from the heap; null when none. */
  popExpired(now: number): T | null {
    const items = this.items;
    while (items.length > 0 && items[0]!.timerKey <= now) {
      const top = items[0]!;
      if (top.deadline !== 0 && top.deadline <= now) {
        this.remove(top);
        return top;
      }
      if (top.deadline === 0) {
        this.remove(top);
      } else {
        top.timerKey = top.deadline;
        this.siftDown(0);
      }
    }
    return null;
  }

  private siftUp(i: number): void {
    const items = this.items;
    const item = items[i]!;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const parent = items[p]!;
      if (parent.timerKey <= item.timerKey) break;
      items[i] = parent;
      parent.timerIndex = i;
      i = p;
    }
    items[i] = item;
    item.timerIndex = i;
  }

  private siftDown(i: number): void {
    const items = this.items;
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= n) break;
      if (c + 1 < n && items[c + 1]!.timerKey < items[c]!.timerKey) c++;
      const child = items[c]!;
      if (child.timerKey >= item.timerKey) break;
      items[i] = child;
      child.timerIndex = i;
      i = c;
    }
    items[i] = item;
    item.timerIndex = i;
  }
}

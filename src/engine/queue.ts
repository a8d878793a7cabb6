/**
 * Queues kept in plain arrays and consumed from the front by a head index: `shift()` is O(n),
 * and a ring buffer is more code than most queues need. The consumed front is dropped in place
 * once it is longer than a threshold and at least half the array, so each item costs O(1)
 * amortised and nothing is allocated. One rule for every such queue in the model.
 */

/**
 * Drop `items[0..head)` when `head > minHead` and the consumed front is more than half the
 * array; returns the head to use from now on (0 after a trim, else `head`).
 */
export function trimFront<T>(items: T[], head: number, minHead: number): number {
  if (head > minHead && head * 2 > items.length) {
    // copyWithin and a shorter length, not splice(0, head): splice returns the removed items as
    // a new array, an allocation of `head` slots at every trim.
    const n = items.length - head;
    items.copyWithin(0, head);
    items.length = n;
    return 0;
  }
  return head;
}

/** A FIFO over one array and a head index (trimFront): O(1) amortised shift, no per-item allocation. */
export class Fifo<T> {
  private readonly items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }
  push(x: T): void {
    this.items.push(x);
  }
  peek(): T | undefined {
    return this.items[this.head];
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const x = this.items[this.head]!;
    this.items[this.head++] = undefined as unknown as T; // let the item be collected
    this.head = trimFront(this.items, this.head, 64);
    return x;
  }
}

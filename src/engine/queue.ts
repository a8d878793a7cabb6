/**
 * Queues. Arrays consumed from the front by a head index (`shift()` is O(n)) drop their consumed
 * front in place once it is longer than a threshold and at least half the array (trimFront), so
 * each item costs O(1) amortised: one rule for every such array in the model. A queue that is
 * only pushed and shifted is a Fifo, a ring: a trimmed array's backing store shrinks at each trim
 * and is grown again by the pushes that follow, an allocation every few items on a per-frame queue.
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

/**
 * A FIFO in a ring of slots whose capacity is a power of two, doubled when full: O(1) push and
 * shift, no allocation once it has grown to the most items it holds at once.
 */
export class Fifo<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(16).fill(undefined);
  private head = 0;
  private count = 0;

  get length(): number {
    return this.count;
  }
  push(x: T): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = x;
    this.count++;
  }
  peek(): T | undefined {
    return this.count === 0 ? undefined : this.items[this.head];
  }
  shift(): T | undefined {
    if (this.count === 0) return undefined;
    const x = this.items[this.head];
    this.items[this.head] = undefined; // let the item be collected
    this.head = (this.head + 1) & (this.items.length - 1);
    this.count--;
    return x;
  }
  private grow(): void {
    const cap = this.items.length;
    const bigger = new Array<T | undefined>(cap * 2).fill(undefined);
    for (let i = 0; i < this.count; i++) bigger[i] = this.items[(this.head + i) & (cap - 1)];
    this.items = bigger;
    this.head = 0;
  }
}

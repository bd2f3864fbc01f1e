/**
 * A map of at most `capacity` entries that drops the least recently used one first (a Map iterates in
 * insertion order; a hit moves its key to the end). For caches keyed by what clients choose freely, such as
 * their `attributes` lists: a bound keeps them from growing memory, and a miss only costs recomputing.
 */
export class BoundedLru<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(readonly capacity: number) {}

  /** The value of `key`, computed by `make` (and kept) when it is not at hand. */
  getOrCreate(key: K, make: () => V): V {
    let value = this.entries.get(key);
    if (value !== undefined || this.entries.has(key)) {
      this.entries.delete(key);
    } else {
      value = make();
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, value as V);
    return value as V;
  }

  get size(): number {
    return this.entries.size;
  }
}

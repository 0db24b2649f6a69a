/**
 * A least-recently-used cache with the part of mnemonist's `LRUCache` API that the SDK's
 * endpoint-discovery cache (`@aws-sdk/endpoint-cache`, inside every DynamoDB client) calls:
 * `get`, `set`, `has`, `peek`, `clear`. Lambda bundles alias `mnemonist/lru-cache` to this
 * (`infra/bundling.ts`): mnemonist and its iterator helpers are about 7 KB of every bundle, for a
 * cache that holds an endpoint or two. A `Map` keeps insertion order, which is the recency order.
 */
export class LruCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The value, now the most recently used. */
  get(key: K): V | undefined {
    if (!this.entries.has(key)) return undefined;
    const value = this.entries.get(key) as V;
    this.entries.delete(key);
    this.entries.set(key, value);
    return value;
  }

  /** The value, without changing its recency. */
  peek(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** Stores the value as the most recently used, evicting the least recently used beyond capacity. */
  set(key: K, value: V): this {
    this.entries.delete(key);
    this.entries.set(key, value);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as K);
    return this;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** `import LRUCache from "mnemonist/lru-cache"`, as the aliased module is imported. */
export default LruCache;

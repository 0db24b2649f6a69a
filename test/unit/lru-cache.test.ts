import { describe, expect, it } from '@jest/globals';
import { LruCache } from '../../shared/adapters/lru-cache.js';

describe('LruCache (what bundles use for mnemonist/lru-cache)', () => {
  it('evicts the least recently used entry beyond its capacity, a read counting as a use', () => {
    // Arrange
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    // Act
    cache.get('a');
    cache.set('c', 3);
    // Assert
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.size).toBe(2);
  });

  it('peeks without changing the order', () => {
    // Arrange
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1).set('b', 2);
    // Act
    expect(cache.peek('a')).toBe(1);
    cache.set('c', 3);
    // Assert
    expect(cache.has('a')).toBe(false);
  });

});

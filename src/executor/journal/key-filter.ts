/**
 * Which action keys a journal may hold, when it was empty at open: a Bloom filter of the keys
 * registered since. "No" is certain (the row does not exist, so registering it needs no
 * lookup); "maybe" (a key registered before, or a few percent of the others: about 2 % per
 * filter, and one filter is added each time the count doubles) sends the caller to the
 * database as before. At least 10 bits per key, in filters that double: about 8 MB at 2
 * million actions, where a set of the keys would hold tens of megabytes.
 */
export class KeyFilter {
  /** Filters from oldest to newest; keys go into the newest, which doubles when it is full. */
  private readonly filters: { bits: Uint32Array; size: number; capacity: number }[] = [];

  constructor(initialCapacity = 100_000) {
    this.grow(initialCapacity);
  }

  add(key: string): void {
    let newest = this.filters[this.filters.length - 1]!;
    if (newest.size >= newest.capacity) newest = this.grow(newest.capacity * 2);
    const [h1, h2] = hashes(key);
    const mask = newest.bits.length * 32 - 1;
    for (let i = 0; i < HASHES; i++) {
      const bit = (h1 + i * h2) & mask;
      newest.bits[bit >>> 5]! |= 1 << (bit & 31);
    }
    newest.size += 1;
  }

  /** False only for a key never added. */
  mightHave(key: string): boolean {
    const [h1, h2] = hashes(key);
    return this.filters.some(({ bits }) => {
      const mask = bits.length * 32 - 1;
      for (let i = 0; i < HASHES; i++) {
        const bit = (h1 + i * h2) & mask;
        if ((bits[bit >>> 5]! & (1 << (bit & 31))) === 0) return false;
      }
      return true;
    });
  }

  private grow(capacity: number) {
    // A power of two of 32-bit words, at least BITS_PER_KEY bits per key.
    let words = 1;
    while (words * 32 < capacity * BITS_PER_KEY) words *= 2;
    const filter = { bits: new Uint32Array(words), size: 0, capacity };
    this.filters.push(filter);
    return filter;
  }
}

const HASHES = 3;
const BITS_PER_KEY = 10;

/** Two independent 32-bit FNV-1a style hashes of a string (double hashing gives the rest). */
function hashes(key: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ key.length;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
  }
  b ^= b >>> 15;
  // An odd step, so the probes of one key never collapse onto one bit.
  return [a >>> 0, (b | 1) >>> 0];
}

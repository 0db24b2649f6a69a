/**
 * HyperLogLog (Flajolet et al. 2007, with the small-range correction): the number of distinct
 * visitors, in a sketch that merges by taking each register's maximum, so that the visitors of
 * several days are counted once each without keeping who they were. 2^10 registers give a
 * standard error of about 1.04/√1024 ≈ 3.3 %; below about 2.5 × 1024 visitors the estimate is
 * linear counting, which is all but exact for small counts.
 *
 * The sketch is stored as the set of `(register, rank)` pairs it has seen, each as one number
 * `register × 64 + rank`: DynamoDB's `ADD` on a number set is an unconditional, idempotent union, so
 * a visit updates the stored sketch in one write without reading it, and a register's value is
 * the largest rank stored for it.
 */
export const HLL_PRECISION = 10;
export const HLL_REGISTERS = 1 << HLL_PRECISION;

/** The sketch element of a 64-bit hash given as eight bytes (or more; the first eight are used). */
export function sketchElement(hash: Uint8Array): number {
  const view = new DataView(hash.buffer, hash.byteOffset, 8);
  const hi = view.getUint32(0);
  const lo = view.getUint32(4);
  const register = hi >>> (32 - HLL_PRECISION);
  // The rank is the position of the first 1 bit in the remaining 54 bits (1-based), at most 55.
  const restHi = (hi << HLL_PRECISION) >>> 0;
  const zeros = restHi !== 0 ? Math.clz32(restHi) : 32 - HLL_PRECISION + (lo !== 0 ? Math.clz32(lo) : 32);
  const rank = Math.min(zeros, 64 - HLL_PRECISION) + 1;
  return register * 64 + rank;
}

/** A sketch's registers, built from stored elements and merged with others. */
export class Sketch {
  readonly registers = new Uint8Array(HLL_REGISTERS);

  /** Adds stored elements (`register × 64 + rank`); anything out of range is ignored. */
  addElements(elements: Iterable<number>): this {
    for (const element of elements) {
      const register = Math.floor(element / 64);
      const rank = element % 64;
      if (register >= HLL_REGISTERS || rank < 1) continue;
      if (rank > (this.registers[register] ?? 0)) this.registers[register] = rank;
    }
    return this;
  }

  /** Register-wise maximum: afterwards this sketch counts the union of both. */
  merge(other: Sketch): this {
    for (let index = 0; index < HLL_REGISTERS; index += 1) {
      const rank = other.registers[index] ?? 0;
      if (rank > (this.registers[index] ?? 0)) this.registers[index] = rank;
    }
    return this;
  }

  /** The estimated number of distinct elements, rounded. */
  estimate(): number {
    const m = HLL_REGISTERS;
    let sum = 0;
    let zeros = 0;
    for (const rank of this.registers) {
      sum += 2 ** -rank;
      if (rank === 0) zeros += 1;
    }
    const alpha = 0.7213 / (1 + 1.079 / m);
    const raw = (alpha * m * m) / sum;
    if (raw <= 2.5 * m && zeros > 0) return Math.round(m * Math.log(m / zeros));
    return Math.round(raw);
  }
}

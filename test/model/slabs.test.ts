import { describe, expect, it } from "vitest";
import { Slabs } from "../../src/model/slabs.js";

describe("slabs", () => {
  it("carve arrays that never overlap, each aligned for its type, and start a slab when one is full", () => {
    const slabs = new Slabs();
    const arrays = [slabs.uint8(3), slabs.float64(5), slabs.int32(7), slabs.uint8(1), slabs.float64(2)];
    arrays.forEach((array, i) => array.fill(i + 1));
    arrays.forEach((array, i) => expect([...array].every((value) => value === i + 1)).toBe(true));
    for (const array of arrays) expect(array.byteOffset % 8).toBe(0);
    expect(slabs.buffers).toHaveLength(1);
    // 48 MiB slabs: five arrays of 8 MiB fit beside the small ones, the sixth starts the next.
    const big = Array.from({ length: 7 }, () => slabs.float64(2 ** 20));
    expect(slabs.buffers).toHaveLength(2);
    expect(big[4]!.buffer).toBe(arrays[0]!.buffer);
    expect(big[5]!.buffer).not.toBe(big[4]!.buffer);
    expect(() => slabs.float64(7 * 2 ** 20)).toThrow(/bigger than a slab/);
  });
});

import { describe, expect, it } from "vitest";
import { KeyFilter } from "../../../src/executor/journal/key-filter.js";

describe("KeyFilter", () => {
  it("never says no to a key it was given, however many it holds", () => {
    const filter = new KeyFilter(1_000);
    const keys = Array.from(
      { length: 20_000 },
      (_, i) => `watched:user${i % 7}:${(i * 2654435761).toString(16)}`,
    );
    for (const key of keys) filter.add(key);
    expect(keys.every((key) => filter.mightHave(key))).toBe(true);
  });

  it("says no to almost every key it was not given, also after growing", () => {
    const filter = new KeyFilter(1_000);
    for (let i = 0; i < 20_000; i++) filter.add(`in:${i}`);
    const others = Array.from({ length: 20_000 }, (_, i) => `out:${i}`);
    const maybes = others.filter((key) => filter.mightHave(key)).length;
    // Five filters of about 2 % false positives each at most.
    expect(maybes / others.length).toBeLessThan(0.08);
    expect(new KeyFilter().mightHave("anything")).toBe(false);
  });
});

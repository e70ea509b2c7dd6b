import { afterEach, describe, expect, it } from "vitest";
import { Deadlines } from "../../src/sandbox/deadlines.js";

const opened: Deadlines[] = [];
afterEach(() => {
  for (const deadlines of opened.splice(0)) deadlines.close();
});

function deadlines(options?: { timer?: boolean }): Deadlines {
  const made = new Deadlines(options);
  opened.push(made);
  return made;
}

/** Waits for deadlines 1–15 ms ahead, given out of order; how early each one resolved (≤ 0: not early). */
async function earliness(clock: Deadlines): Promise<number[]> {
  const offsets = Array.from({ length: 40 }, (_, i) => 1 + ((i * 7.3) % 14));
  return Promise.all(
    offsets.map(async (offset) => {
      const due = performance.now() + offset;
      await clock.until(due);
      return due - performance.now();
    }),
  );
}

describe("sandbox deadlines (the latency's clock)", () => {
  it("never resolves a wait before its deadline, whatever the order they come in", async () => {
    for (const early of await earliness(deadlines())) expect(early).toBeLessThanOrEqual(0);
  });

  it("wakes each wait from its helper thread alone, fractions of a millisecond apart, never early", async () => {
    // Without the timer, a broken helper thread leaves these waits pending: the test times out.
    for (const early of await earliness(deadlines({ timer: false }))) expect(early).toBeLessThanOrEqual(0);
    const clock = deadlines({ timer: false });
    const due = performance.now() + 2.5;
    await Promise.all([clock.until(due), clock.until(due + 0.3), clock.until(due - 0.2)]);
    expect(performance.now()).toBeGreaterThanOrEqual(due + 0.3);
  });

  it("resolves a deadline already past at once, and every pending wait when closed", async () => {
    const clock = deadlines();
    await clock.until(performance.now() - 5);
    const pending = clock.until(performance.now() + 60_000);
    clock.close();
    await pending;
  });
});

import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { createProgress } from "../../src/cli/progress.js";

function capture() {
  const stream = new PassThrough();
  let text = "";
  stream.on("data", (chunk) => {
    text += chunk;
  });
  return { stream, text: () => text };
}

describe("plain-line progress (not a terminal)", () => {
  it("prints a line per interval with count, total, rate and ETA, and a final line", () => {
    let clock = 0;
    const out = capture();
    const progress = createProgress({
      stream: out.stream,
      isTTY: false,
      intervalSeconds: 5,
      now: () => clock,
    });
    const task = progress.task("applying", 100);
    clock = 1000;
    task.tick(10); // within the interval: silent
    expect(out.text()).toBe("");
    clock = 5000;
    task.tick(40);
    expect(out.text()).toBe("applying: 50/100 (10/s, ETA 5.0s)\n");
    clock = 10_000;
    task.tick(50);
    task.finish();
    expect(out.text().split("\n")[2]).toBe("applying: done, 100/100 (10/s, 10s)");
  });

  it("works without a known total", () => {
    let clock = 0;
    const out = capture();
    const task = createProgress({ stream: out.stream, isTTY: false, now: () => clock }).task("reading");
    clock = 2000;
    task.tick(7);
    task.finish();
    expect(out.text()).toBe("reading: done, 7 (4/s, 2.0s)\n");
  });
});

describe("bar progress (terminal)", () => {
  it("draws a bar with counts on the stream", async () => {
    const out = capture();
    const progress = createProgress({ stream: out.stream, isTTY: true });
    const task = progress.task("indexing", 10);
    task.tick(10);
    task.finish();
    progress.stop();
    expect(out.text()).toContain("indexing");
    expect(out.text()).toContain("10/10");
  });
});

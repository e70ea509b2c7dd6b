import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { barLine, createProgress } from "../../src/cli/progress.js";
import { replay } from "../helpers/screen.js";
import { fakeTerminal } from "../helpers/tty.js";

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

/** The last drawn line of a bar on a fake terminal, as a person would see it. */
function lastLine(text: string, columns = 80): string {
  const lines = replay(text, columns).lines.filter((line) => line !== "");
  return lines.at(-1) ?? "";
}

describe("bar progress on a terminal (issue 13 item 10)", () => {
  it("draws an empty bar and '…' while the total is unknown, never a full bar at 0/0", () => {
    const term = fakeTerminal(80);
    let clock = 0;
    const progress = createProgress({ stream: term.stream, isTTY: true, now: () => clock });
    const task = progress.task("reading");
    clock = 2000;
    task.tick(5);
    progress.stop();
    const line = lastLine(term.text());
    expect(line).toContain("5/…");
    expect(line).toContain("ETA …");
    expect(line).not.toContain("\u2588");
  });

  it("keeps count, rate and ETA whole at 80 columns, shrinking the bar instead", () => {
    const term = fakeTerminal(80);
    let clock = 0;
    const progress = createProgress({ stream: term.stream, isTTY: true, now: () => clock });
    const task = progress.task("rolling back", 1_234_567);
    clock = 61_000;
    task.tick(123_456);
    progress.stop();
    const line = lastLine(term.text());
    expect(line).toMatch(/\[[\u2588\u2591]+\] 123456\/1234567 \| 2024\/s \| ETA 9m\d\ds$/);
    expect(line.length).toBeLessThan(80);
  });

  it.each([120, 80, 60, 40])("fits a line into %i columns and keeps the figures", (columns) => {
    const line = barLine(
      { label: "applying", value: 4321, total: 98_765, started: 0, finishedAt: undefined },
      columns,
      10_000,
    );
    expect(line.length).toBeLessThan(columns);
    expect(line).toContain("4321/98765 | 432/s | ETA 3m39s");
  });

  it("on a terminal too narrow for every figure, keeps the count and then the ETA", () => {
    const state = { label: "applying", value: 4321, total: 98_765, started: 0, finishedAt: undefined };
    expect(barLine(state, 30, 10_000)).toBe("apply… 4321/98765 | ETA 3m39s");
    expect(barLine(state, 16, 10_000)).toBe("app… 4321/98765");
  });

  it("says how long a finished task took instead of an ETA", () => {
    const line = barLine({ label: "indexing", value: 10, total: 10, started: 0, finishedAt: 2500 }, 80, 9000);
    expect(line).toMatch(/\[\u2588+\] 10\/10 \| 4\/s \| done in 2\.5s$/);
  });

  it("prints lines above live bars, so neither is drawn over the other", async () => {
    const term = fakeTerminal(80);
    const progress = createProgress({ stream: term.stream, isTTY: true });
    const task = progress.task("applying", 10);
    task.tick(3);
    expect(progress.print("WARNING: first note\n")).toBe(true);
    expect(progress.print("second note")).toBe(true);
    task.tick(7);
    task.finish();
    progress.stop();
    expect(progress.print("after the end")).toBe(false);
    const screen = replay(term.text()).lines.filter((line) => line !== "");
    expect(screen[0]).toBe("WARNING: first note");
    expect(screen[1]).toBe("second note");
    expect(screen[2]).toMatch(/^applying +\[\u2588+\] 10\/10 /);
    expect(screen).toHaveLength(3);
  });

  it("shows the cursor and turns line wrap back on when it stops", () => {
    const term = fakeTerminal(80);
    const progress = createProgress({ stream: term.stream, isTTY: true });
    progress.task("applying", 2).tick(1);
    expect(replay(term.text()).cursorVisible).toBe(false);
    progress.stop();
    const screen = replay(term.text());
    expect(screen.cursorVisible).toBe(true);
    expect(screen.wrap).toBe(true);
  });
});

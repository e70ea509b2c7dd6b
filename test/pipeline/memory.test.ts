import { afterEach, describe, expect, it, vi } from "vitest";

const flags = vi.hoisted(() => [] as string[]);
vi.mock("node:v8", async (importOriginal) => ({
  ...(await importOriginal<typeof import("node:v8")>()),
  setFlagsFromString: (flag: string) => flags.push(flag),
}));

const { collectSooner } = await import("../../src/pipeline/memory.js");

afterEach(() => {
  flags.length = 0;
  vi.unstubAllEnvs();
});

describe("collectSooner", () => {
  it("sets the collector once for nested callers and puts the default back after the last", () => {
    const rehearsal = collectSooner();
    const plan = collectSooner();
    expect(flags).toEqual(["--heap-growing-percent=30"]);
    plan();
    // A rehearsal plans several times: the inner plan's end must not undo the rehearsal's setting.
    expect(flags).toEqual(["--heap-growing-percent=30"]);
    rehearsal();
    expect(flags).toEqual(["--heap-growing-percent=30", "--heap-growing-percent=0"]);
  });

  it("counts a release called twice once", () => {
    const outer = collectSooner();
    const inner = collectSooner();
    inner();
    inner();
    expect(flags).toEqual(["--heap-growing-percent=30"]);
    outer();
    expect(flags.at(-1)).toBe("--heap-growing-percent=0");
  });

  it("leaves a setting the person chose alone", () => {
    vi.stubEnv("NODE_OPTIONS", "--heap-growing-percent=20");
    collectSooner()();
    expect(flags).toEqual([]);
  });
});

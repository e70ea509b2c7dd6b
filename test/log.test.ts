import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { RunLog } from "../src/log.js";
import { expectExit, SENTINEL_API_KEY, world } from "./e2e/helpers.js";
import { plexFixture, TOKEN } from "./readers/plex-api/helpers.js";

const plex = plexFixture();
const dir = mkdtempSync(join(tmpdir(), "plexodus-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Line = Record<string, unknown> & { type: string; time: string };

function lines(path: string): Line[] {
  return readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as Line);
}

describe("--log FILE", () => {
  it("writes a line per request and decision of a run through the Plex API, and no secret", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const log = join(w.dir, "support.log");
    // From the environment, as a support request would ask for it.
    const result = await w.cli(
      ["migrate", "--plex-url", plex().sandbox.url, "--plex-token", TOKEN, ...w.flags().slice(2)],
      { PLEXODUS_LOG: log },
    );
    expectExit(result, 0);
    expect(statSync(log).mode & 0o777).toBe(0o600);
    const entries = lines(log);
    const requests = entries.filter((entry) => entry.type === "request");
    for (const request of requests) {
      expect(request).toMatchObject({
        method: expect.any(String),
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:/),
      });
      expect(typeof request.durationMs).toBe("number");
    }
    expect(requests.some((r) => String(r.url).startsWith(plex().sandbox.url) && r.status === 200)).toBe(true);
    expect(requests.some((r) => String(r.url).startsWith(w.box.url) && r.method === "POST")).toBe(true);
    const decisions = new Set(entries.filter((e) => e.type === "decision").map((e) => e.decision));
    expect([...decisions].sort()).toEqual(["match", "outcome", "planned", "skip", "unmatched", "user"]);
    expect(entries.find((e) => e.decision === "unmatched")).toMatchObject({
      subject: "movie Birthday 2019 (2019)",
      reason: "no-candidate",
    });
    expect(entries.find((e) => e.decision === "outcome" && e.subject === "Kids")).toMatchObject({
      outcome: "applied",
    });

    const text = readFileSync(log, "utf8");
    const passwords = readFileSync(w.credentials, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("\t")[1]!);
    for (const secret of [TOKEN, SENTINEL_API_KEY, ...passwords]) {
      expect(text.includes(secret), `a secret is in the log: ${secret.slice(0, 4)}…`).toBe(false);
    }
  }, 120_000);

  it("is off by default: a run without it leaves no log", async () => {
    const w = await world({ kind: "emby", version: "4.9" });
    expectExit(await w.cli(["plan", ...w.readFlags()]), 0);
    expect(readdirSync(w.dir).filter((name) => name.endsWith(".log"))).toEqual([]);
  }, 60_000);

  it("masks keys in URLs and every registered secret, even in details", () => {
    const path = join(dir, "unit.log");
    const log = new RunLog(path, (text) => text.split("hunter2hunter2").join("***"));
    log.record({
      type: "request",
      method: "GET",
      url: "http://t/api?apikey=abc123&x=1",
      status: 200,
      durationMs: 3,
    });
    log.record({ type: "decision", decision: "outcome", subject: "x", reason: "refused hunter2hunter2" });
    log.close();
    const text = readFileSync(path, "utf8");
    expect(text).toContain("apikey=***");
    expect(text).not.toContain("abc123");
    expect(text).not.toContain("hunter2hunter2");
    expect(text.trim().split("\n")).toHaveLength(2);
  });
});

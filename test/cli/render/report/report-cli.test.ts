import { existsSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectExit, SENTINEL_API_KEY, world } from "../../../e2e/helpers.js";

/** Names and titles of what the run below leaves out: none may appear in what it writes. */
const EXCLUDED = ["Kids", "Music", "Radiohead", "OK Computer", "Airbag", "Paranoid Android", "Road Trip"];

describe("--report and --summary-md through the CLI", () => {
  it("plan, migrate, verify and apply each write a report and a summary", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const outputs = (name: string) => ["--report", `${name}.html`, "--summary-md", "summary.md"];
    const plan = await w.cli(["plan", "--out", "plan.json", ...w.readFlags(outputs("plan"))]);
    expectExit(plan, 0);
    expect(plan.stdout).toContain(`Report written to ${join(w.dir, "plan.html")}`);
    expectExit(await w.cli(["migrate", "--dry-run", ...w.flags(outputs("dry-run"))]), 0);
    const apply = await w.cli([
      "apply",
      "--plan",
      "plan.json",
      "--journal",
      w.journal,
      "--credentials-file",
      w.credentials,
      ...outputs("apply"),
    ]);
    expectExit(apply, 0);
    expect(apply.stdout).toContain("What moved, per person (confirmed by the target):");
    expect(apply.stdout).toMatch(/ {2}admin: 4 items marked played \(16 plays added\)/);
    expectExit(await w.cli(["verify", ...w.readFlags(outputs("verify"))]), 0);

    const read = (name: string) => readFileSync(join(w.dir, name), "utf8");
    expect(read("plan.html")).toContain("Dry run: what a migration would change");
    expect(read("dry-run.html")).toContain("plexodus migrate report");
    const applied = read("apply.html");
    expect(applied).toContain("Migration run: what the target confirmed");
    // A saved plan holds no source counts: the report says so instead of showing zeros.
    expect(applied).toContain("This run executed a saved plan");
    expect(read("verify.html")).toContain("Verification: where the target disagrees");
    for (const name of ["plan.html", "dry-run.html", "apply.html", "verify.html"]) {
      expect(read(name)).toMatch(/^<!doctype html>/);
      expect(statSync(join(w.dir, name)).mode & 0o777).toBe(0o600);
    }
    // The summary is appended to, as CI job summary files are: four runs, four sections.
    const summary = read("summary.md");
    expect(summary.match(/^## plexodus /gm)).toHaveLength(4);
    expect(summary).toContain("| admin | plexowner |");
  }, 120_000);

  it("a run that leaves people and libraries out names none of them, and holds no secret", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const result = await w.cli([
      "migrate",
      ...w.flags([
        "--exclude-users",
        "Kids",
        "--exclude-libraries",
        "Music",
        "--user-map",
        "Kids=Kiddo",
        "--report",
        "report.html",
        "--summary-md",
        "summary.md",
        "--log",
        "run.log",
      ]),
    ]);
    expectExit(result, 0);
    const report = readFileSync(join(w.dir, "report.html"), "utf8");
    const summary = readFileSync(join(w.dir, "summary.md"), "utf8");
    // The run did migrate the others: the files are about something.
    expect(report).toContain("The Matrix");
    expect(report).toContain("left out");
    expect(summary).toContain("| admin |");
    for (const text of [report, summary]) {
      for (const name of EXCLUDED) expect(text.includes(name), `"${name}" is in the report`).toBe(false);
    }
    const passwords = readFileSync(w.credentials, "utf8")
      .trim()
      .split("\n")
      .map((line) => line.split("\t")[1]!);
    expect(passwords.length).toBeGreaterThan(0);
    const log = readFileSync(join(w.dir, "run.log"), "utf8");
    for (const text of [report, summary, log]) {
      for (const secret of [SENTINEL_API_KEY, ...passwords]) expect(text.includes(secret)).toBe(false);
    }
  }, 120_000);

  it("a report path in a missing folder is refused before anything is read (exit 3)", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const before = w.box.requests.length;
    const result = await w.cli(["migrate", ...w.flags(["--report", "missing/report.html"])]);
    expectExit(result, 3);
    expect(result.stderr).toContain(
      `--report missing/report.html: the folder ${join(w.dir, "missing")} does not exist`,
    );
    expect(w.box.requests.length).toBe(before);
    expect(existsSync(w.journal)).toBe(false);
  }, 60_000);

  it("refuses to replace or append to a file that is not its own (exit 3), and touches nothing", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    const notes = join(w.dir, "notes.txt");
    writeFileSync(notes, "root:x:0:0:root:/root:/bin/bash\n");
    const plan = join(w.dir, "plan.json");
    writeFileSync(plan, '{"version":1}\n');
    const before = w.box.requests.length;
    const cases: Array<[string[], string]> = [
      [
        ["migrate", ...w.flags(["--report", "plan.json"])],
        `--report plan.json: ${plan} holds something else`,
      ],
      [["plan", ...w.readFlags(["--report", "."])], `--report .: ${w.dir} is a folder`],
      // demo takes its own --summary-md, not through the option table's checks.
      [["demo", "--summary-md", " "], '--summary-md " ": no file name'],
      [["migrate", ...w.flags(["--log", "notes.txt"])], `--log notes.txt: ${notes} holds something else`],
      // inspect opens the log without the report options' check: the same rule holds there.
      [
        ["inspect", ...w.readFlags(["--log", "notes.txt"]).slice(0, 2), "--log", "notes.txt"],
        "holds something else",
      ],
    ];
    for (const [args, message] of cases) {
      const result = await w.cli(args);
      expectExit(result, 3);
      expect(result.stderr).toContain(message);
    }
    expect(readFileSync(notes, "utf8")).toBe("root:x:0:0:root:/root:/bin/bash\n");
    expect(readFileSync(plan, "utf8")).toBe('{"version":1}\n');
    expect(w.box.requests.length).toBe(before);

    // Its own report is replaced, its own log appended to.
    const again = ["--report", "report.html", "--log", "run.log"];
    expectExit(await w.cli(["plan", ...w.readFlags(again)]), 0);
    const lines = readFileSync(join(w.dir, "run.log"), "utf8").split("\n").length;
    expectExit(await w.cli(["plan", ...w.readFlags(again)]), 0);
    expect(readFileSync(join(w.dir, "run.log"), "utf8").split("\n").length).toBeGreaterThan(lines);
    expect(readFileSync(join(w.dir, "report.html"), "utf8")).toMatch(/^<!doctype html>/);
  }, 120_000);
});

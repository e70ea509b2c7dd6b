import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageRoot } from "../../../../src/paths.js";
import { expectExit, world } from "../../../e2e/helpers.js";
import { hasChromium, openHtml } from "../../../helpers/chromium.js";
import { run } from "../../../helpers/io.js";
import { decodePng, inkShare } from "../../../helpers/png.js";

/**
 * The report of the sample scenario, opened in headless Chromium (Debian's, at
 * /usr/bin/chromium; .ci/run installs it). The README's picture, docs/report-screenshot.png,
 * is the demo's report rendered by scripts/report-screenshot.sh.
 */
describe.skipIf(!hasChromium)("the HTML report in a browser", () => {
  it("loads nothing, logs no error, and shows every person and three non-empty charts", async () => {
    const w = await world({ kind: "jellyfin", version: "10.11" });
    expectExit(await w.cli(["migrate", ...w.flags(["--report", "report.html"])]), 0);
    const opened = await openHtml(readFileSync(join(w.dir, "report.html"), "utf8"));
    try {
      const { page } = opened;
      // Sorting is the one script: use it, so its errors would show too.
      await page
        .locator("details")
        .first()
        .evaluate((d) => d.setAttribute("open", ""));
      await page.locator("table.sortable th").first().click();

      const people = await page.locator("article.person").evaluateAll((sections) =>
        sections.map((s) => ({
          name: s.querySelector("h3")?.textContent ?? "",
          rows: s.querySelectorAll("table.counts tbody tr").length,
        })),
      );
      expect(people.map((p) => p.name.split(" from ")[0]).sort()).toEqual(
        ["Alex", "Kids", "account-23456789", "admin"].sort(),
      );
      for (const person of people) expect(person.rows, person.name).toBe(4);

      const charts = await page.locator("svg.chart").evaluateAll((svgs) =>
        svgs.map((svg) => ({
          label: svg.getAttribute("aria-label"),
          bars: [...svg.querySelectorAll("rect.bar")].filter((r) => Number(r.getAttribute("width")) > 0)
            .length,
          height: svg.getBoundingClientRect().height,
        })),
      );
      expect(charts.map((c) => c.label)).toEqual([
        "Items per library matched by each rule",
        "Watched items per person",
        "Items per year of their latest play",
      ]);
      for (const chart of charts) {
        expect(chart.bars, chart.label!).toBeGreaterThan(0);
        expect(chart.height, chart.label!).toBeGreaterThan(40);
      }

      const shot = await page.screenshot({ fullPage: true });
      expect(inkShare(shot)).toBeGreaterThan(0.02);
      expect(opened.requests).toEqual([]);
      expect(opened.consoleErrors).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 120_000);

  it("the report of `apply --plan` (no source read) loads as cleanly", async () => {
    const w = await world({ kind: "emby", version: "4.9" });
    expectExit(await w.cli(["plan", "--out", "plan.json", ...w.readFlags()]), 0);
    const applied = await w.cli([
      "apply",
      "--plan",
      "plan.json",
      "--journal",
      w.journal,
      "--credentials-file",
      w.credentials,
      "--report",
      "apply.html",
    ]);
    expectExit(applied, 0);
    const opened = await openHtml(readFileSync(join(w.dir, "apply.html"), "utf8"));
    try {
      expect(await opened.page.locator("article.person").count()).toBe(4);
      expect(await opened.page.locator("svg.chart rect.bar").count()).toBeGreaterThan(0);
      expect(opened.requests).toEqual([]);
      expect(opened.consoleErrors).toEqual([]);
    } finally {
      await opened.close();
    }
  }, 120_000);
});

describe.skipIf(!hasChromium)("the demo's report, the README's picture", () => {
  it("`demo --report` writes a report that loads as cleanly, with what was compared", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plexodus-demo-report-"));
    try {
      const result = await run(["demo", "--report", "report.html", "--summary-md", "summary.md"], {
        cwd: dir,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toContain(`Report written to ${join(dir, "report.html")}`);
      const html = readFileSync(join(dir, "report.html"), "utf8");
      expect(html).toContain("plexodus demo report");
      expect(readFileSync(join(dir, "summary.md"), "utf8")).toContain("Compared: 4 of 4 Plex accounts");
      const opened = await openHtml(html);
      try {
        expect(await opened.page.locator("article.person").count()).toBe(4);
        expect(await opened.page.locator(".compared").textContent()).toContain(
          "Compared: 4 of 4 Plex accounts",
        );
        expect(inkShare(await opened.page.screenshot())).toBeGreaterThan(0.02);
        expect(opened.requests).toEqual([]);
        expect(opened.consoleErrors).toEqual([]);
      } finally {
        await opened.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});

// scripts/report-screenshot.sh writes it from `demo --report`; checked without a browser.
it("docs/report-screenshot.png is a rendered page, not a placeholder", () => {
  const png = readFileSync(join(packageRoot(), "docs", "report-screenshot.png"));
  const { width, height } = decodePng(png);
  expect([width, height]).toEqual([1200, 1900]);
  expect(inkShare(png)).toBeGreaterThan(0.02);
});

it.runIf(!hasChromium)("the browser test needs /usr/bin/chromium (apt-get install -y chromium)", () => {
  console.warn("skipped: the HTML report is not rendered in a browser: /usr/bin/chromium is missing");
});

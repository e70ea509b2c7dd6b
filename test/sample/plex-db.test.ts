import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type FixtureVariant, writePlexDatabase } from "../../fixtures/plex/write.js";
import { readScenarioDatabase, SAMPLE_SCENARIO, type Scenario } from "../../src/sample/index.js";

/**
 * The sample's Plex database both ways: what the writer puts in, the plain table reader that
 * the Plex sandbox uses for `--library FILE` gets back, in every shape a database comes in.
 */

const dir = mkdtempSync(join(tmpdir(), "plexodus-sample-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const instant = (text: string | undefined) => (text === undefined ? undefined : new Date(text).toISOString());

/**
 * The scenario as a database can give it back: library items only, instants normalized, and
 * no rating dates from a legacy database (it has no last_rated_at).
 */
function expected(scenario: Scenario, variant: FixtureVariant) {
  return {
    accounts: scenario.accounts,
    sections: scenario.sections.map((section) => ({
      ...section,
      uuid: section.uuid ?? `00000000-0000-4000-8000-${String(section.id).padStart(12, "0")}`,
    })),
    items: scenario.items
      .filter((item) => item.kind !== "clip")
      .map(({ originallyAvailableAt: _, addedAt: __, editionTitle: ___, ...item }) => ({
        ...item,
        externalIds: item.externalIds ?? [],
        media: (item.media ?? []).map((media) => ({ parts: media.parts.map(({ file }) => ({ file })) })),
        ...(item.deletedAt === undefined ? {} : { deletedAt: instant(item.deletedAt) }),
      })),
    settings: scenario.settings.map((setting) => ({
      accountId: setting.accountId,
      guid: setting.guid,
      viewCount: setting.viewCount ?? 0,
      ...(setting.viewOffsetMs === undefined ? {} : { viewOffsetMs: setting.viewOffsetMs }),
      ...(setting.lastViewedAt === undefined ? {} : { lastViewedAt: instant(setting.lastViewedAt) }),
      ...(setting.rating === undefined ? {} : { rating: setting.rating }),
      ...(setting.lastRatedAt === undefined || variant === "legacy"
        ? {}
        : { lastRatedAt: instant(setting.lastRatedAt) }),
    })),
    views: scenario.views.map((view) => ({
      accountId: view.accountId,
      guid: view.guid,
      viewedAt: instant(view.viewedAt),
    })),
    playlists: scenario.playlists,
    collections: scenario.collections,
  };
}

function roundTrip(variant: FixtureVariant, timeZone = "UTC") {
  const path = join(dir, `${variant}-${timeZone.replace("/", "-")}.db`);
  writePlexDatabase(path, SAMPLE_SCENARIO, { variant, timeZone });
  const { name: _, settings, ...read } = readScenarioDatabase(path);
  // updated_at is Plex's bookkeeping, which the writer fills in; the reader keeps it as read.
  return { ...read, settings: settings.map(({ updatedAt: __, ...setting }) => setting) };
}

describe("the sample's Plex database", () => {
  it.each(["current", "legacy", "hostile"] as const)("reads back what was written (%s)", (variant) => {
    expect(roundTrip(variant)).toEqual(expected(SAMPLE_SCENARIO, variant));
  });

  it("reads legacy text dates as UTC wall-clock time", () => {
    const shifted = roundTrip("legacy", "Europe/Berlin");
    const lastViewed = shifted.settings.find((s) => s.lastViewedAt !== undefined)?.lastViewedAt;
    const written = SAMPLE_SCENARIO.settings.find((s) => s.lastViewedAt !== undefined)?.lastViewedAt;
    // Berlin is one or two hours ahead: the wall-clock text, read as UTC, is that much later.
    const hours = (Date.parse(lastViewed!) - Date.parse(written!)) / 3_600_000;
    expect([1, 2]).toContain(hours);
  });
});

import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/load.js";
import { readSource } from "../../../src/pipeline/source.js";
import { SILENT_PROGRESS } from "../../../src/progress.js";
import { readTautulliHistory } from "../../../src/readers/tautulli/index.js";
import { FRIEND, MANAGED } from "../../../src/sample/index.js";
import { plexFixture } from "../plex-api/helpers.js";

/**
 * A small fake Tautulli (`/api/v2?cmd=get_history`, paged by start/length) on loopback. Its
 * user ids are plex.tv ids: the owner's is NOT 1, so only the name ties it to account 1.
 */

const API_KEY = "tautulli-key-77aa88bb99cc";
const OWNER_PLEX_TV_ID = 5551234;
const s = (iso: string) => Date.parse(iso) / 1000;

const ROWS = [
  // Owner, by name: Casablanca is already in the Plex history (Plex's count stands).
  row({ user: "PlexOwner", user_id: OWNER_PLEX_TV_ID, rating_key: 201, stopped: s("2019-12-24T16:05:00Z") }),
  // Owner: Lawrence of Arabia, a pair Plex's history lacks.
  row({ user: "plexowner", user_id: OWNER_PLEX_TV_ID, rating_key: 102, stopped: s("2022-03-03T22:00:00Z") }),
  // Friend: two plays of Blade Runner, which the Plex history lacks.
  row({ user: "alex.friend", user_id: FRIEND, rating_key: 103, stopped: s("2022-05-01T21:00:00Z") }),
  row({ user: "alex.friend", user_id: FRIEND, rating_key: 103, stopped: s("2022-06-01T21:00:00Z") }),
  // Managed user renamed in Tautulli: tied by plex.tv id; a stale rating key falls back to the guid.
  row({
    user: "kiddo",
    user_id: MANAGED,
    rating_key: 99999,
    guid: "plex://episode/5d9c1276e9d5a1001f4ff2fa",
    stopped: s("2023-01-01T10:00:00Z"),
  }),
  // Not a finished play: ignored.
  row({ user: "alex.friend", user_id: FRIEND, rating_key: 101, watched_status: 0.5 }),
  // Someone Plex does not know.
  row({ user: "stranger", user_id: 42, rating_key: 101 }),
];

function row(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    media_type: "movie",
    watched_status: 1,
    date: s("2020-01-01T00:00:00Z"),
    started: s("2020-01-01T00:00:00Z"),
    guid: "",
    ...fields,
  };
}

let server: Server;
let url: string;
const requests: Array<Record<string, string>> = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const query = Object.fromEntries(new URL(request.url ?? "/", "http://x").searchParams);
    requests.push(query);
    if (query.apikey !== API_KEY) {
      response.writeHead(401, { "Content-Type": "application/json" });
      response.end(JSON.stringify({ response: { result: "error", message: "Invalid apikey", data: {} } }));
      return;
    }
    const start = Number(query.start ?? 0);
    const length = Number(query.length ?? 25);
    const data = {
      recordsTotal: ROWS.length,
      recordsFiltered: ROWS.length,
      draw: 1,
      data: ROWS.slice(start, start + length),
    };
    response.writeHead(200, { "Content-Type": "application/json" });
    response.end(JSON.stringify({ response: { result: "success", message: null, data } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const fixture = plexFixture();

describe("Tautulli as an extra history source", () => {
  it("pages get_history with start/length until recordsFiltered", async () => {
    requests.length = 0;
    const result = await readTautulliHistory({ url, apiKey: API_KEY, pageSize: 3 });
    expect(requests.map((q) => q.start)).toEqual(["0", "3", "6"]);
    expect(requests.every((q) => q.cmd === "get_history" && q.length === "3")).toBe(true);
    expect(result.rowCount).toBe(ROWS.length);
    expect(result.skippedRows).toBe(1); // the half-watched row
  });

  it("maps plays to accounts by name (the owner too) and fills only pairs the Plex history lacks", async () => {
    const { sandbox } = fixture();
    const config = loadConfig({
      flags: { plexUrl: sandbox.url, plexToken: sandbox.token, tautulliUrl: url, tautulliApiKey: API_KEY },
      env: {},
    });
    const snapshot = await readSource(config, SILENT_PROGRESS);
    const history = (user: string | number, guidPart: string) =>
      snapshot.history.filter((h) => h.userId === String(user) && h.identity.includes(guidPart));
    // Owner: a new pair from Tautulli, a known pair keeps Plex's count.
    expect(history(1, "5d7768254ba1a2001fb48a10")).toEqual([
      expect.objectContaining({ plays: 1, lastViewedAt: new Date("2022-03-03T22:00:00Z") }),
    ]);
    expect(history(1, "tt0034583")).toEqual([expect.objectContaining({ plays: 2 })]);
    expect(history(OWNER_PLEX_TV_ID, "")).toEqual([]);
    // The owner's played flag stays Plex's own: a Tautulli-only pair dates, it does not play.
    const ownerLawrence = snapshot.states.find(
      (st) => st.userId === "1" && st.identity.includes("5d7768254ba1a2001fb48a10"),
    );
    expect(ownerLawrence).toMatchObject({ played: false, playCount: 0 });
    // Friend: two plays, played through the API's history rule.
    expect(history(FRIEND, "5d776825880197001ec90a1b")).toEqual([expect.objectContaining({ plays: 2 })]);
    const friend = snapshot.states.find(
      (st) => st.userId === String(FRIEND) && st.identity.includes("5d776825880197001ec90a1b"),
    );
    expect(friend).toMatchObject({ played: true, playCount: 2 });
    // Managed user tied by plex.tv id, item by guid.
    expect(history(MANAGED, "5d9c1276e9d5a1001f4ff2fa")).toEqual([expect.objectContaining({ plays: 1 })]);
    const codes = Object.fromEntries(snapshot.warnings.map((w) => [w.code, w.message]));
    expect(codes["tautulli-unmapped"]).toMatch(/^1 Tautulli play/);
    expect(codes["tautulli-known"]).toMatch(/^1 Tautulli play/);
  });

  it("exits 4 on a refused key, without showing it", async () => {
    const bad = "wrong-tautulli-key-1234";
    await expect(readTautulliHistory({ url, apiKey: bad })).rejects.toMatchObject({ category: "auth" });
    await readTautulliHistory({ url, apiKey: bad }).catch((error: Error) => {
      expect(error.message).not.toContain(bad);
      expect(error.message).toContain("Tautulli");
    });
  });
});

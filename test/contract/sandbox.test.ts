import { expect, it } from "vitest";
import { sampleTargetLibrary } from "../../src/sample/index.js";
import {
  type Sandbox,
  type SandboxLibrary,
  SUPPORTED_VERSIONS,
  startSandbox,
} from "../../src/sandbox/index.js";
import { connectTarget } from "../../src/targets/detect.js";
import { libraryNamed } from "../helpers/sample-target.js";
import { adapterContract } from "./adapter.contract.js";

/** The sample library plus enough films to need two pages of 1,000. */
function library(): SandboxLibrary {
  const lib = sampleTargetLibrary();
  const movies = lib.libraries[0]!;
  movies.items ??= [];
  for (let n = 1; n <= 1100; n++) {
    movies.items.push({
      type: "Movie",
      name: `Filler ${n}`,
      year: 1950 + (n % 70),
      providerIds: { Tmdb: String(900_000 + n) },
      path: `/media/movies/Filler ${n}/Filler ${n}.mkv`,
    });
  }
  return lib;
}

function countItems(lib: SandboxLibrary): number {
  type Node = { children?: Node[] | undefined };
  const walk = (items: readonly Node[]): number =>
    items.reduce((sum, item) => sum + 1 + walk(item.children ?? []), 0);
  return lib.libraries.reduce((sum, l) => sum + walk(l.items as Node[]), 0);
}

/** Response-side findings are the sandbox's own; the contract is about what we send. */
const OUR_SIDE = (violation: string) =>
  !/ response |is not a documented response/.test(violation) &&
  // Documented in EmbySDK Playlists.html though absent from the spec; ownership is verified after creation.
  !/POST \/Playlists: query parameter "UserId"/.test(violation);

/** Every personality the sandbox serves: the suite must hold on each. */
const PERSONALITIES = (["jellyfin", "emby"] as const).flatMap((kind) =>
  SUPPORTED_VERSIONS[kind].map((version) => [kind, version] as const),
);

it("covers Jellyfin 12.0 and Emby 4.10", () => {
  expect(PERSONALITIES).toContainEqual(["jellyfin", "12.0"]);
  expect(PERSONALITIES).toContainEqual(["emby", "4.10"]);
});

for (const [kind, version] of PERSONALITIES) {
  adapterContract(`sandbox ${kind}@${version}`, async () => {
    const lib = library();
    const sandbox: Sandbox = await startSandbox({ kind, version, library: lib, port: 0, validate: true });
    const connect = {
      url: sandbox.url,
      apiKey: sandbox.apiKey,
      kind: "auto" as const,
      timeout: 10,
      concurrency: 4,
    };
    const adapter = await connectTarget(connect);
    const minor = Number(version.split(".")[1]);
    // Jellyfin 10.9–10.10 refuse entry removal to an API key; every other version allows it.
    const noRemoval = kind === "jellyfin" && (version === "10.9" || version === "10.10");
    return {
      adapter,
      cleanup: () => sandbox.stop(),
      expectations: {
        kind,
        versionPrefix: version,
        features:
          kind === "jellyfin"
            ? { userDataWrite: version !== "10.8", privatePlaylists: true, playlistEntryRemoval: !noRemoval }
            : { userDataWrite: true, privatePlaylists: minor >= 8, playlistEntryRemoval: true },
        connect,
        // The sandbox's base path is the /emby prefix older servers strip; 12.0 deleted it.
        ...(kind === "jellyfin" && version === "12.0" ? {} : { basePathUrl: `${sandbox.url}/emby` }),
        itemCount: countItems(lib),
        items: [
          {
            title: "The Shawshank Redemption",
            match: {
              kind: "movie",
              year: 1994,
              externalIds: { imdb: "tt0111161", tmdb: "278" },
              paths: [
                "/media/movies/The Shawshank Redemption (1994)/Shawshank - 1080p.mkv",
                "/media/movies/The Shawshank Redemption (1994)/Shawshank - 2160p.mkv",
              ],
            },
          },
          {
            title: "Remember the Cant / CQB",
            match: { kind: "episode", seasonNumber: 1, episodeNumber: 3, episodeNumberEnd: 4 },
          },
          { title: "Says", match: { kind: "track" } },
          // A collection member stays a movie of its library (no BoxSet in its place), and an
          // artist is indexed in the music library however many libraries list it.
          { title: "Heat", match: { kind: "movie", year: 1995 }, library: libraryNamed("movies") },
          { title: "Nils Frahm", match: { kind: "artist" }, library: "Music" },
        ],
        userData: [
          {
            user: "alice",
            title: "The Shawshank Redemption",
            data: { played: true, playCount: 2, lastPlayedAt: new Date("2023-05-01T20:00:00Z") },
          },
        ],
        violations: () => sandbox.violations.filter(OUR_SIDE),
      },
    };
  });
}

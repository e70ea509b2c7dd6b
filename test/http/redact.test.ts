import { describe, expect, it } from "vitest";
import { redactCredentials } from "../../src/http/redact.js";

describe("redactCredentials", () => {
  it("removes tokens in every shape", () => {
    const text =
      'Authorization: MediaBrowser Client="plexodus", Token="s3cr3t-token" X-Emby-Token: s3cr3t-token ' +
      "/Items?api_key=s3cr3t-token&ApiKey=s3cr3t-token";
    const out = redactCredentials(text);
    expect(out).not.toContain("s3cr3t-token");
    expect(out).toContain('Token="***"');
  });
  it("removes registered secrets verbatim and URL-encoded", () => {
    expect(redactCredentials("key a b/c and a%20b%2Fc", ["a b/c"])).toBe("key *** and ***");
  });
});

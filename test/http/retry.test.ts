import { describe, expect, it } from "vitest";
import { redactCredentials } from "../../src/http/redact.js";
import { DEFAULT_RETRY, parseRetryAfter, retryDelayMs } from "../../src/http/retry.js";

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Wed, 01 Jan 2025 00:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Tue, 31 Dec 2024 00:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent or garbage values", () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter("", now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("retryDelayMs", () => {
  it("doubles per retry, jitters between half and full step, and caps", () => {
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 100, maxDelayMs: 1000 };
    expect(retryDelayMs(1, policy, undefined, () => 1)).toBe(100);
    expect(retryDelayMs(3, policy, undefined, () => 1)).toBe(400);
    expect(retryDelayMs(3, policy, undefined, () => 0)).toBe(200);
    expect(retryDelayMs(10, policy, undefined, () => 1)).toBe(1000);
  });
  it("waits at least what the server asked", () => {
    expect(retryDelayMs(1, { ...DEFAULT_RETRY, baseDelayMs: 100 }, 5000, () => 1)).toBe(5000);
  });
});

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

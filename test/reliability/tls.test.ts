import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEndState, endState, type Rig, sampleRig, writesOf } from "./harness.js";

/** TLS verification is on by default; --ca-file trusts a private CA; --insecure works but warns loudly. */

const FIXTURES = join(import.meta.dirname, "../http/fixtures");
const CERT = join(FIXTURES, "localhost-cert.pem");
const tls = { key: readFileSync(join(FIXTURES, "localhost-key.pem")), cert: readFileSync(CERT) };

describe("security: TLS against a self-signed HTTPS sandbox", () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await sampleRig({ tls });
  });
  afterAll(async () => {
    await rig.cleanup();
  });

  it("serves HTTPS", () => {
    expect(rig.sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("a plain run refuses the unverified certificate: exit 4 naming the certificate, nothing written", async () => {
    const result = await rig.run("migrate");
    expect(result.code, result.stderr).toBe(4);
    expect(result.stderr).toMatch(/certificate|TLS verification/i);
    expect(result.stderr).toMatch(/--ca-file/);
    expect(writesOf(rig.sandbox)).toBe(0);
  });

  it("--ca-file with the server's certificate: the migration works, no warning", async () => {
    const result = await rig.run("migrate", "--ca-file", CERT);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/insecure|NOT verified/i);
    expect(endState(rig.sandbox.dump())).toEqual(await cleanEndState());
  });

  it("--insecure works, with a loud warning on stderr", async () => {
    const result = await rig.run("plan", "--insecure", "--json");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/WARNING: --insecure: TLS certificates are NOT verified/);
    expect(() => JSON.parse(result.stdout)).not.toThrow();
    expect(result.stdout).not.toMatch(/WARNING/);
  });
});

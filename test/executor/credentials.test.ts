import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { applyPlan } from "../../src/executor/apply.js";
import { applyOptions, tempDir } from "./helpers.js";
import { scenario } from "./scenario.js";

describe("created users' credentials", () => {
  it("go to a 0600 file, appended and fsynced before the user exists, and nowhere else", async () => {
    const dir = tempDir();
    const file = join(dir, "credentials.txt");
    writeFileSync(file, "earlier\tline\n", { mode: 0o644 });
    const { fake, plan } = await scenario();
    let fileAtCreation = "";
    const create = fake.createUser;
    fake.createUser = (name, password) => {
      fileAtCreation = readFileSync(file, "utf8");
      return create(name, password);
    };
    const result = await applyPlan(plan, fake, applyOptions(dir));
    const password = fake.passwords.get("carol")!;
    expect(password.length).toBeGreaterThanOrEqual(32);
    expect(fileAtCreation).toBe(`earlier\tline\ncarol\t${password}\n`);
    expect(readFileSync(file, "utf8")).toBe(`earlier\tline\ncarol\t${password}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(result.credentialsFile).toBe(file);
    expect(JSON.stringify(result)).not.toContain(password);
    for (const name of ["run.journal", "run.journal-wal"]) {
      try {
        expect(readFileSync(join(dir, name)).toString("latin1")).not.toContain(password);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      }
    }
  });

  it("are not asked for when no user is created", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    plan.actions = plan.actions.filter(
      (a) => a.type !== "create-user" && !("user" in a && a.user.id === null),
    );
    const result = await applyPlan(plan, fake, applyOptions(dir));
    expect(result.credentialsFile).toBeNull();
    expect(() => statSync(join(dir, "credentials.txt"))).toThrow();
  });

  it("a creation whose response was lost is not repeated: one user, one password line", async () => {
    const dir = tempDir();
    const { fake, plan } = await scenario();
    fake.setFaults({ loseResponses: [1] });
    await applyPlan(plan, fake, applyOptions(dir, { concurrency: 1 }));
    expect(fake.state().users.filter((u) => u.name === "carol")).toHaveLength(1);
    expect(readFileSync(join(dir, "credentials.txt"), "utf8").split("\n").filter(Boolean)).toHaveLength(1);
    expect(fake.state().playlists.filter((p) => p.title === "Mine")).toHaveLength(1);
  });

  it("a playlist or collection creation whose response was lost is not repeated", async () => {
    const { fake, plan } = await scenario();
    plan.actions = plan.actions.filter((a) => a.type === "create-playlist" || a.type === "create-collection");
    plan.actions = plan.actions.filter((a) => !("user" in a && a.user.id === null));
    fake.setFaults({ loseResponses: [1, 2] });
    const result = await applyPlan(plan, fake, applyOptions(tempDir(), { concurrency: 1 }));
    expect(result.applied).toBe(2);
    expect(fake.state().playlists.filter((p) => p.title === "Favourites")).toHaveLength(1);
    expect(fake.state().collections.filter((c) => c.title === "Trilogy")).toHaveLength(1);
  });
});

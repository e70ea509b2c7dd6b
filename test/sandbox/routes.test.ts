import { describe, expect, it } from "vitest";
import { personality } from "../../src/sandbox/personalities.js";
import { SpecValidator } from "../../src/sandbox/validate.js";
import { PERSONALITIES } from "./helpers.js";

describe.each(PERSONALITIES)("$kind@$version route table", ({ kind, version }) => {
  it("validates every route against an operation of its own document; only hidden routes are undocumented", async () => {
    const p = personality(kind, version);
    const validator = await SpecValidator.for(p.spec, kind);
    for (const route of p.routes) {
      const own = `${route.method} ${route.path}`;
      const operation = route.operation ?? own;
      expect(validator.operation(operation), `${own} → ${operation}`).toBeDefined();
      // A route is marked hidden exactly when its own path is not in the document.
      expect(validator.operation(own) === undefined, `${own} hidden flag`).toBe(route.hidden === true);
    }
  });
});

import { type PlanDigests, short } from "../planner/digest.js";
import type { Plan } from "../planner/plan.js";

/**
 * A plan file's text, `JSON.stringify({ ...plan, integrity }, null, 2)` plus a newline, handed
 * to `write` piece by piece: one action at a time, and the integrity block's per-action
 * digests one line at a time. Byte for byte what that call gives (the plan-file tests compare
 * both); only the actions and the integrity block can be large, every other field is
 * stringified whole.
 */
export function planFileText(plan: Plan, digests: PlanDigests, write: (text: string) => void): void {
  let first = true;
  const field = (key: string) => {
    write(`${first ? "{\n" : ",\n"}  ${JSON.stringify(key)}: `);
    first = false;
  };
  let integrity = false;
  for (const [key, value] of Object.entries(plan)) {
    // A spread keeps an existing key's place: the new integrity block goes there.
    if (key === "integrity") integrity = true;
    else if (value === undefined) continue;
    field(key);
    if (key === "integrity") writeIntegrity(plan, digests, write);
    else if (key === "actions") writeActions(plan.actions, write);
    else write(nested(JSON.stringify(value, null, 2), 1));
  }
  if (!integrity) {
    field("integrity");
    writeIntegrity(plan, digests, write);
  }
  write("\n}\n");
}

/** Indents every line but the first of a value's JSON by `level` steps of two spaces. */
function nested(json: string, level: number): string {
  // JSON text holds no raw newline inside strings, so every newline starts a line.
  return json.replaceAll("\n", `\n${"  ".repeat(level)}`);
}

function writeActions(actions: Plan["actions"], write: (text: string) => void): void {
  if (actions.length === 0) {
    write("[]");
    return;
  }
  for (let i = 0; i < actions.length; i++) {
    write(`${i === 0 ? "[\n" : ",\n"}    ${nested(JSON.stringify(actions[i], null, 2), 2)}`);
  }
  write("\n  ]");
}

/**
 * The integrity block as integrityOf (planner/digest.ts) builds it: its `actions` object maps
 * each action key to its short digest in plan order. Written line by line when every key is
 * distinct and none is an array index (those an object lists first); otherwise as the object.
 */
function writeIntegrity(plan: Plan, digests: PlanDigests, write: (text: string) => void): void {
  write(
    `{\n    "algorithm": "sha256",\n    "digest": ${JSON.stringify(digests.digest)},\n    "sections": ${nested(JSON.stringify(digests.sections, null, 2), 2)},\n    "actions": `,
  );
  if (!plainKeys(plan.actions)) {
    const byKey = Object.fromEntries(
      plan.actions.map((action, i) => [action.key, short(digests.actions.at(i)!)]),
    );
    write(`${nested(JSON.stringify(byKey, null, 2), 2)}\n  }`);
    return;
  }
  if (plan.actions.length === 0) write("{}");
  for (let i = 0; i < plan.actions.length; i++) {
    const key = plan.actions[i]!.key;
    write(`${i === 0 ? "{\n" : ",\n"}      ${JSON.stringify(key)}: "${short(digests.actions.at(i)!)}"`);
  }
  if (plan.actions.length > 0) write("\n    }");
  write("\n  }");
}

/** Whether the action keys are distinct and none is an integer an object would order first. */
function plainKeys(actions: Plan["actions"]): boolean {
  const seen = new Set<string>();
  for (const action of actions) {
    if (seen.has(action.key) || /^(0|[1-9]\d*)$/.test(action.key)) return false;
    seen.add(action.key);
  }
  return true;
}

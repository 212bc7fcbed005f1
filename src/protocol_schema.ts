/**
 * The host's check of everything the sandbox sends: each message's JSON text is parsed and validated
 * against the protocol's schema here, and nowhere else, before the engine looks at it. The sandbox
 * may run a runtime a hostile script has subverted, so a message is data to check, never to trust:
 * a malformed one ends the run (see `sandbox_session.ts`) with the one-line reason given here.
 *
 * The schema is written with the few combinators below rather than zod: the protocol is eight flat
 * shapes, and zod's schema construction and first-use compilation cost about 6 ms of every cold
 * start (measured), which is a third of what the sandbox process adds.
 *
 * @example
 * ```ts
 * const parsed = parseWorkerMessage('{"type":"log","message":42}');
 * // parsed.ok === false, parsed.error === "log.message: expected string, received number"
 * ```
 * @module
 */
import { PROTOCOL_LIMITS, type WorkerMessage } from "./protocol.ts";

/** Checks a value; returns what is wrong (with its path below `at`) or null. */
type Check = (value: unknown, at: string) => string | null;

const kindOf = (v: unknown): string => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
const expected = (what: string, v: unknown, at: string) => `${at}: expected ${what}, received ${kindOf(v)}`;
const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const text = (max = Infinity): Check => (v, at) =>
  typeof v !== "string" ? expected("string", v, at) : v.length > max ? `${at}: longer than ${max}` : null;
const id: Check = (v, at) =>
  typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? null : expected("a positive integer", v, at);
const any: Check = () => null;
/** Any of `checks`; when none passes, the problem of one whose type matched, else the first's. */
const oneOf = (...checks: Check[]): Check => (v, at) => {
  const problems = checks.map((check) => check(v, at));
  if (problems.includes(null)) return null;
  return problems.find((p) => !p!.startsWith(`${at}: expected`)) ?? problems[0];
};
const nullValue: Check = (v, at) => (v === null ? null : expected("null", v, at));
const numberValue: Check = (v, at) => (typeof v === "number" ? null : expected("number", v, at));
/** An object with `required` and `optional` fields; other keys refused unless `loose`. */
const object =
  (required: Record<string, Check>, optional: Record<string, Check> = {}, loose = false): Check =>
  (
    v,
    at,
  ) => {
    if (!isRecord(v)) return expected("object", v, at);
    for (const [key, check] of Object.entries(required)) {
      if (!Object.hasOwn(v, key)) return `${at}.${key}: required`;
      const problem = check(v[key], `${at}.${key}`);
      if (problem) return problem;
    }
    for (const key of Object.keys(v)) {
      if (Object.hasOwn(required, key)) continue;
      if (!Object.hasOwn(optional, key)) {
        if (loose) continue;
        return `${at}: unknown key "${key.slice(0, 40)}"`;
      }
      const problem = optional[key](v[key], `${at}.${key}`);
      if (problem) return problem;
    }
    return null;
  };
const list = (item: Check, min: number, max: number): Check => (v, at) => {
  if (!Array.isArray(v)) return expected("array", v, at);
  if (v.length < min || v.length > max) return `${at}: expected ${min} to ${max} items, got ${v.length}`;
  for (let i = 0; i < v.length; i++) {
    const problem = item(v[i], `${at}.${i}`);
    if (problem) return problem;
  }
  return null;
};

const STRING_OPTIONS = ["label", "phase", "model", "effort", "isolation", "agentType", "runtime", "provider"];
/** Options as the runtime forwards them: string options are strings; other keys pass through. */
const options = object(
  {},
  {
    ...Object.fromEntries(STRING_OPTIONS.map((key) => [key, text()])),
    schema: any,
    timeout: oneOf(text(), numberValue, nullValue),
    stallTimeout: oneOf(text(), numberValue, nullValue),
    retries: oneOf(numberValue, nullValue),
  },
  true,
);
/** Where the script made the call (1-based line and column), when the runtime could read it. */
const site = object({ line: id, column: id });
const ref = oneOf(
  text(PROTOCOL_LIMITS.maxRefChars),
  object({ scriptPath: text(PROTOCOL_LIMITS.maxRefChars) }),
);

/** Every message type the sandbox may send, with the fields besides `type`. */
const MESSAGES: { [T in WorkerMessage["type"]]: Check } = {
  "ready": object({ type: any }),
  "sandbox.error": object({ type: any, message: text() }),
  "agent": object({ type: any, id, prompt: text(), options, scope: text() }, { site }),
  "log": object({ type: any, message: text() }),
  "phase": object({ type: any, title: text() }),
  "workflow": object({
    type: any,
    requests: list(object({ id, ref }, { site }), 1, PROTOCOL_LIMITS.maxArrayItems),
  }),
  "done": object({ type: any }, { resultJson: text() }),
  "failed": object({ type: any, error: object({ name: text(), message: text() }, { stack: text() }) }),
};

/** A checked message, or why the text is not one. */
export type ParsedMessage = { ok: true; message: WorkerMessage } | { ok: false; error: string };

/** Parses and validates one message from the sandbox. */
export function parseWorkerMessage(json: string): ParsedMessage {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return { ok: false, error: "a message is not JSON" };
  }
  if (!isRecord(value)) return { ok: false, error: expected("object", value, "message") };
  const type = value.type;
  if (typeof type !== "string" || !Object.hasOwn(MESSAGES, type)) {
    return { ok: false, error: `message.type: not a message type (${String(type).slice(0, 40)})` };
  }
  const problem = MESSAGES[type as WorkerMessage["type"]](value, type);
  return problem
    ? { ok: false, error: problem.split("\n")[0] }
    : { ok: true, message: value as unknown as WorkerMessage };
}

/** Limits of {@link valueProblem}. */
export interface ValueLimits {
  maxDepth: number;
  /** Arrays longer than this are refused (omit for no array cap). */
  maxArrayItems?: number;
}

/**
 * What is wrong with a JSON value crossing the boundary — nested deeper than `maxDepth`, or an array
 * longer than `maxArrayItems` (the built-in's VM-boundary message) — or null. Iterative, so a hostile
 * depth cannot overflow the host's stack.
 */
export function valueProblem(value: unknown, limits: ValueLimits): string | null {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== "object") continue;
    if (depth > limits.maxDepth) return `nested deeper than ${limits.maxDepth} levels`;
    const children = Array.isArray(item) ? item : Object.values(item);
    if (Array.isArray(item) && limits.maxArrayItems !== undefined && item.length > limits.maxArrayItems) {
      return `array length ${item.length} exceeds the maximum of ${limits.maxArrayItems} supported across ` +
        "the workflow VM boundary";
    }
    for (const child of children) stack.push([child, depth + 1]);
  }
  return null;
}

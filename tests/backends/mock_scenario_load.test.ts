/**
 * Loading and validating scenario files: the shipped examples load and behave as documented, and
 * every kind of bad file (missing, bad JSON, unknown key, wrong type, bad regex, conflicting fields)
 * gives one clear line `invalid mock scenario <path>: <what>`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Ajv } from "ajv";
import type { NodeRequest } from "../../src/backends/backend.ts";
import { MockBackend } from "../../src/backends/mock.ts";
import { loadScenario, MockScenarioError, parseScenario } from "../../src/backends/mock_scenario.ts";

const EXAMPLES = new URL("../../examples/scenarios/", import.meta.url);

function request(fields: Partial<NodeRequest> = {}): NodeRequest {
  return { key: "node#1", prompt: "Say hello", label: "greet", cwd: "/tmp", attempt: 1, ...fields };
}
const live = () => new AbortController().signal;

/** Writes `text` to a temp file, returns what loading it throws, and removes the file. */
async function loadError(text: string): Promise<{ path: string; message: string }> {
  const dir = await Deno.makeTempDir({ prefix: "odw-mock-scenario-" });
  const path = join(dir, "scenario.json");
  try {
    await Deno.writeTextFile(path, text);
    await loadScenario(path);
  } catch (error) {
    assert.ok(error instanceof MockScenarioError, `not a MockScenarioError: ${error}`);
    assert.ok(!error.message.includes("\n"), `more than one line: ${error.message}`);
    return { path, message: error.message };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  throw new Error("the scenario loaded without error");
}

const cases: Array<[string, string, (path: string) => string]> = [
  ["bad JSON", '{"rules": [', (p) => `invalid mock scenario ${p}: not valid JSON: `],
  [
    "unknown top-level key",
    '{"rulez": []}',
    (p) => `invalid mock scenario ${p}: unknown key "rulez"`,
  ],
  [
    "unknown key in a rule",
    '{"rules": [{"label": "a", "replay": "x"}]}',
    (p) => `invalid mock scenario ${p}: rules[0]: unknown key "replay"`,
  ],
  [
    "unknown key in a sequence entry",
    '{"rules": [{"label": "a"}, {"sequence": [{"reply": "x"}, {"wait": 5}]}]}',
    (p) => `invalid mock scenario ${p}: rules[1].sequence[1]: unknown key "wait"`,
  ],
  [
    "bad regex",
    '{"rules": [{"prompt": "(unclosed"}]}',
    (p) => `invalid mock scenario ${p}: rules[0].prompt: invalid regular expression: `,
  ],
  [
    "wrong type",
    '{"rules": [{"label": "a", "delayMs": "5"}]}',
    (p) => `invalid mock scenario ${p}: rules[0].delayMs: `,
  ],
  [
    "unknown error kind",
    '{"rules": [{"label": "a", "fail": "x", "errorKind": "oops"}]}',
    (p) => `invalid mock scenario ${p}: rules[0].errorKind: `,
  ],
  [
    "occurrence not positive",
    '{"rules": [{"label": "a", "occurrence": 0}]}',
    (p) => `invalid mock scenario ${p}: rules[0].occurrence: `,
  ],
  [
    "reply and fail together",
    '{"rules": [{"label": "a", "reply": "x", "fail": "y"}]}',
    (p) => `invalid mock scenario ${p}: rules[0]: use only one of reply, fail`,
  ],
  [
    "sequence mixed with a response field",
    '{"rules": [{"label": "a", "reply": "x", "sequence": [{"reply": "y"}]}]}',
    (p) => `invalid mock scenario ${p}: rules[0]: "sequence" cannot go with "reply"`,
  ],
  [
    "empty sequence",
    '{"rules": [{"label": "a", "sequence": []}]}',
    (p) => `invalid mock scenario ${p}: rules[0].sequence: `,
  ],
  [
    "stateful regex flag",
    '{"rules": [{"prompt": "a", "promptFlags": "g"}]}',
    (p) => `invalid mock scenario ${p}: rules[0].promptFlags: must be some of i, m, s, u (each once)`,
  ],
  [
    "bad default",
    '{"default": {"hang": true, "delayMs": 4}}',
    (p) => `invalid mock scenario ${p}: default: `,
  ],
  [
    "not an object",
    "[1, 2]",
    (p) => `invalid mock scenario ${p}: `,
  ],
];

for (const [name, text, expected] of cases) {
  Deno.test(`scenario validation: ${name}`, async () => {
    const { path, message } = await loadError(text);
    assert.ok(message.startsWith(expected(path)), message);
  });
}

Deno.test("scenario validation: a missing file says so", async () => {
  await assert.rejects(
    loadScenario("/nonexistent/odw/scenario.json"),
    (error: Error) => {
      assert.ok(error instanceof MockScenarioError);
      assert.equal(error.message, "cannot read mock scenario /nonexistent/odw/scenario.json: no such file");
      return true;
    },
  );
});

Deno.test("an invalid inline scenario is refused by parseScenario", () => {
  assert.throws(
    () => parseScenario({ rules: [{ prompt: "[" }] }),
    (error: Error) =>
      error instanceof MockScenarioError &&
      error.message.startsWith("invalid mock scenario <inline>: rules[0].prompt: invalid regular expression"),
  );
  assert.equal(parseScenario({ rules: [] }).rules?.length, 0);
});

Deno.test("example invalid-then-valid.json: wrong first, valid on the retry", async () => {
  const backend = new MockBackend(await loadScenario(new URL("invalid-then-valid.json", EXAMPLES).pathname));
  const ajv = new Ajv();
  const classify = {
    type: "object",
    properties: { category: { enum: ["bug", "feature"] }, confidence: { type: "number" } },
    required: ["category", "confidence"],
  };
  const first = await backend.run(request({ label: "classify", schema: classify }), live());
  assert.equal(ajv.validate(classify, first.output), false);
  const retry = await backend.run(request({ label: "classify", schema: classify, attempt: 2 }), live());
  assert.ok(ajv.validate(classify, retry.output), JSON.stringify(retry.output));

  const extract = {
    type: "object",
    properties: { title: { type: "string" }, steps: { type: "array", items: { type: "string" } } },
    required: ["title", "steps"],
  };
  const prose = await backend.run(request({ label: "extract", key: "e#1", schema: extract }), live());
  assert.equal(prose.output, undefined);
  const fixed = await backend.run(
    request({ label: "extract", key: "e#1", schema: extract, attempt: 2 }),
    live(),
  );
  assert.deepEqual(fixed.output, { title: "Fix login", steps: ["reproduce", "patch"] });
});

Deno.test("example failures-and-delays.json: failure then recovery, forced timeout, nth worker fails", async () => {
  const backend = new MockBackend(await loadScenario(new URL("failures-and-delays.json", EXAMPLES).pathname));
  const flaky = await backend.run(request({ label: "flaky" }), live());
  assert.equal(flaky.status, "failed");
  assert.equal(flaky.error?.message, "rate limited");
  // The mock's own clock starts before its 50 ms delay timer is armed.
  assert.ok(flaky.durationMs >= 50, `durationMs ${flaky.durationMs}`);
  assert.equal((await backend.run(request({ label: "flaky" }), live())).text, "recovered");

  const deploy = await backend.run(request({ prompt: "Now DEPLOY it" }), live());
  assert.equal(deploy.status, "timeout");
  assert.equal(deploy.error?.message, "deploy took too long");

  const workers = await Promise.all(
    [1, 2, 3, 4].map((n) =>
      backend.run(request({ label: "worker", key: `w#${n}`, prompt: `job ${n}` }), live())
    ),
  );
  assert.deepEqual(workers.map((r) => r.status), ["completed", "completed", "failed", "completed"]);

  const expensive = await backend.run(request({ label: "expensive" }), live());
  assert.equal(expensive.usage.outputTokens, 4000);
  assert.equal(expensive.costUsd, 0.12);
});

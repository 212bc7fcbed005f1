/**
 * The host's validator of sandbox messages (`src/protocol_schema.ts`): every message the real runtime
 * sends passes, and each way a message can be wrong is refused with its path.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseWorkerMessage, valueProblem } from "../../src/protocol_schema.ts";

Deno.test("every message shape the runtime sends is accepted as it is", () => {
  const valid = [
    { type: "ready" },
    { type: "sandbox.error", message: "Uncaught Error: x" },
    { type: "agent", id: 1, prompt: "p", options: {}, scope: "" },
    {
      type: "agent",
      id: 7,
      prompt: "p",
      options: { label: "l", schema: { type: "object" }, timeout: null, anyOtherKey: [1] },
      scope: "/p/kid.js",
    },
    { type: "log", message: "" },
    { type: "phase", title: "t" },
    { type: "workflow", requests: [{ id: 2, ref: "kid" }, { id: 3, ref: { scriptPath: "k.js" } }] },
    { type: "done" },
    { type: "done", resultJson: "[1]" },
    { type: "failed", error: { name: "Error", message: "m", stack: "s" } },
  ];
  for (const message of valid) {
    assert.deepEqual(parseWorkerMessage(JSON.stringify(message)), { ok: true, message });
  }
});

Deno.test("malformed messages are refused with the path of what is wrong", () => {
  const cases: Array<[unknown, string]> = [
    [[1], "message: expected object, received array"],
    [{ type: 5 }, "message.type: not a message type (5)"],
    [{ type: "ready", extra: 1 }, 'ready: unknown key "extra"'],
    [{ type: "log" }, "log.message: required"],
    [
      { type: "agent", id: 0, prompt: "p", options: {}, scope: "" },
      "agent.id: expected a positive integer, received number",
    ],
    [
      { type: "agent", id: 1.5, prompt: "p", options: {}, scope: "" },
      "agent.id: expected a positive integer, received number",
    ],
    [
      { type: "agent", id: 1, prompt: "p", options: [], scope: "" },
      "agent.options: expected object, received array",
    ],
    [
      { type: "agent", id: 1, prompt: "p", options: { timeout: {} }, scope: "" },
      "agent.options.timeout: expected string, received object",
    ],
    [{ type: "workflow", requests: [] }, "workflow.requests: expected 1 to 4096 items, got 0"],
    [
      { type: "workflow", requests: [{ id: 1, ref: { scriptPath: "x".repeat(4097) } }] },
      "workflow.requests.0.ref.scriptPath: longer than 4096",
    ],
    [{ type: "done", resultJson: 1 }, "done.resultJson: expected string, received number"],
    [{ type: "failed", error: { name: "E" } }, "failed.error.message: required"],
  ];
  for (const [message, error] of cases) {
    assert.deepEqual(
      parseWorkerMessage(JSON.stringify(message)),
      { ok: false, error },
      error,
    );
  }
  assert.deepEqual(parseWorkerMessage("{"), { ok: false, error: "a message is not JSON" });
});

Deno.test("valueProblem: depth and array caps, without recursion", () => {
  let deep: unknown = 1;
  for (let i = 0; i < 200_000; i++) deep = [deep];
  assert.equal(valueProblem(deep, { maxDepth: 1000 }), "nested deeper than 1000 levels");
  assert.equal(
    valueProblem({ a: [Array(4097).fill(0)] }, { maxDepth: 1000, maxArrayItems: 4096 }),
    "array length 4097 exceeds the maximum of 4096 supported across the workflow VM boundary",
  );
  assert.equal(valueProblem({ a: [Array(4096).fill({ b: 1 })] }, { maxDepth: 4, maxArrayItems: 4096 }), null);
});

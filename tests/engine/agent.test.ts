/**
 * `agent()` semantics from WORKFLOW-SPEC.md: text, schema objects, null on failure with the
 * `[label] failed:` log, schema retry with errors, the programming errors that throw.
 *
 * @module
 */
import assert from "node:assert/strict";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

const SCHEMA =
  `{ type: "object", properties: { n: { type: "integer" }, tag: { type: "string" } }, required: ["n", "tag"] }`;

Deno.test("agent resolves to the agent's text without a schema", async () => {
  const { outcome } = await runScript(withMeta(`return await agent("Say hi", { label: "hi" });`), {
    scenario: { rules: [{ label: "hi", reply: "hello there" }] },
  });
  assert.equal(outcome.status, "completed");
  assert.equal(outcome.result, "hello there");
});

Deno.test("agent with a schema resolves to a schema-valid object", async () => {
  const { outcome } = await runScript(withMeta(`const o = await agent("count", { schema: ${SCHEMA} });
    return { o, type: typeof o, isInt: Number.isInteger(o.n), tagType: typeof o.tag };`));
  assert.equal(outcome.status, "completed");
  const r = outcome.result as Record<string, unknown>;
  assert.equal(r.type, "object");
  assert.equal(r.isInt, true);
  assert.equal(r.tagType, "string");
});

Deno.test("agent resolves to null and logs [label] failed: when the agent fails", async () => {
  const { outcome, events } = await runScript(
    withMeta(`const v = await agent("x", { label: "worker" }); return { v, isNull: v === null };`),
    { scenario: { rules: [{ label: "worker", fail: "model exploded" }] } },
  );
  assert.equal(outcome.status, "completed");
  assert.deepEqual(outcome.result, { v: null, isNull: true });
  assert.ok(outcome.logs.includes("[worker] failed: model exploded"), outcome.logs.join("\n"));
  const finished = eventsOf(events, "node.finished");
  assert.equal(finished.length, 1);
  assert.equal(finished[0].status, "failed");
  assert.equal(finished[0].value, null);
});

Deno.test("invalid structured output is retried with the errors, then the valid object is used", async () => {
  const { outcome, events } = await runScript(
    withMeta(`return await agent("count", { label: "c", schema: ${SCHEMA} });`),
    {
      scenario: {
        rules: [{ label: "c", sequence: [{ output: { n: "three" } }, { output: { n: 3, tag: "ok" } }] }],
      },
    },
  );
  assert.equal(outcome.status, "completed");
  assert.deepEqual(outcome.result, { n: 3, tag: "ok" });
  const finished = eventsOf(events, "node.finished");
  assert.equal(finished[0].attempts, 2);
  assert.equal(outcome.logs.length, 0);
});

Deno.test("output that never matches the schema gives null after the bounded tries", async () => {
  const { outcome, events } = await runScript(
    withMeta(`return { v: await agent("count", { label: "c", schema: ${SCHEMA} }) };`),
    { scenario: { rules: [{ label: "c", output: { n: 1.5 } }] } },
  );
  assert.deepEqual(outcome.result, { v: null });
  assert.equal(eventsOf(events, "node.finished")[0].attempts, 5);
  // The spec keeps agent() at null; the line carries the built-in's own wording of the retry cap.
  assert.deepEqual(outcome.logs, [
    "[c] failed: agent({schema}): StructuredOutput retry cap (5) exceeded \u2014 5 failed calls with no valid " +
    "output \u2014 last StructuredOutput error: Output does not match required schema: root: must have " +
    "required property 'tag', /n: must be integer",
  ]);
});

const UNUSABLE = "agent({schema}) received an unusable JSON Schema \u2014 ";
const NOT_STARTED = ". The subagent was not started \u2014 fix the schema and call agent() again.";

Deno.test("a schema whose root is not an object makes agent() throw the built-in's message", async () => {
  const { outcome } = await runScript(withMeta(`
    const out = [];
    for (const schema of [{ type: "string" }, { type: "array", items: {} }, { type: "object" }, { type: "strang" }]) {
      try { await agent("x", { schema }); out.push("no throw"); } catch (e) { out.push(e.message); }
    }
    return out;`));
  const [string, array, noProps, invalid] = outcome.result as string[];
  const rootMessage = UNUSABLE +
    "the API only accepts an object-rooted tool input schema, so every request would be rejected: the root " +
    "schema must declare type: 'object' (the API rejects any other root type for a tool input schema); wrap " +
    "arrays or primitives in an object property" + NOT_STARTED;
  assert.equal(string, rootMessage);
  assert.equal(array, rootMessage);
  assert.equal(
    noProps,
    UNUSABLE + 'its root must be { type: "object", properties: {...} } with every required name ' +
      'declared: its root must have a "properties" object' + NOT_STARTED,
  );
  assert.match(
    invalid,
    /^agent\(\{schema\}\) received an invalid JSON Schema: data\/type must be equal to one/,
  );
  // As in the built-in, a refused call still counts as an agent of the run.
  assert.equal(outcome.agentCount, 4);
});

Deno.test("required names that are not properties make agent() throw; uncaught it fails the run", async () => {
  const { outcome } = await runScript(withMeta(`
    await agent("x", { schema: { type: "object", properties: { a: { type: "string" } }, required: ["a", "b"] } });
    return "unreachable";`));
  assert.equal(outcome.status, "failed");
  assert.equal(
    outcome.error,
    "TelemetrySafeError: " + UNUSABLE +
      'its root must be { type: "object", properties: {...} } with every required name ' +
      'declared: "required" names "b", which is not in "properties"' + NOT_STARTED,
  );
});

Deno.test("agent() coerces a non-string prompt and options as the built-in does", async () => {
  const { outcome, events } = await runScript(
    withMeta(`
    return [await agent(42, { label: 7 }), await agent({ a: 1 }, "not options"), await agent("p", { label: "  a \\n  b " })];`),
    {
      scenario: {
        rules: [{ prompt: "^42$", reply: "forty-two" }, { prompt: "^\\[object\\]$", reply: "obj" }],
      },
    },
  );
  const [first, second, third] = outcome.result as string[];
  assert.equal(first, "forty-two");
  assert.equal(second, "obj");
  assert.match(third, /^mock reply to "p"/);
  const started = eventsOf(events, "node.started");
  assert.deepEqual(started.map((e) => [e.prompt, e.label]), [["42", "7"], ["[object]", "[object]"], [
    "p",
    "a b",
  ]]);
});

Deno.test("an unlabelled node is named by its prompt's first 60 characters, whitespace folded", async () => {
  const prompt = "Review   the\nfollowing " + "x".repeat(80);
  const { outcome, events } = await runScript(withMeta(`return await agent(${JSON.stringify(prompt)});`), {
    scenario: { default: { fail: "nope" } },
  });
  const expected = Array.from(prompt).slice(0, 60).join("").replace(/\s+/g, " ").trim();
  assert.equal(eventsOf(events, "node.started")[0].label, expected);
  assert.deepEqual(outcome.logs, [`[${expected}] failed: nope`]);
});

Deno.test("phase() sets the phase of later agents unless they pass one; log() lines are kept", async () => {
  const { outcome, events } = await runScript(withMeta(`
    phase("Review");
    await agent("a", { label: "a" });
    await agent("b", { label: "b", phase: "Verify" });
    log("note one"); log({ k: 1 }); log(null); log(() => 1); log(3);
    return null;`));
  const started = eventsOf(events, "node.started");
  assert.deepEqual(started.map((e) => [e.label, e.phase]), [["a", "Review"], ["b", "Verify"]]);
  assert.deepEqual(eventsOf(events, "phase").map((e) => e.title), ["Review"]);
  // As the built-in: primitives by String(), objects and functions as a tag.
  assert.deepEqual(outcome.logs, ["note one", "[object]", "null", "[function]", "3"]);
});

Deno.test("a per-node timeout makes the agent resolve to null with a timeout log", async () => {
  const { outcome, events } = await runScript(
    withMeta(`return await agent("slow", { label: "slow", timeout: "200ms" });`),
    { scenario: { rules: [{ label: "slow", hang: true }] } },
  );
  assert.equal(outcome.status, "completed");
  assert.equal(outcome.result, null);
  assert.equal(eventsOf(events, "node.finished")[0].status, "timeout");
  assert.match(outcome.logs[0], /^\[slow\] failed: timed out/);
});

Deno.test("args is the given JSON value verbatim, and undefined when absent", async () => {
  const script = withMeta(`return { type: typeof args, value: args === undefined ? "absent" : args };`);
  const given = await runScript(script, { args: { list: [1, "two"], n: null } });
  assert.deepEqual(given.outcome.result, { type: "object", value: { list: [1, "two"], n: null } });
  const absent = await runScript(script);
  assert.deepEqual(absent.outcome.result, { type: "undefined", value: "absent" });
});

Deno.test('structured output is validated with type coercion, as the built-in does ("3" becomes 3)', async () => {
  const { outcome } = await runScript(
    withMeta(`return await agent("count", { label: "c", schema: ${SCHEMA} });`),
    {
      scenario: { rules: [{ label: "c", output: { n: "3", tag: "t" } }] },
    },
  );
  assert.deepEqual(outcome.result, { n: 3, tag: "t" });
});

/**
 * Parity of odw with Claude Code's built-in Workflow runtime (claude 2.1.328): each test runs one script
 * on both (the real CLI against a scripted server, and odw's mock backend, with the same agent answers)
 * and asserts that both report exactly the expected outcome: status, result, error, log lines and agent
 * count. Stack frames, which the built-in appends to a thrown Error's text, are left out of the
 * comparison (they name Bun's internal chunks). Known differences live in parity_differences.test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { completed, expectParity, failed, parityTest } from "./expect.ts";
import { comparable, runBoth, workflowScript } from "./harness.ts";

const PERSON = {
  type: "object",
  properties: { name: { type: "string" }, year: { type: "integer" } },
  required: ["name", "year"],
};

parityTest("parallel: a throwing thunk gives null and index-ordered failure lines", () =>
  expectParity(
    `const r = await parallel([
  () => 1,
  async () => { throw new Error("boom one"); },
  () => agent("p agent"),
  () => { throw new TypeError("boom two"); },
  () => null,
]);
log("after");
return r;`,
    { replies: [{ prompt: "p agent", reply: "P" }] },
    completed([1, null, "P", null, null], [
      "parallel[1] failed: boom one",
      "parallel[3] failed: boom two",
      "after",
    ], 1),
  ));

parityTest("parallel: log lines of thunks come before the failure lines", () =>
  expectParity(
    `const r = await parallel([
  async () => { log("t0 start"); throw new Error("e0"); },
  async () => { await agent("slow"); log("t1 end"); return 1; },
  async () => { throw new Error("e2"); },
]);
log("end");
return r;`,
    { replies: [{ prompt: "slow", reply: "S" }] },
    completed([null, 1, null], [
      "t0 start",
      "t1 end",
      "parallel[0] failed: e0",
      "parallel[2] failed: e2",
      "end",
    ], 1),
  ));

parityTest("pipeline: a throwing stage and a stage returning null", () =>
  expectParity(
    `return await pipeline(
  [1, 2, 3, 4],
  (x) => { if (x === 2) throw new Error("stage0 bad " + x); return x * 10; },
  (y, item, i) => { if (item === 3) return null; if (item === 4) throw new RangeError("late " + i); return y + 1; },
);`,
    {},
    completed([11, null, null, null], ["pipeline[1] failed: stage0 bad 2", "pipeline[3] failed: late 3"]),
  ));

parityTest("parallel/pipeline argument errors", async () => {
  const notFunctions =
    "TypeError: parallel() expects an array of functions, not promises. Wrap each call: () => agent(...)";
  await expectParity(`return await parallel([Promise.resolve(1)]);`, {}, failed(notFunctions));
  await expectParity(
    `return await parallel(5);`,
    {},
    failed("TypeError: parallel() expects an array of functions"),
  );
  await expectParity(
    `return await pipeline("abc", (x) => x);`,
    {},
    failed("TypeError: pipeline() expects an array as the first argument"),
  );
});

parityTest("log(): strings, numbers, objects, null and other values", () =>
  expectParity(
    `log("s"); log(42); log({ a: 1 }); log(null); log(undefined); log([1, 2]); log(true); log(() => 1);
log(1.5e21); log(-0); log(Symbol("q")); log(10n); log("a", "b"); log("multi\\nline"); console.log("c", 1);
console.info("info"); console.debug("dbg"); console.log(); console.log("%s and %d", "x", 5);
return "ok";`,
    {},
    completed("ok", [
      "s",
      "42",
      "[object]",
      "null",
      "undefined",
      "[object]",
      "true",
      "[function]",
      "1.5e+21",
      "0",
      "Symbol(q)",
      "10",
      "a",
      "multi\nline",
      "c 1",
      "info",
      "dbg",
      "",
      "%s and %d x 5",
    ]),
  ));

parityTest("phase(): titles set the phase and log nothing", () =>
  expectParity(
    `phase("Alpha"); log("in alpha"); const a = await agent("phase q"); phase({ x: 1 }); phase(7); return a;`,
    { replies: [{ prompt: "phase q", reply: "A" }] },
    completed("A", ["in alpha"], 1),
  ));

parityTest("args: an object, a string, and absent (undefined)", async () => {
  const args = { n: 1, s: "x", l: [1, null] };
  await expectParity(`log(typeof args); return args;`, { args }, completed(args, ["object"]));
  await expectParity(`log(typeof args); return args;`, { args: "plain" }, completed("plain", ["string"]));
  await expectParity(
    `log(typeof args); log(String(args)); return args === undefined ? "undef" : args;`,
    {},
    completed("undef", ["undefined", "undefined"]),
  );
});

parityTest("agent(): text answers; the prompt reaches the agent verbatim", async () => {
  const { builtin, odw } = await runBoth(
    workflowScript(`return [await agent("say hello please"), await agent("  multi\\n  line   prompt  ")];`),
    { replies: [{ prompt: "hello", reply: "Hello there" }, { prompt: "multi", reply: "ML" }] },
  );
  const expected = completed(["Hello there", "ML"], [], 2);
  assert.deepEqual(comparable(builtin), expected);
  assert.deepEqual(comparable(odw), expected);
  assert.deepEqual(builtin.agentPrompts, ["say hello please", "  multi\n  line   prompt  "]);
});

parityTest("agent() with a schema returns the StructuredOutput object", () =>
  expectParity(
    `const o = await agent("give person", { schema: ${JSON.stringify(PERSON)} }); log(typeof o); return o;`,
    { replies: [{ prompt: "person", output: { name: "Ada", year: 1815 } }] },
    completed({ name: "Ada", year: 1815 }, ["object"], 1),
  ));

parityTest("a failed agent gives null and a [label] failed line (label, default label)", () =>
  expectParity(
    `const a = await agent("doomed one", { label: "L1" });
const b = await agent("doomed two with a rather long prompt that exceeds sixty characters for sure yes");
const c = await agent("  doomed\\n\\n   three\\tline with a lot of text that goes beyond sixty characters total");
return [a, b, c];`,
    { replies: [{ prompt: "doomed", fail: "scripted failure" }] },
    completed([null, null, null], [
      "[L1] failed: API Error: 400 scripted failure",
      "[doomed two with a rather long prompt that exceeds sixty char] failed: API Error: 400 scripted failure",
      "[doomed three line with a lot of text that goes beyond] failed: API Error: 400 scripted failure",
    ], 3),
  ));

parityTest(
  "budget without a total: total null, remaining Infinity, spent counts agent output tokens",
  () =>
    expectParity(
      `log(budget.total); log(budget.remaining()); log(budget.spent());
await agent("b1");
log(budget.spent()); log(budget.remaining());
return [budget.total, budget.remaining()];`,
      { replies: [{ prompt: "b1", reply: "B" }] },
      completed([null, null], ["null", "Infinity", "0", "7", "Infinity"], 1),
    ),
);

const CHILD = `export const meta = { name: "kid", description: "child wf" };
log("child start " + JSON.stringify(args));
phase("child phase");
const r = await agent("child ask", { label: "kid-agent" });
log("child got " + r);
return { childResult: r };
`;

parityTest("workflow(name): a child from .claude/workflows with its log lines", () =>
  expectParity(
    `log("parent before"); const c = await workflow("kid", { from: "parent" }); log("parent after " + JSON.stringify(c)); return c;`,
    { files: { ".claude/workflows/kid.js": CHILD }, replies: [{ prompt: "child ask", reply: "KID" }] },
    completed({ childResult: "KID" }, [
      "parent before",
      "▸ running dynamic workflow kid",
      '[kid] child start {"from":"parent"}',
      "[kid] child got KID",
      "▸ kid done",
      'parent after {"childResult":"KID"}',
    ], 1),
  ));

const BAD_CHILD = `export const meta = { name: "bad", description: "child throws" };
log("child says hi");
throw new Error("child exploded");
`;

parityTest("workflow(name): a throwing child, caught and uncaught", async () => {
  const files = { ".claude/workflows/bad.js": BAD_CHILD };
  const childLines = [
    "▸ running dynamic workflow bad",
    "[bad] child says hi",
    "▸ bad failed: Error: child exploded",
  ];
  await expectParity(
    `try { await workflow("bad"); } catch (e) { log("caught " + e.message); } return "p";`,
    { files },
    completed("p", [...childLines, "caught child exploded"]),
  );
  await expectParity(
    `await workflow("bad"); return "p";`,
    { files },
    failed("Error: child exploded", childLines),
  );
});

parityTest("a script that throws: the error's name and message", async () => {
  await expectParity(
    `log("before throw"); throw new Error("top level bad");`,
    {},
    failed("Error: top level bad", [
      "before throw",
    ]),
  );
  await expectParity(`throw "just a string";`, {}, failed("Error: just a string"));
  await expectParity(`throw 42;`, {}, failed("Error: 42"));
  await expectParity(`const e = new Error("m"); e.name = "Custom"; throw e;`, {}, failed("Custom: m"));
  await expectParity(`throw new Error();`, {}, failed("Error"));
  await expectParity(
    `class MyErr extends Error { constructor(m) { super(m); this.name = "MyErr"; } } throw new MyErr("custom");`,
    {},
    failed("MyErr: custom"),
  );
  await expectParity(
    `await parallel([() => 1]); throw new RangeError("after await");`,
    {},
    failed("RangeError: after await"),
  );
});

parityTest("a thrown multi-line message: the first line agrees", async () => {
  const { builtin, odw } = await runBoth(workflowScript(`throw new Error("top level bad\\nsecond line");`));
  assert.equal(builtin.error?.split("\n")[0], "Error: top level bad");
  assert.equal(odw.error?.split("\n")[0], "Error: top level bad");
});

parityTest("the result passes through JSON (NaN, Infinity, undefined, functions)", async () => {
  await expectParity(
    `return { nan: NaN, u: undefined, inf: -Infinity, arr: [undefined, NaN, () => 1], d: 1e21, nested: { u: undefined } };`,
    {},
    completed({ nan: null, inf: null, arr: [null, null, null], d: 1e21, nested: {} }),
  );
  await expectParity(`return undefined;`, {}, completed(null));
  await expectParity(`return NaN;`, {}, completed(null));
  await expectParity(`log("nothing");`, {}, completed(null, ["nothing"]));
  await expectParity(`return "multi\\nline";`, {}, completed("multi\nline"));
});

/** What the built-in's Workflow tool appends to a refusal, for the model (not part of the runtime's message). */
const TOOL_RETRY_HINT =
  "\nLoad the `workflow-authoring` skill for the script reference if you have not, fix the script, and retry.";

parityTest("a refused script (Date.now): the same message, before anything runs", async () => {
  const { builtin, odw } = await runBoth(workflowScript(`return Date.now();`));
  const message =
    "Workflow scripts must be deterministic: Date.now()/Math.random()/new Date() are unavailable (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";
  assert.equal(builtin.status, "refused");
  assert.equal(builtin.error, message + TOOL_RETRY_HINT);
  assert.equal(odw.status, "refused");
  assert.equal(odw.error, message);
  assert.equal(odw.code, 2);
});

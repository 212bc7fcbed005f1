/**
 * Differences between odw and Claude Code's built-in Workflow runtime (claude 2.1.328) found by the cases
 * of parity_more.test.ts. Each "difference: …" test pins both sides' observed outcomes, so it fails when
 * either side changes: when odw is made to match, flip the test to a parity test; when odw keeps its
 * behaviour on purpose, rename it "kept difference" with the reason.
 *
 * Not a test: a script awaiting a promise nothing settles (`await new Promise(() => {})`). The built-in
 * never ends the run (the CLI waits for the background workflow until it is killed; no run record is
 * written); odw fails at once with "Error: the workflow is stuck: it awaits a promise that nothing can
 * settle (no agent, child workflow or timer is pending)".
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  completed,
  differenceTest,
  expectDifference,
  expectScriptDifference,
  failed,
  refused,
  TOOL_RETRY_HINT,
} from "./expect.ts";
import { runBoth, withoutStackFrames, workflowScript } from "./harness.ts";

const META = `export const meta = { name: "p", description: "d" };\n`;

// The built-in's tool result puts a line before the engine's compile error; odw reports the error alone.
differenceTest("module syntax refusals: the built-in says the script was not launched", async () => {
  const NOT_LAUNCHED = "Workflow script has a syntax error and was not launched:\n";
  const cases: [string, string][] = [
    [
      `import x from "y";`,
      "SyntaxError: Unexpected identifier 'x'. import call expects one or two arguments.",
    ],
    [`export const other = 1;`, "SyntaxError: Unexpected keyword 'export'"],
    [`return import.meta.url;`, "SyntaxError: import.meta is only valid inside modules."],
    [
      `await using x = null;`,
      "SyntaxError: 'await using' declarations are not supported in workflow scripts.",
    ],
  ];
  for (const [line, message] of cases) {
    await expectScriptDifference(
      `${META}${line}\nreturn 1;`,
      {},
      refused(NOT_LAUNCHED + message + TOOL_RETRY_HINT),
      refused(message),
    );
  }
});

// The built-in refuses import() when it compiles the script; odw runs the script and import() rejects.
differenceTest("import(): refused by the built-in, a runtime error on odw", () =>
  expectDifference(
    `log("ran"); const m = await import("node:fs"); return 1;`,
    {},
    refused(
      "Workflow script has a syntax error and was not launched:\nSyntaxError: import() is not available in workflow scripts." +
        TOOL_RETRY_HINT,
    ),
    failed("Error: import() is not available in workflow scripts.", ["ran"]),
  ));

const NO_CLOCK =
  "Error: Date.now() / new Date() are unavailable in workflow scripts (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";

// The built-in has one message for every clock (with advice); odw names the call and gives no advice.
differenceTest("a clock or randomness reached at run time: the built-in's messages", async () => {
  const indirect = `const D = globalThis["Da" + "te"];`;
  await expectDifference(
    `${indirect} return D["no" + "w"]();`,
    {},
    failed(NO_CLOCK),
    failed("Error: Date.now() is unavailable in workflow scripts (breaks resume)"),
  );
  await expectDifference(
    `${indirect} return String(new D());`,
    {},
    failed(NO_CLOCK),
    failed("Error: new Date() is unavailable in workflow scripts (breaks resume)"),
  );
  await expectDifference(
    `return typeof Date();`,
    {},
    failed(NO_CLOCK),
    failed("Error: Date() is unavailable in workflow scripts (breaks resume)"),
  );
  await expectDifference(
    `return Math["ran" + "dom"]();`,
    {},
    failed(
      "Error: Math.random() is unavailable in workflow scripts (breaks resume). For N independent samples, include the index in the agent label or prompt.",
    ),
    failed("Error: Math.random() is unavailable in workflow scripts (breaks resume)"),
  );
});

// The built-in's context refuses code generation with the engine's EvalError; odw throws its own Error.
differenceTest("eval and new Function: EvalError on the built-in", async () => {
  for (const body of [`return eval("1 + 1");`, `return new Function("return 2")();`]) {
    await expectDifference(
      body,
      {},
      failed("EvalError: Code generation from strings disallowed for this context"),
      failed("Error: code generation from strings is unavailable in workflow scripts (sandbox)"),
    );
  }
});

// The built-in's context has no host globals (they are undefined); odw's Worker keeps the web APIs and
// throws on the ones it locks down.
differenceTest("globals: undefined on the built-in; present or throwing on odw", async () => {
  await expectDifference(
    `return [typeof process, typeof require];`,
    {},
    completed(["undefined", "undefined"]),
    failed("Error: process is unavailable in workflow scripts (sandbox)"),
  );
  const names = ["fetch", "TextEncoder", "URL", "atob", "structuredClone", "queueMicrotask", "setInterval"];
  await expectDifference(
    `return ${JSON.stringify(names)}.map((n) => typeof globalThis[n]);`,
    {},
    completed(names.map(() => "undefined")),
    completed(names.map(() => "function")),
  );
  await expectDifference(
    `try { setTimeout("log(1)", 1); } catch (e) { return e.message; } await new Promise((r) => setTimeout(r, 20)); return "ok";`,
    {},
    completed("ok"),
    completed("code generation from strings is unavailable in workflow scripts (sandbox)"),
  );
});

// The built-in logs "<non-string error>" for a rejection that is neither a string nor has a string
// message (an Error's or a plain object's); odw logs String(reason).
differenceTest("parallel/pipeline rejections that are not strings", () =>
  expectDifference(
    `const a = await parallel([() => Promise.reject(undefined), () => Promise.reject(42), () => Promise.reject(null),
  () => Promise.reject({ message: "objmsg" }), () => Promise.reject({ code: 1 }), () => { throw { name: "N", message: "nm" }; }]);
const b = await pipeline([1], () => Promise.reject());
return [a.length, b.length];`,
    {},
    completed([6, 1], [
      "parallel[0] failed: <non-string error>",
      "parallel[1] failed: <non-string error>",
      "parallel[2] failed: <non-string error>",
      "parallel[3] failed: objmsg",
      "parallel[4] failed: <non-string error>",
      "parallel[5] failed: nm",
      "pipeline[0] failed: <non-string error>",
    ]),
    completed([6, 1], [
      "parallel[0] failed: undefined",
      "parallel[1] failed: 42",
      "parallel[2] failed: null",
      "parallel[3] failed: [object Object]",
      "parallel[4] failed: [object Object]",
      "parallel[5] failed: [object Object]",
      "pipeline[0] failed: undefined",
    ]),
  ));

// Message wording for a missing scriptPath (odw also shows the resolved absolute path).
differenceTest("workflow({scriptPath}) to a missing file", async () => {
  const { builtin, odw } = await runBoth(
    workflowScript(`return await workflow({ scriptPath: "sub/none.js" });`),
  );
  assert.equal(
    withoutStackFrames(builtin.error ?? ""),
    "Error: workflow({scriptPath: 'sub/none.js'}): Workflow script file not found: sub/none.js",
  );
  assert.match(
    odw.error ?? "",
    /^Error: workflow\(\{scriptPath: 'sub\/none\.js'\}\): no such file: \/.*\/sub\/none\.js$/,
  );
});

const KID = (body: string) => `export const meta = { name: "kid", description: "child wf" };\n${body}\n`;
const kidFiles = (body: string) => ({ files: { ".claude/workflows/kid.js": KID(body) } });

// The built-in prefixes a child's console lines with [name] as it does log(); odw does not.
differenceTest("a child's console.log/console.error lines", () =>
  expectDifference(
    `return await workflow("kid");`,
    kidFiles(`console.log("clog", 1); console.error("cerr"); return 2;`),
    completed(2, ["▸ running dynamic workflow kid", "[kid] clog 1", "[kid] [error] cerr", "▸ kid done"]),
    completed(2, ["▸ running dynamic workflow kid", "clog 1", "[error] cerr", "▸ kid done"]),
  ));

// The built-in's parent catches an Error made from the child's throw outside the script's realm (name and
// message kept, so a thrown string becomes an Error; instanceof Error is false); odw rethrows the child's
// value itself (a string stays a string; a RangeError is a RangeError of the parent's realm).
differenceTest("what the parent catches from a throwing child", async () => {
  const caught =
    `try { await workflow("kid"); } catch (e) { log([typeof e, e && e.name, e && e.message, e instanceof Error, e instanceof RangeError].join("|")); } return 1;`;
  const lines = (
    failure: string,
    log: string,
  ) => ["▸ running dynamic workflow kid", `▸ kid failed: ${failure}`, log];
  await expectDifference(
    caught,
    kidFiles(`throw "kid str";`),
    completed(1, lines("Error: kid str", "object|Error|kid str|false|false")),
    completed(1, lines("Error: kid str", "string|||false|false")),
  );
  await expectDifference(
    caught,
    kidFiles(`throw new RangeError("rng");`),
    completed(1, lines("RangeError: rng", "object|RangeError|rng|false|false")),
    completed(1, lines("RangeError: rng", "object|RangeError|rng|true|true")),
  );
});

// The built-in hands a child's result to the parent as a copy of its own enumerable properties (NaN stays
// NaN, a Date becomes {}); odw passes it through JSON (NaN → null, a Date → its ISO string).
differenceTest("a child's result as the parent sees it", () =>
  expectDifference(
    `const c = await workflow("kid"); log(String(Number.isNaN(c.n))); log(Object.prototype.toString.call(c.d)); return c;`,
    kidFiles(`return { n: NaN, d: new Date(0) };`),
    completed({ n: null, d: {} }, [
      "▸ running dynamic workflow kid",
      "▸ kid done",
      "true",
      "[object Object]",
    ]),
    completed({ n: null, d: "1970-01-01T00:00:00.000Z" }, [
      "▸ running dynamic workflow kid",
      "▸ kid done",
      "false",
      "[object String]",
    ]),
  ));

// The same copy on the top-level result: the built-in ignores toJSON (a Date gives {}); odw uses JSON.stringify.
differenceTest("a Date or a toJSON method in the result", () =>
  expectDifference(
    `return [new Date(0), { d: new Date(86400000) }, { toJSON() { return "tj"; } }, { x: { toJSON() { return 1; } } }];`,
    {},
    completed([{}, { d: {} }, {}, { x: {} }]),
    completed(["1970-01-01T00:00:00.000Z", { d: "1970-01-02T00:00:00.000Z" }, "tj", { x: 1 }]),
  ));

// The built-in keeps a log line of more than 11024 characters as its first and last 5000 with a marker
// between ("\n\n... [N characters truncated] ...\n\n"); odw keeps it whole.
differenceTest("a log line longer than 11024 characters", async () => {
  const { builtin, odw } = await runBoth(
    workflowScript(`log("a".repeat(11025)); log("b".repeat(12000)); return 1;`),
  );
  const cut = (c: string, n: number) =>
    `${c.repeat(5000)}\n\n... [${n} characters truncated] ...\n\n${c.repeat(5000)}`;
  assert.deepEqual(builtin.logs, [cut("a", 1025), cut("b", 2000)]);
  assert.deepEqual(odw.logs, ["a".repeat(11025), "b".repeat(12000)]);
});

/**
 * Edge cases of parity between odw and Claude Code's built-in Workflow runtime (claude 2.1.328):
 * interleaving of logs and agents in parallel()/pipeline(), odd log()/agent() arguments, exceptions and
 * rejections nothing handles, child workflow arguments and results, static oddities of the script text
 * (shebang, BOM, comments, meta without a semicolon) and odd return values. "parity: …" tests are
 * agreements; "difference: …" tests pin both sides where odw still differs (flip them when it matches).
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  completed,
  differenceTest,
  expectDifference,
  expectParity,
  expectRefused,
  expectScriptDifference,
  expectScriptParity,
  failed,
  parityTest,
  refused,
} from "./expect.ts";
import { comparable, runBoth, workflowScript } from "./harness.ts";

const META = `export const meta = { name: "p", description: "d" };`;
const NOT_FIRST =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";
const KID = (body: string) => `export const meta = { name: "kid", description: "child wf" };\n${body}\n`;
const kidFiles = (body: string) => ({ ".claude/workflows/kid.js": KID(body) });
const RUNNING = "▸ running dynamic workflow kid";
const DONE = "▸ kid done";
const VM_BOUNDARY = (n: number) =>
  `array length ${n} exceeds the maximum of 4096 supported across the workflow VM boundary`;

// ---------------------------------------------------------------------------------------------- agreements

parityTest("interleaving: logs and an agent inside parallel thunks, pipeline stage order", () =>
  expectParity(
    `const r = await parallel([() => { log("a"); return agent("x"); }, () => { log("b"); return 1; }]);
log("c");
const p = await pipeline([1, 2], async (x) => { log("s0 " + x); await null; return x; }, (x) => { log("s1 " + x); return x * 2; });
return [r, p];`,
    { replies: [{ prompt: "^x$", reply: "X" }] },
    completed([["X", 1], [2, 4]], ["a", "b", "c", "s0 1", "s0 2", "s1 1", "s1 2"], 1),
  ));

parityTest("agent() dispatch: after the script's next microtasks, before a timer", () =>
  expectParity(
    `const p = agent("q"); log("sync"); for (let i = 1; i <= 3; i++) { await null; log("m" + i); }
await new Promise((r) => setTimeout(r, 0)); log("timer"); return await p;`,
    {},
    completed("unscripted", ["sync", "m1", "m2", "m3", "timer"], 1),
  ));

parityTest(
  "log()/console.* with several arguments, none, undefined and blanks; phase() bare",
  () =>
    expectParity(
      `log(); log(undefined, 1); log("a", { x: 1 }); log(1, 2); console.log(undefined); console.log("a", undefined, null);
console.log({ a: 1 }, [1, 2]); console.log("s", "t", 3); console.warn(); console.error("e", 2); console.warn("w", {});
log(""); log(" "); phase(); log("x"); return 1;`,
      {},
      completed(1, [
        "undefined",
        "undefined",
        "a",
        "1",
        "",
        "a  null",
        '{"a":1} [1,2]',
        "s t 3",
        "[warn] ",
        "[error] e 2",
        "[warn] w {}",
        "",
        " ",
        "x",
      ]),
    ),
);

parityTest(
  "agent() labels: empty, blank, a blank prompt, the 60-character default, newlines",
  () =>
    expectParity(
      `return [await agent("L1 q", { label: "" }), await agent("L2 q", { label: "   " }), await agent("   "),
  await agent("${"long prompt ".repeat(10)}end"), await agent("first line\\nsecond line and more")];`,
      {
        replies: [
          { prompt: "L1", fail: "f1" },
          { prompt: "L2", fail: "f2" },
          { prompt: "^\\s+$", fail: "f3" },
          { prompt: "long prompt", fail: "f4" },
          { prompt: "first", fail: "f5" },
        ],
      },
      completed([null, null, null, null, null], [
        "[] failed: API Error: 400 f1",
        "[] failed: API Error: 400 f2",
        "[] failed: API Error: 400 f3",
        `[${"long prompt ".repeat(5).trim()}] failed: API Error: 400 f4`,
        "[first line second line and more] failed: API Error: 400 f5",
      ], 5),
    ),
);

parityTest("rejections nothing handles, and a timer throwing after the return, are ignored", async () => {
  await expectParity(
    `Promise.reject(new Error("unh")); (async () => { throw new TypeError("floating"); })();
await new Promise((r) => setTimeout(r, 10)); log("after"); Promise.reject("late"); return 2;`,
    {},
    completed(2, ["after"]),
  );
  await expectParity(`setTimeout(() => { throw new Error("late2"); }, 1); return 1;`, {}, completed(1));
});

parityTest("child workflows: args null / absent / 0, and results NaN, -0, bigint, symbol", async () => {
  await expectParity(
    `return [await workflow("kid", null), await workflow("kid"), await workflow("kid", 0)];`,
    { files: kidFiles(`return [typeof args, args === null, args === undefined];`) },
    completed(
      [["object", true, false], ["undefined", false, true], ["number", false, false]],
      [RUNNING, DONE, RUNNING, DONE, RUNNING, DONE],
    ),
  );
  await expectParity(
    `const out = [];
for (let i = 0; i < 4; i++) { const c = await workflow("kid", i); out.push(typeof c === "object" ? JSON.stringify(c) + "|" + Object.is(c[0], -0) : typeof c); }
return out;`,
    {
      files: kidFiles(
        `return [[NaN, -0, undefined, Infinity], 10n, Symbol("k"), { s: Symbol("x"), n: 1 }][args];`,
      ),
    },
    completed(
      ["[null,0,null,null]|false", "bigint", "symbol", '{"n":1}|false'],
      [RUNNING, DONE, RUNNING, DONE, RUNNING, DONE, RUNNING, DONE],
    ),
  );
});

parityTest(
  "a child that calls parallel() and pipeline(): its failure lines are not prefixed",
  () =>
    expectParity(
      `return await workflow("kid", { n: 2 });`,
      {
        files: kidFiles(
          `const p = await parallel([() => agent("kp q"), () => { throw new Error("kx"); }]);
const q = await pipeline([1, args.n], (x) => x + 1); log("kid done " + p.length); return { p, q };`,
        ),
        replies: [{ prompt: "kp q", reply: "KP" }],
      },
      completed(
        { p: ["KP", null], q: [2, 3] },
        [RUNNING, "parallel[1] failed: kx", "[kid] kid done 2", DONE],
        1,
      ),
    ),
);

parityTest("static: a #! line, a UTF-8 BOM, comments before meta, meta without a semicolon", async () => {
  await expectScriptParity(`#!/usr/bin/env node\n// line\n/* block */\n${META}\nreturn 1;\n`, completed(1));
  await expectScriptParity(`\uFEFF${META}\nreturn 2;\n`, completed(2));
  await expectScriptParity(`export const meta = { name: "p", description: "d" }\nreturn 3\n`, completed(3));
});

parityTest(
  "static refusals: code after meta on its line, a second declarator, a directive first",
  async () => {
    await expectRefused(
      `export const meta = { name: "p", description: "d" } return 1;\n`,
      `Invalid workflow script: Script parse error: Unexpected token (1:52)\n\nexport const meta = { name: "p", description: "d" } return 1;\n${
        " ".repeat(52)
      }^\n\nWorkflow scripts must be plain JavaScript — common causes are TypeScript syntax (type annotations, interfaces, generics) and broken string quoting or escaping.`,
    );
    await expectRefused(
      `export const meta = { name: "p", description: "d" }, x = 1;\nreturn x;\n`,
      NOT_FIRST,
    );
    await expectRefused(`"use strict";\n${META}\nreturn 1;\n`, NOT_FIRST);
  },
);

parityTest("tabs and invisible format characters in the script text are accepted", () =>
  expectParity(
    `if (true) {\n\tlog("tab");\n}\nreturn "\t|\u200b|\u200d|\u202e|\u2066|\u2028|\ufeff";`,
    {},
    completed("\t|\u200b|\u200d|\u202e|\u2066|\u2028|\ufeff", ["tab"]),
  ));

parityTest(
  "results: -0, holes, undefined, surrogates, NUL, shared objects, 100-deep nesting",
  () =>
    expectParity(
      `const s = { v: 1 }; let deep = 1; for (let i = 0; i < 100; i++) deep = [deep];
return { z: [-0, { z: -0 }], a: [1, , 3], e: [,], o: { u: undefined, n: [undefined, { v: undefined }] },
  t: ["😀 é 中", "\\uD800", "a\\u0000b", "\\u2028"], sh: [s, s], deep };`,
      {},
      completed({
        z: [0, { z: 0 }],
        a: [1, null, 3],
        e: [null],
        o: { n: [null, {}] },
        t: ["😀 é 中", "\uD800", "a\u0000b", "\u2028"],
        sh: [{ v: 1 }, { v: 1 }],
        deep: JSON.parse("[".repeat(100) + "1" + "]".repeat(100)),
      }),
    ),
);

parityTest("results that cannot be serialized: a cycle, a bigint, a function", async () => {
  await expectParity(
    `const o = { a: 1 }; o.self = o; return o;`,
    {},
    failed("TypeError: JSON.stringify cannot serialize cyclic structures."),
  );
  await expectParity(`return [10n];`, {}, failed("TypeError: JSON.stringify cannot serialize BigInt."));
  await expectParity(`return () => 1;`, {}, failed("Error: workflow result cannot be a function"));
});

parityTest(
  "4096 elements: a 4096-array result passes; parallel()/pipeline() of 5000 fail; args of 5000 pass",
  async () => {
    const { builtin, odw } = await runBoth(
      workflowScript(`return Array.from({ length: 4096 }, (_, i) => i);`),
    );
    const expected = completed(Array.from({ length: 4096 }, (_, i) => i));
    assert.deepEqual(comparable(builtin), expected, "the built-in's outcome");
    assert.deepEqual(comparable(odw), expected, "odw's outcome");
    await expectParity(
      `const big = Array.from({ length: 5000 }, (_, i) => i);
try { await parallel(big.map((i) => () => i)); } catch (e) { log(e.name + ": " + e.message); }
try { await pipeline(big, (x) => x); } catch (e) { log(e.name + ": " + e.message); }
return args.length;`,
      { args: Array.from({ length: 5000 }, () => 1) },
      completed(5000, [`Error: ${VM_BOUNDARY(5000)}`, `Error: ${VM_BOUNDARY(5000)}`]),
    );
  },
);

// ------------------------------------------------------------------------------------------ differences

// parallel() thunks and pipeline() stages start only after the caller's pending microtasks (next macrotask).
parityTest("when parallel() thunks and pipeline() stages start", async () => {
  const ticks = (n: number) => Array.from({ length: n }, (_, i) => `m${i + 1}`);
  await expectParity(
    `const p = parallel([() => { log("t0"); return 1; }, () => { log("t1"); return 1; }]);
for (let i = 1; i <= 8; i++) { await null; log("m" + i); } return await p;`,
    {},
    completed([1, 1], [...ticks(8), "t0", "t1"]),
  );
  await expectParity(
    `const p = pipeline([1, 2], (x) => { log("s" + x); return x; }, (x) => { log("u" + x); return x; });
for (let i = 1; i <= 12; i++) { await null; log("m" + i); } return await p;`,
    {},
    completed([1, 2], [...ticks(12), "s1", "s2", "u1", "u2"]),
  );
});

// An exception thrown by a timer callback is ignored.
parityTest("an uncaught throw in a timer callback (top level and in a child)", async () => {
  await expectParity(
    `setTimeout(() => { throw new Error("late"); }, 5); await new Promise((r) => setTimeout(r, 30)); log("after"); return 1;`,
    {},
    completed(1, ["after"]),
  );
  await expectParity(
    `const c = await workflow("kid"); log("after " + c); return c;`,
    {
      files: kidFiles(
        `setTimeout(() => { throw new Error("klate"); }, 1); await new Promise((r) => setTimeout(r, 20)); return 5;`,
      ),
    },
    completed(5, [RUNNING, DONE, "after 5"]),
  );
});

// opts.schema that is not an object: a string or number fails with a WeakMap TypeError (the built-in's
// engine's words), an array with Ajv's "data must be object,boolean"; null is ignored. Every call counts.
parityTest("agent() with opts.schema a string, an array, null, a number; opts an array", () => {
  const weakMap = "ERR TypeError: WeakMap keys must be objects or non-registered symbols";
  return expectParity(
    `const out = [];
for (const [k, o] of [["s1", { schema: "string" }], ["s2", { schema: ["a"] }], ["s3", { schema: null }], ["s4", ["x"]], ["s5", { schema: 5 }]]) {
  try { out.push(await agent(k + " q", o)); } catch (e) { out.push("ERR " + e.name + ": " + e.message); }
}
return out;`,
    {},
    completed(
      [
        weakMap,
        "ERR TelemetrySafeError: agent({schema}) received an invalid JSON Schema: data must be object,boolean",
        "unscripted",
        "unscripted",
        weakMap,
      ],
      [],
      5,
    ),
  );
});

// A child returning a function (or an object with a method): the parent gets undefined (or no method).
parityTest("a child returning a function or an object with a method", async () => {
  await expectParity(
    `const c = await workflow("kid"); return typeof c;`,
    { files: kidFiles(`return function named() {};`) },
    completed("undefined", [RUNNING, DONE]),
  );
  const logKeys = (keys: string[]) => [RUNNING, DONE, JSON.stringify(keys)];
  await expectParity(
    `const c = await workflow("kid"); log(JSON.stringify(Object.keys(c))); return c;`,
    { files: kidFiles(`return { f() { return 1; }, a: [() => 2], x: 1 };`) },
    completed({ a: [null], x: 1 }, logKeys(["a", "x"])),
  );
});

// Two children started together by parallel() interleave: both start, then both finish.
parityTest("two children in parallel(): both start, then both finish", () =>
  expectParity(
    `return await parallel([() => workflow("kid", 3), () => workflow("kid", 4)]);`,
    { files: kidFiles(`log("k" + args); return args * 10;`) },
    completed([30, 40], [RUNNING, "[kid] k3", RUNNING, "[kid] k4", DONE, DONE]),
  ));

// Arrays of more than 4096 elements are refused wherever they cross the VM boundary (the result, a
// child's result or args, an agent's structured output).
parityTest("arrays over 4096 elements in results, child args/results and agent output", async () => {
  const { builtin, odw } = await runBoth(workflowScript(`return [Array.from({ length: 4097 }, () => 1)];`));
  assert.deepEqual(comparable(builtin), failed(`Error: ${VM_BOUNDARY(4097)}`), "the built-in's outcome");
  assert.deepEqual(comparable(odw), failed(`Error: ${VM_BOUNDARY(4097)}`), "odw's outcome");
  const kidFailed = `▸ kid failed: Error: ${VM_BOUNDARY(4097)}`;
  await expectParity(
    `const out = [];
try { out.push((await workflow("kid", 1)).length); } catch (e) { out.push("ERR " + e.message); }
try { out.push(await workflow("kid", Array.from({ length: 4097 }, () => 1))); } catch (e) { out.push("ERR " + e.message); }
try { out.push((await agent("big", { schema: { type: "object", properties: { a: { type: "array" } }, required: ["a"] } })).a.length); } catch (e) { out.push("ERR " + e.message); }
return out;`,
    {
      files: kidFiles(`return Array.isArray(args) ? args.length : Array.from({ length: 4097 }, () => 1);`),
      replies: [{ prompt: "big", output: { a: Array.from({ length: 5000 }, () => 1) } }],
    },
    completed(
      [`ERR ${VM_BOUNDARY(4097)}`, `ERR ${VM_BOUNDARY(4097)}`, `ERR ${VM_BOUNDARY(5000)}`],
      [RUNNING, kidFailed, RUNNING, kidFailed],
      1,
    ),
  );
});

// A symbol as the whole result cannot be cloned.
parityTest("a symbol as the result", () =>
  expectParity(
    `return Symbol("s");`,
    {},
    failed("DataCloneError: The object can not be cloned."),
  ));

// Kept: the built-in's Workflow tool refuses a script containing control characters other than tab and LF
// (CR of CRLF line endings, NUL, ESC, DEL, C1 such as NEL) because its approval dialog could not show
// them; odw has no such dialog and runs the script (CRLF files are common).
differenceTest("kept: control characters in the script text (CRLF line endings, ESC, NEL)", async () => {
  const hidden = refused(
    `InputValidationError: [\n  {\n    "code": "custom",\n    "path": [\n      "script"\n    ],\n    "message": "script contains control characters that would be hidden in the approval dialog"\n  }\n]`,
  );
  await expectScriptDifference(`${META}\r\nlog("a");\r\nreturn 1;\r\n`, {}, hidden, completed(1, ["a"]));
  await expectDifference(`return "a\u001bb\u0085c";`, {}, hidden, completed("a\u001bb\u0085c"));
});

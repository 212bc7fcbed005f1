/**
 * More parity cases between odw and Claude Code's built-in Workflow runtime (claude 2.1.328) where both
 * agree: static refusals of meta and of non-deterministic calls, accepted meta variants, args of every
 * JSON type, agent() arguments, parallel()/pipeline() edge items, child workflows by scriptPath, results
 * that are not plain JSON, timers and long log lines. The differences found alongside these live in
 * parity_more_differences.test.ts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { completed, expectParity, expectRefused, expectScriptParity, failed, parityTest } from "./expect.ts";
import { runBoth, workflowScript } from "./harness.ts";

const META = `export const meta = { name: "p", description: "d" };\n`;

const NOT_FIRST =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";
const PURE = "Invalid workflow script: meta must be a pure literal: ";
const DETERMINISTIC =
  "Workflow scripts must be deterministic: Date.now()/Math.random()/new Date() are unavailable (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";
const PLAIN_JS =
  "Workflow scripts must be plain JavaScript — common causes are TypeScript syntax (type annotations, interfaces, generics) and broken string quoting or escaping.";

parityTest("refused: meta missing from the first statement", async () => {
  await expectRefused(`const x = 1;\n${META}return x;`, NOT_FIRST);
  await expectRefused(`export const meta = makeMeta();\nreturn 1;`, NOT_FIRST);
  await expectRefused(`export let meta = { name: "p", description: "d" };\nreturn 1;`, NOT_FIRST);
  await expectRefused(`import x from "y";\n${META}return 1;`, NOT_FIRST);
});

parityTest("refused: meta that is not a pure literal", async () => {
  const meta = (extra: string) => `export const meta = { name: "p", description: "d", ${extra} };\nreturn 1;`;
  await expectRefused(meta("w: D"), `${PURE}non-literal node type in meta: Identifier`);
  await expectRefused(
    `export const meta = { ...base, name: "p", description: "d" };\nreturn 1;`,
    `${PURE}only plain properties allowed in meta`,
  );
  await expectRefused(meta(`["k"]: 1`), `${PURE}computed keys not allowed in meta`);
  await expectRefused(meta("f() { return 1; }"), `${PURE}methods/accessors not allowed in meta`);
  await expectRefused(meta("t: `x${1}`"), `${PURE}template interpolation not allowed in meta`);
  await expectRefused(meta("n: +1"), `${PURE}only negative-number unary allowed in meta`);
  await expectRefused(meta("a: [1,,2]"), `${PURE}sparse arrays not allowed`);
  await expectRefused(meta("__proto__: { x: 1 }"), `${PURE}reserved key name not allowed in meta: __proto__`);
});

parityTest("refused: meta without a non-empty name or description", async () => {
  const name = "Invalid workflow script: meta.name must be a non-empty string";
  const description = "Invalid workflow script: meta.description must be a non-empty string";
  await expectRefused(`export const meta = { description: "d" };\nreturn 1;`, name);
  await expectRefused(`export const meta = { name: "", description: "d" };\nreturn 1;`, name);
  await expectRefused(`export const meta = { name: 5, description: "d" };\nreturn 1;`, name);
  await expectRefused(`export const meta = { name: "p" };\nreturn 1;`, description);
  await expectRefused(`export const meta = { name: "p", description: "" };\nreturn 1;`, description);
});

parityTest(
  'accepted meta: plain templates, a negative number, whenToUse: 5, phases: "x"',
  () =>
    expectScriptParity(
      'export const meta = { name: `p`, description: `d`, whenToUse: 5, phases: "x", n: -1 };\nreturn 1;',
      completed(1),
    ),
);

parityTest("refused: a parse error, with the excerpt, the caret and the plain-JavaScript hint", async () => {
  await expectRefused(
    `${META}const x: number = 1;\nreturn x;`,
    `Invalid workflow script: Script parse error: Unexpected token (2:7)\n\nconst x: number = 1;\n       ^\n\n${PLAIN_JS}`,
  );
  await expectRefused(
    `${META}with ({ a: 1 }) { log(String(a)); }\nreturn 1;`,
    `Invalid workflow script: Script parse error: 'with' in strict mode (2:0)\n\nwith ({ a: 1 }) { log(String(a)); }\n^\n\n${PLAIN_JS}`,
  );
});

parityTest("refused: Math.random(), new Date() and a Date.now reference; new Date(0) runs", async () => {
  await expectRefused(`${META}return Math.random();`, DETERMINISTIC);
  await expectRefused(`${META}return String(new Date());`, DETERMINISTIC);
  await expectRefused(`${META}const f = Date.now;\nreturn 1;`, DETERMINISTIC);
  await expectParity(
    `const d = new Date(0); return [d.toISOString(), JSON.stringify({ d }), Object.prototype.toString.call(d)];`,
    {},
    completed(["1970-01-01T00:00:00.000Z", '{"d":"1970-01-01T00:00:00.000Z"}', "[object Date]"]),
  );
});

parityTest("args: a number, an array, null, false and a nested object", async () => {
  const body = `log(typeof args); return args === null ? "isnull" : args;`;
  await expectParity(body, { args: 42 }, completed(42, ["number"]));
  await expectParity(body, { args: [1, "two", null] }, completed([1, "two", null], ["object"]));
  await expectParity(body, { args: null }, completed("isnull", ["object"]));
  await expectParity(body, { args: false }, completed(false, ["boolean"]));
  await expectParity(`return args.a.b[1].c;`, { args: { a: { b: [0, { c: "deep" }] } } }, completed("deep"));
});

parityTest(
  "agent(): a number prompt, no prompt, a label with newlines; phase() with non-strings",
  async () => {
    await expectParity(
      `return [await agent(123), await agent()];`,
      { replies: [{ prompt: "^123$", reply: "N" }] },
      completed(["N", "unscripted"], [], 2),
    );
    await expectParity(
      `return await agent("lbl doomed", { label: "line1\\nline2\\tx" });`,
      { replies: [{ prompt: "doomed", fail: "nope" }] },
      completed(null, ["[line1 line2 x] failed: API Error: 400 nope"], 1),
    );
    await expectParity(
      `phase(); phase(null); phase(["a"]); phase(5); log("x"); return 1;`,
      {},
      completed(1, ["x"]),
    );
  },
);

parityTest("agent() phase option with meta.phases", () =>
  expectScriptParity(
    `export const meta = { name: "p", description: "d", phases: [{ title: "Plan" }, { title: "Build" }] };
const a = await agent("ph ask", { phase: "Build" }); log("got " + a); return a;`,
    completed("PH", ["got PH"], 1),
    { replies: [{ prompt: "ph ask", reply: "PH" }] },
  ));

parityTest("parallel(): 0 and 1 items; numbers, null and objects are not functions", async () => {
  await expectParity(`return [await parallel([]), await parallel([() => 5])];`, {}, completed([[], [5]]));
  const notFunctions =
    "TypeError: parallel() expects an array of functions, not promises. Wrap each call: () => agent(...)";
  for (const item of ["2", "null", "{ a: 1 }"]) {
    await expectParity(`return await parallel([() => 1, ${item}]);`, {}, failed(notFunctions));
  }
});

parityTest(
  "pipeline(): promise items are awaited; a null item skips the stages and gives null",
  () =>
    expectParity(
      `return [
  await pipeline([Promise.resolve(3), 4], (x) => typeof x === "object" ? "promise" : x * 2),
  await pipeline([null, 1], (x, item, i) => { log("stage " + i); return x === null ? "null@" + i : x; }),
  await pipeline([], (x) => x),
  await pipeline([1, 2]),
];`,
      {},
      completed([[6, 8], [null, 1], [], [1, 2]], ["stage 1"]),
    ),
);

parityTest("a thunk or stage rejecting with a string: the string is the failure text", () =>
  expectParity(
    `const a = await parallel([() => Promise.reject("str reason"), () => 2]);
const b = await pipeline([1], () => Promise.reject("pstr"));
return [a, b];`,
    {},
    completed([[null, 2], [null]], ["parallel[0] failed: str reason", "pipeline[0] failed: pstr"]),
  ));

const KID = (body: string) => `export const meta = { name: "kid", description: "child wf" };\n${body}\n`;

parityTest("workflow({scriptPath}): relative to the working directory, args copied", async () => {
  await expectParity(
    `const a = { v: 1 }; const c = await workflow({ scriptPath: "sub/kid.js" }, a); log(String(a.v)); return c;`,
    { files: { "sub/kid.js": KID(`log("in kid " + JSON.stringify(args)); args.v = 2; return args;`) } },
    completed({ v: 2 }, ["▸ running dynamic workflow kid", '[kid] in kid {"v":1}', "▸ kid done", "1"]),
  );
  // In a workflow directory the refusal quotes the file as the built-in does (elsewhere odw does not:
  // see "kept difference: a scriptPath file outside the workflow directories" in parity_more_differences).
  await expectParity(
    `return await workflow({ scriptPath: ".claude/workflows/k.js" });`,
    { files: { ".claude/workflows/k.js": `log("x");\nreturn 3;\n` } },
    failed(
      `Error: workflow({scriptPath: '.claude/workflows/k.js'}): ${
        NOT_FIRST.replace("Invalid workflow script: ", "")
      }`,
    ),
  );
  await expectParity(
    `return await workflow(5);`,
    {},
    failed("TypeError: workflow() expects a workflow name (string) or {scriptPath: string}"),
  );
});

parityTest("child workflows: a parse error caught, undefined result, phase() and agent phase", async () => {
  await expectParity(
    `try { await workflow({ scriptPath: ".claude/workflows/k.js" }); } catch (e) { log(e.name + "|" + e.message); } return 1;`,
    { files: { ".claude/workflows/k.js": KID(`return (;`) } },
    completed(1, [
      `Error|workflow({scriptPath: '.claude/workflows/k.js'}): Script parse error: Unexpected token (2:8)\n\nreturn (;\n        ^\n\n${PLAIN_JS}`,
    ]),
  );
  await expectParity(
    `const c = await workflow("kid"); log(String(c)); return c === undefined ? "u" : c;`,
    { files: { ".claude/workflows/kid.js": KID(`log("k");`) } },
    completed("u", ["▸ running dynamic workflow kid", "[kid] k", "▸ kid done", "undefined"]),
  );
  await expectParity(
    `return await workflow("kid");`,
    {
      files: {
        ".claude/workflows/kid.js": KID(`phase("KP"); return await agent("kid ask", { phase: "Other" });`),
      },
      replies: [{ prompt: "kid ask", reply: "KA" }],
    },
    completed("KA", ["▸ running dynamic workflow kid", "▸ kid done"], 1),
  );
});

parityTest(
  "results: primitives, arrays and objects that are not plain (Map, Set, class, getter…)",
  async () => {
    await expectParity(`return "s";`, {}, completed("s"));
    await expectParity(`return 3.5;`, {}, completed(3.5));
    await expectParity(`return false;`, {}, completed(false));
    await expectParity(`return null;`, {}, completed(null));
    await expectParity(
      `class P { constructor() { this.x = 1; } get y() { return 2; } }
const o = Object.create(null); o.a = 1;
return [1, "a", null, undefined, new Map([[1, 2]]), new Set([1]), /re/, new Error("e"), new P(),
  { get g() { return 5; } }, new Uint8Array([1, 2]), o, { [Symbol("s")]: 1, a: 2 }];`,
      {},
      completed([1, "a", null, null, {}, {}, {}, {}, { x: 1 }, { g: 5 }, { 0: 1, 1: 2 }, { a: 1 }, { a: 2 }]),
    );
  },
);

parityTest("timers: setTimeout resolves a promise, clearTimeout cancels", () =>
  expectParity(
    `const v = await new Promise((r) => setTimeout(() => r("timed"), 20)); log(v);
let n = 0; const id = setTimeout(() => { n = 1; }, 5); clearTimeout(id);
await new Promise((r) => setTimeout(r, 20));
return [v, n, typeof id, typeof setTimeout, typeof clearTimeout];`,
    {},
    completed(["timed", 0, "number", "function", "function"], ["timed"]),
  ));

parityTest("log(): lines up to 11024 characters are kept whole", async () => {
  const { builtin, odw } = await runLengths([10000, 10001, 11024]);
  assert.deepEqual(builtin, [10000, 10001, 11024]);
  assert.deepEqual(odw, [10000, 10001, 11024]);
});

/** Logs one line of `a`s per length and returns the lengths of the log lines each side kept. */
async function runLengths(lengths: number[]): Promise<{ builtin: number[]; odw: number[] }> {
  const { builtin, odw } = await runBoth(
    workflowScript(`for (const n of ${JSON.stringify(lengths)}) log("a".repeat(n)); return 1;`),
  );
  assert.equal(builtin.status, "completed");
  assert.equal(odw.status, "completed");
  return { builtin: builtin.logs.map((l) => l.length), odw: odw.logs.map((l) => l.length) };
}

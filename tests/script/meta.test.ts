/**
 * Tests of the meta rules, pinned to the messages of Claude Code's built-in: the FIRST-statement
 * refusal for every way the meta statement can be missing, misplaced or of the wrong shape, the
 * `meta must be a pure literal: <reason>` refusal for every reason, the `name` / `description`
 * refusals, and what is accepted (plain template literals, negative numbers, extra fields, a
 * non-string `whenToUse` and unusable `phases`, which are ignored).
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript, checkScript, META_FIRST_MESSAGE } from "../../src/script/analyze.ts";

const FIRST =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";
const LITERAL = "Invalid workflow script: meta must be a pure literal: ";

function refusal(source: string): string {
  const analysis = analyzeScript(source);
  assert.equal(analysis.ok, false, `expected a refusal for:\n${source}`);
  return (analysis as { error: string }).error;
}

function metaOf(source: string): Record<string, unknown> {
  const analysis = analyzeScript(source);
  assert.ok(analysis.ok, `${source}\n→ ${JSON.stringify(analysis)}`);
  return analysis.meta;
}

Deno.test("the FIRST-statement message is the spec's, verbatim", () => {
  assert.equal(META_FIRST_MESSAGE, FIRST);
});

Deno.test("meta missing, not first, or not `export const meta = { ... }` gets the FIRST-statement message", () => {
  const cases = [
    "",
    "// only a comment\n",
    'return await agent("hi");',
    'log("x");\nexport const meta = { name: "a", description: "b" };',
    '"use strict";\nexport const meta = { name: "a", description: "b" };',
    'const meta = { name: "a", description: "b" };',
    'export let meta = { name: "a", description: "b" };',
    'export var meta = { name: "a", description: "b" };',
    'export const info = { name: "a", description: "b" };',
    'export const meta = { name: "a", description: "b" }, other = 1;',
    'export const { meta } = { meta: { name: "a", description: "b" } };',
    'export const meta = ["a"];',
    "export const meta = makeMeta();",
    "export const meta = someVar;",
    "export function meta() {}",
    'export default { name: "a", description: "b" };',
  ];
  for (const source of cases) assert.equal(refusal(source), FIRST, source);
});

Deno.test("a meta value that is not a pure literal is refused with the built-in's reason", () => {
  const cases: Array<[string, string]> = [
    ['{ name: NAME, description: "b" }', "non-literal node type in meta: Identifier"],
    ['{ name, description: "b" }', "non-literal node type in meta: Identifier"],
    ['{ name: String("a"), description: "b" }', "non-literal node type in meta: CallExpression"],
    ['{ name: "a", description: "b", f: () => 1 }', "non-literal node type in meta: ArrowFunctionExpression"],
    ['{ name: "a", description: "b", n: 1 + 1 }', "non-literal node type in meta: BinaryExpression"],
    ['{ ...base, name: "a", description: "b" }', "only plain properties allowed in meta"],
    ['{ name: "a", description: "b", tags: [...more] }', "spread not allowed in meta"],
    ['{ name: "a", description: "b", list: [1, , 2] }', "sparse arrays not allowed"],
    ['{ name: `a${1}`, description: "b" }', "template interpolation not allowed in meta"],
    ['{ ["name"]: "a", description: "b" }', "computed keys not allowed in meta"],
    ['{ name: "a", description: "b", run() {} }', "methods/accessors not allowed in meta"],
    ['{ name: "a", get description() { return "b"; } }', "methods/accessors not allowed in meta"],
    ['{ name: "a", description: "b", n: +1 }', "only negative-number unary allowed in meta"],
    ['{ name: "a", description: "b", n: -x }', "only negative-number unary allowed in meta"],
    ['{ name: "a", description: "b", n: -"1" }', "only negative-number unary allowed in meta"],
    ['{ name: "a", description: "b", flag: !0 }', "only negative-number unary allowed in meta"],
    [
      '{ name: "a", description: "b", __proto__: { x: 1 } }',
      "reserved key name not allowed in meta: __proto__",
    ],
    [
      '{ "constructor": 1, name: "a", description: "b" }',
      "reserved key name not allowed in meta: constructor",
    ],
    ['{ name: "a", description: "b", prototype: [] }', "reserved key name not allowed in meta: prototype"],
    // The key is checked before its value, and the first bad property wins.
    ["{ __proto__: x, name: y }", "reserved key name not allowed in meta: __proto__"],
    ["{ name: x, description: `${y}` }", "non-literal node type in meta: Identifier"],
  ];
  for (const [value, reason] of cases) {
    assert.equal(refusal(`export const meta = ${value};\nreturn 1;`), LITERAL + reason, value);
  }
});

Deno.test("a pure literal meta is evaluated without running code; plain templates are strings", () => {
  const meta = metaOf(`#!/usr/bin/env odw
/* leading comment */
export const meta = {
  name: \`demo\`,
  'description': "Does \\u0074hings",
  whenToUse: \`always
or never\`,
  phases: [{ title: "Scan", detail: "look" }, { title: "Fix", model: "opus" }],
  concurrency: 4,
  budget: { soft: -1.5, hard: 2e3 },
  flags: [true, false, null],
  7: "numeric key",
  1.5: "decimal key",
};
return meta.name;`);
  assert.deepEqual({ ...meta, budget: { ...meta.budget as object } }, {
    name: "demo",
    description: "Does things",
    whenToUse: "always\nor never",
    phases: [{ title: "Scan", detail: "look" }, { title: "Fix", model: "opus" }],
    concurrency: 4,
    budget: { soft: -1.5, hard: 2000 },
    flags: [true, false, null],
    7: "numeric key",
    "1.5": "decimal key",
  });
  assert.equal(Object.getPrototypeOf(meta.budget), null, "nested objects are built with Object.create(null)");
});

Deno.test("name and description must be non-empty strings, checked in that order", () => {
  const cases: Array<[string, string]> = [
    ['{ description: "b" }', "meta.name must be a non-empty string"],
    ['{ name: "", description: "b" }', "meta.name must be a non-empty string"],
    ['{ name: 3, description: "b" }', "meta.name must be a non-empty string"],
    ["{ name: null }", "meta.name must be a non-empty string"],
    ['{ name: "a" }', "meta.description must be a non-empty string"],
    ['{ name: "a", description: `` }', "meta.description must be a non-empty string"],
    ['{ name: "a", description: null }', "meta.description must be a non-empty string"],
  ];
  for (const [value, detail] of cases) {
    assert.equal(refusal(`export const meta = ${value};`), `Invalid workflow script: ${detail}`, value);
  }
  assert.equal(
    metaOf('export const meta = { name: " ", description: "b" };').name,
    " ",
    "only empty is refused",
  );
});

Deno.test("a non-string whenToUse and unusable phases are ignored, not refused", () => {
  const base = 'export const meta = { name: "a", description: "b", ';
  assert.deepEqual(metaOf(`${base}whenToUse: 5 };`), { name: "a", description: "b" });
  assert.deepEqual(metaOf(`${base}phases: "x" };`), { name: "a", description: "b" });
  assert.deepEqual(metaOf(`${base}phases: [] };`), { name: "a", description: "b" });
  assert.deepEqual(metaOf(`${base}phases: ["Scan", null, [1], { detail: "d" }, { title: 2 }] };`), {
    name: "a",
    description: "b",
  });
  assert.deepEqual(
    metaOf(`${base}phases: ["Scan", { title: "T", detail: 1, model: "m", extra: true }, { title: "U" }] };`)
      .phases,
    [{ title: "T", model: "m" }, { title: "U" }],
  );
});

Deno.test("meta values the built-in takes as they are: regular expressions and negative numbers", () => {
  const meta = metaOf('export const meta = { name: "a", description: "b", pattern: /x+/i, n: -0.5 };');
  assert.ok(meta.pattern instanceof RegExp);
  assert.equal(String(meta.pattern), "/x+/i");
  assert.equal(meta.n, -0.5);
});

Deno.test("checkScript returns the meta or the same refusal", () => {
  assert.deepEqual(checkScript('export const meta = { name: "a", description: "b" };\nreturn 1;'), {
    ok: true,
    meta: { name: "a", description: "b" },
  });
  assert.deepEqual(checkScript("return 1;"), { ok: false, error: FIRST });
  assert.deepEqual(checkScript("export const meta = { name: a };"), {
    ok: false,
    error: `${LITERAL}non-literal node type in meta: Identifier`,
  });
});

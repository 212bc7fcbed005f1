/**
 * Tests of the meta rules: the FIRST-statement refusal for every way meta can be missing, misplaced or
 * not a pure literal, the field-type refusals, and what is accepted (negative numbers, extra fields).
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript, checkScript, META_FIRST_MESSAGE } from "../../src/script/analyze.ts";

const FIRST =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";

function refusal(source: string): string {
  const analysis = analyzeScript(source);
  assert.equal(analysis.ok, false, `expected a refusal for:\n${source}`);
  return (analysis as { error: string }).error;
}

Deno.test("the FIRST-statement message is the spec's, verbatim", () => {
  assert.equal(META_FIRST_MESSAGE, FIRST);
});

Deno.test("meta missing, not first, or not an exported const object is refused", () => {
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
    'export const meta = ["a"];',
    "export function meta() {}",
    'export default { name: "a", description: "b" };',
  ];
  for (const source of cases) assert.equal(refusal(source), FIRST, source);
});

Deno.test("meta that is not a pure literal is refused with the FIRST-statement message", () => {
  const values = {
    identifier: '{ name: NAME, description: "b" }',
    call: '{ name: String("a"), description: "b" }',
    spread: '{ ...base, name: "a", description: "b" }',
    "array spread": '{ name: "a", description: "b", tags: [...more] }',
    template: '{ name: `a`, description: "b" }',
    "template expression": '{ name: `a${1}`, description: "b" }',
    "computed key": '{ ["name"]: "a", description: "b" }',
    shorthand: '{ name, description: "b" }',
    method: '{ name: "a", description: "b", run() {} }',
    getter: '{ name: "a", get description() { return "b"; } }',
    "arrow function": '{ name: "a", description: "b", f: () => 1 }',
    regexp: '{ name: "a", description: "b", pattern: /x/ }',
    bigint: '{ name: "a", description: "b", big: 1n }',
    "array hole": '{ name: "a", description: "b", list: [1, , 2] }',
    "binary expression": '{ name: "a", description: "b", n: 1 + 1 }',
    "negated identifier": '{ name: "a", description: "b", n: -x }',
    "not operator": '{ name: "a", description: "b", flag: !0 }',
    "__proto__ key": '{ name: "a", description: "b", __proto__: { x: 1 } }',
  };
  for (const [what, value] of Object.entries(values)) {
    assert.equal(refusal(`export const meta = ${value};\nreturn 1;`), FIRST, what);
  }
});

Deno.test("a pure literal meta is evaluated without running code, extra fields kept", () => {
  const analysis = analyzeScript(`#!/usr/bin/env odw
/* leading comment */
export const meta = {
  name: "demo",
  'description': "Does things",
  whenToUse: "always",
  phases: [{ title: "Scan", detail: "look" }, { title: "Fix", model: "opus" }],
  concurrency: 4,
  budget: { soft: -1.5, hard: +2e3 },
  flags: [true, false, null],
  7: "numeric key",
};
return meta.name;`);
  assert.ok(analysis.ok, JSON.stringify(analysis));
  assert.deepEqual(analysis.meta, {
    name: "demo",
    description: "Does things",
    whenToUse: "always",
    phases: [{ title: "Scan", detail: "look" }, { title: "Fix", model: "opus" }],
    concurrency: 4,
    budget: { soft: -1.5, hard: 2000 },
    flags: [true, false, null],
    7: "numeric key",
  });
});

Deno.test("wrong meta fields are refused with a meta.<field> message", () => {
  const cases: Array<[string, string]> = [
    ['{ description: "b" }', "meta.name must be a non-empty string"],
    ['{ name: "", description: "b" }', "meta.name must be a non-empty string"],
    ['{ name: 3, description: "b" }', "meta.name must be a non-empty string"],
    ['{ name: "a" }', "meta.description must be a non-empty string"],
    ['{ name: "a", description: null }', "meta.description must be a non-empty string"],
    ['{ name: "a", description: "b", whenToUse: 1 }', "meta.whenToUse must be a string"],
    [
      '{ name: "a", description: "b", phases: "Scan" }',
      "meta.phases must be an array of { title, detail?, model? }",
    ],
    [
      '{ name: "a", description: "b", phases: ["Scan"] }',
      "meta.phases[0] must be an object { title, detail?, model? }",
    ],
    [
      '{ name: "a", description: "b", phases: [{ title: "A" }, {}] }',
      "meta.phases[1].title must be a string",
    ],
    [
      '{ name: "a", description: "b", phases: [{ title: "A", detail: 2 }] }',
      "meta.phases[0].detail must be a string",
    ],
    [
      '{ name: "a", description: "b", phases: [{ title: "A", model: false }] }',
      "meta.phases[0].model must be a string",
    ],
  ];
  for (const [value, detail] of cases) {
    assert.equal(refusal(`export const meta = ${value};`), `Invalid workflow script: ${detail}`, value);
  }
});

Deno.test("a syntax error is refused with acorn's message and position", () => {
  assert.equal(
    refusal('export const meta = { name: "a", description: "b" };\nconst x = ;'),
    "Invalid workflow script: SyntaxError: Unexpected token (2:10)",
  );
});

Deno.test("checkScript returns the meta or the same refusal", () => {
  assert.deepEqual(checkScript('export const meta = { name: "a", description: "b" };\nreturn 1;'), {
    ok: true,
    meta: { name: "a", description: "b" },
  });
  assert.deepEqual(checkScript("return 1;"), { ok: false, error: FIRST });
});

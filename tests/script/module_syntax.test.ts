/**
 * Tests of the compile refusals, pinned to what the built-in reports when its engine (Bun's
 * JavaScriptCore, claude 2.1.328) compiles the script body as a strict async function: `import`
 * declarations (by the token after `import`), any `export` other than the meta statement,
 * `import.meta`, and `await using` declarations; the first offender in source order wins, with no
 * `Invalid workflow script:` prefix.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript } from "../../src/script/analyze.ts";

const META = 'export const meta = { name: "m", description: "d" };\n';
const IMPORT_CALL = "import call expects one or two arguments.";

function refusal(code: string): string {
  const analysis = analyzeScript(META + code);
  assert.equal(analysis.ok, false, `expected a refusal for:\n${code}`);
  return (analysis as { error: string }).error;
}

Deno.test("an import declaration is refused as the engine reads it: a call tripping on the next token", () => {
  const cases: Array<[string, string]> = [
    ['import fs from "node:fs";', `SyntaxError: Unexpected identifier 'fs'. ${IMPORT_CALL}`],
    ['import x, { y } from "x";', `SyntaxError: Unexpected identifier 'x'. ${IMPORT_CALL}`],
    ['import /* c */\n  fs from "x";', `SyntaxError: Unexpected identifier 'fs'. ${IMPORT_CALL}`],
    ['import \\u0061 from "x";', `SyntaxError: Unexpected identifier '\\u0061'. ${IMPORT_CALL}`],
    [
      'import json from "./a.json" with { type: "json" };',
      `SyntaxError: Unexpected identifier 'json'. ${IMPORT_CALL}`,
    ],
    [
      'import "./side-effect.js";',
      `SyntaxError: Unexpected string literal "./side-effect.js". ${IMPORT_CALL}`,
    ],
    ["import 'x';", `SyntaxError: Unexpected string literal 'x'. ${IMPORT_CALL}`],
    ['import { a } from "x";', `SyntaxError: Unexpected token '{'. ${IMPORT_CALL}`],
    ['import {} from "x";', `SyntaxError: Unexpected token '{'. ${IMPORT_CALL}`],
    ['import * as ns from "x";', `SyntaxError: Unexpected token '*'. ${IMPORT_CALL}`],
  ];
  for (const [code, error] of cases) assert.equal(refusal(code), error, code);
});

Deno.test("any export but the meta statement is an unexpected keyword", () => {
  const cases = [
    "export const other = 1;",
    "export default 1;",
    "export default function () {}",
    'export * from "./x.js";',
    "const x = 1;\nexport { x };",
    "export class A {}",
  ];
  for (const code of cases) assert.equal(refusal(code), "SyntaxError: Unexpected keyword 'export'", code);
});

Deno.test("import.meta is only valid inside modules", () => {
  for (const code of ["log(import.meta.url);", "function f() {\n  return import.meta;\n}"]) {
    assert.equal(refusal(code), "SyntaxError: import.meta is only valid inside modules.", code);
  }
});

Deno.test("the first offender in source order is the one reported", () => {
  assert.equal(
    refusal('const a = 1;\nfunction f() { return import.meta; }\nexport const b = 1;\nimport fs from "x";'),
    "SyntaxError: import.meta is only valid inside modules.",
  );
  assert.equal(
    refusal('export const b = 1;\nimport fs from "x";'),
    "SyntaxError: Unexpected keyword 'export'",
  );
  assert.equal(
    refusal('await using r = null;\nimport fs from "x";'),
    `SyntaxError: Unexpected identifier 'fs'. ${IMPORT_CALL}`,
    "await using only when the body would compile otherwise",
  );
});

Deno.test("await using declarations are refused; plain using is not", () => {
  const message = "SyntaxError: 'await using' declarations are not supported in workflow scripts.";
  for (const code of ["await using r = null;", "{ await using r = null; }", "for (await using r of []) {}"]) {
    assert.equal(refusal(code), message, code);
  }
  const analysis = analyzeScript(`${META}using r = null;\nreturn 1;`);
  assert.equal(analysis.ok, true, JSON.stringify(analysis));
});

/**
 * Tests of the parse-error refusal, pinned to the built-in's text: `Invalid workflow script: Script
 * parse error: <acorn's message>`, a blank line, the offending line (80 characters at most, centred on
 * the position when the line is longer) with a caret under the position, a blank line, and the
 * plain-JavaScript hint with its em dash.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript, PLAIN_JAVASCRIPT_HINT } from "../../src/script/analyze.ts";

const HINT =
  "Workflow scripts must be plain JavaScript \u2014 common causes are TypeScript syntax (type annotations, interfaces, generics) and broken string quoting or escaping.";
const META = 'export const meta = { name: "a", description: "b" };\n';

function refusal(source: string): string {
  const analysis = analyzeScript(source);
  assert.equal(analysis.ok, false, `expected a refusal for:\n${source}`);
  return (analysis as { error: string }).error;
}

function parseError(message: string, excerpt: string, caretColumn: number): string {
  return `Invalid workflow script: Script parse error: ${message}\n\n${excerpt}\n${
    " ".repeat(caretColumn)
  }^\n\n${HINT}`;
}

Deno.test("the hint is the built-in's, em dash included", () => {
  assert.equal(PLAIN_JAVASCRIPT_HINT, HINT);
  assert.ok(PLAIN_JAVASCRIPT_HINT.includes(" \u2014 "));
});

Deno.test("a syntax error shows acorn's message, the line and a caret under the position", () => {
  assert.equal(
    refusal(`${META}const x = ;`),
    parseError("Unexpected token (2:10)", "const x = ;", 10),
  );
  assert.equal(
    refusal(`${META}const n: number = 1;`),
    parseError("Unexpected token (2:7)", "const n: number = 1;", 7),
    "TypeScript syntax",
  );
  assert.equal(
    refusal(`${META}interface A {}`),
    parseError("The keyword 'interface' is reserved (2:0)", "interface A {}", 0),
  );
  assert.equal(
    refusal(`${META}const s = 'abc;`),
    parseError("Unterminated string constant (2:10)", "const s = 'abc;", 10),
  );
  assert.equal(
    refusal('export const meta = { name: "a" description: "b" };'),
    parseError("Unexpected token (1:32)", 'export const meta = { name: "a" description: "b" };', 32),
    "a syntax error inside meta is a parse error, not a meta refusal",
  );
  assert.equal(
    refusal(`${META}let a = 1;\r\nlet b = ;`),
    parseError("Unexpected token (3:8)", "let b = ;", 8),
    "CRLF line endings",
  );
});

Deno.test("a long line is cut to 80 characters around the position", () => {
  const long = "const list = [" + "1, ".repeat(60) + "];;; )";
  assert.equal(long.length, 200);
  assert.equal(
    refusal(META + long),
    parseError("Unexpected token (2:199)", long.slice(120), 79),
    "near the end: the last 80 characters",
  );
  const middle = "const a = [" + "1, ".repeat(20) + "2 3, " + "4, ".repeat(20) + "];";
  assert.equal(
    refusal(META + middle),
    parseError("Unexpected token (2:73)", middle.slice(33, 113), 40),
    "in the middle: 40 characters before the position",
  );
});

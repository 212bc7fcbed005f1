/**
 * Tests of the body the sandbox evaluates: the meta `export` removed with positions kept, dynamic
 * `import()` rewritten to `__odwImport` (and nothing else touched), the body runnable as an
 * AsyncFunction body with the primitives as parameters. (Module syntax refusals: module_syntax.test.ts.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript, IMPORT_REPLACEMENT } from "../../src/script/analyze.ts";

const PARAMS = [
  "agent",
  "parallel",
  "pipeline",
  "phase",
  "log",
  "args",
  "budget",
  "workflow",
  IMPORT_REPLACEMENT,
];
const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...source: string[]
) => (...primitives: unknown[]) => Promise<unknown>;

function bodyOf(source: string): string {
  const analysis = analyzeScript(source);
  assert.ok(analysis.ok, JSON.stringify(analysis));
  return analysis.body;
}

/** Runs a body the way the runtime does: strict mode, the primitives as parameters. */
function run(body: string, primitives: Record<string, unknown>): Promise<unknown> {
  const fn = new AsyncFunction(...PARAMS, `"use strict"; ${body}`);
  return fn(...PARAMS.map((name) => primitives[name]));
}

Deno.test("the meta export is blanked in place: every other character keeps its line and column", () => {
  const source = [
    "// a workflow",
    'export const meta = { name: "pos", description: "positions" };',
    "const answer = await agent(`hi`);",
    "  throw new Error('line 4');",
  ].join("\n");
  const body = bodyOf(source);
  const bodyLines = body.split("\n");
  const sourceLines = source.split("\n");
  assert.equal(bodyLines.length, sourceLines.length + 1);
  assert.equal(bodyLines[0], sourceLines[0]);
  assert.equal(bodyLines[1], '{      const meta = { name: "pos", description: "positions" };');
  assert.equal(bodyLines[1].length, sourceLines[1].length);
  assert.deepEqual(bodyLines.slice(2, -1), sourceLines.slice(2));
  assert.equal(bodyLines.at(-1), "}");
});

Deno.test("dynamic import() is rewritten to __odwImport; strings, comments and other names are not", () => {
  const source = [
    'export const meta = { name: "imp", description: "d" };',
    'const note = "call import(x) to load"; // import("y") in a comment',
    "const mod = await import('./local.js');",
    'const other = await import ( "npm:left-pad" );',
    "const reimport = (x) => x; reimport(1);",
    "return [mod, other, note, `import(${1})`];",
  ].join("\n");
  const lines = bodyOf(source).split("\n");
  assert.equal(lines[1], 'const note = "call import(x) to load"; // import("y") in a comment');
  assert.equal(lines[2], "const mod = await __odwImport('./local.js');");
  assert.equal(lines[3], 'const other = await __odwImport ( "npm:left-pad" );');
  assert.equal(lines[4], "const reimport = (x) => x; reimport(1);");
  assert.equal(lines[5], "return [mod, other, note, `import(${1})`];");
});

Deno.test("the body runs as an async function body: meta readable, primitives shadowable, import() goes to the runtime", async () => {
  const source = `#!/usr/bin/env odw
export const meta = { name: "runs", description: "d", phases: [{ title: "One" }] };
const log = [];
function phase(title) { log.push("local phase " + title); }
phase(meta.phases[0].title);
const text = await agent("hi");
let failure = "";
try {
  await import("node:fs");
} catch (error) {
  failure = error.message;
}
return { name: meta.name, text, log, failure, argument: args.x };`;
  const imported: unknown[] = [];
  const result = await run(bodyOf(source), {
    agent: (prompt: string) => Promise.resolve(`echo ${prompt}`),
    log: () => assert.fail("the script's own `log` must shadow the primitive"),
    args: { x: 7 },
    [IMPORT_REPLACEMENT]: (specifier: unknown) => {
      imported.push(specifier);
      return Promise.reject(new Error("import() is not available in a workflow"));
    },
  });
  assert.deepEqual(result, {
    name: "runs",
    text: "echo hi",
    log: ["local phase One"],
    failure: "import() is not available in a workflow",
    argument: 7,
  });
  assert.deepEqual(imported, ["node:fs"]);
});

Deno.test("a script ending in a line comment still closes its block", async () => {
  const body = bodyOf('export const meta = { name: "c", description: "d" };\nreturn 5; // done');
  assert.equal(await run(body, {}), 5);
});

/**
 * Tests of the determinism refusal, pinned to the built-in's rule: the member expressions `Date.now`
 * and `Math.random` written with a dot on the bare identifier (called or not) and `new Date()` with no
 * argument are refused with the spec's exact message, anywhere in the script; every other form
 * (`Date()`, `Date["now"]()`, `globalThis.Date.now()`, `new Date(0)`, ...) passes the static check
 * and is the sandbox's job at run time.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript, DETERMINISM_MESSAGE } from "../../src/script/analyze.ts";

const SPEC_MESSAGE =
  "Workflow scripts must be deterministic: Date.now()/Math.random()/new Date() are unavailable (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";
const META = 'export const meta = { name: "clock", description: "d" };\n';

Deno.test("the determinism message is the spec's, verbatim", () => {
  assert.equal(DETERMINISM_MESSAGE, SPEC_MESSAGE);
});

Deno.test("Date.now, Math.random and new Date() are refused wherever they are written", () => {
  const refused = [
    "const t = Date.now();",
    "const r = Math.random();",
    "const d = new Date();",
    "const d = new Date;",
    "const f = Date.now;",
    "const g = Math.random;",
    "const t = Date?.now();",
    "const t = Date.now?.();",
    "const r = Math?.random;",
    "const t = (Date.now)();",
    "const t = (0, Date.now)();",
    "const t = Date.now.call(null);",
    "const t = globalThis.Date.now.name && Date.now;",
    "async function later() { return Date.now(); }",
    "const stamp = () => new Date();",
    "const items = [1, 2].map(() => Math.random());",
    "const label = `at ${Date.now()}`;",
    "class Clock { static now = Date.now; }",
    "const Date = { now: () => 1 };\nDate.now();",
    "if (false) { new Date(); }",
  ];
  for (const code of refused) {
    const analysis = analyzeScript(`${META}${code}\nreturn 1;`);
    assert.deepEqual(analysis, { ok: false, error: SPEC_MESSAGE }, code);
  }
});

Deno.test("everything else passes the static check", () => {
  const accepted = [
    "const s = Date();",
    'const s = Date("2020-01-01");',
    'const t = Date["now"]();',
    "const t = Date[`now`]();",
    "const r = Math['random']();",
    "const t = globalThis.Date.now();",
    'const r = globalThis["Math"].random();',
    "const d = new globalThis.Date();",
    "const d = new Date(...[]);",
    "const epoch = new Date(0);",
    "const given = new Date(args.ts);",
    'const parsed = Date.parse("2020-01-01T00:00:00Z");',
    "const utc = Date.UTC(2020, 0, 1);",
    "const other = foo.Date.now();",
    "const clock = { now: () => 42 };\nconst n = clock.now();",
    "const dice = { random: 4 };\nconst r = dice.random;",
    "const floor = Math.floor(2.5) + Math.max(1, 2);",
    '// Date.now() would break resume, so we take "at" from args\nconst at = args?.at;',
    "/* Math.random() */ const x = 1;",
    'log("never call Date.now() or Math.random() or new Date() here");',
    "log(`Date.now() is ${'not'} called`);",
  ];
  for (const code of accepted) {
    const analysis = analyzeScript(`${META}${code}\nreturn 1;`);
    assert.equal(analysis.ok, true, `${code}\n→ ${JSON.stringify(analysis)}`);
  }
});

Deno.test("meta problems are reported before determinism, determinism before module syntax", () => {
  assert.equal(
    (analyzeScript("const t = Date.now();\nexport const meta = { name: 'a', description: 'b' };") as {
      error: string;
    })
      .error,
    "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script",
  );
  assert.equal(
    (analyzeScript("export const meta = { name: 'a', description: Date.now() };") as { error: string }).error,
    "Invalid workflow script: meta must be a pure literal: non-literal node type in meta: CallExpression",
  );
  assert.deepEqual(
    analyzeScript(`${META}import fs from "node:fs";\nconst t = Date.now();`),
    { ok: false, error: SPEC_MESSAGE },
  );
});

/**
 * Tests of the determinism refusal: every form of reading the clock or randomness is refused with the
 * spec's exact message, while mentions in strings, templates and comments, `new Date(<arg>)` and
 * unrelated `now`/`random` members are accepted.
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

Deno.test("clock and randomness calls are refused in every syntax", () => {
  const refused = [
    "const t = Date.now();",
    "const r = Math.random();",
    "const d = new Date();",
    "const d = new Date;",
    "const s = Date();",
    'const s = Date("2020-01-01");',
    "const t = Date?.now();",
    "const t = Date.now?.();",
    'const t = Date["now"]();',
    "const t = Date[`now`]();",
    "const r = Math['random']();",
    "const t = (Date.now)();",
    "const t = (0, Date.now)();",
    "const t = Date.now.call(null);",
    "const r = Math.random.apply(Math, []);",
    "const t = globalThis.Date.now();",
    'const r = globalThis["Math"].random();',
    "const d = new globalThis.Date();",
    "const d = new Date(...[]);",
    "async function later() { return Date.now(); }",
    "const stamp = () => new Date();",
    "const items = [1, 2].map(() => Math.random());",
    "const label = `at ${Date.now()}`;",
    "class Clock { tick() { return Date.now(); } }",
    "const Date = { now: () => 1 };\nDate.now();",
  ];
  for (const code of refused) {
    const analysis = analyzeScript(`${META}${code}\nreturn 1;`);
    assert.deepEqual(analysis, { ok: false, error: SPEC_MESSAGE }, code);
  }
});

Deno.test("mentions and deterministic uses are not refused", () => {
  const accepted = [
    '// Date.now() would break resume, so we take "at" from args\nconst at = args?.at;',
    "/* Math.random() */ const x = 1;",
    'log("never call Date.now() or Math.random() or new Date() here");',
    "log(`Date.now() is ${'not'} called`);",
    "const epoch = new Date(0);",
    "const given = new Date(args.ts);",
    'const parsed = Date.parse("2020-01-01T00:00:00Z");',
    "const utc = Date.UTC(2020, 0, 1);",
    "const clock = { now: () => 42 };\nconst n = clock.now();",
    "const performanceLike = { now() { return 1; } };\nperformanceLike.now();",
    "const dice = { random: 4 };\nconst r = dice.random;",
    "const rnd = { random() { return 4; } };\nrnd.random();",
    "const floor = Math.floor(2.5) + Math.max(1, 2);",
    "const ref = Date.now;",
    "const other = foo.Date.now();",
  ];
  for (const code of accepted) {
    const analysis = analyzeScript(`${META}${code}\nreturn 1;`);
    assert.equal(analysis.ok, true, `${code}\n→ ${JSON.stringify(analysis)}`);
  }
});

Deno.test("meta problems are reported before determinism", () => {
  const analysis = analyzeScript(
    "const t = Date.now();\nexport const meta = { name: 'a', description: 'b' };",
  );
  assert.equal(analysis.ok, false);
  assert.match((analysis as { error: string }).error, /must be the FIRST statement/);
});

/**
 * Tests of odw.d.ts through Deno's real type checker: examples/typed.js (a `// @ts-check` workflow)
 * checks clean, a workflow with wrong calls is reported at each wrong line, and the same file without
 * `// @ts-check` is not checked at all (the pragma is what turns checking on for JS). Also checks that
 * the typed example passes odw's own static analysis.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeScript } from "../../src/script/analyze.ts";
import { runBounded } from "../_support/processes.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const TYPINGS = join(ROOT, "odw.d.ts");

async function denoCheck(file: string, cwd: string): Promise<{ code: number; output: string }> {
  const { code, stdout, stderr } = await runBounded(Deno.execPath(), {
    args: ["check", "--quiet", file],
    cwd,
    env: { NO_COLOR: "1" },
    what: `deno check ${file}`,
  });
  return { code, output: stdout + stderr };
}

Deno.test("examples/typed.js type-checks against odw.d.ts", async () => {
  const { code, output } = await denoCheck("examples/typed.js", ROOT);
  assert.equal(code, 0, output);
});

Deno.test("examples/typed.js passes the static analysis", async () => {
  const analysis = analyzeScript(await Deno.readTextFile(join(ROOT, "examples", "typed.js")));
  assert.ok(analysis.ok, JSON.stringify(analysis));
  assert.equal(analysis.meta.name, "typed-review");
  assert.deepEqual(
    analysis.callSites.map((site) => [site.kind, site.phase]),
    [
      ["phase", "Review"],
      ["parallel", "Review"],
      ["agent", "Review"],
      ["log", "Review"],
      ["phase", "Fix"],
      ["pipeline", "Fix"],
      ["agent", "Fix"],
    ],
  );
});

Deno.test("wrong calls in a checked workflow are reported; without // @ts-check nothing is", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-typings-" });
  try {
    const reference = `/// <reference path="${relative(dir, TYPINGS)}" />`;
    const body = [
      'export const meta = { name: "wrong", description: "calls that do not fit odw.d.ts" };',
      'await agent("x", { effort: "extreme" });', // line 4: not an effort level
      "await agent(42);", // line 5: prompt must be a string
      'await parallel([agent("a")]);', // line 6: promises instead of functions
      "phase(3);", // line 7: title must be a string
      "budget.total = 5;", // line 8: read-only
      'const r = await agent("x", { schema: { type: "object", properties: { a: { type: "string" } } } });',
      "r?.b;", // line 10: not a property of the schema's object
      'await workflow({ path: "x.js" });', // line 11: the ref is { scriptPath }
    ].join("\n");
    await Deno.writeTextFile(join(dir, "checked.js"), `// @ts-check\n${reference}\n${body}\n`);
    await Deno.writeTextFile(join(dir, "unchecked.js"), `${reference}\n\n${body}\n`);

    const checked = await denoCheck("checked.js", dir);
    assert.notEqual(checked.code, 0, checked.output);
    const reportedLines = [...checked.output.matchAll(/checked\.js:(\d+):\d+/g)].map((match) =>
      Number(match[1])
    );
    assert.deepEqual(
      [...new Set(reportedLines)].sort((a, b) => a - b),
      [4, 5, 6, 7, 8, 10, 11],
      checked.output,
    );
    assert.match(checked.output, /Cannot assign to 'total' because it is a read-only property/);
    assert.match(checked.output, /Property 'b' does not exist on type '\{ a\?: string \| undefined; \}'/);

    const unchecked = await denoCheck("unchecked.js", dir);
    assert.equal(unchecked.code, 0, unchecked.output);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

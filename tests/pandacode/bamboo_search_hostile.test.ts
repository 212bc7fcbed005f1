/**
 * A model's `search` pattern and `include` glob are hostile input: they run in a linear-time engine,
 * so a catastrophic pattern (`(a+)+$` against a long line of `a`s, a glob like `*a*a*a*…b`) answers at
 * once instead of freezing the thread — in-process, odw's own. The searches run in a child process
 * under a deadline: a regression fails the test instead of hanging the suite. Lookaround and
 * backreferences are refused with one clear tool error.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { searchTool } from "../../pandacode/bamboo/explore_tools.ts";
import { Workspace } from "../../pandacode/bamboo/jail.ts";
import { runBounded } from "../_support/processes.ts";
import { tempWorkspace } from "./bamboo_helpers.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Runs hostile searches in a child Deno under a 60 s deadline; returns what each answered. */
async function searchInChild(ws: string, calls: Array<Record<string, unknown>>): Promise<string[]> {
  const script = `
    import { searchTool } from ${JSON.stringify(join(ROOT, "pandacode/bamboo/explore_tools.ts"))};
    import { Workspace } from ${JSON.stringify(join(ROOT, "pandacode/bamboo/jail.ts"))};
    const search = searchTool(await Workspace.open(${JSON.stringify(ws)}));
    const out = [];
    for (const call of ${JSON.stringify(calls)}) {
      const t0 = performance.now();
      const text = await search.execute(call, { toolCallId: "s", messages: [], context: {} });
      out.push({ text, ms: performance.now() - t0 });
    }
    console.log(JSON.stringify(out));`;
  const run = await runBounded(Deno.execPath(), {
    args: ["eval", "--config", join(ROOT, "deno.json"), script],
    cwd: ROOT,
    deadlineMs: 60_000,
    what: "hostile searches",
  });
  assert.equal(run.code, 0, run.stderr);
  return (JSON.parse(run.stdout) as Array<{ text: string; ms: number }>).map((r) => r.text);
}

Deno.test("bamboo search: catastrophic patterns and globs answer at once (linear-time engine)", async () => {
  await using tmp = await tempWorkspace();
  await Deno.writeTextFile(join(tmp.ws, "long.txt"), "a".repeat(50_000) + "!\nneedle\n");
  const dir = "a".repeat(60);
  await Deno.mkdir(join(tmp.ws, dir));
  await Deno.writeTextFile(join(tmp.ws, dir, "x.txt"), "needle\n");
  const [nested, overlap, glob, folded] = await searchInChild(tmp.ws, [
    { pattern: "^(a+)+$" },
    { pattern: "(a|aa)*b" },
    { pattern: "needle", include: "**/" + "*a".repeat(25) + "*b" },
    { pattern: "NEEDLE", ignoreCase: true },
  ]);
  assert.match(nested, /^no matches for \/\^\(a\+\)\+\$\//);
  assert.match(overlap, /^no matches/);
  assert.match(glob, /^no matches/);
  assert.match(folded, /long\.txt:2: needle/);
});

Deno.test("bamboo search: lookaround and backreferences are one clear tool error", async () => {
  await using tmp = await tempWorkspace();
  await Deno.writeTextFile(join(tmp.ws, "a.txt"), "abab\n");
  const search = searchTool(await Workspace.open(tmp.ws));
  for (const pattern of ["(?=a)b", "(a)\\1"]) {
    await assert.rejects(
      Promise.resolve(search.execute!({ pattern }, { toolCallId: "s", messages: [], context: {} })),
      (e: Error) => {
        assert.match(
          e.message,
          /^invalid regular expression: pattern .* is not supported by the linear-time/,
        );
        assert.ok(!e.message.includes("\n"));
        return true;
      },
    );
  }
  const found = await search.execute!({ pattern: "(ab)+" }, { toolCallId: "s", messages: [], context: {} });
  assert.match(String(found), /a\.txt:1: abab/);
});

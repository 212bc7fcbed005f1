/**
 * The library entry's documentation and package shape: every example in `mod.ts` and `src/api/`
 * type-checks (`deno check --doc`), every export of `mod.ts` has a doc comment and every function and
 * library type an `@example`, and `mod.ts` run as a program is odw's command line (how
 * `deno run jsr:@odw/odw …` reaches it).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { REPO } from "../_support/odw.ts";
import { type BoundedOutput, runBounded } from "../_support/processes.ts";
import { DEADLINES } from "../_support/deadline.ts";

const DENO = Deno.execPath();

function deno(args: string[]): Promise<BoundedOutput> {
  return runBounded(DENO, {
    args,
    cwd: REPO,
    deadlineMs: DEADLINES.process,
    env: { NO_COLOR: "1" },
    what: `deno ${args[0]}`,
  });
}

Deno.test("mod.ts: every example in its docs and src/api type-checks", async () => {
  const files = [...Deno.readDirSync(join(REPO, "src", "api"))].map((e) => join("src", "api", e.name));
  const out = await deno(["check", "--quiet", "--doc", "mod.ts", ...files]);
  assert.equal(out.code, 0, out.stderr);
});

interface DocNode {
  name: string;
  declarations: { kind: string; jsDoc?: { doc?: string; tags?: { kind: string }[] } }[];
}

Deno.test("mod.ts: every export is documented; functions and the library's own types have an example", async () => {
  const out = await deno(["doc", "--json", "mod.ts"]);
  assert.equal(out.code, 0, out.stderr);
  const nodes = JSON.parse(out.stdout).nodes as Record<string, { symbols: DocNode[] }>;
  const symbols = Object.values(nodes).flatMap((n) => n.symbols);
  const names = symbols.map((s) => s.name).sort();
  for (const name of ["runWorkflow", "checkWorkflow", "RunWorkflowOptions", "WorkflowRun", "RunEvent"]) {
    assert.ok(names.includes(name), `${name} is not exported`);
  }
  const engineTypes = new Set(["RunEvent", "RunStatus", "Scenario", "CallSite", "WorkflowMeta"]);
  for (const symbol of symbols) {
    const doc = symbol.declarations[0].jsDoc;
    assert.ok(doc?.doc?.trim(), `${symbol.name} has no doc comment`);
    if (engineTypes.has(symbol.name)) continue;
    assert.ok(doc?.tags?.some((t) => t.kind === "example"), `${symbol.name} has no @example`);
  }
});

Deno.test("mod.ts: run as a program it is odw's command line", async () => {
  const out = await deno(["run", "-A", "--quiet", "mod.ts", "check", "examples/hello.js"]);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout + out.stderr, /hello/);
  const help = await deno(["run", "-A", "--quiet", "mod.ts", "nosuchcommand"]);
  assert.equal(help.code, 2);
  assert.equal(help.stderr.trim(), 'odw: unknown command "nosuchcommand" (try odw --help)');
});

/**
 * The shipped artifact, proven without `deno compile` (which cannot download its runtime here):
 * `deno bundle` gives single files for odw and pandacode that run on their own, and
 * `deno publish --dry-run` accepts the package.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEADLINES } from "../_support/deadline.ts";
import { runBounded } from "../_support/processes.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** Runs `deno <args>` under a deadline (a bundle or publish check is the slowest step here). */
function deno(args: string[], cwd: string) {
  return runBounded(Deno.execPath(), {
    args,
    cwd,
    deadlineMs: DEADLINES.cli,
    what: `deno ${args.join(" ")}`,
  });
}

Deno.test("bundled single-file odw runs examples/hello.js on the mock backend and writes its report", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-bundle-" });
  try {
    const bundle = join(dir, "odw.js");
    const built = await deno(
      ["bundle", "--quiet", "--platform", "deno", "-o", bundle, "src/cli/bundle.ts"],
      ROOT,
    );
    assert.equal(built.code, 0, built.stderr);
    // From outside the checkout, with a plain `deno run`: the script and the run records are in `dir`.
    await Deno.copyFile(join(ROOT, "examples/hello.js"), join(dir, "hello.js"));
    const run = await deno(["run", "-A", bundle, "exec", "hello.js", "--json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const out = JSON.parse(run.stdout);
    assert.equal(out.status, "completed");
    assert.equal(out.agentCount, 3);
    assert.match(out.result.en, /^mock reply to "Say hello in English\."/);
    assert.equal(typeof out.result.summary.greeting, "string");
    // The report's assets travel in the bundle: report.html is written, mermaid in it.
    assert.ok(out.report.startsWith(dir), "the report is in the run records outside the checkout");
    const report = await Deno.readTextFile(out.report);
    assert.ok(report.includes("mermaid") && report.length > 2_000_000, "report.html with its assets");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bundled single-file pandacode runs (providers --json)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "pandacode-bundle-" });
  try {
    const bundle = join(dir, "pandacode.js");
    const built = await deno(
      ["bundle", "--quiet", "--platform", "deno", "-o", bundle, "pandacode/main.ts"],
      ROOT,
    );
    assert.equal(built.code, 0, built.stderr);
    const run = await deno(["run", "-A", bundle, "providers", "--json"], dir);
    assert.equal(run.code, 0, run.stderr);
    const providers = JSON.parse(run.stdout) as Array<{ id: string }>;
    assert.ok(providers.some((p) => p.id === "deepseek"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno publish --dry-run accepts the package", async () => {
  const out = await deno(["publish", "--dry-run", "--allow-dirty"], ROOT);
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stderr + out.stdout, /Dry run complete/);
});

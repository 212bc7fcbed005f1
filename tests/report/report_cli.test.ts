/**
 * The report file and its commands: every run (completed, failed, refused) writes report.html with a
 * strict CSP naming exactly its inline scripts and data that cannot end its element; `odw report`
 * rebuilds it (also from an older journal, also elsewhere with --out); `--open` hands the path to
 * $BROWSER; bad run ids are one line and exit 2; `odw watch` of an ended run points at its report.
 *
 * @module
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { classicScript } from "../../src/report/assets.ts";
import { type OdwProject, withProject, workflowSource } from "../_support/odw.ts";
import { waitUntil } from "../_support/deadline.ts";

/** The inline scripts of a page and the hashes its CSP allows. */
function scriptsAndPolicy(html: string): { hashes: string[]; allowed: string[]; data: string } {
  const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
  const hashes = scripts.map((s) => `'sha256-${createHash("sha256").update(s).digest("base64")}'`);
  const policy = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)![1].replaceAll(
    "&#39;",
    "'",
  );
  const allowed = /script-src ([^;]*)/.exec(policy)![1].split(" ");
  assert.match(policy, /default-src 'none'/);
  assert.match(policy, /connect-src 'none'/);
  const data = /<script type="application\/json" id="odw-data">([\s\S]*?)<\/script>/.exec(html)![1];
  return { hashes, allowed, data };
}

async function runIdOf(project: OdwProject): Promise<string> {
  return (await project.runIds())[0];
}

Deno.test("completed, failed and refused runs all write report.html; its CSP names exactly its scripts", async () => {
  await withProject(async (project) => {
    const hostile = "</script><script>alert(1)</script><!--";
    await project.write(
      "ok.js",
      workflowSource(`log(${JSON.stringify(hostile)});\nreturn await agent("hi");`),
    );
    await project.write("bad.js", workflowSource('await agent("x");\nthrow new Error("boom");'));
    await project.write("refused.js", "return 1;");
    for (const [script, code] of [["ok.js", 0], ["bad.js", 1], ["refused.js", 2]] as const) {
      const run = await project.odw(["exec", script, "--json"]);
      assert.equal(run.code, code, run.stderr);
      const path = String(run.json?.report);
      assert.equal(path, join(String(run.json?.runDir), "report.html"));
      const html = await Deno.readTextFile(path);
      const { hashes, allowed, data } = scriptsAndPolicy(html);
      assert.equal(hashes.length, 7);
      assert.deepEqual(allowed, hashes);
      assert.ok(!/<\/script|<!--/i.test(data), "the data cannot end its element");
      const input = JSON.parse(data);
      assert.equal(input.events.at(-1).type, "run.finished");
      if (script === "ok.js") {
        assert.ok(input.events.some((e: { message?: string }) => e.message === hostile));
      }
      assert.ok(html.length < 8_000_000);
    }
  });
});

Deno.test("odw report rebuilds a report from an older journal, --out writes elsewhere, --open uses $BROWSER", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource('return await agent("hello");'));
    const run = await project.odw(["exec", "wf.js", "--json"]);
    const runDir = String(run.json?.runDir);
    // An older run: no call-site positions, no node.queued, and no report.
    const journal = join(runDir, "journal.jsonl");
    const lines = (await Deno.readTextFile(journal)).trim().split("\n").map((l) => JSON.parse(l))
      .filter((e) => e.type !== "node.queued").map(({ site: _, ...e }) => e);
    await Deno.writeTextFile(journal, lines.map((e) => JSON.stringify(e)).join("\n") + "\n");
    await Deno.remove(join(runDir, "report.html"));
    const id = await runIdOf(project);
    const rebuilt = await project.odw(["report", id]);
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.equal(rebuilt.stdout.trim(), join(runDir, "report.html"));
    assert.ok((await Deno.readTextFile(join(runDir, "report.html"))).includes('"prompt":"hello"'));

    const recorder = await project.write(
      "browser.sh",
      `#!/bin/sh\necho "$1" > "${project.path("opened.txt")}"\n`,
    );
    await Deno.chmod(recorder, 0o755);
    const out = project.path("copy.html");
    const opened = await project.odw(["report", id, "--out", out, "--open"], { env: { BROWSER: recorder } });
    assert.equal(opened.code, 0, opened.stderr);
    assert.equal(opened.stdout.trim(), out);
    const opener = () => Deno.stat(project.path("opened.txt")).then(() => true, () => false);
    await waitUntil(opener, 30_000, "$BROWSER to be started", 50);
    assert.equal((await Deno.readTextFile(project.path("opened.txt"))).trim(), out);

    const execOpen = await project.odw(["exec", "wf.js", "--open", "--quiet"], {
      env: { BROWSER: "/nonexistent/browser" },
    });
    assert.equal(execOpen.code, 0, "a missing opener does not fail the run");
    assert.match(
      execOpen.stderr,
      /^odw: could not open .*report\.html: \/nonexistent\/browser not found \(set BROWSER\)\n$/,
    );
  });
});

Deno.test("bad run ids are one line and exit 2; odw watch of an ended run points at its report", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource("return 1;"));
    await project.odw(["exec", "wf.js", "--quiet"]);
    for (
      const args of [["report"], ["report", "nope"], ["report", "../x"], ["watch", "nope"], [
        "report",
        "a",
        "b",
      ]]
    ) {
      const run = await project.odw(args);
      assert.equal(run.code, 2, `${args}: ${run.stderr}`);
      assert.equal(run.stderr.trimEnd().split("\n").length, 1, run.stderr);
      assert.match(run.stderr, /^odw: /);
    }
    const id = await runIdOf(project);
    const watch = await project.odw(["watch", id]);
    assert.equal(watch.code, 0, watch.stderr);
    assert.match(watch.stdout, new RegExp(`^run ${id} already ended; its report: .*report\\.html\\n$`));
  });
});

Deno.test("classicScript turns a module's export list into a global", () => {
  const text = classicScript(
    "const a = 1; function b() { return 2; }\nexport { a as one, b as two };",
    "lib",
  );
  const scope: Record<string, unknown> = {};
  new Function("globalThis", text)(scope);
  const lib = scope.lib as { one: number; two: () => number };
  assert.equal(lib.one, 1);
  assert.equal(lib.two(), 2);
  assert.throws(() => classicScript('import x from "y";', "lib"), /no imports/);
});

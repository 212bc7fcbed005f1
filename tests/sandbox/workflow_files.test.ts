/**
 * `workflow({ scriptPath })` and `workflow(name)` read only workflow files: a path resolves inside the
 * project directory (symlinks followed), to a regular file of at most 1 MiB, opened only once it is
 * known to be one (a FIFO or a device never blocks or floods the host), and a refusal quotes a file's
 * text only for files in `.odw/workflows` / `.claude/workflows`. Each run goes through the real CLI
 * with `--timeout` and a kill deadline of its own.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type OdwProject, type OdwRun, withProject, workflowSource } from "../_support/odw.ts";
import { runBounded } from "../_support/processes.ts";

const SECRET = "SECRET_TOKEN=hunter2-do-not-echo";

/** A parent workflow that tries each ref and returns, per ref, the child's value or the error. */
function tryRefs(refs: unknown[]): string {
  return workflowSource(`
const out = [];
for (const ref of ${JSON.stringify(refs)}) {
  try { out.push({ value: await workflow(ref) }); } catch (e) { out.push({ error: String(e.message) }); }
}
return out;`);
}

async function runRefs(project: OdwProject, refs: unknown[], env?: Record<string, string>): Promise<OdwRun> {
  await project.write("parent.js", tryRefs(refs));
  return await project.odw(
    ["exec", "parent.js", "--json", "--quiet", "--backend", "mock", "--timeout", "20s"],
    { timeoutMs: 60_000, env },
  );
}

function outcomes(run: OdwRun): Array<{ value?: unknown; error?: string }> {
  assert.equal(run.code, 0, `odw exited ${run.code}: ${run.stderr}`);
  assert.equal(run.json?.status, "completed", run.stdout);
  return run.json?.result as Array<{ value?: unknown; error?: string }>;
}

Deno.test("scriptPath outside the project (absolute, ../, a symlink out) is refused without reading it", async () => {
  const outside = await Deno.makeTempDir({ prefix: "odw-outside-" });
  try {
    const secretFile = `${outside}/secret.txt`;
    await Deno.writeTextFile(secretFile, `${SECRET}\n`);
    await withProject(async (project) => {
      await Deno.mkdir(project.path("lib"));
      await Deno.symlink(secretFile, project.path("lib/link.js"));
      const up = `${"../".repeat(project.dir.split("/").length)}${secretFile.slice(1)}`;
      const refs = [secretFile, up, "lib/link.js", "/proc/self/environ", "/etc/passwd", "lib/../../x.js"]
        .map((scriptPath) => ({ scriptPath }));
      const run = await runRefs(project, refs, { ODW_TEST_SECRET: SECRET });
      const results = outcomes(run);
      results.forEach((r, i) => {
        assert.match(
          r.error ?? "",
          /must be inside the project directory/,
          `${refs[i].scriptPath}: ${r.error}`,
        );
      });
      assert.ok(!run.stdout.includes("hunter2") && !run.stderr.includes("hunter2"), "the secret was echoed");
      assert.ok(!run.stdout.includes("root:x:0"), "/etc/passwd was echoed");
    });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a FIFO, a device link, a directory or an oversized file is refused at once, never opened", async () => {
  await withProject(async (project) => {
    await Deno.mkdir(project.path(".odw/workflows"), { recursive: true });
    const mkfifo = (path: string) =>
      runBounded("mkfifo", { args: [project.path(path)] }).then((o) => assert.equal(o.code, 0, o.stderr));
    await mkfifo("pipe.js");
    await mkfifo(".odw/workflows/piped.js");
    await Deno.symlink("/dev/zero", project.path("zero.js"));
    await Deno.mkdir(project.path("dir.js"));
    await project.write("big.js", workflowSource(`// ${"x".repeat(1024 * 1024)}\nreturn 1;`));
    await project.write(".odw/workflows/fine.js", workflowSource("return 'fine';", "fine"));
    const refs = [
      { scriptPath: "pipe.js" },
      { scriptPath: "zero.js" },
      { scriptPath: "dir.js" },
      { scriptPath: "big.js" },
      "piped",
      "fine",
    ];
    const run = await runRefs(project, refs);
    const [pipe, zero, dir, big, piped, fine] = outcomes(run);
    assert.match(pipe.error ?? "", /not a regular file/);
    assert.match(zero.error ?? "", /must be inside the project directory \(it links outside\)/);
    assert.match(dir.error ?? "", /not a regular file/);
    assert.match(big.error ?? "", /larger than 1 MiB/);
    assert.match(piped.error ?? "", /no workflow with that name\. Available: fine$/);
    assert.deepEqual(fine, { value: "fine" });
    assert.ok(run.ms < 30_000, `took ${run.ms} ms`);
  });
});

Deno.test("a refusal quotes a file's text only for files in the workflow directories", async () => {
  await withProject(async (project) => {
    // Not JavaScript: the parse error would show this line with a caret under the position.
    await project.write(".env", `${SECRET}\n`);
    await project.write("lib/notes.js", `import ${SECRET.split("=")[0]} from "x";\n`);
    await project.write(".odw/workflows/broken.js", `${SECRET}\n`);
    const run = await runRefs(project, [{ scriptPath: ".env" }, { scriptPath: "lib/notes.js" }, {
      scriptPath: ".odw/workflows/broken.js",
    }]);
    const [env, notes, broken] = outcomes(run);
    for (const r of [env, notes]) {
      assert.match(r.error ?? "", /not a valid workflow script \(the reason is not shown .*odw check/);
      assert.ok(!(r.error ?? "").includes("SECRET_TOKEN"), r.error);
    }
    // A workflow file's own parse error keeps the built-in's full text (excerpt and caret).
    assert.match(
      broken.error ?? "",
      /Script parse error: Unexpected token \(1:\d+\)\n\nSECRET_TOKEN=hunter2/,
    );
  });
});

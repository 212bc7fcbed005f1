/**
 * The documented caps, as a well-behaved script meets them through the real CLI: a prompt over 4 MiB
 * makes that agent() throw, a result over 16 MiB or more than 20000 log lines fail the run with a
 * `WorkflowLimitError` (records written), and `--max-memory` takes sizes and refuses bad ones.
 * (On 0faec27 the prompt runs, the result and the lines are recorded, and the flag is unknown.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { execWorkflow, withProject } from "../_support/odw.ts";

Deno.test("an agent() prompt over 4 MiB throws WorkflowLimitError; nothing runs, the script goes on", async () => {
  await withProject(async (project) => {
    const run = await execWorkflow(
      project,
      `try { await agent("x".repeat(4 * 1024 * 1024 + 1)); return "ran"; } catch (e) { return e.name + ": " + e.message; }`,
      [],
      { timeoutMs: 60_000 },
    );
    assert.equal(run.code, 0, run.stderr);
    assert.equal(
      run.json?.result,
      "WorkflowLimitError: agent() prompt is 4194305 bytes of UTF-8; the limit is 4194304 bytes",
    );
    assert.equal(run.json?.agentCount, 0);
  });
});

Deno.test("a result over 16 MiB of JSON fails the run with WorkflowLimitError and its records", async () => {
  await withProject(async (project) => {
    const run = await execWorkflow(project, `return "x".repeat(16 * 1024 * 1024);`, [], {
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      run.json?.error,
      "WorkflowLimitError: the workflow result is 16777218 bytes of JSON; the limit is 16777216 bytes",
    );
    const record = await project.readRun(String(run.json?.runDir));
    assert.equal(record.events.at(-1)?.type, "run.finished");
    assert.equal(record.result.status, "failed");
  });
});

Deno.test("more than 20000 log lines fail the run; the first 20000 are kept", async () => {
  await withProject(async (project) => {
    const run = await execWorkflow(project, `for (let i = 0; i < 25000; i++) log(i); return 1;`, [], {
      timeoutMs: 60_000,
    });
    assert.equal(run.code, 1, run.stderr);
    assert.equal(
      run.json?.error,
      "WorkflowLimitError: the workflow logged more than 20000 lines (log(), console.* and phase() together)",
    );
    assert.equal((run.json?.logs as string[]).length, 20000);
    assert.equal((run.json?.logs as string[]).at(-1), "19999");
  });
});

Deno.test("--max-memory takes sizes and refuses what is not one, or too small", async () => {
  await withProject(async (project) => {
    const ok = await execWorkflow(project, "return 1;", ["--max-memory", "512m"], { timeoutMs: 60_000 });
    assert.equal(ok.code, 0, ok.stderr);
    for (
      const [value, message] of [
        ["lots", '--max-memory: "lots" is not a size (examples: 512m, 1g, 2048)'],
        ["16m", '--max-memory must be at least 64m, got "16m"'],
      ]
    ) {
      const bad = await execWorkflow(project, "return 1;", ["--max-memory", value], { timeoutMs: 60_000 });
      assert.equal(bad.code, 2);
      assert.equal(bad.stderr.trim(), `odw: ${message}`);
    }
  });
});

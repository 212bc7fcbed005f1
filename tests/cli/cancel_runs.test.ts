/**
 * Runs you can see and stop, with real processes: `odw runs` shows a live run as `running` and a run
 * whose process died as `dead` — also when its pid now belongs to another process — and `odw cancel`
 * stops a live run (which ends `cancelled`, exit 130) but never signals a process that merely reuses a
 * dead run's pid. A running run cannot be resumed next to itself.
 *
 * @module
 */
import assert from "node:assert/strict";
import { currentOwner } from "../../src/records/owner.ts";
import { type OdwProject, withProject, workflowSource } from "../_support/odw.ts";
import { keysOf, startRun } from "../_support/live_odw.ts";

const SCRIPT = workflowSource(
  `return await parallel(Array.from({ length: 6 }, (_, i) => () => agent("slow job " + i)));`,
  "long",
);
const DEADLINE = 60_000;

async function rows(project: OdwProject): Promise<Array<Record<string, unknown>>> {
  const listed = await project.odw(["runs", "--json"]);
  assert.equal(listed.code, 0, listed.stderr);
  return JSON.parse(listed.stdout);
}

/** A run of six minute-long nodes, two of them started. */
const startLongRun = (project: OdwProject) =>
  startRun(project, { script: SCRIPT, scenario: { default: { delayMs: 60_000 } }, concurrency: 2 }, DEADLINE);

Deno.test("odw runs shows a live run as running; odw cancel stops it and its nodes; it ends cancelled", async () => {
  await withProject(async (project) => {
    const { live, runId } = await startLongRun(project);
    try {
      const [row] = await rows(project);
      assert.deepEqual([row.runId, row.status, row.pid], [runId, "running", live.pid]);
      const table = await project.odw(["runs"]);
      assert.match(table.stdout, new RegExp(`^${runId}\\s+long\\s+running\\s`, "m"));

      const refused = await project.odw(["resume", runId]);
      assert.equal(refused.code, 2);
      assert.equal(
        refused.stderr,
        `odw: run ${runId} is still running (pid ${live.pid}); stop it first: odw cancel ${runId}\n`,
      );

      const cancel = await project.odw(["cancel", runId.slice(0, 17), "--json"]);
      assert.equal(cancel.code, 0, cancel.stderr);
      assert.deepEqual(cancel.json, {
        runId,
        stopped: true,
        forced: false,
        pid: live.pid,
        status: "cancelled",
      });
      const end = await live.ended(DEADLINE);
      assert.equal(end.code, 130);
      assert.match(end.stderr, /CancelledError: interrupted by SIGTERM/);
      const record = await project.readRun(project.path(`.odw/runs/${runId}`));
      const keys = keysOf(record.events);
      assert.deepEqual([keys.started.size, keys.finished.size, keys.completed.size], [2, 6, 0]);
      assert.equal((await rows(project))[0].status, "cancelled");

      const again = await project.odw(["cancel", runId]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr, `odw: run ${runId} is not running: it already ended (cancelled)\n`);
    } finally {
      await live.dispose();
    }
  });
});

Deno.test("a run whose process was killed is dead, not running; cancel refuses it and points to resume", async () => {
  await withProject(async (project) => {
    const { live, runId } = await startLongRun(project);
    live.signal("SIGKILL");
    await live.ended(DEADLINE);
    const [row] = await rows(project);
    assert.deepEqual([row.runId, row.status], [runId, "dead"]);
    const cancel = await project.odw(["cancel", runId]);
    assert.equal(cancel.code, 1);
    assert.equal(
      cancel.stderr,
      `odw: run ${runId} is not running: its process (pid ${live.pid}) is gone; odw resume ${runId} continues it\n`,
    );
  });
});

Deno.test("a dead run whose pid was reused is dead, and cancel never signals the process that has it now", async () => {
  await withProject(async (project) => {
    // The test process plays the unrelated process that got the dead run's pid: same pid and host,
    // another start time.
    const me = currentOwner();
    const runId = "20200101-000000-deadbe";
    await project.write(
      `.odw/runs/${runId}/journal.jsonl`,
      JSON.stringify({
        type: "run.started",
        ts: "2020-01-01T00:00:00.000Z",
        runId,
        name: "ghost",
        scriptPath: "/gone.js",
        backend: "mock",
        concurrency: 1,
        budget: null,
        owner: { ...me, startTicks: me.startTicks! - 1 },
      }) + "\n",
    );
    const [row] = await rows(project);
    assert.deepEqual([row.status, row.pid], ["dead", me.pid]);
    const cancel = await project.odw(["cancel", runId, "--json"]);
    assert.equal(cancel.code, 1);
    assert.deepEqual(cancel.json, { runId, stopped: false, status: "dead" });
    // Still here: not signalled (a SIGTERM would have ended this test process).
    assert.equal(currentOwner().startTicks, me.startTicks);
  });
});

/**
 * SIGINT / SIGTERM sent to a real `odw exec` process: the first stops dispatching, cancels the nodes
 * in flight, journals it and exits 130, and the run resumes; a second one forces an immediate exit
 * with the journal as it is (still resumable). The forced exit kills every executor process group
 * still alive.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { killLiveGroups, runProcess } from "../../src/common/process.ts";
import { parseJournal } from "../../src/records/read.ts";
import { type OdwProject, withProject, workflowSource } from "../_support/odw.ts";
import { keysOf, startRun } from "../_support/live_odw.ts";
import { pollUntil, waitForValue, withDeadline } from "../_support/deadline.ts";
import { descendantsOf, isAlive } from "../_support/processes.ts";

/** Twelve agents, three at a time; each takes a minute unless the scenario says otherwise. */
const SCRIPT = workflowSource(
  `const r = await parallel(Array.from({ length: 12 }, (_, i) => () => agent(\`job \${i}\`, { label: "n" + i })));
return r.filter((v) => typeof v === "string").length;`,
  "interruptible",
);
const SLOW = { default: { delayMs: 60_000 } };
const FAST = JSON.stringify({ default: { delayMs: 1 } });
const DEADLINE = 60_000;

/** Resumes `runId` with quick nodes; checks it completes and how many nodes were reused, re-run, new. */
async function resumeFast(project: OdwProject, runId: string, counts: [number, number, number]) {
  const resumed = await project.odw(["resume", runId, "--mock-scenario", "fast.json", "--json", "--quiet"]);
  assert.equal(resumed.code, 0, resumed.stderr);
  assert.equal(resumed.json?.result, 12);
  const stats = resumed.json?.resume as Record<string, string[]>;
  assert.deepEqual([stats.reused.length, stats.rerun.length, stats.new.length], counts);
  return resumed;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.test(`${signal}: stops dispatching, cancels in-flight nodes, journals it, exits 130; resume finishes`, async () => {
    await withProject(async (project) => {
      await project.write("fast.json", FAST);
      const { live, runId } = await startRun(
        project,
        { script: SCRIPT, scenario: SLOW, concurrency: 3 },
        DEADLINE,
      );
      try {
        const sent = performance.now();
        live.signal(signal);
        const end = await live.ended(DEADLINE);
        assert.equal(end.code, 130, end.stderr);
        assert.ok(performance.now() - sent < 30_000, "it did not wait for the minute-long nodes");
        assert.match(end.stderr, new RegExp(`odw: ${signal}: stopping the run`));
        assert.match(end.stderr, new RegExp(`CancelledError: interrupted by ${signal}`));
        const runDir = await live.runDir();
        const record = await project.readRun(runDir);
        // A cancelled run gets its report too, saying so.
        const report = await Deno.readTextFile(join(runDir, "report.html"));
        assert.match(report, /cancelled/);
        const keys = keysOf(record.events);
        assert.equal(keys.started.size, 3, "nothing was dispatched after the signal");
        assert.equal(keys.finished.size, 12, "every node is journaled");
        assert.equal(keys.completed.size, 0);
        const last = record.events.at(-1)!;
        assert.equal(last.type, "run.finished");
        assert.equal(last.type === "run.finished" && last.status, "cancelled");
        assert.equal(record.result.status, "cancelled");
        const rows = JSON.parse((await project.odw(["runs", "--json"])).stdout);
        assert.equal(rows[0].status, "cancelled");

        const resumed = await resumeFast(project, runId, [0, 12, 0]);
        const again = await project.readRun(String(resumed.json?.runDir));
        const started = again.events[0];
        assert.equal(started.type === "run.started" && started.flags?.concurrency, "3", "flags kept");
        assert.equal(started.type === "run.started" && started.resumeOf, record.result.runId);
      } finally {
        await live.dispose();
      }
    });
  });
}

Deno.test("a second SIGINT forces: immediate exit 130, journal as it is, still resumable", async () => {
  await withProject(async (project) => {
    await project.write("fast.json", FAST);
    // Executors that take a minute to die once cancelled: a graceful stop would take that long.
    const stuck = { default: { delayMs: 60_000, stopDelayMs: 60_000 } };
    const { live, runId, events: before } = await startRun(
      project,
      { script: SCRIPT, scenario: stuck, concurrency: 3 },
      DEADLINE,
    );
    try {
      live.signal("SIGINT");
      await live.stderrMatches(/SIGINT: stopping the run/, DEADLINE);
      const sent = performance.now();
      live.signal("SIGINT");
      const end = await live.ended(DEADLINE);
      assert.equal(end.code, 130, end.stderr);
      assert.ok(performance.now() - sent < 30_000, "it did not wait for the stuck executors");
      assert.match(end.stderr, /SIGINT again: forced exit/);
      const runDir = await live.runDir();
      const text = await Deno.readTextFile(join(runDir, "journal.jsonl"));
      await assert.rejects(() => Deno.stat(join(runDir, "result.json")), Deno.errors.NotFound);
      assert.ok(!text.includes('"run.finished"'), "the run did not end normally");
      assert.deepEqual(parseJournal(text).events[0], before[0]);
      assert.deepEqual(parseJournal(text).damaged, []);
      const rows = JSON.parse((await project.odw(["runs", "--json"])).stdout);
      assert.equal(rows.find((r: { runId: string }) => r.runId === runId).status, "dead");
      await resumeFast(project, runId, [0, 3, 9]);
    } finally {
      await live.dispose();
    }
  });
});

Deno.test("the forced exit kills every executor process group still alive, grandchildren included", async () => {
  const never = new AbortController();
  const started = performance.now();
  const run = runProcess({
    cmd: "sh",
    args: ["-c", "sleep 60 & sleep 60 & wait"],
    cwd: "/",
    env: { PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    signal: never.signal,
  });
  // Wait (with a deadline, not a guess) for the shell's two sleeps to exist, then kill as the forced exit does.
  const sleeps = await waitForValue(
    () => {
      const found = descendantsOf(Deno.pid).filter((pid) => commandOf(pid) === "sleep 60");
      return found.length === 2 ? found : undefined;
    },
    30_000,
    "the shell's two sleep children",
  );
  assert.equal(killLiveGroups("SIGKILL"), 1);
  const ended = await withDeadline(run, 20_000, "the killed group's pipes to close");
  assert.equal(ended.signal, "SIGKILL");
  for (const pid of sleeps) assert.ok(await pollUntil(() => !isAlive(pid), 10_000), `sleep ${pid} survived`);
  assert.ok(performance.now() - started < 20_000);
  assert.equal(killLiveGroups("SIGKILL"), 0, "nothing left");
});

/** A process's command line, spaces between the words ("" once it is gone). */
function commandOf(pid: number): string {
  try {
    return Deno.readTextFileSync(`/proc/${pid}/cmdline`).split("\0").filter(Boolean).join(" ");
  } catch {
    return "";
  }
}

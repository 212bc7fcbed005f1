/**
 * `kill -9` of the orchestrator mid-run: the workers go on and finish every published node; `odw
 * resume` then re-attaches each result from the results bucket (or the journal) with zero new
 * executions, and completes with the full result.
 */
import assert from "node:assert/strict";
import { spawnOdw } from "../_support/live_odw.ts";
import { finishedCounts, withWorkers } from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const SCRIPT = workflowSource(`
const texts = await parallel(Array.from({ length: 12 }, (_, i) => () => agent(\`part \${i}\`, { label: \`p\${i}\` })));
return texts.map((t) => t.length);`);

Deno.test("orchestrator killed mid-run; odw resume re-attaches finished nodes with zero executions", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    await project.write("scenario.json", JSON.stringify({ default: { delayMs: 700 } }));
    await withWorkers(
      project,
      ["w1", "w2"],
      ["--concurrency", "3", "--mock-scenario", "scenario.json"],
      async (nats, workers) => {
        const run = await spawnOdw(project, [
          "exec",
          "wf.js",
          "--nats",
          nats.url,
          "--mock-scenario",
          "scenario.json",
        ]);
        let runId: string;
        try {
          const events = await run.journalWhere(
            (events) => events.some((e) => e.type === "node.finished"),
            60_000,
            "a finished node",
          );
          runId = (events[0] as { runId: string }).runId;
          run.kill();
          await run.ended(30_000);
        } finally {
          await run.dispose();
        }
        for (const worker of workers) {
          // Every node was published at once; the workers finish them without the orchestrator.
          await worker.eventsWhere(
            () => finishedCounts(workers).size === 12,
            60_000,
            "all 12 nodes finished",
          );
        }
        const executions = workers.reduce((n, w) => n + w.of("node.started").length, 0);
        assert.equal(executions, 12);

        const resumed = await project.odw(["resume", runId, "--json", "--quiet"], { timeoutMs: 90_000 });
        assert.equal(resumed.code, 0, resumed.stderr);
        const outcome = resumed.json as Record<string, unknown>;
        const local = await project.odw(["exec", "wf.js", "--json", "--quiet"], { timeoutMs: 90_000 });
        assert.deepEqual(outcome.result, local.json!.result);
        const resume = outcome.resume as { reused: string[] };
        assert.equal(resume.reused.length + (outcome.reattached as number), 12);
        assert.ok((outcome.reattached as number) > 0, "nothing was re-attached from NATS");
        assert.equal(
          workers.reduce((n, w) => n + w.of("node.started").length, 0),
          executions,
          "a node ran again",
        );
        const journal = await project.readRun(outcome.runDir as string);
        assert.equal(journal.events.filter((e) => e.type === "node.started").length, 0);
      },
    );
  });
});

/**
 * The NATS server restarted mid-run (file storage keeps the stream, the consumers and the buckets):
 * orchestrator and workers reconnect, requests and results written before the restart survive it, and
 * the run completes with every node.
 */
import assert from "node:assert/strict";
import { spawnOdw } from "../_support/live_odw.ts";
import { finishedCounts, withWorkers } from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const SCRIPT = workflowSource(`
const all = await parallel(Array.from({ length: 30 }, (_, i) => () => agent(\`item \${i}\`, { label: \`i\${i}\` })));
return all.filter((x) => x !== null).length;`);

Deno.test("NATS server restarted mid-run: the run completes", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    await project.write("scenario.json", JSON.stringify({ default: { delayMs: 400 } }));
    await withWorkers(
      project,
      ["w1", "w2"],
      ["--concurrency", "3", "--mock-scenario", "scenario.json"],
      async (nats, workers) => {
        const run = await spawnOdw(project, ["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"]);
        try {
          await workers[0].eventsWhere(() => finishedCounts(workers).size >= 6, 60_000, "six nodes finished");
          await nats.restart();
          const end = await run.ended(120_000);
          assert.equal(end.code, 0, end.stderr);
          const outcome = JSON.parse(end.stdout);
          assert.equal(outcome.result, 30);
          assert.equal(outcome.nodeCounts.completed, 30);
          assert.equal(finishedCounts(workers).size, 30);
        } finally {
          await run.dispose();
        }
      },
    );
  });
});

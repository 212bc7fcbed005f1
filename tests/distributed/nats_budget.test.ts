/**
 * The token budget holds across workers: admission stays in the orchestrator, each request carries
 * its allowance, and two workers at concurrency 16 each never make the run overshoot its ceiling.
 */
import assert from "node:assert/strict";
import { withWorkers } from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const SCRIPT = workflowSource(`
const outcomes = await parallel(Array.from({ length: 100 }, (_, i) => async () => {
  try {
    return (await agent(\`write section \${i}\`, { label: \`sec\${i}\` })) === null ? "failed" : "done";
  } catch (e) {
    return e.name;
  }
}));
return { done: outcomes.filter((o) => o === "done").length, refused: outcomes.filter((o) => o !== "done").length };`);

Deno.test("budget ceiling across two workers at concurrency 16 each never overshoots", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    // Every answer would use 350 output tokens: 100 nodes would spend 35 000 without the ceiling.
    await project.write(
      "scenario.json",
      JSON.stringify({ default: { usage: { outputTokens: 350 }, delayMs: 80 } }),
    );
    await withWorkers(
      project,
      ["w1", "w2"],
      ["--concurrency", "16", "--mock-scenario", "scenario.json"],
      async (nats, workers) => {
        const budget = 6000;
        const run = await project.odw(
          [
            "exec",
            "wf.js",
            "--nats",
            nats.url,
            "--budget",
            String(budget),
            "--concurrency",
            "32",
            "--json",
            "--quiet",
          ],
          { timeoutMs: 120_000 },
        );
        assert.equal(run.code, 0, run.stderr);
        const outcome = run.json as {
          usage: { outputTokens: number };
          result: { done: number; refused: number };
        };
        assert.ok(outcome.usage.outputTokens <= budget, `spent ${outcome.usage.outputTokens} > ${budget}`);
        assert.ok(outcome.usage.outputTokens >= budget * 0.9, `only ${outcome.usage.outputTokens} spent`);
        assert.ok(outcome.result.refused > 0, "the ceiling was never reached");
        for (const worker of workers) assert.ok(worker.of("node.finished").length > 0, `${worker.name} idle`);
      },
    );
  });
});

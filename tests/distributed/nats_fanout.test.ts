/**
 * Two `odw worker`s share a 60-node fan-out dispatched by `odw exec --nats` (mock backend with
 * delays): both get work, every node runs exactly once, the result and the node values equal a local
 * run's, the journal says which worker ran each node, and `odw workers` shows both while they work.
 */
import assert from "node:assert/strict";
import { spawnOdw } from "../_support/live_odw.ts";
import { finishedCounts, type LiveWorker, withWorkers } from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const FANOUT = workflowSource(`
const answers = await parallel(Array.from({ length: 60 }, (_, i) => () =>
  agent(\`summarise chunk \${i}\`, { label: \`chunk \${i}\` })));
return { count: answers.length, answers };`);

const SCENARIO = { default: { delayMs: 150 } };

Deno.test("two workers share a 60-node fan-out: each node once, same result as a local run", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", FANOUT);
    await project.write("scenario.json", JSON.stringify(SCENARIO));
    const local = await project.odw([
      "exec",
      "wf.js",
      "--mock-scenario",
      "scenario.json",
      "--json",
      "--quiet",
    ], {
      timeoutMs: 90_000,
    });
    assert.deepEqual(local.code, 0, local.stderr);

    await withWorkers(
      project,
      ["w1", "w2"],
      ["--concurrency", "4", "--mock-scenario", "scenario.json"],
      async (nats, workers) => {
        const run = await spawnOdw(project, ["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"]);
        try {
          await waitBoth(workers);
          const listed = await project.odw(["workers", "--nats", nats.url, "--json"], { timeoutMs: 60_000 });
          assert.deepEqual(listed.code, 0, listed.stderr);
          const view = listed.json as { workers: { name: string }[]; lanes: { lane: string }[] };
          assert.deepEqual(view.workers.map((w) => w.name), ["w1", "w2"]);
          assert.deepEqual(view.lanes.map((l) => l.lane), ["any", "codex", "claude", "bamboo"]);
          const human = await project.odw(["workers", "--nats", nats.url], { timeoutMs: 60_000 });
          assert(/^2 worker\(s\) on /.test(human.stdout), human.stdout);
          assert(/queue: \d+ waiting · \d+ held by workers/.test(human.stdout), human.stdout);

          const end = await run.ended(120_000);
          assert.deepEqual(end.code, 0, end.stderr);
          const remote = JSON.parse(end.stdout);
          assert.deepEqual(remote.result, local.json!.result);
          assert.deepEqual(remote.nodeCounts, local.json!.nodeCounts);

          const counts = finishedCounts(workers);
          assert.deepEqual(counts.size, 60);
          assert([...counts.values()].every((n) => n === 1), "a node ran twice");
          for (const worker of workers) {
            const started = worker.of("node.started").length;
            assert(started > 0, `${worker.name} got no work`);
            assert.deepEqual(started, worker.of("node.finished").length);
          }
          const journal = await project.readRun(remote.runDir);
          const byWorker = new Map<string, number>();
          for (const e of journal.events) {
            if (e.type !== "node.finished") continue;
            const worker = (e as { worker?: string }).worker ?? "none";
            byWorker.set(worker, (byWorker.get(worker) ?? 0) + 1);
          }
          assert.deepEqual([...byWorker.keys()].sort(), ["w1", "w2"]);
        } finally {
          await run.dispose();
        }
      },
    );
  });
});

/** Waits until both workers are running nodes at the same time. */
async function waitBoth(workers: LiveWorker[]): Promise<void> {
  for (const worker of workers) {
    await worker.eventsWhere((events) => events.some((e) => e.type === "node.started"), 60_000, "a node");
  }
}

/**
 * `kill -9` of a worker in the middle of its nodes: JetStream redelivers each of them (after the ack
 * wait, since the dead worker's `working()` heartbeats stop) to the other worker, which finishes it;
 * no node runs twice to completion and the run completes.
 */
import assert from "node:assert/strict";
import { spawnOdw } from "../_support/live_odw.ts";
import {
  finishedCounts,
  type LiveWorker,
  prepareTopology,
  type PrintedEvent,
  startNatsServer,
  startWorker,
} from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const SCRIPT = workflowSource(`
const done = await parallel(Array.from({ length: 12 }, (_, i) => () => agent(\`step \${i}\`, { label: \`s\${i}\` })));
return done.filter((d) => d !== null).length;`);

Deno.test("a worker killed mid-node: its nodes are redelivered to the other and the run completes", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    await project.write("scenario.json", JSON.stringify({ default: { delayMs: 1500 } }));
    const nats = await startNatsServer();
    const workers: LiveWorker[] = [];
    try {
      await prepareTopology(nats.url, { ackWaitMs: 1500 });
      const args = ["--concurrency", "2", "--mock-scenario", "scenario.json"];
      const victim = await startWorker(project, nats.url, "victim", args);
      workers.push(victim);
      const run = await spawnOdw(project, ["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"]);
      try {
        await victim.eventsWhere((e) => started(e).length === 2, 60_000, "two nodes started");
        const survivor = await startWorker(project, nats.url, "survivor", args);
        workers.push(survivor);
        victim.signal("SIGKILL");
        await victim.ended(30_000);
        const orphans = started(victim.events).filter((key) => !finished(victim.events).includes(key));
        assert.ok(orphans.length > 0, "the victim finished everything before it was killed");

        const end = await run.ended(120_000);
        assert.equal(end.code, 0, end.stderr);
        assert.equal(JSON.parse(end.stdout).result, 12);
        const counts = finishedCounts(workers);
        assert.equal(counts.size, 12);
        assert.ok([...counts.values()].every((n) => n === 1), "a node ran twice to completion");
        for (const key of orphans) {
          const redelivered = survivor.of("node.started").find((e) => "key" in e && e.key === key);
          assert.ok(
            redelivered && "delivery" in redelivered && redelivered.delivery! >= 2,
            `${key} redelivered`,
          );
          assert.ok(finished(survivor.events).includes(key), `${key} finished by the survivor`);
        }
      } finally {
        await run.dispose();
      }
    } finally {
      await Promise.all(workers.map((w) => w.dispose()));
      await nats.dispose();
    }
  });
});

function started(events: PrintedEvent[]): string[] {
  return events.filter((e) => e.type === "node.started").map((e) => (e as { key: string }).key);
}

function finished(events: PrintedEvent[]): string[] {
  return events.filter((e) => e.type === "node.finished").map((e) => (e as { key: string }).key);
}

Deno.test("bounded redeliveries: a request every worker died on fails its node instead of waiting", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource(`return await agent("doomed", { label: "doomed" });`));
    await project.write("scenario.json", JSON.stringify({ default: { hang: true } }));
    const nats = await startNatsServer();
    let worker: LiveWorker | undefined;
    let next: LiveWorker | undefined;
    try {
      await prepareTopology(nats.url, { ackWaitMs: 1000, maxDeliver: 1 });
      worker = await startWorker(project, nats.url, "mortal", ["--mock-scenario", "scenario.json"]);
      const run = await spawnOdw(project, ["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"]);
      try {
        await worker.eventsWhere((e) => started(e).length === 1, 60_000, "the node started");
        worker.signal("SIGKILL");
        await worker.ended(30_000);
        // JetStream gives a request up when it would deliver it again: when a worker asks for work.
        next = await startWorker(project, nats.url, "next", ["--mock-scenario", "scenario.json"]);
        const end = await run.ended(60_000);
        assert.equal(end.code, 0, end.stderr);
        const outcome = JSON.parse(end.stdout);
        assert.equal(outcome.result, null);
        assert.equal(outcome.nodeCounts.failed, 1);
        assert.match(outcome.logs.join("\n"), /\[doomed\] failed: no worker finished it: delivered 1 times/);
        assert.equal(next.of("node.started").length, 0, "the given-up request ran again");
      } finally {
        await run.dispose();
      }
    } finally {
      await worker?.dispose();
      await next?.dispose();
      await nats.dispose();
    }
  });
});

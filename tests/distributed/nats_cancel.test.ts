/**
 * Stopping, on both sides. Ctrl-C of the orchestrator: its pending requests are withdrawn from the
 * stream and the workers stop its in-flight nodes (no result written). Ctrl-C of a worker drains it:
 * its running node finishes and it takes no new one; a second Ctrl-C hands its node back to the queue,
 * where another worker takes it.
 */
import assert from "node:assert/strict";
import { STREAM } from "../../src/distributed/names.ts";
import { openNats } from "../../src/distributed/topology.ts";
import { spawnOdw, waitFor } from "../_support/live_odw.ts";
import { finishedCounts, type LiveWorker, startNatsServer, startWorker } from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const EIGHT = workflowSource(`
return await parallel(Array.from({ length: 8 }, (_, i) => () => agent(\`job \${i}\`, { label: \`j\${i}\` })));`);

Deno.test("Ctrl-C of the orchestrator withdraws pending requests and stops in-flight nodes", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", EIGHT);
    await project.write("scenario.json", JSON.stringify({ default: { hang: true } }));
    const nats = await startNatsServer();
    let worker: LiveWorker | undefined;
    try {
      worker = await startWorker(project, nats.url, "w1", [
        "--concurrency",
        "2",
        "--mock-scenario",
        "scenario.json",
      ]);
      const run = await spawnOdw(project, ["exec", "wf.js", "--nats", nats.url, "--quiet"]);
      try {
        await worker.eventsWhere(
          (e) => e.filter((x) => x.type === "node.started").length === 2,
          60_000,
          "2 starts",
        );
        run.signal("SIGINT");
        const end = await run.ended(60_000);
        assert.equal(end.code, 130, end.stderr);
      } finally {
        await run.dispose();
      }
      // Its 2 running nodes are stopped; a request the freed slots pulled before the withdrawal
      // reached the stream is refused as cancelled too (never started), so count at least 2.
      await worker.eventsWhere(
        (e) => e.filter((x) => x.type === "node.cancelled").length >= 2,
        30_000,
        "2 stops",
      );
      const handle = await openNats(nats.url, "test");
      try {
        await waitFor(
          async () => {
            const info = await handle.jsm.streams.info(STREAM);
            return info.state.messages === 0 ? true : undefined;
          },
          30_000,
          "the stream to be empty",
        );
      } finally {
        await handle.nc.close();
      }
      assert.equal(worker.of("node.started").length, 2, "a withdrawn request was still run");
      assert.equal(worker.of("node.finished").length, 0);
    } finally {
      await worker?.dispose();
      await nats.dispose();
    }
  });
});

Deno.test("Ctrl-C of a worker: its node finishes; twice: its node is handed back and runs elsewhere", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", EIGHT.replace("length: 8", "length: 4"));
    await project.write("scenario.json", JSON.stringify({ default: { delayMs: 2500 } }));
    const nats = await startNatsServer();
    const workers: LiveWorker[] = [];
    try {
      const args = ["--concurrency", "1", "--mock-scenario", "scenario.json"];
      const drained = await startWorker(project, nats.url, "drained", args);
      const handing = await startWorker(project, nats.url, "handing", args);
      workers.push(drained, handing);
      const run = await spawnOdw(project, ["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"]);
      try {
        for (const w of [drained, handing]) {
          await w.eventsWhere((e) => e.some((x) => x.type === "node.started"), 60_000, "a start");
        }
        drained.signal("SIGINT");
        handing.signal("SIGINT");
        await new Promise((resolve) => setTimeout(resolve, 300)); // two separate Ctrl-Cs
        handing.signal("SIGINT");
        assert.equal((await drained.ended(60_000)).code, 0);
        assert.equal((await handing.ended(60_000)).code, 0);
        assert.equal(drained.of("node.started").length, 1);
        assert.equal(drained.of("node.finished").length, 1, "the drained worker did not finish its node");
        assert.equal(handing.of("node.handed-back").length, 1);
        assert.equal(handing.of("node.finished").length, 0);
        const rest = await startWorker(project, nats.url, "rest", [
          "--concurrency",
          "3",
          "--mock-scenario",
          "scenario.json",
        ]);
        workers.push(rest);
        const end = await run.ended(90_000);
        assert.equal(end.code, 0, end.stderr);
        const counts = finishedCounts(workers);
        assert.equal(counts.size, 4);
        assert.ok([...counts.values()].every((n) => n === 1));
        const handedBack = (handing.of("node.handed-back")[0] as { key: string }).key;
        assert.ok(rest.of("node.finished").some((e) => (e as { key: string }).key === handedBack));
      } finally {
        await run.dispose();
      }
    } finally {
      await Promise.all(workers.map((w) => w.dispose()));
      await nats.dispose();
    }
  });
});

/**
 * What crosses NATS: requests carry no path of the orchestrator's machine; a prompt of megabytes goes
 * through the object store by hash (the request stays small) and still reaches the backend whole; a
 * worker refuses malformed or hostile requests and keeps serving; a quota failure on a worker trips
 * the orchestrator's circuit breaker, so the route's later nodes are not dispatched at all.
 */
import assert from "node:assert/strict";
import { openNats } from "../../src/distributed/topology.ts";
import { type LiveWorker, startNatsServer, startWorker } from "../_support/nats.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

const BIG = workflowSource(`
const big = "x".repeat(2_000_000) + " end";
const a = await agent(big, { label: "big" });
const b = await agent("small one", { label: "small", schema: { type: "object", properties: { n: { type: "number" } }, required: ["n"] } });
return { a, b };`);

Deno.test("requests carry no local path; a 2 MB prompt goes by hash; hostile requests are refused", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", BIG);
    const local = await project.odw(["exec", "wf.js", "--json", "--quiet"], { timeoutMs: 90_000 });
    assert.equal(local.code, 0, local.stderr);
    const nats = await startNatsServer();
    let worker: LiveWorker | undefined;
    const handle = await openNats(nats.url, "test");
    try {
      const seen: Uint8Array[] = [];
      const sub = handle.nc.subscribe("odw.nodes.>", {
        callback: (_e, msg) => {
          seen.push(msg.data);
        },
      });
      worker = await startWorker(project, nats.url, "w1");
      for (
        const hostile of [
          "not json",
          JSON.stringify({ v: 1, lineage: "../etc", run: "r", spec: {}, publishedAt: "" }),
          JSON.stringify({
            v: 1,
            lineage: "a",
            run: "b",
            spec: { key: "k#1", prompt: "p", label: "l" },
            promptBlob: "0".repeat(64),
            publishedAt: "",
          }),
        ]
      ) await handle.js.publish("odw.nodes.any.hostile", hostile);
      await worker.eventsWhere(
        (e) => e.filter((x) => x.type === "refused").length === 3,
        30_000,
        "3 refusals",
      );
      const run = await project.odw(["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"], {
        timeoutMs: 90_000,
      });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.json!.result, local.json!.result);
      sub.unsubscribe();
      const requests = seen.map((bytes) => new TextDecoder().decode(bytes)).filter((t) =>
        t.includes('"lineage":"2')
      );
      assert.equal(requests.length, 2);
      for (const text of requests) {
        assert.ok(!text.includes(project.dir), "a request names the project directory");
        assert.ok(text.length < 10_000, `a request of ${text.length} bytes`);
      }
      assert.match(requests[0], /"promptBlob":"[0-9a-f]{64}"/);
      assert.equal(worker.of("node.finished").length, 2);
    } finally {
      await handle.nc.close();
      await worker?.dispose();
      await nats.dispose();
    }
  });
});

const QUOTA = workflowSource(`
const first = await agent("needs quota", { label: "q0" });
const rest = await parallel(Array.from({ length: 6 }, (_, i) => () => agent(\`later \${i}\`, { label: \`l\${i}\` })));
return { first, rest };`);

Deno.test("a quota failure on a worker trips the orchestrator's breaker: later nodes are not dispatched", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", QUOTA);
    await project.write(
      "scenario.json",
      JSON.stringify({
        rules: [{ label: "q0", fail: "HTTP 402: Insufficient Balance", errorKind: "quota" }],
      }),
    );
    const nats = await startNatsServer();
    let worker: LiveWorker | undefined;
    try {
      worker = await startWorker(project, nats.url, "w1", ["--mock-scenario", "scenario.json"]);
      const run = await project.odw(["exec", "wf.js", "--nats", nats.url, "--json", "--quiet"], {
        timeoutMs: 90_000,
      });
      assert.equal(run.code, 1, run.stderr);
      assert.match(String(run.json!.error), /^stopped: default quota: HTTP 402: Insufficient Balance/);
      assert.equal(worker.of("node.started").length, 1, "a node was dispatched after the breaker tripped");
      const journal = await project.readRun(run.json!.runDir as string);
      const stopped = journal.events.filter((e) =>
        e.type === "node.finished" &&
        /^stopped: default quota/.test(String((e as { error?: { message: string } }).error?.message))
      );
      assert.equal(stopped.length, 6);
    } finally {
      await worker?.dispose();
      await nats.dispose();
    }
  });
});

/**
 * The quota circuit breaker end to end: `odw exec --backend pandacode --runtime bamboo` as a real
 * process, a 40-node fan-out against the scripted OpenAI-compatible server, which answers a quota
 * error (HTTP 429 `insufficient_quota`) from its 6th request on. After the first quota error only the
 * requests already in flight may reach the server; the run fails (exit 1) with `stopped: …`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { withProject, workflowSource } from "../_support/odw.ts";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bambooTestEnv } from "../backends/pandacode_world.ts";

Deno.test("circuit breaker: a dead account gets no new requests after its quota error; exit 1 with stopped:", async () => {
  let firstQuotaAt = Infinity;
  await using server = startChatServer((_request, index) => {
    if (index < 5) return { kind: "message", text: `answer ${index}`, delayMs: 30 };
    firstQuotaAt = Math.min(firstQuotaAt, performance.now());
    return reply.error(429, "You exceeded your current quota, please check your plan and billing details.");
  });
  await withProject(async (project) => {
    await project.write(
      "fanout.js",
      workflowSource(`
        const got = await parallel(Array.from({ length: 40 }, (_, i) => () => agent("item " + i, { label: "n" + i })));
        return got.filter((x) => x !== null).length;`),
    );
    const run = await project.odw(
      ["exec", "fanout.js", "--backend", "pandacode", "--runtime", "bamboo", "--concurrency", "4", "--json"],
      { env: bambooTestEnv(server.baseUrl) },
    );
    assert.equal(run.code, 1, run.stderr);
    const out = run.json as {
      status: string;
      error: string;
      result: number;
      nodeCounts: Record<string, number>;
    };
    assert.equal(out.status, "failed");
    assert.match(out.error, /^stopped: bamboo\/deepseek quota: .*exceeded your current quota/);
    assert.equal(out.result, 5, "the five answered nodes kept their values");
    const after = server.requests.filter((r) => r.at > firstQuotaAt).length;
    // Each in-flight node sends one request; with 4 slots, at most 3 others were already under way.
    assert.ok(after <= 3, `${after} requests reached the dead account after its first quota error`);
    assert.ok(server.requests.length <= 5 + 1 + 3, `${server.requests.length} requests in all`);
    assert.equal(out.nodeCounts.completed, 5);
    assert.equal(out.nodeCounts.failed, 35);
    console.log(
      `breaker (real server): ${server.requests.length} requests, ${after} after the first quota error`,
    );
  });
});

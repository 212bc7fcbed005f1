/**
 * bamboo's retry policy: 429 with Retry-After is waited out and retried, 5xx and network errors are
 * retried with backoff up to a bound, other 4xx fail at once; final failures become report errors.
 *
 * @module
 */
import assert from "node:assert/strict";
import { backoffMs, createRetryingFetch, retryAfterMs } from "../../pandacode/bamboo/retry_fetch.ts";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext } from "./bamboo_helpers.ts";

Deno.test("bamboo: 429 with Retry-After: 1 is retried after the wait, then completes", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.error(429, "slow down", { "retry-after": "1" }),
    reply.text("finally", { prompt_tokens: 12, completion_tokens: 3 }),
  ]);
  const ctx = testContext();
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), ctx);
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.equal(outcome.text, "finally");
  assert.equal(server.requests.length, 2);
  // Both arrival times are performance.now() in this process, the clock bamboo's wait runs on; the
  // wait starts after the 429 left the server, so the gap is at least the 1 s asked for.
  const waited = server.requests[1].at - server.requests[0].at;
  assert.ok(waited >= 1000, `waited only ${waited} ms`);
  assert.ok(waited < 1000 + 10_000, `waited ${waited} ms`);
  assert.deepEqual(outcome.usage, {
    inputTokens: 12,
    outputTokens: 3,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });
  assert.ok(
    ctx.logs.some((l) => l.includes("HTTP 429, retrying in 1000 ms (attempt 2/5)")),
    ctx.logs.join("\n"),
  );
  console.log(`retry: 429 then 200, waited ${waited.toFixed(0)} ms between the 2 requests`);
});

Deno.test("bamboo: 400 fails at once without retry", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.error(400, "model not supported: nope"),
    reply.text("never sent"),
  ]);
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server, { model: "nope" }), testContext());
  assert.equal(outcome.status, "failed");
  assert.equal(server.requests.length, 1);
  assert.equal(outcome.error?.kind, "invalid_request");
  assert.equal(outcome.error?.retryable, false);
  assert.match(outcome.error!.message, /model not supported: nope/);
  assert.equal(outcome.costUsd, null, "no price for a model other than the default");
});

Deno.test("bamboo: 503 on every attempt ends failed, retryable, after the bounded tries", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer(() => reply.error(503, "overloaded"));
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext(), {
    retry: { maxAttempts: 3, baseDelayMs: 20 },
  });
  assert.equal(outcome.status, "failed");
  assert.equal(server.requests.length, 3);
  assert.deepEqual(outcome.error && { kind: outcome.error.kind, retryable: outcome.error.retryable }, {
    kind: "server_error",
    retryable: true,
  });
});

Deno.test("bamboo: an unreachable endpoint is a retryable network error", async () => {
  await using tmp = await tempWorkspace();
  const closed = startChatServer([]);
  await closed.close();
  const outcome = await runBambooBounded(bambooTask(tmp.ws, closed), testContext(), {
    retry: { maxAttempts: 2, baseDelayMs: 10 },
  });
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.kind, "network");
  assert.equal(outcome.error?.retryable, true);
  assert.match(outcome.error!.message, /network error after 2 attempts/);
});

Deno.test("retrying fetch: backoff grows and jitters; 5xx retried, 401 not; Retry-After forms", async () => {
  assert.equal(backoffMs(1, 1000, 30_000, () => 0), 500);
  assert.equal(backoffMs(1, 1000, 30_000, () => 0.999999), 1000);
  assert.equal(backoffMs(3, 1000, 30_000, () => 0.5), 3000);
  assert.equal(backoffMs(10, 1000, 30_000, () => 1), 30_000);

  const now = Date.UTC(2026, 0, 1, 0, 0, 0);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "2" }), now), 2000);
  assert.equal(retryAfterMs(new Headers({ "retry-after": new Date(now + 5000).toUTCString() }), now), 5000);
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "250", "retry-after": "9" }), now), 250);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" }), now), undefined);

  const statuses = [502, 500, 200];
  const seen: number[] = [];
  const delays: number[] = [];
  const fetch = createRetryingFetch({
    baseDelayMs: 10,
    random: () => 1,
    fetch: () => {
      const status = statuses[seen.length];
      seen.push(status);
      return Promise.resolve(new Response("x", { status }));
    },
    onRetry: (e) => delays.push(e.delayMs),
  });
  assert.equal((await fetch("http://x.invalid/")).status, 200);
  assert.deepEqual(seen, [502, 500, 200]);
  assert.deepEqual(delays, [10, 20]);

  let calls = 0;
  const once = createRetryingFetch({
    fetch: () => {
      calls++;
      return Promise.resolve(new Response("no", { status: 401 }));
    },
  });
  assert.equal((await once("http://x.invalid/")).status, 401);
  assert.equal(calls, 1);

  // A Retry-After far in the future is capped.
  const capped: number[] = [];
  let n = 0;
  const cappedFetch = createRetryingFetch({
    maxRetryAfterMs: 30,
    fetch: () =>
      Promise.resolve(
        n++ === 0
          ? new Response("", { status: 429, headers: { "retry-after": "3600" } })
          : new Response("ok"),
      ),
    onRetry: (e) => capped.push(e.delayMs),
  });
  assert.equal(await (await cappedFetch("http://x.invalid/")).text(), "ok");
  assert.deepEqual(capped, [30]);
});

Deno.test("retrying fetch: an abort during the wait stops at once", async () => {
  const controller = new AbortController();
  const fetch = createRetryingFetch({
    fetch: () => Promise.resolve(new Response("", { status: 429, headers: { "retry-after": "30" } })),
    onRetry: () => setTimeout(() => controller.abort("cancelled"), 20),
  });
  const started = performance.now();
  await assert.rejects(
    fetch("http://x.invalid/", { signal: controller.signal }),
    (err) => err === "cancelled",
  );
  // The Retry-After asked for 30 s: the abort must end the wait long before that.
  const elapsed = performance.now() - started;
  assert.ok(elapsed < 10_000, `the abort ended the wait after ${elapsed} ms`);
});

/**
 * bamboo's side of odw's guardrails, against the scripted OpenAI-compatible server: account errors are
 * classified (`quota` for a 402 or a 429 that says so — and such a 429 is not retried, `auth` for
 * 401/403), a final Retry-After reaches the report, `retries` bounds the transport retries (0 under
 * odw), and every response chunk is a sign of life for the stall detector.
 *
 * @module
 */
import assert from "node:assert/strict";
import { reply, startChatServer } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext } from "./bamboo_helpers.ts";

Deno.test("bamboo: account errors are quota (402, or a 429 saying so, not retried) or auth (401/403)", async () => {
  await using tmp = await tempWorkspace();
  const cases: Array<[number, string, string, number]> = [
    [429, "You exceeded your current quota, please check your plan and billing details.", "quota", 1],
    [402, "Insufficient Balance", "quota", 1],
    [401, "Incorrect API key provided", "auth", 1],
    [403, "forbidden", "auth", 1],
  ];
  for (const [status, message, kind, requests] of cases) {
    await using server = startChatServer(() => reply.error(status, message));
    const outcome = await runBambooBounded(bambooTask(tmp.ws, server), testContext(), {
      retry: { baseDelayMs: 5 },
    });
    assert.equal(outcome.status, "failed", `${status}`);
    assert.equal(outcome.error?.kind, kind, `${status}: ${outcome.error?.message}`);
    assert.equal(outcome.error?.retryable, false);
    assert.equal(server.requests.length, requests, `${status}: requests`);
  }
});

Deno.test("bamboo: retries 0 sends one request; the server's Retry-After reaches the report", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer(() => reply.error(429, "Too Many Requests", { "retry-after": "7" }));
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server, { retries: 0 }), testContext());
  assert.equal(server.requests.length, 1);
  assert.equal(outcome.error?.kind, "rate_limit");
  assert.equal(outcome.error?.retryable, true);
  assert.equal(outcome.error?.retryAfterMs, 7000);
});

Deno.test("bamboo: every response is a sign of life (activity), so a steady run never looks stalled", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([reply.text("done")]);
  let signs = 0;
  const ctx = { ...testContext(), activity: () => signs++ };
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server), ctx);
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.ok(signs >= 2, `${signs} signs of life (the response, then its body)`);
});

/**
 * bamboo's structured output: the submit tool validates against the task's schema, an invalid
 * submission goes back to the model with the validation errors, a valid one ends the run; bounded
 * tries; a plain-text JSON answer that passes the schema is accepted; an invalid schema is refused.
 *
 * @module
 */
import assert from "node:assert/strict";
import { messagesOf, reply, startChatServer, toolResultsOf } from "../fixtures/openai_chat_server.ts";
import { bambooTask, runBambooBounded, tempWorkspace, testContext } from "./bamboo_helpers.ts";

const SCHEMA = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: { verdict: { type: "string", enum: ["pass", "fail"] }, score: { type: "integer", minimum: 0 } },
  required: ["verdict", "score"],
  additionalProperties: false,
};

Deno.test("bamboo submit: invalid then valid gives the valid object; the retry carried the errors", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.tools([{ id: "s1", name: "submit", args: { verdict: "maybe", extra: 1 } }], {
      prompt_tokens: 40,
      completion_tokens: 8,
    }),
    reply.tools([{ id: "s2", name: "submit", args: { verdict: "pass", score: 7 } }], {
      prompt_tokens: 60,
      completion_tokens: 9,
    }),
    reply.text("should not be asked"),
  ]);
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server, { schema: SCHEMA }), testContext());
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.deepEqual(outcome.output, { verdict: "pass", score: 7 });
  assert.equal(outcome.text, JSON.stringify({ verdict: "pass", score: 7 }));
  assert.equal(server.requests.length, 2);
  assert.deepEqual(outcome.usage, {
    inputTokens: 100,
    outputTokens: 17,
    cachedInputTokens: 0,
    reasoningTokens: 0,
  });

  const first = server.requests[0].body;
  const submit = first.tools.find((t: { function: { name: string } }) => t.function.name === "submit");
  assert.deepEqual(submit.function.parameters.required, ["verdict", "score"]);
  assert.equal(submit.function.parameters.$schema, undefined);
  assert.match(first.messages[0].content, /call the submit tool exactly once/);

  const [feedback] = toolResultsOf(server.requests[1]);
  assert.equal(feedback.toolCallId, "s1");
  assert.match(feedback.content, /does not match the schema/);
  assert.match(feedback.content, /\/verdict: must be equal to one of the allowed values/);
  assert.match(feedback.content, /root: must have required property 'score'/);
  assert.match(feedback.content, /must NOT have additional properties \('extra' is not allowed\)/);
  assert.match(feedback.content, /2 tries left/);
  console.log(`submit: feedback the model got:\n${feedback.content}`);
});

Deno.test("bamboo submit: three invalid submissions fail the task", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer(() =>
    reply.tools([{ name: "submit", args: { verdict: "nope" } }], { prompt_tokens: 5, completion_tokens: 5 })
  );
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server, { schema: SCHEMA }), testContext());
  assert.equal(outcome.status, "failed");
  assert.equal(server.requests.length, 3);
  assert.equal(outcome.error?.kind, "schema");
  assert.equal(outcome.error?.retryable, false, "schema tries belong to the engine");
  assert.match(outcome.error!.message, /3 submissions did not match the schema/);
  assert.equal(outcome.output, undefined);
});

Deno.test("bamboo submit: a text answer is reminded once, then a JSON text answer that fits is taken", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([
    reply.text("All good!"),
    reply.text('```json\n{"verdict":"fail","score":0}\n```'),
  ]);
  const outcome = await runBambooBounded(bambooTask(tmp.ws, server, { schema: SCHEMA }), testContext());
  assert.equal(outcome.status, "completed", JSON.stringify(outcome.error));
  assert.deepEqual(outcome.output, { verdict: "fail", score: 0 });
  assert.equal(server.requests.length, 2);
  const last = messagesOf(server.requests[1]).at(-1);
  assert.equal(last.role, "user");
  assert.match(last.content, /You have not called the submit tool/);
});

Deno.test("bamboo: an invalid schema fails before any request", async () => {
  await using tmp = await tempWorkspace();
  await using server = startChatServer([reply.text("unused")]);
  const outcome = await runBambooBounded(
    bambooTask(tmp.ws, server, { schema: { type: "object", properties: { a: { type: "no-such-type" } } } }),
    testContext(),
  );
  assert.equal(outcome.status, "failed");
  assert.equal(outcome.error?.kind, "bad_input");
  assert.match(outcome.error!.message, /^invalid JSON schema/);
  assert.equal(server.requests.length, 0);
});

/**
 * Class 3 of issue 11 — the host is the boundary. A script replaces the built-ins a runtime might call
 * while sending, to catch its send function and send the host a forged `done`, a malformed log line
 * and an agent for a made-up scope; another replaces `JSON.stringify` so the result the runtime sends
 * breaks the boundary's rules. The host must not record a forged result, must enforce the 4096-item,
 * depth and size caps itself, and must fail a malformed message cleanly: status failed, one error
 * line, journal closed with run.finished, result.json written, exit 1. (On 0faec27: the forged log
 * kills odw with no result, the 5000-item and 20 MiB results are recorded as completed, the garbage
 * and the deep result crash odw.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { mapLimited } from "../_support/odw.ts";
import { assertFailedCleanly, runHostile } from "../_support/hostile.ts";

Deno.test("forge_send.js: replaced built-ins catch no sender; the run records only the real work", async () => {
  const { run, record } = await runHostile("forge_send.js", [], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(0, 1000)}`);
  const result = run.json?.result as Record<string, unknown>;
  assert.match(String(result.answer), /^mock reply to "What is two plus two\?"/);
  assert.equal(result.sent, 0, "a forged message was handed to something that accepted it");
  assert.deepEqual(run.json?.logs, ["a real line"]);
  assert.equal(run.json?.agentCount, 1);
  assert.equal(record!.events.at(-1)?.type, "run.finished");
  assert.equal(record!.result.status, "completed");
});

Deno.test("forge_result.js: a forged result is checked again on the host (arrays, JSON, depth, size)", async () => {
  const cases: Array<[string, RegExp]> = [
    [
      "array",
      /^Error: array length 5000 exceeds the maximum of 4096 supported across the workflow VM boundary$/,
    ],
    ["garbage", /^ProtocolError: the sandbox sent a malformed message \(done\.resultJson: not JSON\)$/],
    ["deep", /^WorkflowLimitError: the workflow result is nested deeper than 1000 levels$/],
    [
      "huge",
      /^WorkflowLimitError: the workflow result is 20971522 bytes of JSON; the limit is 16777216 bytes$/,
    ],
  ];
  await mapLimited(cases, 2, async ([kind, error]) => {
    const { run, record } = await runHostile("forge_result.js", ["--args", JSON.stringify({ kind })], {
      timeoutMs: 60_000,
    });
    assertFailedCleanly(run, record, error);
  });
});

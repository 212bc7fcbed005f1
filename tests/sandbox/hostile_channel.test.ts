/**
 * Class 2 of issue 11 — the runtime's channel is private. Each hostile script looks for the runtime's
 * listener, port or resolvers the way an attacker would (symbol-keyed globals, the global's prototype
 * chain, forged MessageEvents, replaced built-ins and `Promise.prototype.then`) and feeds whatever it
 * finds forged agent answers, budget figures and child-workflow replies carrying code the static
 * checks never saw. The answers the script gets must be the host's, and no forged code may run.
 * (On the runtime of 0faec27 both scripts get "FORGED ANSWER" and run the forged child body.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { runHostile } from "../_support/hostile.ts";

const REAL_ANSWER = /^mock reply to "What is two plus two\?"/;

for (const script of ["channel_listeners.js", "channel_intrinsics.js"]) {
  Deno.test(`${script}: forged host messages reach nothing; answers, budget and child are the host's`, async () => {
    const { run, record } = await runHostile(script, [], { timeoutMs: 60_000 });
    assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(0, 1000)}`);
    const result = run.json?.result as Record<string, unknown>;
    assert.match(String(result.answer), REAL_ANSWER);
    assert.equal(result.child, "real child");
    assert.equal(result.forgedRan, null, "a forged child body was compiled and ran");
    assert.ok(Number(result.spent) < 999999, `forged budget figure: ${result.spent}`);
    assert.deepEqual(run.json?.logs, ["\u25b8 running dynamic workflow kid", "\u25b8 kid done"]);
    // The journal holds exactly the one real node, with the value the script got.
    const finished = record!.events.filter((e) => e.type === "node.finished");
    assert.equal(finished.length, 1);
    assert.equal((finished[0] as { value: unknown }).value, result.answer);
  });
}

Deno.test("channel_frames.js: replaced typed-array and encoder built-ins neither break nor see the runtime's messages", async () => {
  const { run, record } = await runHostile("channel_frames.js", [], { timeoutMs: 60_000 });
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(0, 1000)}`);
  const result = run.json?.result as Record<string, unknown>;
  assert.match(String(result.answer), REAL_ANSWER);
  assert.equal(result.caught, 0, "a runtime buffer passed through the script's hooks");
  assert.deepEqual(run.json?.logs, ["after the agent: \u00e9"]);
  assert.equal(result.big, "\u00e9".repeat(40000));
  assert.equal(record!.events.filter((e) => e.type === "node.finished").length, 1);
});

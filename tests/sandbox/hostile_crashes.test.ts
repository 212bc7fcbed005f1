/**
 * Class 5 of issue 11 — crashes stay inside. Each hostile script attacks the sandbox's resources: the
 * JS heap, ArrayBuffers outside the heap, the log, an error that cannot be turned into text, schemas
 * too deep for the host, and a sandbox wedged in a loop or a futex. Each run must end with one clear
 * error while odw survives to write its records (journal closed with run.finished, result.json, exit
 * 1), within the test's deadline. (On 0faec27: the heap kills odw with exit 133 and no result, 8 GiB
 * of ArrayBuffers are allowed, the log flood kills odw with "Invalid string length", and the Symbol
 * name and the deep schemas hang the run.)
 *
 * @module
 */
import assert from "node:assert/strict";
import { assertFailedCleanly, runHostile } from "../_support/hostile.ts";

Deno.test("oom_heap.js: the sandbox runs out of memory at --max-memory, odw reports it and writes its records", async () => {
  const { run, record } = await runHostile("oom_heap.js", ["--max-memory", "256m"], { timeoutMs: 90_000 });
  assertFailedCleanly(
    run,
    record,
    /^OutOfMemoryError: the workflow ran out of memory \(the sandbox is capped at 256 MiB/,
  );
  assert.deepEqual(run.json?.logs, ["growing the heap"]);
});

Deno.test("oom_heap.js at the default cap (1 GiB): same clean end", async () => {
  const { run, record } = await runHostile("oom_heap.js", [], { timeoutMs: 120_000 });
  assertFailedCleanly(run, record, /^OutOfMemoryError: .*capped at 1024 MiB/);
});

Deno.test("arraybuffer_flood.js: ArrayBuffers are capped too (Linux data limit), as a catchable RangeError", async () => {
  const { run, record } = await runHostile("arraybuffer_flood.js", [], { timeoutMs: 60_000 });
  assertFailedCleanly(run, record, /^(RangeError: Array buffer allocation failed|OutOfMemoryError: )/);
});

Deno.test("log_flood.js: the log caps end the run with a clear error; what was logged is kept", async () => {
  const { run, record } = await runHostile("log_flood.js", [], { timeoutMs: 90_000 });
  assertFailedCleanly(run, record, /^WorkflowLimitError: the workflow logged more than 16777216 bytes$/);
  const logged = record!.events.filter((e) => e.type === "log").length;
  assert.ok(logged > 1000 && logged < 1600, `${logged} lines journaled`);
});

Deno.test("symbol_name.js: an error named by a Symbol fails the run at once", async () => {
  const { run, record } = await runHostile("symbol_name.js", [], { timeoutMs: 30_000 });
  assertFailedCleanly(run, record, /^Error: named by a symbol$/);
  // The run's own clock (no process start-up in it), so load on the machine does not count.
  assert.ok(Number(run.json?.durationMs) < 20_000, `the run took ${run.json?.durationMs} ms`);
});

Deno.test("deep_schema.js: schemas too deep to carry are refused by agent(), the run goes on", async () => {
  const { run, record } = await runHostile("deep_schema.js", [], { timeoutMs: 30_000 });
  assert.equal(run.code, 0, `exit ${run.code}: ${run.stderr.slice(0, 1000)}`);
  for (const line of run.json?.result as string[]) {
    assert.match(
      line,
      /^(TypeError: agent\(\) options must be JSON-serialisable|WorkflowLimitError: agent\(\) options are nested deeper)/,
    );
  }
  assert.equal(record!.events.at(-1)?.type, "run.finished");
});

Deno.test("stack_overflow.js: recursion, a recursing getter and a too-deep result end as RangeErrors", async () => {
  for (const kind of ["recursion", "getter", "deep"]) {
    const { run, record } = await runHostile("stack_overflow.js", ["--args", JSON.stringify({ kind })], {
      timeoutMs: 30_000,
    });
    assertFailedCleanly(run, record, /^RangeError: Maximum call stack size exceeded$/);
  }
});

for (const kind of ["loop", "futex"]) {
  Deno.test(`wedge.js (${kind}): --timeout kills the wedged sandbox; odw writes its records`, async () => {
    const { run, record } = await runHostile("wedge.js", [
      "--timeout",
      "1s",
      "--args",
      JSON.stringify({ kind }),
    ], {
      timeoutMs: 30_000,
    });
    assertFailedCleanly(
      run,
      record,
      /^TimeoutError: the workflow did not finish within the run timeout \(1000 ms\)$/,
    );
    assert.deepEqual(run.json?.logs, ["wedging"]);
    // The run's own clock, started before its timeout was armed.
    const durationMs = Number(run.json?.durationMs);
    assert.ok(durationMs >= 1000 && durationMs < 15_000, `took ${durationMs} ms to stop a 1 s timeout`);
  });
}

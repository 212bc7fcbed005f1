/**
 * The deadline helpers fail a hang the way the suite relies on: with a DeadlineError naming what was
 * waited for, the process tree killed (a grandchild holding the output pipe included), the operation
 * told to stop through its signal, and no timer or process left behind (the sanitizers are on).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { awaitDuring, bounded, DeadlineError, pollUntil, withDeadline } from "./deadline.ts";
import { fifoUnblocker, isAlive, runBounded, spawnBounded } from "./processes.ts";

Deno.test("withDeadline: a promise that never settles fails with what was waited for", async () => {
  await assert.rejects(
    withDeadline(new Promise(() => {}), 50, "the answer"),
    (error) => error instanceof DeadlineError && /waited 50 ms for the answer/.test(error.message),
  );
  assert.equal(await withDeadline(Promise.resolve(7), 50, "seven"), 7);
});

Deno.test("bounded: the operation's signal aborts at the deadline and the wait fails", async () => {
  let sawAbort = false;
  await assert.rejects(
    bounded(
      50,
      "a stubborn operation",
      (signal) =>
        new Promise<string>((resolve) =>
          signal.addEventListener("abort", () => {
            sawAbort = true;
            resolve("stopped late");
          })
        ),
    ),
    (error) => error instanceof DeadlineError && /a stubborn operation/.test(error.message),
  );
  assert.ok(sawAbort, "the operation was told to stop");
  const linked = new AbortController();
  linked.abort("cancelled");
  const reason = await bounded(10_000, "a cancelled operation", (signal) => Promise.resolve(signal.reason));
  assert.equal(reason instanceof DeadlineError, false, "not aborted before the deadline");
  const early = await bounded(
    10_000,
    "a linked operation",
    (signal) => Promise.resolve(signal.aborted),
    linked.signal,
  );
  assert.ok(early, "the caller's own signal reaches the operation");
});

Deno.test("runBounded: a hanging process tree is killed, pipes held by a grandchild included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-deadline-" });
  try {
    // The grandchild keeps stdout open after the shell is gone: output() must not wait for it.
    const script = `sleep 60 & echo $! > ${join(dir, "grandchild")}; echo started; wait`;
    const started = performance.now();
    await assert.rejects(
      runBounded("sh", { args: ["-c", script], deadlineMs: 500, what: "a hanging shell" }),
      (error) =>
        error instanceof DeadlineError &&
        /waited 500 ms for a hanging shell \(killed its process tree\)/.test(
          error.message,
        ) && /stdout: started/.test(error.message),
    );
    assert.ok(performance.now() - started < 30_000, "the failure came long before the sleep would end");
    const grandchild = Number(await Deno.readTextFile(join(dir, "grandchild")));
    assert.ok(await pollUntil(() => !isAlive(grandchild), 10_000), `sleep ${grandchild} survived`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("spawnBounded: a process that ends in time reports code, signal and output", async () => {
  const done = await runBounded("sh", { args: ["-c", "cat; echo err >&2; exit 3"], stdin: "in" });
  assert.deepEqual([done.code, done.signal, done.stdout, done.stderr], [3, null, "in", "err\n"]);
  const child = spawnBounded("sleep", { args: ["60"] });
  child.kill("SIGTERM");
  assert.equal((await child.output()).signal, "SIGTERM");
});

Deno.test("awaitDuring: work that ends before the event fails at once, saying how it ended", async () => {
  let stopped = false;
  await assert.rejects(
    awaitDuring(new Promise(() => {}), Promise.resolve({ status: "failed" }), 10_000, "the hang", () => {
      stopped = true;
    }),
    /the hang: the work ended first, with \{"status":"failed"\}/,
  );
  assert.equal(stopped, false);
  let release: (value: string) => void = () => {};
  const work = new Promise<string>((resolve) => release = resolve);
  await assert.rejects(
    awaitDuring(new Promise(() => {}), work, 50, "the hang", () => {
      stopped = true;
      release("stopped");
    }),
    (error) => error instanceof DeadlineError && /waited 50 ms for the hang/.test(error.message),
  );
  assert.ok(stopped, "the work was told to stop");
});

Deno.test("fifoUnblocker: a reader stuck opening a FIFO gets end-of-file instead of hanging", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-fifo-" });
  try {
    const fifo = join(dir, "pipe");
    assert.equal((await runBounded("mkfifo", { args: [fifo] })).code, 0);
    await using _unblock = fifoUnblocker(fifo, 300);
    assert.equal(await withDeadline(Deno.readTextFile(fifo), 30_000, "the FIFO read"), "");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

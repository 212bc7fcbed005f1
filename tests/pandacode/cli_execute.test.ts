/**
 * `executeTask` (the heart of `pandacode run`) with small in-test executors standing in for the
 * runtimes: a report comes out whatever the executor does — completes, throws, returns garbage,
 * or ignores the timeout — and it always passes ReportSchema.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type ExecuteOptions, executeTask } from "../../pandacode/cli/run.ts";
import type { Executor, ExecutorOutcome, Task } from "../../pandacode/executor.ts";
import { emptyUsage, type NodeError, type Report } from "../../src/common/contract.ts";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import { DEADLINES, withDeadline } from "../_support/deadline.ts";

/** `executeTask` under a deadline: a report must come out whatever the executor does. */
function execute(task: Task, executor: Executor, options?: ExecuteOptions): Promise<Report> {
  return withDeadline(executeTask(task, executor, options), DEADLINES.executor, "executeTask to report");
}

async function inTempDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = Deno.makeTempDirSync({ prefix: "pandacode-exec-" });
  try {
    await fn(Deno.realPathSync(dir));
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}

function taskIn(cwd: string, extra: Partial<Task> = {}): Task {
  return {
    runtime: "bamboo",
    provider: "deepseek",
    model: "table-model",
    cwd,
    prompt: "do it",
    env: {},
    ...extra,
  };
}

function outcome(extra: Partial<ExecutorOutcome> = {}): ExecutorOutcome {
  return {
    status: "completed",
    text: "done",
    usage: emptyUsage(),
    costUsd: 0.5,
    sessionId: "s-1",
    error: null,
    ...extra,
  };
}

Deno.test("a completed outcome becomes a valid report with filesChanged and the task's provider/model", async () => {
  await inTempDir(async (dir) => {
    Deno.writeTextFileSync(`${dir}/old.txt`, "old");
    const executor: Executor = {
      run(task) {
        Deno.writeTextFileSync(`${task.cwd}/made.txt`, "new");
        Deno.removeSync(`${task.cwd}/old.txt`);
        const usage = { inputTokens: 120, outputTokens: 30, cachedInputTokens: 20, reasoningTokens: 5 };
        return Promise.resolve(outcome({ usage, output: { ok: true }, model: null }));
      },
    };
    const report = await execute(taskIn(dir), executor);
    assert.deepEqual(ReportSchema.parse(report), report);
    assert.equal(report.status, "completed");
    assert.equal(report.provider, "deepseek");
    assert.equal(report.model, "table-model");
    assert.deepEqual(report.output, { ok: true });
    assert.deepEqual(report.usage, {
      inputTokens: 120,
      outputTokens: 30,
      cachedInputTokens: 20,
      reasoningTokens: 5,
    });
    assert.deepEqual(report.filesChanged, ["made.txt", "old.txt"]);
    assert.equal(report.sessionId, "s-1");
    assert.equal(report.error, null);
  });
});

Deno.test("the runtime's own model/provider win over the task's", async () => {
  await inTempDir(async (dir) => {
    const executor: Executor = {
      run: () => Promise.resolve(outcome({ model: "served-model", provider: "p2" })),
    };
    const report = await execute(taskIn(dir), executor);
    assert.equal(report.model, "served-model");
    assert.equal(report.provider, "p2");
  });
});

Deno.test("an executor that throws (even synchronously) gives a failed report with an internal error", async () => {
  await inTempDir(async (dir) => {
    const executor: Executor = {
      run() {
        throw new Error("boom in the adapter");
      },
    };
    const report = await execute(taskIn(dir), executor);
    assert.equal(report.status, "failed");
    assert.deepEqual(report.error, { kind: "internal", message: "boom in the adapter", retryable: false });
    assert.equal(report.costUsd, null);
    assert.deepEqual(report.usage, emptyUsage());
  });
});

Deno.test("an invalid outcome is replaced by a failed report that says what was wrong", async () => {
  await inTempDir(async (dir) => {
    const bad = outcome({
      usage: { inputTokens: -1, outputTokens: 1.5, cachedInputTokens: 0, reasoningTokens: 0 },
    });
    const report = await execute(taskIn(dir), { run: () => Promise.resolve(bad) });
    assert.equal(report.status, "failed");
    assert.equal(report.error?.kind, "internal");
    assert.match(
      report.error!.message,
      /bamboo runtime returned an invalid outcome \(usage\.inputTokens: .*usage\.outputTokens/,
    );
    ReportSchema.parse(report);
  });
});

Deno.test("timeout: an executor that stops on the signal gets status timeout; its usage is kept", async () => {
  await inTempDir(async (dir) => {
    let reason: unknown;
    const executor: Executor = {
      run: (_task, ctx) =>
        new Promise((resolve) => {
          ctx.signal.addEventListener("abort", () => {
            reason = ctx.signal.reason;
            const usage = { ...emptyUsage(), inputTokens: 7 };
            resolve(
              outcome({
                status: "failed",
                usage,
                error: { kind: "process_exit", message: "killed", retryable: false },
              }),
            );
          });
        }),
    };
    const report = await execute(taskIn(dir, { timeoutMs: 150 }), executor);
    assert.equal(reason, "timeout");
    assert.equal(report.status, "timeout");
    assert.deepEqual(report.error, {
      kind: "timeout",
      message: "task timed out after 150ms",
      retryable: false,
    });
    assert.equal(report.usage.inputTokens, 7);
    // durationMs and the timeout count from the same instant (pandacode's own clock): at least 150 ms.
    assert.ok(report.durationMs >= 150, `durationMs ${report.durationMs} < the 150 ms timeout`);
    assert.ok(report.durationMs < 150 + 10_000, `durationMs ${report.durationMs}`);
  });
});

Deno.test("timeout: durationMs counts from the instant the timeout was armed, a slow snapshot included", async () => {
  await inTempDir(async (dir) => {
    // 16 MiB of small-enough-to-hash files: the snapshot taken at the start of the task takes tens of
    // milliseconds, which a clock started after it would leave out of a timed-out task's duration.
    const chunk = new Uint8Array(256 * 1024).fill(7);
    for (let i = 0; i < 64; i++) Deno.writeFileSync(`${dir}/blob-${i}.bin`, chunk);
    const executor: Executor = {
      run: (_task, ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener("abort", () => resolve(outcome({ status: "timeout" })), { once: true })
        ),
    };
    const report = await execute(taskIn(dir, { timeoutMs: 100 }), executor);
    assert.equal(report.status, "timeout");
    assert.ok(report.durationMs >= 100, `durationMs ${report.durationMs} < the 100 ms timeout`);
  });
});

Deno.test("timeout: the executor's own timeout error is kept when it reports status timeout", async () => {
  await inTempDir(async (dir) => {
    const own: NodeError = {
      kind: "timeout",
      message: "codex was killed after 1s of silence",
      retryable: false,
    };
    const executor: Executor = {
      run: (_task, ctx) =>
        new Promise((resolve) =>
          ctx.signal.addEventListener("abort", () => resolve(outcome({ status: "timeout", error: own })))
        ),
    };
    const report = await execute(taskIn(dir, { timeoutMs: 50 }), executor);
    assert.equal(report.status, "timeout");
    assert.deepEqual(report.error, own);
  });
});

Deno.test("an executor that ignores the abort is abandoned after the grace period and a report is still made", async () => {
  await inTempDir(async (dir) => {
    const report = await execute(
      taskIn(dir, { timeoutMs: 100 }),
      { run: () => new Promise(() => {}) },
      { graceMs: 300 },
    );
    assert.equal(report.status, "timeout");
    assert.equal(report.error?.kind, "timeout");
    // On pandacode's clock: the 100 ms timeout, then the 300 ms grace armed when it fired.
    assert.ok(report.durationMs >= 400, `durationMs ${report.durationMs} < timeout + grace`);
    assert.ok(report.durationMs < 400 + 10_000, `durationMs ${report.durationMs}`);
    ReportSchema.parse(report);
  });
});

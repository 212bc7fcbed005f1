/**
 * The library entry (`mod.ts`): real runs on the mock through `runWorkflow` — the outcome and the
 * report, the events in journal order for every reader, cancelling through an AbortSignal with the
 * finished work journaled, a refused script (a `refused` outcome with its record, not a rejection), and
 * bad options (a one-line `UsageError` rejection before anything runs).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { checkWorkflow, type RunEvent, runWorkflow, type WorkflowRun } from "../../mod.ts";
import { readRun } from "../../src/records/read.ts";
import { bounded, DEADLINES } from "../_support/deadline.ts";

const HELLO = `export const meta = { name: "hello", description: "greets", phases: [{ title: "Greet" }] };
phase("Greet");
const [en, fr] = await parallel([
  () => agent("Say hello in English.", { label: "english" }),
  () => agent("Say hello in French.", { label: "french" }),
]);
log("greeted " + args.who);
return { en, fr, who: args.who };`;

/** Runs `body` in a fresh project directory, removed afterwards. */
async function inProject(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "odw-api-" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Every event of a run, collected within the executor deadline. */
function collect(run: WorkflowRun): Promise<RunEvent[]> {
  return bounded(DEADLINES.executor, "the run's events", () => Array.fromAsync(run.events));
}

Deno.test("runWorkflow: hello on the mock completes with its result, report and journal", async () => {
  await inProject(async (dir) => {
    const run = await runWorkflow(HELLO, {
      args: { who: "Ada" },
      backend: { name: "mock" },
      projectDir: dir,
    });
    const [events, outcome] = await Promise.all([collect(run), run.outcome]);
    assert.equal(outcome.status, "completed");
    const result = outcome.result as { en: string; fr: string; who: string };
    assert.equal(result.who, "Ada");
    assert.match(result.en, /^mock reply to "Say hello in English\."/);
    assert.deepEqual(outcome.logs, ["greeted Ada"]);
    assert.equal(await run.runId, outcome.runId);
    assert.equal(outcome.runDir, join(dir, ".odw", "runs", outcome.runId));
    assert.equal(outcome.report, join(outcome.runDir, "report.html"));
    assert.ok((await Deno.stat(outcome.report!)).size > 1000);
    // The stream is the journal, in order: started first, finished last, each node queued → started → finished.
    const record = await readRun(outcome.runDir);
    assert.deepEqual(events.map((e) => e.type), record.events.map((e) => e.type));
    assert.equal(events[0].type, "run.started");
    assert.equal(events.at(-1)?.type, "run.finished");
    for (const label of ["english", "french"]) {
      const steps = events.flatMap((e, i) =>
        e.type.startsWith("node.") && "label" in e && e.label === label ? [[e.type, i] as const] : []
      );
      assert.deepEqual(steps.map(([type]) => type), ["node.queued", "node.started", "node.finished"]);
    }
    // A second reader, starting after the end, sees the same events.
    assert.deepEqual(await collect(run), events);
  });
});

Deno.test("runWorkflow: a scenario scripts the mock; args left out are undefined", async () => {
  await inProject(async (dir) => {
    const run = await runWorkflow(
      `export const meta = { name: "s", description: "d" };
       return [typeof args, await agent("x", { label: "a" })];`,
      {
        backend: { name: "mock", scenario: { rules: [{ label: "a", reply: "scripted" }] } },
        projectDir: dir,
      },
    );
    const outcome = await bounded(DEADLINES.executor, "the run", () => run.outcome);
    assert.deepEqual(outcome.result, ["undefined", "scripted"]);
  });
});

Deno.test("runWorkflow: aborting cancels the run; the node that finished stays journaled", async () => {
  await inProject(async (dir) => {
    const stop = new AbortController();
    const run = await runWorkflow(
      `export const meta = { name: "slow", description: "one fast node, one that hangs" };
       const first = await agent("fast", { label: "fast" });
       return [first, await agent("slow", { label: "slow" })];`,
      {
        backend: { name: "mock", scenario: { rules: [{ label: "slow", hang: true }] } },
        projectDir: dir,
        signal: stop.signal,
        report: false,
      },
    );
    const seen: string[] = [];
    await bounded(DEADLINES.executor, "the slow node to start", async () => {
      for await (const event of run.events) {
        if (event.type === "node.started" || event.type === "node.finished") {
          seen.push(`${event.type} ${event.label}`);
        }
        if (event.type === "node.started" && event.label === "slow") break;
      }
    });
    stop.abort();
    const outcome = await bounded(DEADLINES.executor, "the cancelled run", () => run.outcome);
    assert.equal(outcome.status, "cancelled");
    assert.equal(outcome.report, null);
    assert.deepEqual(seen, ["node.started fast", "node.finished fast", "node.started slow"]);
    const record = await readRun(outcome.runDir);
    assert.equal(record.finished?.status, "cancelled");
    const finished = record.events.filter((e) => e.type === "node.finished");
    assert.deepEqual(finished.map((e) => [e.label, e.status]), [["fast", "completed"], [
      "slow",
      "cancelled",
    ]]);
  });
});

Deno.test("runWorkflow: a refused script resolves as refused, with its record and no events", async () => {
  await inProject(async (dir) => {
    const run = await runWorkflow(
      `export const meta = { name: "t", description: "d" };\nreturn Date.now();`,
      { projectDir: dir, scriptPath: "wf.js" },
    );
    const [events, outcome] = await Promise.all([collect(run), run.outcome]);
    assert.equal(outcome.status, "refused");
    assert.match(outcome.error!, /^Workflow scripts must be deterministic/);
    assert.deepEqual(events, []);
    assert.equal(await run.runId, outcome.runId);
    const record = await readRun(outcome.runDir);
    assert.equal(record.finished?.status, "refused");
    assert.equal(record.started.scriptPath, join(dir, "wf.js"));
    const check = await checkWorkflow(
      `export const meta = { name: "t", description: "d" };\nreturn Date.now();`,
    );
    assert.deepEqual(check, { ok: false, error: outcome.error });
  });
});

Deno.test("runWorkflow: bad options reject with one line before anything runs", async () => {
  await inProject(async (dir) => {
    const cases: [Parameters<typeof runWorkflow>[1], RegExp][] = [
      [{ routing: { runtime: "gpt" as "codex" } }, /^--runtime: unknown runtime "gpt"/],
      [{ backend: { name: "mock", scenario: { rules: "x" } as never } }, /^invalid mock scenario <inline>: /],
      [{ backend: { name: "nope" } as never }, /^unknown backend "nope"/],
      [{ limits: { concurrency: 0 } }, /^limits\.concurrency must be a positive whole number, got 0$/],
      [{ limits: { budget: 1.5 } }, /^limits\.budget must be a positive whole number/],
      [{ limits: { maxCostUsd: -1 } }, /^--max-cost must be a positive amount/],
      [{ runsDir: "file" }, /^cannot create run directory .*: a file is in the way$/],
    ];
    await Deno.writeTextFile(join(dir, "file"), "");
    for (const [options, message] of cases) {
      const error = await runWorkflow(HELLO, { ...options, projectDir: dir }).then(() => null, (e) => e);
      assert.ok(error instanceof Error, `${JSON.stringify(options)} was accepted`);
      assert.equal(error.name, "UsageError");
      assert.match(error.message, message);
      assert.ok(!error.message.includes("\n"));
    }
    // Nothing ran: no run record was made.
    const runs = await Array.fromAsync(Deno.readDir(join(dir, ".odw", "runs"))).catch(() => []);
    assert.deepEqual(runs, []);
  });
});

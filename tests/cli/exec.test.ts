/**
 * `odw exec` through the real CLI: the script argument forms, `args`, the `--json` object, the run
 * record on disk, exit codes 0 / 1 / 2, and the result passing through JSON.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { RunEvent } from "../../src/engine/events.ts";
import { execWorkflow, mapLimited, stackLines, withProject, workflowSource } from "../_support/odw.ts";

const META_FIRST =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";

Deno.test("exec takes the script positionally or with --script; args from --args, --args-file, or undefined", async () => {
  await withProject(async (project) => {
    await project.write(
      "echo.js",
      workflowSource(
        `return { type: typeof args, isUndefined: args === undefined, args: args ?? "absent" };`,
      ),
    );
    await project.write("args.json", JSON.stringify({ from: "file", list: [1, 2] }));
    const cases: Array<{ argv: string[]; expected: unknown }> = [
      { argv: ["exec", "echo.js"], expected: { type: "undefined", isUndefined: true, args: "absent" } },
      {
        argv: ["exec", "--script", "echo.js"],
        expected: { type: "undefined", isUndefined: true, args: "absent" },
      },
      {
        argv: ["exec", "echo.js", "--args", '{"n":1,"s":"x","nested":{"ok":true}}'],
        expected: { type: "object", isUndefined: false, args: { n: 1, s: "x", nested: { ok: true } } },
      },
      {
        argv: ["exec", "--script", "echo.js", "--args", "-1"],
        expected: { type: "number", isUndefined: false, args: -1 },
      },
      {
        argv: ["exec", "echo.js", "--args", '"text"'],
        expected: { type: "string", isUndefined: false, args: "text" },
      },
      {
        argv: ["exec", "echo.js", "--args-file", "args.json"],
        expected: { type: "object", isUndefined: false, args: { from: "file", list: [1, 2] } },
      },
    ];
    const runs = await mapLimited(cases, 3, (c) => project.odw([...c.argv, "--json", "--quiet"]));
    runs.forEach((run, i) => {
      assert.equal(run.code, 0, `${cases[i].argv.join(" ")}: ${run.stderr}`);
      assert.deepEqual(run.json?.result, cases[i].expected, cases[i].argv.join(" "));
    });
    // The journal records the args given (and none when absent).
    const withArgs = await project.readRun(String(runs[2].json?.runDir));
    const started = withArgs.events[0] as Extract<RunEvent, { type: "run.started" }>;
    assert.deepEqual(started.args, { n: 1, s: "x", nested: { ok: true } });
    const without = await project.readRun(String(runs[0].json?.runDir));
    assert.equal("args" in without.events[0], false);
  });
});

Deno.test("--json prints one object with the outcome; the run dir holds script.js, journal.jsonl and result.json", async () => {
  await withProject(async (project) => {
    const body = `phase("Ask");
const [a, b] = await parallel([
  () => agent("first question", { label: "one" }),
  () => agent("second question", { label: "two" }),
]);
phase("Shape");
const shaped = await agent("make an object", {
  label: "shape",
  schema: { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] },
});
log("all asked");
return { a, b, shaped };`;
    const source = workflowSource(body, "record-check");
    const script = await project.write("flows/record.js", source);
    const run = await project.odw(["exec", "flows/record.js", "--json", "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, "");
    assert.equal(run.stdout.split("\n").length, 2, "one line plus the final newline");
    const out = run.json!;
    for (const key of ["runId", "status", "result", "error", "logs", "agentCount", "usage", "runDir"]) {
      assert.ok(key in out, `--json output lacks ${key}`);
    }
    assert.match(String(out.runId), /^\d{8}-\d{6}-[0-9a-f]{6}$/);
    assert.equal(out.status, "completed");
    assert.equal(out.error, null);
    assert.deepEqual(out.logs, ["all asked"]);
    assert.equal(out.agentCount, 3);
    const result = out.result as { a: string; b: string; shaped: { ok: boolean } };
    assert.match(result.a, /^mock reply to "first question"/);
    assert.match(result.b, /^mock reply to "second question"/);
    assert.equal(typeof result.shaped.ok, "boolean");
    const usage = out.usage as { inputTokens: number; outputTokens: number };
    assert.ok(usage.inputTokens > 0 && usage.outputTokens > 0, JSON.stringify(usage));
    assert.equal(out.runDir, join(project.dir, ".odw", "runs", String(out.runId)));

    const record = await project.readRun(String(out.runDir));
    assert.equal(record.script, source);
    const types = record.events.map((e) => e.type);
    assert.equal(types[0], "run.started");
    assert.equal(types.at(-1), "run.finished");
    assert.equal(types.filter((t) => t === "run.started" || t === "run.finished").length, 2);
    assert.deepEqual(
      record.events.filter((e) => e.type === "phase").map((e) => (e as { title: string }).title),
      ["Ask", "Shape"],
    );
    const started = record.events[0] as Extract<RunEvent, { type: "run.started" }>;
    assert.equal(started.runId, out.runId);
    assert.equal(started.name, "record-check");
    assert.equal(started.scriptPath, script);
    const nodesStarted = record.events.filter((e) => e.type === "node.started");
    const nodesFinished = record.events.filter((e) => e.type === "node.finished") as Extract<
      RunEvent,
      { type: "node.finished" }
    >[];
    assert.equal(nodesStarted.length, 3);
    assert.equal(nodesFinished.length, 3);
    const byLabel = Object.fromEntries(nodesFinished.map((e) => [e.label, e]));
    assert.equal(byLabel.one.value, result.a);
    assert.equal(byLabel.two.value, result.b);
    assert.deepEqual(byLabel.shape.value, result.shaped);
    let input = 0;
    let output = 0;
    for (const node of nodesFinished) {
      assert.equal(node.status, "completed");
      assert.ok(node.usage.inputTokens > 0 && node.usage.outputTokens > 0);
      assert.ok(typeof node.durationMs === "number" && node.durationMs >= 0);
      input += node.usage.inputTokens;
      output += node.usage.outputTokens;
    }
    assert.equal(usage.inputTokens, input);
    assert.equal(usage.outputTokens, output);
    const finished = record.events.at(-1) as Extract<RunEvent, { type: "run.finished" }>;
    assert.equal(finished.status, "completed");
    assert.deepEqual(finished.result, out.result);
    assert.equal(finished.agentCount, 3);
    assert.equal(record.result.status, "completed");
    assert.equal(record.result.runId, out.runId);
    assert.deepEqual(record.result.result, out.result);
    assert.deepEqual(record.result.logs, out.logs);
  });
});

Deno.test("a failed workflow exits 1 with the error's first line and keeps its logs", async () => {
  await withProject(async (project) => {
    const body =
      `log("step one");\nawait agent("work", { label: "w" });\nlog("step two");\nthrow new Error("deliberate: first\\nsecond");`;
    const run = await execWorkflow(project, body);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.json?.status, "failed");
    assert.equal(run.json?.error, "Error: deliberate: first");
    assert.equal(run.json?.result, null);
    assert.deepEqual(run.json?.logs, ["step one", "step two"]);
    assert.equal(run.json?.agentCount, 1);
    const record = await project.readRun(String(run.json?.runDir));
    assert.equal(record.result.status, "failed");
    assert.equal(record.result.error, "Error: deliberate: first");
    const finished = record.events.at(-1) as Extract<RunEvent, { type: "run.finished" }>;
    assert.equal(finished.status, "failed");
    assert.equal(finished.error, "Error: deliberate: first");

    const human = await project.odw(["exec", "workflow.js", "--quiet"]);
    assert.equal(human.code, 1);
    assert.equal(human.stdout, "");
    assert.equal(human.stderr, "Error: deliberate: first\n");
    assert.deepEqual(stackLines(human.stderr), []);
  });
});

Deno.test("a refused script exits 2 with the spec's message and still leaves a run record", async () => {
  await withProject(async (project) => {
    const source =
      `log("meta comes too late");\nexport const meta = { name: "late", description: "d" };\nreturn 1;\n`;
    await project.write("late-meta.js", source);
    const run = await project.odw(["exec", "late-meta.js", "--json"]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.json?.status, "refused");
    assert.equal(run.json?.error, META_FIRST);
    assert.equal(run.json?.agentCount, 0);
    assert.deepEqual(run.json?.logs, []);
    const record = await project.readRun(String(run.json?.runDir));
    assert.equal(record.script, source);
    assert.equal(record.result.status, "refused");
    assert.equal(record.result.error, META_FIRST);
    assert.deepEqual(record.events.map((e) => e.type), ["run.started", "run.finished"]);
    assert.equal((record.events[1] as { status: string }).status, "refused");

    const human = await project.odw(["exec", "late-meta.js"]);
    assert.equal(human.code, 2);
    assert.equal(human.stdout, "");
    assert.equal(human.stderr.split("\n")[0], META_FIRST);
    assert.match(human.stderr.split("\n")[1], /^refused · 0 agents · 0 tokens · .*\.odw\/runs\//);
    assert.deepEqual(stackLines(human.stderr), []);
    const quiet = await project.odw(["exec", "late-meta.js", "--quiet"]);
    assert.equal(quiet.code, 2);
    assert.equal(quiet.stderr, `${META_FIRST}\n`, "--quiet leaves only the refusal line");
    assert.equal((await project.runIds()).length, 3, "each refusal leaves its own record");
  });
});

Deno.test("the result passes through JSON: NaN/Infinity become null, undefined is dropped", async () => {
  await withProject(async (project) => {
    const run = await execWorkflow(
      project,
      `return { nan: NaN, inf: Infinity, list: [1, undefined, -Infinity, () => 1], gone: undefined,
  nested: { keep: "yes", drop: undefined }, date: new Date(0), fn() {} };`,
    );
    assert.equal(run.code, 0, run.stderr);
    const expected = {
      nan: null,
      inf: null,
      list: [1, null, null, null],
      nested: { keep: "yes" },
      date: {}, // as in the built-in: own properties are copied, toJSON is not called
    };
    assert.deepEqual(run.json?.result, expected);
    const record = await project.readRun(String(run.json?.runDir));
    assert.deepEqual(record.result.result, expected);

    const nothing = await execWorkflow(project, `log("returns nothing");`);
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.equal(nothing.json?.status, "completed");
    assert.equal(nothing.json?.result, null);
    const human = await project.odw(["exec", "workflow.js", "--quiet"]);
    assert.equal(human.code, 0);
    assert.equal(human.stdout, "", "an undefined result prints nothing");

    const bigint = await execWorkflow(project, `return { n: 10n };`);
    assert.equal(bigint.code, 1);
    // The built-in's (JavaScriptCore's) wording.
    assert.equal(bigint.json?.error, "TypeError: JSON.stringify cannot serialize BigInt.");
  });
});

Deno.test("failed nodes are counted in the summary and --json; --strict fails the run (exit 1); cost per model", async () => {
  await withProject(async (project) => {
    await project.write(
      "wf.js",
      workflowSource(
        `return [await agent("a", { label: "good", model: "m1" }), await agent("b", { label: "bad", model: "m2" })];`,
      ),
    );
    await project.write(
      "scenario.json",
      JSON.stringify({
        price: { inputPerMTok: 1, outputPerMTok: 10 },
        rules: [{ label: "bad", fail: "it broke" }],
      }),
    );
    const base = ["exec", "wf.js", "--mock-scenario", "scenario.json"];
    const lax = await project.odw(base);
    assert.equal(lax.code, 0, lax.stderr);
    const summary = lax.stderr.trimEnd().split("\n").filter((l) => /^completed · /.test(l));
    assert.equal(summary.length, 1, lax.stderr);
    assert.match(summary[0], /^completed · 2 agents: 1 completed, 1 failed · \d+ tokens · \$0\.\d{4} · /);
    assert.match(
      lax.stderr,
      /\n {2}mock\/m1: 1 node · \d+ tokens · \$0\.\d{4}\n {2}mock\/m2: 1 node · \d+ tokens · \$0\.0000/,
    );

    const json = await project.odw([...base, "--json"]);
    assert.equal(json.code, 0);
    assert.deepEqual(json.json?.nodeCounts, { completed: 1, failed: 1, timeout: 0, cancelled: 0 });
    assert.equal(typeof json.json?.costUsd, "number");
    assert.deepEqual((json.json?.byModel as Array<{ model: string }>).map((r) => r.model), ["m1", "m2"]);

    const strict = await project.odw([...base, "--strict"]);
    assert.equal(strict.code, 1, strict.stderr);
    assert.match(strict.stderr, /^strict: 1 node failed; first: \[bad\] it broke$/m);
    assert.equal(strict.stdout, "");
  });
});

/**
 * `odw mcp` driven by the official SDK's own `Client` over `StdioClientTransport`, spawning the
 * launcher (`scripts/odw mcp`) as a real process in a temporary project: running a script and a named
 * workflow on the mock, listing workflows, reading a run's status, result and report, a run that
 * outlives `waitSeconds` and is cancelled, and hostile input (a refused script, a run id that walks
 * out, args over the cap, no script) — each a one-line tool error, the server answering on after it.
 * Every call has a deadline; the client is always closed, which ends the server.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { DEADLINES, pause, withDeadline } from "../_support/deadline.ts";
import { ODW_LAUNCHER } from "../_support/odw.ts";
import { isAlive } from "../_support/processes.ts";

/** How long the SDK's `StdioClientTransport.close()` waits for the server before SIGTERM. */
const SDK_CLOSE_TIMER_MS = 2000;

/** A connected client and what the server wrote on stderr. */
interface Connected {
  /** Calls a tool; the answer's text and whether it is an error. */
  call(name: string, args?: Record<string, unknown>): Promise<{ text: string; isError: boolean }>;
  /** The answer's text parsed as JSON (it must not be an error). */
  json(name: string, args?: Record<string, unknown>): Promise<Record<string, unknown>>;
  client: Client;
  dir: string;
}

const HELLO = `export const meta = { name: "hello", description: "greets" };
log("hello " + args?.who);
return { greeting: await agent("Say hello to " + args?.who, { label: "greet" }), who: args?.who };`;

/** Starts `odw mcp` in a fresh project, runs `body` with a client, then closes the client. */
async function withServer(body: (server: Connected) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "odw-mcp-" });
  const transport = new StdioClientTransport({
    command: ODW_LAUNCHER,
    args: ["mcp"],
    cwd: dir,
    env: Deno.env.toObject(),
    stderr: "ignore",
  });
  const client = new Client({ name: "odw-test", version: "1.0.0" });
  try {
    await withDeadline(client.connect(transport), DEADLINES.process, "odw mcp to answer initialize");
    const call = async (name: string, args: Record<string, unknown> = {}) => {
      const answer = await withDeadline(
        client.callTool({ name, arguments: args }, undefined, { timeout: DEADLINES.executor }),
        DEADLINES.executor,
        `the ${name} tool`,
      );
      const content = answer.content as { type: string; text: string }[];
      assert.equal(content.length, 1);
      return { text: content[0].text, isError: answer.isError === true };
    };
    const json = async (name: string, args: Record<string, unknown> = {}) => {
      const { text, isError } = await call(name, args);
      assert.equal(isError, false, text);
      return JSON.parse(text);
    };
    await body({ call, json, client, dir });
  } finally {
    const pid = transport.pid;
    const closing = performance.now();
    await withDeadline(client.close(), DEADLINES.windDown, "odw mcp to exit");
    const closedMs = performance.now() - closing;
    // The SDK's close races the exit against an unref'd 2 s timer it never clears: let it fire, so
    // the ops sanitizer sees no timer left behind.
    await pause(Math.max(0, SDK_CLOSE_TIMER_MS - closedMs) + 50);
    await Deno.remove(dir, { recursive: true });
    // The server left on its own when its stdin closed (the SDK would have sent SIGTERM after 2 s).
    assert.ok(closedMs < SDK_CLOSE_TIMER_MS, `odw mcp took ${Math.round(closedMs)} ms to exit`);
    if (pid !== null) assert.equal(isAlive(pid), false);
  }
}

Deno.test("odw mcp: runs a script on the mock; get_run and get_report read the record back", async () => {
  await withServer(async ({ client, json, dir }) => {
    const tools = (await client.listTools()).tools.map((t) => t.name).sort();
    assert.deepEqual(tools, [
      "cancel_run",
      "get_report",
      "get_run",
      "list_runs",
      "list_workflows",
      "run_workflow",
    ]);
    const run = await json("run_workflow", { script: HELLO, args: { who: "Ada" }, backend: "mock" });
    assert.equal(run.status, "completed");
    assert.deepEqual(run.logs, ["hello Ada"]);
    const result = run.result as { greeting: string; who: string };
    assert.equal(result.who, "Ada");
    assert.match(result.greeting, /^mock reply to "Say hello to Ada"/);
    assert.equal(run.runDir, join(dir, ".odw", "runs", run.runId as string));
    assert.ok((await Deno.stat(run.report as string)).isFile);

    const view = await json("get_run", { runId: (run.runId as string).slice(0, 17) });
    assert.equal(view.runId, run.runId);
    assert.equal(view.status, "completed");
    assert.deepEqual(view.result, run.result);
    assert.equal(view.report, run.report);
    assert.equal((await json("get_report", { runId: run.runId })).report, run.report);
    const runs = await json("list_runs") as unknown as { runId: string; status: string }[];
    assert.deepEqual(runs.map((r) => [r.runId, r.status]), [[run.runId, "completed"]]);
  });
});

Deno.test("odw mcp: lists named workflows and runs one by name with a scenario", async () => {
  await withServer(async ({ json, call, dir }) => {
    await Deno.mkdir(join(dir, ".odw", "workflows"), { recursive: true });
    await Deno.mkdir(join(dir, ".claude", "workflows"), { recursive: true });
    await Deno.writeTextFile(
      join(dir, ".odw", "workflows", "greet.js"),
      `export const meta = { name: "greet", description: "greets someone", whenToUse: "to greet", phases: [{ title: "Hi" }] };
       phase("Hi");
       return await agent("hi " + args.who, { label: "hi" });`,
    );
    await Deno.writeTextFile(join(dir, ".claude", "workflows", "other.js"), HELLO);
    await Deno.writeTextFile(join(dir, ".claude", "workflows", "notes.js"), "not a workflow");
    const listed = await json("list_workflows") as unknown as Record<string, unknown>[];
    assert.deepEqual(listed.map((w) => [w.name, w.description, w.whenToUse, w.phases]), [
      ["greet", "greets someone", "to greet", ["Hi"]],
      ["other", "greets", undefined, []],
    ]);
    const run = await json("run_workflow", {
      name: "greet",
      args: { who: "Bo" },
      scenario: { rules: [{ label: "hi", reply: "hello Bo!" }] },
    });
    assert.equal(run.status, "completed");
    assert.equal(run.result, "hello Bo!");
    const missing = await call("run_workflow", { name: "nope" });
    assert.deepEqual(missing, { text: 'no workflow named "nope" (available: greet, other)', isError: true });
    const escape = await call("run_workflow", { name: "../../etc/passwd" });
    assert.equal(escape.isError, true);
    assert.match(escape.text, /^no workflow named/);
  });
});

Deno.test("odw mcp: a run longer than waitSeconds answers running; cancel_run stops it", async () => {
  await withServer(async ({ json }) => {
    const started = await json("run_workflow", {
      script: `export const meta = { name: "slow", description: "hangs" };
               await agent("fast", { label: "fast" });
               return await agent("slow", { label: "slow" });`,
      scenario: { rules: [{ label: "slow", hang: true }] },
      waitSeconds: 0,
    });
    assert.equal(started.status, "running");
    const runId = started.runId as string;
    assert.equal((await json("get_run", { runId })).status, "running");
    const cancelled = await json("cancel_run", { runId });
    assert.equal(cancelled.status, "cancelled");
    assert.ok((await json("get_report", { runId })).report);
  });
});

Deno.test("odw mcp: hostile input is a one-line tool error and the server answers on", async () => {
  await withServer(async ({ call, json }) => {
    const refused = await call("run_workflow", { script: "return 1 +;" });
    assert.equal(refused.isError, true);
    const record = JSON.parse(refused.text);
    assert.equal(record.status, "refused");
    assert.match(record.error, /^Invalid workflow script: /);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{}, /^give either script \(the text\) or name \(a named workflow\), not both$/],
      [{ script: HELLO, name: "x" }, /^give either script/],
      [
        { script: HELLO, args: "x".repeat(4 * 1024 * 1024 + 1) },
        /^args is \d+ bytes of JSON; the limit is 4194304$/,
      ],
      [{ script: HELLO, scenario: { rules: 5 } }, /^invalid mock scenario <inline>: /],
      [{ script: HELLO, backend: "pandacode", scenario: {} }, /^a scenario needs the mock backend$/],
      [{ script: HELLO, runtime: "gpt" }, /Input validation error/],
      // 600 000 characters, 1.2 MB of UTF-8: the cap counts bytes.
      [{ script: `${HELLO}\n// ${"é".repeat(600_000)}` }, /over 1048576 bytes \(UTF-8\)/],
    ];
    for (const [args, message] of cases) {
      const answer = await call("run_workflow", args);
      assert.equal(answer.isError, true, answer.text);
      assert.match(answer.text, message);
      assert.ok(!answer.text.includes("\n"), answer.text);
    }
    for (const runId of ["../../etc", "/etc/passwd", "a/../b", "", "x".repeat(150)]) {
      for (const tool of ["get_run", "get_report", "cancel_run"]) {
        const answer = await call(tool, { runId });
        assert.equal(answer.isError, true, `${tool} ${runId}: ${answer.text}`);
        assert.ok(!answer.text.includes("\n"));
        assert.match(answer.text, /is not a run id|no run "/);
      }
    }
    // Still serving.
    assert.equal((await json("run_workflow", { script: HELLO, args: { who: "C" } })).status, "completed");
  });
});

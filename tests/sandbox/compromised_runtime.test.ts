/**
 * The host is the boundary even when the whole runtime is the attacker's: each test replaces odw's
 * worker runtime with a hostile one (it speaks the channel, then sends exactly what the test scripts)
 * and runs the real engine and sandbox process. Every malformed, forged or oversized message must
 * end the run cleanly — status failed, one error line, the journal closed with run.finished,
 * result.json written — and never throw inside odw.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { MockBackend } from "../../src/backends/mock.ts";
import type { RunEvent } from "../../src/engine/events.ts";
import { executeRun, type RunOutcome } from "../../src/engine/run.ts";
import { makeRings } from "../../src/runtime/ring.ts";
import { makeFrameWriter } from "../../src/runtime/frame_writer.ts";
import { bounded } from "../_support/deadline.ts";

/**
 * A worker module that takes the channel like odw's runtime (host messages from its ring, its own as
 * frames on stdout), says `ready` unless told not to, and on `start` runs `script` with `send(text)`
 * (one raw message), `start`, `json(value)` and `on(fn)` (fn gets every later host message).
 */
function hostileRuntime(script: string, opts: { ready?: boolean } = {}): string {
  const boot = function (
    rings: ReturnType<typeof makeRings>,
    makeWriter: typeof makeFrameWriter,
    body: string,
    ready: boolean,
  ) {
    const send = makeWriter(Deno.stdout.writeSync.bind(Deno.stdout));
    const onBoot = (event: Event) => {
      removeEventListener("message", onBoot);
      const data = (event as MessageEvent).data;
      let later = (_m: unknown) => {};
      rings.reader(
        data.toWorker,
        (text) => {
          const m = JSON.parse(text);
          if (m.type !== "start") return later(m);
          const on = (fn: typeof later) => (later = fn);
          new Function("send", "start", "json", "on", body)(send, m, JSON.stringify, on);
        },
        data.maxMessageBytes,
        () => {},
      );
      if (ready) send('{"type":"ready"}');
    };
    addEventListener("message", onBoot);
  };
  return `(${boot})((${makeRings})(), ${makeFrameWriter}, ${JSON.stringify(script)}, ${opts.ready ?? true});`;
}

interface HostileOutcome {
  outcome: RunOutcome;
  events: RunEvent[];
  resultFile: Record<string, unknown>;
  ms: number;
}

/** Runs a trivial script on a hostile runtime; returns the outcome and the record read back. */
async function runOnHostile(workerSource: string, timeoutMs = 20_000): Promise<HostileOutcome> {
  const projectDir = await Deno.makeTempDir({ prefix: "odw-hostile-" });
  try {
    const started = performance.now();
    const outcome = await bounded(timeoutMs + 15_000, "the run on a hostile runtime", (signal) =>
      executeRun({
        scriptPath: join(projectDir, "script.js"),
        source: "return 1;",
        body: "return 1;",
        name: "victim",
        hasArgs: false,
        backend: new MockBackend(),
        concurrency: 2,
        budget: null,
        timeoutMs,
        runsDir: join(projectDir, ".odw", "runs"),
        projectDir,
        workerSource,
        signal,
      }));
    const ms = performance.now() - started;
    const journal = await Deno.readTextFile(join(outcome.runDir, "journal.jsonl"));
    const events = journal.trim().split("\n").map((line) => JSON.parse(line) as RunEvent);
    const resultFile = JSON.parse(await Deno.readTextFile(join(outcome.runDir, "result.json")));
    return { outcome, events, resultFile, ms };
  } finally {
    await Deno.remove(projectDir, { recursive: true });
  }
}

function assertFailed(run: HostileOutcome, error: RegExp): void {
  assert.equal(run.outcome.status, "failed", JSON.stringify(run.outcome.result));
  assert.match(String(run.outcome.error), error);
  assert.ok(!String(run.outcome.error).includes("\n"));
  assert.equal(run.events.at(-1)?.type, "run.finished");
  assert.equal(run.resultFile.status, "failed");
  assert.equal(run.resultFile.error, run.outcome.error);
}

const MALFORMED: Array<[string, string, RegExp]> = [
  ["a log that is not text", `send('{"type":"log","message":42}')`, /\(log\.message: .*expected string/],
  [
    "an unknown message",
    `send('{"type":"exec","cmd":"rm -rf /"}')`,
    /^ProtocolError: the sandbox sent a malformed/,
  ],
  ["text that is not JSON", `send("{{{")`, /\(a message is not JSON\)$/],
  ["an extra field", `send(json({ type: "phase", title: "x", evil: true }))`, /\(phase: /],
  [
    "an agent for a scope the host never handed out",
    `send(json({ type: "agent", id: 1, prompt: "p", options: {}, scope: "/etc" }))`,
    /\(agent\.scope: no such child workflow\)$/,
  ],
  [
    "an agent id used twice",
    `const a = json({ type: "agent", id: 1, prompt: "p", options: {}, scope: "" }); send(a); send(a);`,
    /\(agent\.id: not a new id\)$/,
  ],
  [
    "an agent option of the wrong type",
    `send(json({ type: "agent", id: 1, prompt: "p", options: { model: 7 }, scope: "" }))`,
    /\(agent\.options\.model: /,
  ],
  [
    "5000 workflow requests in one message",
    `send(json({ type: "workflow", requests: Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, ref: "kid" })) }))`,
    /\(workflow\.requests: /,
  ],
  ["a second ready", `send('{"type":"ready"}')`, /\(ready twice\)$/],
  [
    "a forged done with 5000 items",
    `send(json({ type: "done", resultJson: json(Array(5000).fill(0)) }))`,
    /^Error: array length 5000 exceeds the maximum of 4096/,
  ],
  [
    "a done that is not JSON",
    `send(json({ type: "done", resultJson: "[1," }))`,
    /\(done\.resultJson: not JSON\)$/,
  ],
  ["a failed without an error", `send(json({ type: "failed" }))`, /\(failed\.error: /],
  [
    "a message over 64 MiB",
    `send(json({ type: "log", message: "x".repeat(65 * 1024 * 1024) }))`,
    /^ProtocolError: the sandbox sent a message of \d+ bytes, over the limit of 67108864$/,
  ],
];

for (const [what, script, error] of MALFORMED) {
  Deno.test(`compromised runtime: ${what} fails the run cleanly`, async () => {
    assertFailed(await runOnHostile(hostileRuntime(script)), error);
  });
}

Deno.test("compromised runtime: a message before ready fails the run", async () => {
  const source = hostileRuntime("").replace(
    'if (ready) send(\'{"type":"ready"}\')',
    'send(\'{"type":"log","message":"early"}\')',
  );
  assertFailed(await runOnHostile(source), /\(log before ready\)$/);
});

Deno.test("compromised runtime: a log flood of small lines hits the line cap", async () => {
  const run = await runOnHostile(
    hostileRuntime(`for (let i = 0; i < 30000; i++) send('{"type":"log","message":"x"}')`),
  );
  assertFailed(run, /^WorkflowLimitError: the workflow logged more than 20000 lines/);
  assert.equal(run.outcome.logs.length, 20000);
});

Deno.test("compromised runtime: a prompt over 4 MiB is refused with an error, never run", async () => {
  const run = await runOnHostile(hostileRuntime(`
    on((m) => send(json({ type: "done", resultJson: json(m.error) })));
    send(json({ type: "agent", id: 1, prompt: "\u00e9".repeat(2200000), options: {}, scope: "" }));
  `));
  assert.equal(run.outcome.status, "completed", run.outcome.error);
  assert.deepEqual(run.outcome.result, {
    name: "WorkflowLimitError",
    message: "agent() prompt is 4400000 bytes of UTF-8; the limit is 4194304 bytes",
  });
  assert.equal(run.events.filter((e) => e.type === "node.started").length, 0);
});

Deno.test("compromised runtime: a runtime that never says ready is stopped by the run timeout", async () => {
  const run = await runOnHostile(hostileRuntime("", { ready: false }), 1000);
  assertFailed(run, /^TimeoutError: the workflow did not finish within the run timeout \(1000 ms\)$/);
  assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
});

Deno.test("compromised runtime: a runtime that throws at load ends the run with its error", async () => {
  const run = await runOnHostile(`throw new Error("runtime broke");`);
  assertFailed(run, /^Error: runtime broke$/);
});

Deno.test("compromised runtime: a wedged runtime (sync loop after start) is killed by the run timeout", async () => {
  const run = await runOnHostile(hostileRuntime("while (true) {}"), 1000);
  assertFailed(run, /^TimeoutError: /);
  assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
});

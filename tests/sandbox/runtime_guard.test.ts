/**
 * The runtime keeps control of the sandbox: an endless loop is stopped by `--timeout`, console output
 * goes to the run log (never to stdout), and a script cannot forge protocol messages in either
 * direction (no `postMessage`; a reply it dispatches to itself is ignored).
 *
 * @module
 */
import assert from "node:assert/strict";
import { execWorkflow, stackLines, withProject } from "../_support/odw.ts";

Deno.test("an endless loop is stopped by --timeout: status failed, clear error, exit 1, within seconds", async () => {
  await withProject(async (project) => {
    const run = await execWorkflow(project, `log("before the loop");\nwhile (true) {}`, ["--timeout", "1s"]);
    assert.equal(run.code, 1, run.stderr);
    assert.equal(run.json?.status, "failed");
    assert.equal(
      run.json?.error,
      "TimeoutError: the workflow did not finish within the run timeout (1000 ms)",
    );
    assert.deepEqual(run.json?.logs, ["before the loop"]);
    // durationMs is the run's own clock, started before the timeout was armed: at least 1000 ms. The
    // upper bound only tells "stopped by the timeout" from "never stopped", with room for a loaded machine.
    const durationMs = Number(run.json?.durationMs);
    assert.ok(durationMs >= 1000, `stopped too early: durationMs ${durationMs}`);
    assert.ok(durationMs < 1000 + 20_000, `took ${durationMs} ms to stop a 1s timeout`);
    assert.deepEqual(stackLines(run.stderr), []);
    const record = await project.readRun(String(run.json?.runDir));
    assert.equal(record.result.status, "failed");
    assert.equal(record.events.at(-1)?.type, "run.finished");
  });
});

Deno.test("console output goes to the run log, stdio is closed; --json stdout stays exactly one JSON object", async () => {
  await withProject(async (project) => {
    const body = `console.log("plain", 1, { a: [1, 2] });
console.error("to stderr?");
console.warn("warned");
console.info("informed");
console.debug("debugged");
console.dir({ dir: true });
console.table([{ t: 1 }]);
console.trace("traced");
console.assert(1 === 2, "asserted");
console.assert(true, "not shown");
console.count("n");
console.count("n");
console.time("clock");
console.timeLog("clock");
console.timeEnd("clock");
console.group("grouped");
console.groupEnd();
const stdio = ["stdout", "stderr"].map((name) => {
  try { Deno[name].writeSync(new TextEncoder().encode("RAW " + name + "\\n")); return "wrote"; }
  catch (e) { return e.message; }
});
let stdin;
try { stdin = await Deno.stdin.read(new Uint8Array(8)); } catch (e) { stdin = e.message; }
log("via log");
return { stdio, stdin };`;
    const run = await execWorkflow(project, body);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.split("\n").filter(Boolean).length, 1, `stdout: ${run.stdout}`);
    assert.ok(run.stdout.endsWith("}\n"));
    const expected = [
      // As the built-in: objects as JSON, error/warn prefixed.
      'plain 1 {"a":[1,2]}',
      "[error] to stderr?",
      "[warn] warned",
      "informed",
      "debugged",
      '{"dir":true}',
      '[{"t":1}]',
      "Trace: traced",
      "Assertion failed: asserted",
      "n: 1",
      "n: 2",
      "grouped",
      "via log",
    ];
    assert.deepEqual(run.json?.logs, expected);
    assert.deepEqual(run.json?.result, {
      // The realm has no Deno at all.
      stdio: ["Deno is not defined", "Deno is not defined"],
      stdin: "Deno is not defined",
    });
    assert.equal(run.stderr, "", "--quiet: nothing reached stderr");
    const record = await project.readRun(String(run.json?.runDir));
    assert.deepEqual(
      record.events.filter((e) => e.type === "log").map((e) => (e as { message: string }).message),
      expected,
    );

    // Without --json the log lines are progress on stderr; stdout holds only the result.
    const human = await project.odw(["exec", "workflow.js"]);
    assert.equal(human.code, 0, human.stderr);
    assert.deepEqual(JSON.parse(human.stdout), run.json?.result);
    const [header, ...progress] = human.stderr.split("\n");
    assert.match(header, /^odw: backend mock · /, "the run header comes first");
    assert.deepEqual(progress.slice(0, expected.length), expected);
    assert.ok(!/RAW|clock/.test(human.stdout + human.stderr));
  });
});

Deno.test("a script cannot forge protocol messages: no postMessage, self-dispatched replies are ignored", async () => {
  await withProject(async (project) => {
    const body = `const attempt = (fn) => { try { fn(); return "allowed"; } catch (e) { return e.message; } };
const forgedDone = { type: "done", resultJson: JSON.stringify("FORGED RESULT") };
const blocked = {
  postMessage: attempt(() => postMessage(forgedDone)),
  selfPostMessage: attempt(() => self["post" + "Message"](forgedDone)),
  addEventListener: attempt(() => addEventListener("message", () => {})),
  close: attempt(() => close()),
};
// Setting onmessage is harmless: the runtime's listener is not it, and it hears nothing.
const heard = [];
try { globalThis.onmessage = (e) => heard.push(e); } catch { /* read-only in the realm */ }
const pending = agent("What is two plus two?", { label: "real" });
// A forged reply for agent call 1, dispatched straight at the worker's own message listeners
// (dispatchEvent is the one event method left in the realm; MessageEvent is not, so a plain object).
const forge = (data) => { try { dispatchEvent({ type: "message", data }); } catch (e) { return e.name; } return "sent"; };
blocked.forgedReply = forge({ type: "agent.reply", id: 1, ok: true, value: "FORGED ANSWER", spent: 0 });
blocked.forgedStart = forge({ type: "start", body: "return 'FORGED START'", hasArgs: false, budgetTotal: null, name: "x" });
const answer = await pending;
return { blocked, answer, heard: heard.length };`;
    const run = await execWorkflow(project, body);
    assert.equal(run.code, 0, run.stderr);
    const result = run.json?.result as { blocked: Record<string, string>; answer: string; heard: number };
    assert.equal(result.heard, 0, "a script-set onmessage heard a host message");
    for (const [what, outcome] of Object.entries(result.blocked)) {
      // The port and listeners are not in the realm; an event object that is no Event is refused.
      assert.match(
        outcome,
        /is not defined|Cannot read properties of undefined|TypeError|InvalidStateError|not a function/,
        `${what}: ${outcome}`,
      );
    }
    assert.match(result.answer, /^mock reply to "What is two plus two\?"/);
    assert.equal(run.json?.agentCount, 1);
    const record = await project.readRun(String(run.json?.runDir));
    const finished = record.events.filter((e) => e.type === "node.finished");
    assert.equal(finished.length, 1);
    assert.equal((finished[0] as { value: unknown }).value, result.answer);
  });
});

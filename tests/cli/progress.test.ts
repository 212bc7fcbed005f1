/**
 * Live progress on stderr while a run goes: plain lines for pipes (logs, `▸ phase: …`,
 * `[label] failed: …`, then a summary), nothing with `--quiet`, and an in-place status line on a
 * terminal (run under util-linux `script` for a pty, through the `scripts/odw` launcher).
 *
 * @module
 */
import assert from "node:assert/strict";
import { ODW_LAUNCHER, runProcess, withProject, workflowSource } from "../_support/odw.ts";
import { skipUnless } from "../_support/prereq.ts";
import { ttyProgress } from "../../src/cli/progress.ts";

const BODY = `phase("Gather");
const [good, flaky] = await parallel([
  () => agent("first", { label: "good" }),
  () => agent("second", { label: "flaky" }),
  () => agent("third", { label: "other" }),
]);
log(\`flaky gave \${flaky}\`);
phase("Finish");
return { good: typeof good, flaky };`;

const SCENARIO = JSON.stringify({
  rules: [{ label: "flaky", fail: "rate limited" }],
  default: { delayMs: 120 },
});

Deno.test("non-TTY progress: plain lines for phases, logs and node failures, then a summary", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource(BODY, "progress"));
    await project.write("scenario.json", SCENARIO);
    const run = await project.odw(["exec", "wf.js", "--mock-scenario", "scenario.json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), { good: "string", flaky: null });
    const lines = run.stderr.trimEnd().split("\n");
    assert.match(lines.at(-1)!, /^report: .*\.odw\/runs\/\d{8}-\d{6}-[0-9a-f]{6}\/report\.html$/);
    assert.deepEqual(lines.slice(0, -2), [
      "odw: backend mock · default routing: none (each node's own options)",
      "▸ phase: Gather",
      "[flaky] failed: rate limited",
      "flaky gave null",
      "▸ phase: Finish",
    ]);
    assert.match(
      lines.at(-2)!,
      /^completed · 3 agents: 2 completed, 1 failed · \d+ tokens · \$0\.0000 · \d+\.\d\ds · .*\.odw\/runs\/\d{8}-\d{6}-[0-9a-f]{6}$/,
    );
    assert.ok(!run.stderr.includes("\x1b["), "no terminal escapes when stderr is not a TTY");

    // --quiet: nothing at all on stderr for a completed run; the result still on stdout.
    const quiet = await project.odw(["exec", "wf.js", "--mock-scenario", "scenario.json", "--quiet"]);
    assert.equal(quiet.code, 0);
    assert.equal(quiet.stderr, "");
    assert.deepEqual(JSON.parse(quiet.stdout), { good: "string", flaky: null });

    // --json keeps stdout to the one object even while progress goes to stderr.
    const json = await project.odw(["exec", "wf.js", "--mock-scenario", "scenario.json", "--json"]);
    assert.equal(json.code, 0);
    assert.equal(json.stdout.trimEnd().split("\n").length, 1);
    assert.ok(json.stderr.includes("[flaky] failed: rate limited"));
  });
});

const SCRIPT_BIN = ["/usr/bin/script", "/bin/script"].find((path) => {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
});

Deno.test({
  name: "TTY progress: an in-place status line with running / done / tokens, and no permission prompt",
  ignore: skipUnless("util-linux `script` (a pty for the TTY progress test)", SCRIPT_BIN),
  fn: async () => {
    await withProject(async (project) => {
      // Reading a file from the sandbox must fail at once on a terminal too, not ask the person.
      const body = `let read;
try { read = Deno.readTextFileSync(args.file); } catch (e) { read = e.name; }
log("read: " + read);
${BODY}`;
      await project.write("wf.js", workflowSource(body, "tty"));
      await project.write("scenario.json", SCENARIO);
      const args = JSON.stringify({ file: project.path("scenario.json") });
      const command = [ODW_LAUNCHER, "exec", "wf.js", "--mock-scenario", "scenario.json", "--args", args]
        .map((word) => `'${word.replaceAll("'", `'\\''`)}'`)
        .join(" ");
      const run = await runProcess(SCRIPT_BIN!, ["-qefc", command, "/dev/null"], project.dir, {
        env: { ODW_DENO: Deno.execPath(), TERM: "xterm" },
        what: "odw exec wf.js on a pty (script -qefc)",
      });
      const out = run.stdout;
      assert.equal(run.code, 0, `exit ${run.code}; output:\n${out}`);
      assert.ok(!out.includes("Allow?"), `a permission prompt appeared:\n${out}`);
      assert.ok(out.includes("read: ReferenceError"), out);
      const statusLines = out.split("\r").filter((part) => part.includes("⏵"));
      assert.ok(statusLines.length > 0, `no status line in:\n${JSON.stringify(out)}`);
      for (const word of ["running", "done", "failed", "tokens"]) {
        assert.ok(
          statusLines.some((line) => line.includes(word)),
          `status line lacks "${word}": ${statusLines}`,
        );
      }
      assert.ok(
        statusLines.some((line) => /Gather │ running [1-3] · done \d · failed \d/.test(line)),
        statusLines.join("\n"),
      );
      assert.ok(out.includes("\x1b[2K"), "the status line is redrawn in place");
      assert.ok(out.includes("[flaky] failed: rate limited"));
      assert.match(out, /completed · 3 agents: 2 completed, 1 failed · \d+ tokens · \$0\.0000/);
      assert.ok(out.includes('"flaky": null'), "the result is printed");
    });
  },
});

Deno.test("TTY status area: fan-out bar, running nodes with route and elapsed, cost; NO_COLOR; escaped text", async () => {
  let out = "";
  const progress = ttyProgress({ write: (t) => out += t, color: false, columns: () => 120, maxRunning: 2 });
  const ts = "2026-01-01T00:00:00.000Z";
  const usage = { inputTokens: 10, outputTokens: 20, cachedInputTokens: 0, reasoningTokens: 0 };
  progress.onEvent({ type: "phase", ts, title: "Scan" });
  for (let seq = 1; seq <= 4; seq++) {
    const label = seq === 1 ? "evil\x1b]0;pwned\x07" : `file ${seq}`;
    progress.onEvent({
      type: "node.queued",
      ts,
      key: `k#${seq}`,
      seq,
      label,
      scope: "",
      site: { line: 3, column: 1 },
    });
    progress.onEvent({
      type: "node.started",
      ts,
      key: `k#${seq}`,
      seq,
      label,
      scope: "",
      prompt: "p",
      options: { runtime: "codex", model: "gpt-x" },
      site: { line: 3, column: 1 },
    });
  }
  const finished = { type: "node.finished", ts, key: "k#2", label: "file 2", value: "v", usage } as const;
  progress.onEvent({ ...finished, seq: 2, status: "completed", costUsd: 0.5, durationMs: 5, attempts: 1 });
  progress.onEvent({ type: "log", ts, message: "[file 3] failed: nope" });
  progress.onEvent({ ...finished, seq: 3, status: "failed", costUsd: 0.25, durationMs: 5, attempts: 1 });
  await new Promise((resolve) => setTimeout(resolve, 200)); // the throttled last change is drawn
  progress.close();
  const frames = out.split("\x1b[?7l").slice(1).map((f) => f.split("\x1b[?7h")[0]);
  const last = frames.at(-1)!.replaceAll("\x1b[2K", "").split("\n");
  assert.equal(last[0], "⏵ Scan │ running 2 · done 1 · failed 1 │ 60 tokens · $0.7500");
  assert.match(last[1], /^ {2}█{12}░{12} 2\/4 evil\\x1b\]0;pwned\\x07$/);
  assert.match(last[2], /^ {2}▶ evil\\x1b\]0;pwned\\x07 {2}codex\/gpt-x {2}\d+\.\ds$/);
  assert.match(last[3], /^ {2}▶ file 4 {2}codex\/gpt-x/);
  assert.equal(last.length, 4);
  assert.ok(out.includes("[file 3] failed: nope\n"), "failures are printed above the area");
  assert.ok(!["\x1b[31m", "\x1b[33m", "\x1b[36m"].some((c) => out.includes(c)), "no colour (NO_COLOR)");
  assert.ok(!out.includes("\x1b]0;"), "a label cannot retitle the terminal");
});

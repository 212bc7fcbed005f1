/**
 * `pandacode run` end to end through the real CLI and the real codex executor, with a scripted
 * `codex` (a shell script printing codex's JSONL events) as PANDACODE_CODEX_BIN: the odw contract
 * (prompt on stdin, one JSON report on stdout), the plain-text mode, a failed turn, and `--timeout`,
 * SIGTERM and SIGINT killing the process tree (a grandchild `sleep`) while still printing a report.
 * The timeout case also runs through the claude executor with the same hanging script.
 *
 * @module
 */
import assert from "node:assert/strict";
import { ReportSchema } from "../../src/common/contract_schema.ts";
import { pollUntil, waitUntil } from "../_support/deadline.ts";
import { isAlive } from "../_support/processes.ts";
import { linesOf, runCli, spawnCli, writeScript } from "./cli_support.ts";

const EVENTS = [
  { type: "thread.started", thread_id: "th-cli-1" },
  { type: "turn.started" },
  { type: "item.completed", item: { id: "i1", type: "agent_message", text: "all done" } },
  {
    type: "turn.completed",
    usage: { input_tokens: 100, cached_input_tokens: 40, output_tokens: 12, reasoning_output_tokens: 3 },
  },
];

/** A codex that saves its stdin (the prompt) as prompt-seen.txt in its cwd and reports success. */
function completingCodex(dir: string): string {
  const lines = EVENTS.map((e) => `echo '${JSON.stringify(e)}'`).join("\n");
  return writeScript(dir, "codex", `cat > prompt-seen.txt\n${lines}`);
}

/** How long the hanging CLI's grandchild sleeps: a test that waited for it would take this long. */
const HANG_MS = 60_000;

/** A CLI (codex or claude) that starts a grandchild `sleep`, records both pids in $PIDDIR, and hangs. */
function hangingCli(dir: string): string {
  return writeScript(
    dir,
    "codex",
    `sleep ${HANG_MS / 1000} &\necho $! > "$PIDDIR/grandchild.tmp"\necho $$ > "$PIDDIR/leader"\n` +
      `mv "$PIDDIR/grandchild.tmp" "$PIDDIR/grandchild"\necho '{"type":"turn.started"}'\nwait`,
  );
}

interface Sandbox {
  bin: string;
  work: string;
  pids: string;
}

async function withSandbox(
  makeBin: (dir: string) => string,
  fn: (s: Sandbox) => Promise<void>,
): Promise<void> {
  const root = Deno.realPathSync(Deno.makeTempDirSync({ prefix: "pandacode-run-" }));
  try {
    const binDir = `${root}/bin`;
    const work = `${root}/work`;
    const pids = `${root}/pids`;
    for (const d of [binDir, work, pids]) Deno.mkdirSync(d);
    await fn({ bin: makeBin(binDir), work, pids });
  } finally {
    Deno.removeSync(root, { recursive: true });
  }
}

Deno.test("odw contract: prompt on stdin, --json prints exactly one valid report; filesChanged and usage", async () => {
  await withSandbox(completingCodex, async ({ bin, work }) => {
    const prompt = "--looks-like-a-flag but is the prompt\nline two\n";
    const { code, stdout, stderr } = await runCli(["run", "--runtime", "codex", "--cwd", work, "--json"], {
      env: { PANDACODE_CODEX_BIN: bin },
      stdin: prompt,
    });
    assert.equal(code, 0, stderr);
    assert.equal(linesOf(stdout).length, 1, `one line on stdout: ${stdout}`);
    const report = ReportSchema.parse(JSON.parse(stdout));
    assert.deepEqual({ ...report, durationMs: 0 }, {
      status: "completed",
      runtime: "codex",
      provider: null,
      model: null,
      text: "all done",
      output: null,
      usage: { inputTokens: 100, outputTokens: 12, cachedInputTokens: 40, reasoningTokens: 3 },
      costUsd: null,
      durationMs: 0,
      filesChanged: ["prompt-seen.txt"],
      sessionId: "th-cli-1",
      error: null,
    });
    assert.equal(Deno.readTextFileSync(`${work}/prompt-seen.txt`), prompt);
  });
});

Deno.test("without --json: the text on stdout and a one-line summary on stderr", async () => {
  await withSandbox(completingCodex, async ({ bin, work }) => {
    const { code, stdout, stderr } = await runCli(
      ["run", "--runtime", "codex", "--cwd", work, "--model", "gpt-test", "say it"],
      { env: { PANDACODE_CODEX_BIN: bin } },
    );
    assert.equal(code, 0, stderr);
    assert.equal(stdout, "all done\n");
    const last = linesOf(stderr).at(-1) ?? "";
    assert.match(
      last,
      /^pandacode: completed · 100 in \/ 12 out tokens · cost unknown · \d+\.\ds · 1 file\(s\) changed$/,
    );
  });
});

Deno.test("a failed turn gives exit 1 and a failed report with the error", async () => {
  const failing = (dir: string) =>
    writeScript(
      dir,
      "codex",
      `cat > /dev/null\necho '{"type":"thread.started","thread_id":"th-f"}'\n` +
        `echo '{"type":"turn.failed","error":{"message":"model exploded"}}'\nexit 1`,
    );
  await withSandbox(failing, async ({ bin, work }) => {
    const { code, stdout } = await runCli(["run", "--runtime", "codex", "--cwd", work, "--json", "x"], {
      env: { PANDACODE_CODEX_BIN: bin },
    });
    assert.equal(code, 1);
    const report = ReportSchema.parse(JSON.parse(stdout));
    assert.equal(report.status, "failed");
    assert.equal(report.sessionId, "th-f");
    assert.match(report.error?.message ?? "", /model exploded/);
  });
});

async function assertTreeKilled(pids: string): Promise<void> {
  const leader = Number(Deno.readTextFileSync(`${pids}/leader`));
  const grandchild = Number(Deno.readTextFileSync(`${pids}/grandchild`));
  // Killed processes can take a moment to go on a loaded machine: poll, with a bound.
  assert.ok(
    await pollUntil(() => !isAlive(grandchild), 10_000),
    `grandchild sleep ${grandchild} still alive`,
  );
  assert.ok(await pollUntil(() => !isAlive(leader), 10_000), `scripted codex ${leader} still alive`);
}

for (const runtime of ["codex", "claude"] as const) {
  Deno.test(`--timeout on ${runtime} kills the whole process tree and still prints a timeout report (exit 1)`, async () => {
    await withSandbox(hangingCli, async ({ bin, work, pids }) => {
      const started = performance.now();
      const binVar = runtime === "codex" ? "PANDACODE_CODEX_BIN" : "PANDACODE_CLAUDE_BIN";
      const { code, stdout, stderr } = await runCli(
        ["run", "--runtime", runtime, "--cwd", work, "--timeout", "1s", "--json", "hang"],
        { env: { [binVar]: bin, PIDDIR: pids } },
      );
      const elapsed = performance.now() - started;
      assert.equal(code, 1, stderr);
      const report = ReportSchema.parse(JSON.parse(stdout));
      assert.equal(report.status, "timeout");
      assert.equal(report.runtime, runtime);
      assert.equal(report.error?.kind, "timeout");
      // durationMs counts from the instant the timeout was armed (pandacode's own clock), so a task
      // stopped by a 1 s timeout reports at least 1000 ms. The upper bound only has to tell "killed
      // after the timeout" from "waited for the hanging CLI", with room for a loaded machine.
      assert.ok(report.durationMs >= 1000, `durationMs ${report.durationMs} < the 1 s timeout`);
      assert.ok(report.durationMs < HANG_MS / 4, `durationMs ${report.durationMs}`);
      assert.ok(elapsed < HANG_MS * 0.75, `pandacode took ${elapsed} ms: it waited for the hanging CLI`);
      await assertTreeKilled(pids);
    });
  });
}

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.test(`${signal} cancels: the tree is killed and a cancelled report is printed (exit 1)`, async () => {
    await withSandbox(hangingCli, async ({ bin, work, pids }) => {
      const child = spawnCli(["run", "--runtime", "codex", "--cwd", work, "--json", "hang"], {
        env: { PANDACODE_CODEX_BIN: bin, PIDDIR: pids },
      });
      const output = child.output();
      const grandchildStarted = () => {
        try {
          return Deno.statSync(`${pids}/grandchild`).isFile;
        } catch {
          return false;
        }
      };
      // Deno's startup can take many seconds on a loaded machine: the bound is for a hang only.
      await waitUntil(grandchildStarted, 60_000, "the scripted codex to start its grandchild")
        .catch(async (error) => {
          child.killTree();
          await output.catch(() => {});
          throw error;
        });
      child.kill(signal);
      const out = await output;
      assert.equal(out.code, 1, out.stderr);
      const report = ReportSchema.parse(JSON.parse(out.stdout));
      assert.equal(report.status, "cancelled");
      assert.equal(report.error?.kind, "cancelled");
      await assertTreeKilled(pids);
    });
  });
}

/**
 * The pandacode backend when things go wrong: executables that print garbage, crash, exit non-zero,
 * print an invalid report or hang (killed with their whole process group at the node timeout), and
 * requests pandacode refuses (unknown runtime, missing key, missing CLI, no runtime at all). Each is a
 * failed node with one clear `[label] failed:` line, and the run goes on to its end.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type OdwProject, withProject, workflowSource } from "../_support/odw.ts";
import { pidsWithEnvEntry } from "../_support/processes.ts";
import { waitGone } from "../pandacode/codex_env.ts";

/** Runs `agent()` once per label in `labels`, one after the other, and logs what each gave. */
function probeScript(labels: string[], options = ""): string {
  const calls = labels.map((label) =>
    `results.push(await agent("task for ${label}", { label: ${JSON.stringify(label)}${options} }));`
  ).join("\n");
  return workflowSource(`const results = [];\n${calls}\nlog("run went on");\nreturn results;`);
}

/** Writes an executable shell script into the project. */
async function executable(project: OdwProject, name: string, body: string): Promise<string> {
  const path = await project.write(name, `#!/bin/sh\n${body}\n`);
  await Deno.chmod(path, 0o755);
  return path;
}

/** `odw exec wf.js --runtime bamboo --pandacode <path> --json --quiet [extra…]` in the project. */
function execThrough(project: OdwProject, path: string, ...extra: string[]) {
  return project.odw([
    "exec",
    "wf.js",
    "--runtime",
    "bamboo",
    "--pandacode",
    path,
    "--json",
    "--quiet",
    ...extra,
  ]);
}

const VALID_REPORT = JSON.stringify({
  status: "completed",
  runtime: "bamboo",
  provider: "deepseek",
  model: "m",
  text: "fine",
  output: null,
  usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0 },
  costUsd: 0,
  durationMs: 1,
  filesChanged: [],
  sessionId: null,
  error: null,
});

const CASES: { what: string; body: string; failure: RegExp }[] = [
  {
    what: "garbage on stdout",
    body: 'cat >/dev/null; echo "hello, not a report"; exit 0',
    failure:
      /pandacode exited with code 0 and printed something that is not a JSON report: hello, not a report$/,
  },
  {
    what: "a crash",
    body: "cat >/dev/null; kill -SEGV $$",
    failure: /pandacode was killed by SIGSEGV and printed no report$/,
  },
  {
    what: "a non-zero exit without a report",
    body: 'cat >/dev/null; echo "pandacode: internal error: boom" >&2; exit 3',
    failure:
      /pandacode exited with code 3 and printed no report \(stderr: pandacode: internal error: boom\)$/,
  },
  {
    what: "a refusal (exit 2)",
    body: 'cat >/dev/null; echo "pandacode: unknown provider \\"nope\\"" >&2; exit 2',
    failure: /pandacode refused the request: pandacode: unknown provider "nope"$/,
  },
  {
    what: "an invalid report",
    body: `cat >/dev/null; echo '{"status":"done","runtime":"bamboo"}'; exit 0`,
    failure: /pandacode exited with code 0 and printed an invalid report \(status: .*\)$/,
  },
];

Deno.test("a pandacode executable that misbehaves fails its node with a clear line; the run goes on", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", probeScript(["good", "bad"]));
    for (const c of CASES) {
      // The first call gets a valid report, every later one misbehaves.
      const path = await executable(
        project,
        `exec-${CASES.indexOf(c)}.sh`,
        `if [ ! -e "$0.called" ]; then touch "$0.called"; cat >/dev/null; echo '${VALID_REPORT}'; exit 0; fi\n${c.body}`,
      );
      const run = await execThrough(project, path);
      assert.equal(run.code, 0, `${c.what}: ${run.stderr}`);
      assert.equal(run.json?.status, "completed", c.what);
      assert.deepEqual(run.json?.result, ["fine", null], c.what);
      const logs = run.json?.logs as string[];
      assert.equal(logs.length, 2, `${c.what}: ${JSON.stringify(logs)}`);
      assert.match(logs[0], /^\[bad\] failed: /, c.what);
      assert.match(logs[0], c.failure, c.what);
      assert.equal(logs[1], "run went on");
    }
  });
});

Deno.test("a hanging pandacode executable is killed with its whole process group at the node timeout", async () => {
  await withProject(async (project) => {
    const marker = `ODW_HANG_MARKER=${crypto.randomUUID()}`;
    const path = await executable(project, "hang.sh", `export ${marker}\nsleep 300 &\nsleep 300\n`);
    await project.write("wf.js", probeScript(["stuck"]));
    const started = performance.now();
    const run = await execThrough(project, path, "--node-timeout", "1s");
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json?.result, [null]);
    assert.match((run.json?.logs as string[])[0], /^\[stuck\] failed: timed out after 1000 ms$/);
    assert.ok(performance.now() - started < 30_000);
    const { left } = await waitGone(() => pidsWithEnvEntry(marker), 10_000);
    assert.deepEqual(left, [], "no process of the killed group is left");
  });
});

Deno.test("requests pandacode refuses are failed nodes with pandacode's own message (in-process)", async () => {
  await withProject(async (project) => {
    const body = `const out = [];
out.push(await agent("a", { label: "unknown runtime", runtime: "gpt" }));
out.push(await agent("b", { label: "missing key", runtime: "bamboo" }));
out.push(await agent("c", { label: "missing cli", runtime: "claude" }));
out.push(await agent("d", { label: "no runtime" }));
log("run went on");
return out;`;
    await project.write("wf.js", workflowSource(body));
    const env = { DEEPSEEK_API_KEY: "", PANDACODE_CLAUDE_BIN: project.path("no-claude-here") };
    const run = await project.odw(["exec", "wf.js", "--backend", "pandacode", "--json", "--quiet"], { env });
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(run.json?.result, [null, null, null, null]);
    assert.deepEqual(run.json?.logs, [
      '[unknown runtime] failed: pandacode refused the request: unknown runtime "gpt" (use codex, claude or bamboo)',
      "[missing key] failed: pandacode refused the request: DEEPSEEK_API_KEY is not set: bamboo provider " +
      "deepseek needs an API key",
      `[missing cli] failed: pandacode refused the request: PANDACODE_CLAUDE_BIN=${
        project.path("no-claude-here")
      } is not an executable file`,
      "[no runtime] failed: no runtime for this node: set agent(p, { runtime }), runtime in .odw/config.json, " +
      "or --runtime (codex, claude or bamboo)",
      "run went on",
    ]);
  });
});

Deno.test("config with an unknown runtime or key is refused with one line before anything runs", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource("return 1;"));
    await project.write(".odw/config.json", JSON.stringify({ phases: { Review: { runtime: "gpt" } } }));
    const bad = await project.odw(["exec", "wf.js"]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^odw: invalid .*\.odw\/config\.json: phases\.Review\.runtime: unknown runtime "gpt" \(use codex, claude, bamboo\)\n$/,
    );
    await project.write(".odw/config.json", JSON.stringify({ defaults: { modle: "x" } }));
    const typo = await project.odw(["exec", "wf.js"]);
    assert.equal(typo.code, 2);
    assert.match(typo.stderr, /^odw: invalid .*config\.json: defaults: unknown key "modle"\n$/);
    assert.deepEqual(await project.runIds(), []);
  });
});

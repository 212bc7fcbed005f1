/**
 * Every shipped example runs on the mock backend through the real CLI and completes; review-changes.js
 * also runs for real on the pandacode backend (codex, bamboo and claude against the scripted servers).
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { withProject } from "../_support/odw.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { reply } from "../fixtures/openai_chat_server.ts";
import { startWorld } from "../backends/pandacode_world.ts";
import { runBounded } from "../_support/processes.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function odwJson(script: string, extra: string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "odw-example-" });
  try {
    const args = ["exec", `${ROOT}${script}`, "--json", ...extra];
    const out = await runBounded(Deno.execPath(), {
      args: ["run", "-A", "--no-prompt", "--quiet", `${ROOT}src/cli/main.ts`, ...args],
      cwd: dir,
      what: `odw exec ${script}`,
    });
    assert.equal(out.code, 0, out.stderr);
    return JSON.parse(out.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("examples/hello.js greets twice in parallel, then summarises with a schema", async () => {
  const out = await odwJson("examples/hello.js", ["--args", '{"name":"Ada"}']);
  assert.equal(out.status, "completed");
  assert.equal(out.agentCount, 3);
  assert.deepEqual(Object.keys(out.result).sort(), ["en", "fr", "summary"]);
  assert.ok(out.logs.includes("summary ready for Ada"));
});

Deno.test("examples/review-changes.js reviews, verifies every finding and summarises", async () => {
  const out = await odwJson("examples/review-changes.js", ["--args", '{"diff":"- a\\n+ b"}']);
  assert.equal(out.status, "completed");
  // 3 reviews, one verification per generated finding (one each), one summary.
  assert.equal(out.agentCount, 3 + 3 + 1);
  assert.equal(typeof out.result.summary, "string");
  assert.ok(Array.isArray(out.result.confirmed));
  assert.match(out.logs.at(-1), /confirmed finding\(s\) across 3 dimensions$/);
});

Deno.test("examples/typed.js runs on the mock backend", async () => {
  const out = await odwJson("examples/typed.js", ["--args", '{"files":["a.ts","b.ts"]}']);
  assert.equal(out.status, "completed");
  assert.ok(out.agentCount >= 2);
});

Deno.test({
  name:
    "examples/review-changes.js runs with --backend pandacode: codex reviews, bamboo verifies, claude sums up",
  ignore: skipUnless("claude and codex CLIs", cachedCli("claude") && cachedCli("codex")),
  fn: async () => {
    const finding = { findings: [{ title: "unchecked null", file: "src/a.ts", severity: "high" }] };
    await using world = await startWorld({
      responses: Array.from({ length: 3 }, () => ({ text: JSON.stringify(finding) })),
      chat: () => reply.tools([{ name: "submit", args: { isReal: true, reason: "reproduced" } }]),
      anthropic: () => ({ text: "Three real findings: fix the null checks." }),
    });
    await withProject(async (project) => {
      const run = await project.odw([
        "exec",
        `${ROOT}examples/review-changes.js`,
        "--backend",
        "pandacode",
        "--args",
        '{"diff":"- a\\n+ b"}',
        "--json",
        "--quiet",
      ], { env: world.env, timeoutMs: 240_000 });
      assert.equal(run.code, 0, `${run.stderr}\n${run.stdout}`);
      const out = run.json as { status: string; agentCount: number; result: Record<string, unknown> };
      assert.equal(out.status, "completed");
      assert.equal(out.agentCount, 3 + 3 + 1);
      assert.equal(out.result.summary, "Three real findings: fix the null checks.");
      assert.equal((out.result.confirmed as unknown[]).length, 3);
      assert.equal(world.responses.responsesCalls().length, 3, "three codex reviews");
      assert.equal(world.chat.requests.length, 3, "three bamboo verifications");
      assert.ok(world.chat.requests.every((r) => r.body.model === "deepseek-flash"));
      assert.equal(world.anthropic.turns().length, 1, "one claude summary");
      const runtimes = (run.json?.nodes as { runtime: string }[]).map((n) => n.runtime).sort();
      assert.deepEqual(runtimes, ["bamboo", "bamboo", "bamboo", "claude", "codex", "codex", "codex"]);
    });
  },
});

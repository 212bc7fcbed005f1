/**
 * Every shipped example runs on the mock backend through the real CLI and completes.
 *
 * @module
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

async function odwJson(script: string, extra: string[] = []) {
  const dir = await Deno.makeTempDir({ prefix: "odw-example-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-prompt",
        "--quiet",
        `${ROOT}src/cli/main.ts`,
        "exec",
        `${ROOT}${script}`,
        "--json",
        ...extra,
      ],
      cwd: dir,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    return JSON.parse(new TextDecoder().decode(out.stdout));
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

/**
 * `odw check --portable`: each odw-only `agent()` option is warned about, with the built-in's options
 * alone no warning, a name neither knows and options odw cannot read statically are reported; and
 * through the real CLI: warnings on stderr with exit 0, `--strict` exit 1, `--json` carries them,
 * `--strict` alone is bad usage.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript } from "../../src/script/analyze.ts";
import {
  BUILT_IN_AGENT_OPTIONS,
  ODW_ONLY_AGENT_OPTIONS,
  type PortabilityWarning,
  portabilityWarnings,
} from "../../src/script/portable.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

function warningsOf(body: string): PortabilityWarning[] {
  const analysis = analyzeScript(workflowSource(body));
  assert.ok(analysis.ok, JSON.stringify(analysis));
  return portabilityWarnings(analysis.callSites);
}

const ODW_ONLY_VALUES: Record<string, string> = {
  runtime: '"codex"',
  provider: '"kimi"',
  timeout: '"5m"',
  stallTimeout: "60000",
  retries: "3",
};

Deno.test("each odw-only option is warned about, at its call site", () => {
  assert.deepEqual(Object.keys(ODW_ONLY_VALUES).sort(), Object.keys(ODW_ONLY_AGENT_OPTIONS).sort());
  for (const [option, value] of Object.entries(ODW_ONLY_VALUES)) {
    const warnings = warningsOf(`log("x");\nawait agent("p", { label: "a", ${option}: ${value} });`);
    assert.equal(warnings.length, 1, option);
    assert.deepEqual([warnings[0].option, warnings[0].kind, warnings[0].line, warnings[0].column], [
      option,
      "odw-only",
      3,
      7,
    ]);
    assert.match(
      warnings[0].message,
      new RegExp(`^3:7: agent\\(\\) option "${option}" is odw-only; the built-in ignores it`),
    );
  }
});

Deno.test("the built-in's own options give no warning, in any form", () => {
  const all =
    `{ label: \`x \${1}\`, phase: "P", schema: { type: "object", properties: {} }, model: "m", effort: "high", isolation: "worktree", agentType: "reviewer" }`;
  assert.equal(BUILT_IN_AGENT_OPTIONS.size, 7);
  assert.deepEqual(warningsOf(`await agent("p", ${all});\nawait agent("q");\nawait agent("r", {});`), []);
  // A computed value under a built-in name is still a built-in option.
  assert.deepEqual(warningsOf(`const m = args?.m;\nawait agent("p", { model: m, label: String(m) });`), []);
  // Calls other than agent() are not agent options.
  assert.deepEqual(warningsOf(`await workflow("child", { runtime: "codex" });`), []);
});

Deno.test("computed odw-only values, unknown names, spreads and non-literal options are reported", () => {
  const warnings = warningsOf(
    [
      'const rt = args?.runtime ?? "codex";',
      'await agent("a", { runtime: rt, modle: "x" });',
      "const opts = { timeout: 5 };",
      'await agent("b", opts);',
      'await agent("c", { ...opts, label: "c" });',
    ].join("\n"),
  );
  assert.deepEqual(
    warnings.map((w) => [w.line, w.option, w.kind]),
    [
      [3, "modle", "unknown"],
      [3, "runtime", "odw-only"],
      [5, "...", "unchecked"],
      [6, "...", "unchecked"],
    ],
  );
});

Deno.test("odw check --portable: warnings on stderr and exit 0; --strict exits 1; --json carries them", async () => {
  await withProject(async (project) => {
    await project.write(
      "odw.js",
      workflowSource('return await agent("p", { runtime: "codex", retries: 1 });'),
    );
    await project.write(
      "plain.js",
      workflowSource('return await agent("p", { label: "x", effort: "low" });'),
    );
    const [warned, strict, plainStrict, json, without, strictAlone] = await Promise.all([
      project.odw(["check", "odw.js", "--portable"]),
      project.odw(["check", "odw.js", "--portable", "--strict"]),
      project.odw(["check", "plain.js", "--portable", "--strict"]),
      project.odw(["check", "odw.js", "--portable", "--json"]),
      project.odw(["check", "odw.js"]),
      project.odw(["check", "odw.js", "--strict"]),
    ]);
    assert.equal(warned.code, 0);
    assert.equal(
      warned.stderr,
      'warning: 2:14: agent() option "runtime" is odw-only; the built-in ignores it (the built-in runs every agent on Claude)\n' +
        'warning: 2:14: agent() option "retries" is odw-only; the built-in ignores it (the built-in uses its own retry policy)\n',
    );
    assert.equal(warned.stdout, "ok: test-workflow — test workflow\n");
    assert.equal(strict.code, 1);
    assert.equal(strict.stderr, warned.stderr);
    assert.equal(plainStrict.code, 0, plainStrict.stderr);
    assert.equal(plainStrict.stderr, "");
    assert.equal(json.code, 0);
    const parsed = json.json as { ok: boolean; warnings: PortabilityWarning[] };
    assert.deepEqual(parsed.warnings.map((w) => w.option), ["runtime", "retries"]);
    assert.equal(without.stderr, "");
    assert.equal(without.json, undefined);
    assert.equal(strictAlone.code, 2);
    assert.equal(strictAlone.stderr, "odw: --strict needs --portable\n");
  });
});

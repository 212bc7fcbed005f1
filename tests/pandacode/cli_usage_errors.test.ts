/**
 * Bad command lines and environments: each must end with exit code 2, nothing on stdout, and exactly
 * one clear `pandacode: …` line on stderr (no stack trace), before any runtime starts.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type CliResult, linesOf, runCli, writeScript } from "./cli_support.ts";

interface BadCase {
  name: string;
  args: string[];
  env?: Record<string, string>;
  stdin?: string;
  /** Substrings the one stderr line must contain. */
  says: string[];
}

function cases(dir: string, fakeCodex: string): BadCase[] {
  const codex = ["run", "--runtime", "codex"];
  const withCodex = { PANDACODE_CODEX_BIN: fakeCodex };
  const schemaCase = (name: string, schema: string, says: string[]): BadCase => ({
    name,
    args: [...codex, "--schema", schema, "do it"],
    env: withCodex,
    says,
  });
  return [
    {
      name: "unknown command",
      args: ["frobnicate"],
      says: ['unknown command "frobnicate"', "run, providers or doctor"],
    },
    { name: "unknown option", args: [...codex, "--colour", "x"], says: ["unknown option --colour"] },
    { name: "option without value", args: ["run", "--runtime"], says: ["option --runtime needs a value"] },
    { name: "missing runtime", args: ["run", "x"], says: ["missing --runtime"] },
    {
      name: "unknown runtime",
      args: ["run", "--runtime", "gpt", "x"],
      says: ['unknown runtime "gpt"', "codex, claude or bamboo"],
    },
    {
      name: "unknown provider lists the known ones",
      args: ["run", "--runtime", "bamboo", "--provider", "acme", "x"],
      env: { DEEPSEEK_API_KEY: "k" },
      says: ['unknown provider "acme"', "deepseek", "kimi", "qwen", "zhipu", "minimax", "openrouter"],
    },
    {
      name: "bamboo defaults to deepseek and names its key variable",
      args: ["run", "--runtime", "bamboo", "x"],
      says: ["DEEPSEEK_API_KEY is not set"],
    },
    {
      name: "missing key names every accepted variable",
      args: ["run", "--runtime", "bamboo", "--provider", "kimi", "x"],
      says: ["MOONSHOT_API_KEY is not set", "KIMI_API_KEY"],
    },
    {
      name: "codex not found",
      args: [...codex, "x"],
      says: ["codex CLI not found", "npm install -g @openai/codex", "PANDACODE_CODEX_BIN"],
    },
    {
      name: "claude not found",
      args: ["run", "--runtime", "claude", "x"],
      says: ["claude CLI not found", "npm install -g @anthropic-ai/claude-code", "PANDACODE_CLAUDE_BIN"],
    },
    {
      name: "override pointing nowhere",
      args: [...codex, "x"],
      env: { PANDACODE_CODEX_BIN: `${dir}/no-such-codex` },
      says: [`PANDACODE_CODEX_BIN=${dir}/no-such-codex is not an executable file`],
    },
    schemaCase("schema not JSON", "{not json", ["invalid schema", "not JSON"]),
    schemaCase("schema file unreadable", `${dir}/missing.json`, ["cannot read schema file", "no such file"]),
    schemaCase("schema invalid per ajv", '{"type":"object","properties":{"a":{"type":"strang"}}}', [
      "invalid schema",
      "schema/properties/a/type",
    ]),
    schemaCase("schema root not an object", '{"type":"array","items":{}}', [
      'root must have "type": "object"',
    ]),
    schemaCase("schema without properties", '{"type":"object"}', ['"properties" object']),
    schemaCase(
      "schema requiring an undeclared property",
      '{"type":"object","properties":{"a":{}},"required":["b"]}',
      [
        '"required" names "b"',
      ],
    ),
    {
      name: "unreadable prompt file",
      args: [...codex, "--prompt-file", `${dir}/nope.md`],
      env: withCodex,
      says: [`cannot read prompt file ${dir}/nope.md: no such file`],
    },
    {
      name: "empty prompt on stdin",
      args: codex,
      env: withCodex,
      stdin: "  \n\t\n",
      says: ["the prompt is empty"],
    },
    { name: "empty prompt argument", args: [...codex, ""], env: withCodex, says: ["the prompt is empty"] },
    {
      name: "prompt given twice",
      args: [...codex, "--prompt-file", `${dir}/p.md`, "x"],
      env: withCodex,
      says: ["not both"],
    },
    {
      name: "bad timeout",
      args: [...codex, "--timeout", "soon", "x"],
      env: withCodex,
      says: ["invalid --timeout", '"soon"'],
    },
    {
      name: "zero timeout",
      args: [...codex, "--timeout", "0s", "x"],
      env: withCodex,
      says: ["invalid --timeout", "more than zero"],
    },
    {
      name: "bad effort",
      args: [...codex, "--effort", "extreme", "x"],
      env: withCodex,
      says: ['invalid --effort "extreme"', "xhigh"],
    },
    {
      name: "bad max output tokens",
      args: [...codex, "--max-output-tokens", "-5", "x"],
      env: withCodex,
      says: ["--max-output-tokens"],
    },
    {
      name: "bad base url",
      args: [...codex, "--base-url", "localhost:99", "x"],
      env: withCodex,
      says: ["invalid --base-url"],
    },
    {
      name: "cwd is a file",
      args: [...codex, "--cwd", fakeCodex, "x"],
      env: withCodex,
      says: ["is not a directory"],
    },
    {
      name: "cwd missing",
      args: [...codex, "--cwd", `${dir}/gone`, "x"],
      env: withCodex,
      says: ["does not exist"],
    },
    { name: "providers takes no arguments", args: ["providers", "all"], says: ["takes no arguments"] },
    {
      name: "doctor unknown option",
      args: ["doctor", "--fix"],
      says: ["unknown option --fix for pandacode doctor"],
    },
  ];
}

Deno.test("every bad input ends with exit 2 and one clear stderr line", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pandacode-usage-" });
  try {
    const fakeCodex = writeScript(dir, "codex", "echo should-not-run; exit 0");
    const list = cases(dir, fakeCodex);
    const results: CliResult[] = [];
    for (let i = 0; i < list.length; i += 4) {
      const batch = list.slice(i, i + 4);
      results.push(...await Promise.all(batch.map((c) => runCli(c.args, { env: c.env, stdin: c.stdin }))));
    }
    list.forEach((c, i) => {
      const { code, stdout, stderr } = results[i];
      const lines = linesOf(stderr);
      assert.equal(code, 2, `${c.name}: exit code (stderr: ${stderr})`);
      assert.equal(stdout, "", `${c.name}: stdout`);
      assert.equal(lines.length, 1, `${c.name}: one stderr line, got ${JSON.stringify(stderr)}`);
      assert.match(lines[0], /^pandacode: /, c.name);
      assert.doesNotMatch(stderr, /^\s+at /m, `${c.name}: no stack trace`);
      for (const part of c.says) {
        assert.ok(lines[0].includes(part), `${c.name}: ${JSON.stringify(lines[0])} lacks ${part}`);
      }
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

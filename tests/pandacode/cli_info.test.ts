/**
 * The informational commands of the real CLI: `--version`, `--help`, `run --help`, `providers` and
 * `doctor` (with the cached real codex, a scripted claude, and a bogus override).
 *
 * @module
 */
import assert from "node:assert/strict";
import { PROVIDERS } from "../../pandacode/bamboo/providers.ts";
import { cachedCli, skipUnless } from "../_support/prereq.ts";
import { runCli, writeScript } from "./cli_support.ts";

Deno.test("--version prints 0.1.0 and --help lists the commands", async () => {
  const version = await runCli(["--version"]);
  assert.equal(version.code, 0);
  assert.equal(version.stdout, "pandacode 0.1.0\n");
  const help = await runCli(["--help"]);
  assert.equal(help.code, 0);
  for (const word of ["run", "providers", "doctor", "--version"]) assert.ok(help.stdout.includes(word), word);
});

Deno.test("run --help documents every flag and the exit codes", async () => {
  const { code, stdout, stderr } = await runCli(["run", "--help"]);
  assert.equal(code, 0, stderr);
  const flags = [
    "--runtime",
    "--provider",
    "--model",
    "--cwd",
    "--schema",
    "--effort",
    "--timeout",
    "--max-output-tokens",
    "--base-url",
    "--prompt-file",
    "--json",
  ];
  for (const flag of flags) assert.ok(stdout.includes(flag), `run --help lacks ${flag}`);
  assert.match(stdout, /0 completed, 1 failed/);
});

Deno.test("providers --json lists every provider, keySet, env base URL, and never a key value", async () => {
  const secret = "sk-test-do-not-print-4242";
  const env = {
    DEEPSEEK_API_KEY: secret,
    KIMI_API_KEY: secret,
    QWEN_API_KEY: "",
    OPENAI_BASE_URL: "http://127.0.0.1:9/v1",
  };
  const { code, stdout, stderr } = await runCli(["providers", "--json"], { env });
  assert.equal(code, 0, stderr);
  assert.ok(!stdout.includes(secret), "a key value was printed");
  const rows = JSON.parse(stdout) as Record<string, unknown>[];
  assert.deepEqual(rows.map((r) => r.id), PROVIDERS.map((p) => p.id));
  const byId = new Map(rows.map((r) => [r.id, r]));
  assert.equal(byId.get("deepseek")?.keySet, true);
  assert.equal(byId.get("kimi")?.keySet, true, "second key variable counts");
  assert.equal(byId.get("qwen")?.keySet, false, "an empty key is not set");
  assert.equal(byId.get("zhipu")?.keySet, false);
  assert.equal(byId.get("openai")?.baseUrl, "http://127.0.0.1:9/v1");
  const deepseek = PROVIDERS.find((p) => p.id === "deepseek")!;
  assert.deepEqual(byId.get("deepseek"), {
    id: "deepseek",
    name: deepseek.name,
    baseUrl: deepseek.baseUrl,
    baseUrlEnv: deepseek.baseUrlEnv,
    keyEnv: deepseek.keyEnv,
    keySet: true,
    defaultModel: deepseek.defaultModel,
    prices: deepseek.prices,
  });

  const text = await runCli(["providers"], { env });
  assert.equal(text.code, 0);
  assert.ok(!text.stdout.includes(secret), "a key value was printed");
  for (const p of PROVIDERS) assert.ok(text.stdout.includes(p.defaultModel), p.id);
  assert.match(text.stdout, /DEEPSEEK_API_KEY — set/);
  assert.match(text.stdout, /ZHIPU_API_KEY or ZAI_API_KEY or BIGMODEL_API_KEY — not set/);
  assert.match(
    text.stdout,
    /\n {2}claude: claude-opus-5-5 — \$4 in \(cached \$0\.2\) \/ \$20 out per 1M, as of 2026-11-29\n/,
  );
  assert.match(
    text.stdout,
    /\n {2}codex: gpt-6\.1-sol — \$2 in \(cached \$0\.1\) \/ \$10 out per 1M, as of 2026-11-29\n/,
  );
});

Deno.test("doctor reports a scripted claude's version and a bogus codex override as not found", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pandacode-doctor-" });
  try {
    const claude = writeScript(dir, "claude", 'echo "9.8.7 (Scripted Claude)"');
    const env = {
      PANDACODE_CLAUDE_BIN: claude,
      PANDACODE_CODEX_BIN: `${dir}/nope`,
      MINIMAX_API_KEY: "secret-xyz",
    };
    const { code, stdout, stderr } = await runCli(["doctor", "--json"], { env });
    assert.equal(code, 0, stderr);
    assert.ok(!stdout.includes("secret-xyz"));
    const report = JSON.parse(stdout);
    const [codex, found] = report.clis;
    assert.equal(codex.name, "codex");
    assert.equal(codex.found, false);
    assert.equal(codex.problem, `PANDACODE_CODEX_BIN=${dir}/nope is not an executable file`);
    assert.deepEqual(found, {
      name: "claude",
      envVar: "PANDACODE_CLAUDE_BIN",
      found: true,
      path: claude,
      source: "env",
      version: "9.8.7 (Scripted Claude)",
      problem: null,
    });
    const keys = Object.fromEntries(
      report.providers.map((p: { id: string; keySet: boolean }) => [p.id, p.keySet]),
    );
    assert.equal(keys.minimax, true);
    assert.equal(keys.deepseek, false);

    const text = await runCli(["doctor"], { env: { ...env, PATH: `${dir}:/usr/bin:/bin` } });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^codex: not found — PANDACODE_CODEX_BIN=.* is not an executable file$/m);
    assert.match(
      text.stdout,
      /^claude: 9\.8\.7 \(Scripted Claude\) — .*claude \(from PANDACODE_CLAUDE_BIN\)$/m,
    );
    assert.match(text.stdout, /minimax\s+set\s+MINIMAX_API_KEY/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("doctor finds a CLI on PATH and says how to install a missing one", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "pandacode-doctor-" });
  try {
    writeScript(dir, "codex", "echo codex-cli 0.0.1-scripted");
    const { code, stdout } = await runCli(["doctor"], { env: { PATH: `${dir}:/usr/bin:/bin` } });
    assert.equal(code, 0);
    assert.match(
      stdout,
      new RegExp(`^codex: codex-cli 0\\.0\\.1-scripted — ${dir}/codex \\(from PATH\\)$`, "m"),
    );
    assert.match(stdout, /^claude: not found — .*npm install -g @anthropic-ai\/claude-code/m);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

const realCodex = cachedCli("codex");
Deno.test({
  name: "doctor runs the cached real codex --version through PANDACODE_CODEX_BIN",
  ignore: skipUnless("codex CLI", realCodex),
  fn: async () => {
    const { code, stdout, stderr } = await runCli(["doctor", "--json"], {
      env: { PANDACODE_CODEX_BIN: realCodex!, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" },
    });
    assert.equal(code, 0, stderr);
    const codex = JSON.parse(stdout).clis[0];
    assert.equal(codex.found, true);
    assert.equal(codex.source, "env");
    assert.match(codex.version, /^codex-cli \d+\.\d+\.\d+/);
  },
});

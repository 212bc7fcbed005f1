/**
 * `odw doctor` with a controlled PATH and environment: fake codex/claude executables in a temp dir
 * printing a version, a missing CLI (problem line, exit 1), everything present (exit 0), `--json`, a
 * provider key whose value never appears in the output, a bad config, a configured pandacode
 * executable, a run directory with a file in the way, and (in-process) a `--version` that hangs or
 * fails, stopped at its short deadline.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { denoCheck, doctorChecks } from "../../src/cli/doctor_checks.ts";
import { bounded, DEADLINES } from "../_support/deadline.ts";
import { odwDenoArgs, withProject } from "../_support/odw.ts";
import { runBounded } from "../_support/processes.ts";
import { baseEnv } from "../pandacode/cli_support.ts";

const SECRET = "sk-doctor-SECRET-value-4242";

/** A temp bin directory with `git` (the real one) and the given fake executables. */
async function binDir(root: string, fakes: Record<string, string>): Promise<string> {
  const dir = join(root, "bin");
  await Deno.mkdir(dir, { recursive: true });
  const git = ["/usr/bin/git", "/usr/local/bin/git", "/bin/git"].find((path) => {
    try {
      return Deno.statSync(path).isFile;
    } catch {
      return false;
    }
  });
  if (git) await Deno.symlink(git, join(dir, "git"));
  for (const [name, body] of Object.entries(fakes)) {
    await Deno.writeTextFile(join(dir, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  }
  return dir;
}

/** Runs `odw doctor` in `cwd` with only the given environment (plus Deno's cache variables). */
async function doctor(cwd: string, env: Record<string, string>, args: string[] = []) {
  return await runBounded(Deno.execPath(), {
    args: odwDenoArgs(["doctor", ...args]),
    cwd,
    clearEnv: true,
    env: { ...baseEnv(), NO_COLOR: "1", ...env },
    what: `odw doctor ${args.join(" ")}`,
  });
}

Deno.test("a PATH without claude: a problem line with the fix, exit 1; a key is named, its value never shown", async () => {
  await withProject(async (project) => {
    const bin = await binDir(project.dir, { codex: 'echo "codex-cli 9.9.9"' });
    const env = { PATH: bin, DEEPSEEK_API_KEY: SECRET };
    const [text, json] = await Promise.all([doctor(project.dir, env), doctor(project.dir, env, ["--json"])]);
    assert.equal(text.code, 1, text.stderr);
    assert.match(text.stdout, /^ok +codex +codex-cli 9\.9\.9 \(/m);
    assert.match(
      text.stdout,
      /^problem +claude +not found on PATH\n +fix: npm install -g @anthropic-ai\/claude-code/m,
    );
    assert.match(text.stdout, /^ok +keys +provider keys set for deepseek \(DEEPSEEK_API_KEY\)$/m);
    assert.match(text.stdout, /^ok +deno +2\./m);
    assert.match(text.stdout, /^ok +pandacode +pandacode \d+\.\d+\.\d+ \(in-process\)$/m);
    assert.match(text.stdout, /^ok +run dir +.*\.odw\/runs can be created$/m);
    for (const output of [text.stdout, text.stderr, json.stdout, json.stderr]) {
      assert.ok(!output.includes(SECRET), "the key's value leaked");
      assert.ok(!output.includes("4242"), "part of the key's value leaked");
    }
    assert.equal(json.code, 1);
    const parsed = JSON.parse(json.stdout);
    assert.equal(parsed.ok, false);
    assert.deepEqual(
      parsed.checks.map((c: { name: string; ok: boolean }) => [c.name, c.ok]),
      [
        ["deno", true],
        ["git", true],
        ["config", true],
        ["pandacode", true],
        ["codex", true],
        ["claude", false],
        ["keys", true],
        ["run dir", true],
      ],
    );
    // doctor only looked: it created no run directory.
    await assert.rejects(Deno.stat(project.path(".odw/runs")), Deno.errors.NotFound);
  });
});

Deno.test("everything present: every line ok, exit 0; a configured pandacode executable is asked its version", async () => {
  await withProject(async (project) => {
    const bin = await binDir(project.dir, {
      codex: 'echo "codex-cli 9.9.9"',
      claude: 'echo "3.3.3 (Claude Code)"',
      "my-pandacode": 'echo "pandacode 7.7.7"',
    });
    await project.write(".odw/config.json", JSON.stringify({ pandacode: join(bin, "my-pandacode") }));
    const run = await doctor(project.dir, { PATH: bin, MOONSHOT_API_KEY: SECRET });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /problem/);
    assert.match(run.stdout, /^ok +claude +3\.3\.3 \(Claude Code\)/m);
    assert.match(
      run.stdout,
      /^ok +pandacode +pandacode 7\.7\.7 \(.*my-pandacode, from \.odw\/config\.json\)$/m,
    );
    assert.match(run.stdout, /^ok +config +.*\.odw\/config\.json$/m);
    assert.match(run.stdout, /kimi \(MOONSHOT_API_KEY/);
    assert.ok(!run.stdout.includes(SECRET));
  });
});

Deno.test("no provider key, a bad config, a file in the run directory's way: each a problem", async () => {
  await withProject(async (project) => {
    const bin = await binDir(project.dir, { codex: "echo codex-cli 1", claude: "echo 2 (Claude Code)" });
    await project.write(".odw/config.json", '{ "defaults": { "modle": "x" } }');
    await project.write("blocker", "a file\n");
    const run = await doctor(project.dir, { PATH: bin }, ["--run-dir", "blocker/runs"]);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /^problem +keys +no bamboo provider key is set\n +fix: export one of DEEPSEEK_API_KEY/m,
    );
    assert.match(run.stdout, /^problem +config +invalid .*config\.json: defaults: unknown key "modle"$/m);
    assert.match(run.stdout, /^problem +run dir +.*blocker is a file, not a folder$/m);
  });
});

Deno.test("a --version that hangs is stopped at the short deadline; one that fails or an override that is no executable is a problem", async () => {
  await withProject(async (project) => {
    const bin = await binDir(project.dir, { claude: "/bin/sleep 30", codex: "echo broken >&2; exit 3" });
    const started = performance.now();
    const checks = await bounded(DEADLINES.executor, "doctor's checks", () =>
      doctorChecks({
        env: { PATH: bin },
        projectDir: project.dir,
        runsDir: ".odw/runs",
        versionDeadlineMs: 500,
      }));
    assert.ok(performance.now() - started < 20_000, "the hanging --version was not cut short");
    const byName = Object.fromEntries(checks.map((c) => [c.name, c]));
    assert.equal(byName.claude.ok, false);
    assert.match(byName.claude.detail, /--version took more than 0\.5s/);
    assert.equal(byName.codex.ok, false);
    assert.match(byName.codex.detail, /--version exited with code 3: broken/);

    const overridden = await doctorChecks({
      env: { PATH: bin, PANDACODE_CODEX_BIN: join(project.dir, "nothing-here") },
      projectDir: project.dir,
      runsDir: ".odw/runs",
      versionDeadlineMs: 500,
    });
    const codex = overridden.find((c) => c.name === "codex")!;
    assert.equal(codex.ok, false);
    assert.match(codex.detail, /^PANDACODE_CODEX_BIN=.*nothing-here is not an executable file$/);
  });
});

Deno.test("a compiled odw needs a Deno for its sandbox: doctor names it, or says how to provide one", () => {
  const compiled = "/opt/odw/odw-x86_64-unknown-linux-gnu";
  const none = denoCheck({ PATH: "/nonexistent" }, compiled);
  assert.equal(none.ok, false);
  assert.match(none.detail, /no Deno for the sandbox \(deno\)/);
  assert.match(none.fix ?? "", /set ODW_DENO to a deno binary or put deno on PATH/);
  const missing = denoCheck({ PATH: "/nonexistent", ODW_DENO: "/nonexistent/deno" }, compiled);
  assert.equal(missing.ok, false);
  const given = denoCheck({ PATH: "/nonexistent", ODW_DENO: Deno.execPath() }, compiled);
  assert.equal(given.ok, true, given.detail);
  assert.ok(given.detail.endsWith(`sandbox: ${Deno.execPath()}`), given.detail);
  const onPath = denoCheck({ PATH: join(Deno.execPath(), "..") }, compiled);
  assert.equal(onPath.ok, true, onPath.detail);
  // odw on deno itself runs its sandbox with that same binary.
  assert.equal(denoCheck({ PATH: "/nonexistent" }).ok, true);
});

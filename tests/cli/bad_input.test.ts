/**
 * Bad input to the odw CLI: exactly one line on stderr naming the problem, exit code 2, nothing on
 * stdout, no stack trace, and no run record (nothing started).
 *
 * @module
 */
import assert from "node:assert/strict";
import { mapLimited, stackLines, withProject, workflowSource } from "../_support/odw.ts";

const CASES: Array<{ what: string; argv: string[]; stderr: RegExp }> = [
  {
    what: "missing script",
    argv: ["exec", "nope.js"],
    stderr: /^odw: cannot read script .*nope\.js: no such file$/,
  },
  {
    what: "directory as script",
    argv: ["exec", "adir"],
    stderr: /^odw: cannot read script .*adir: is a directory$/,
  },
  { what: "no script", argv: ["exec"], stderr: /^odw: exec needs a script: odw exec <script\.js>$/ },
  {
    what: "two scripts",
    argv: ["exec", "ok.js", "other.js"],
    stderr: /^odw: unexpected argument "other\.js"$/,
  },
  {
    what: "--script and a positional",
    argv: ["exec", "--script", "ok.js", "other.js"],
    stderr: /^odw: unexpected argument "other\.js"$/,
  },
  {
    what: "unknown flag",
    argv: ["exec", "ok.js", "--frobnicate"],
    stderr: /^odw: unknown option --frobnicate \(try odw exec --help\)$/,
  },
  {
    what: "flag value missing",
    argv: ["exec", "ok.js", "--args"],
    stderr: /^odw: .*'--args.*argument missing$/,
  },
  {
    what: "invalid --args JSON",
    argv: ["exec", "ok.js", "--args", "{oops"],
    stderr: /^odw: invalid JSON in --args: /,
  },
  {
    what: "unreadable --args-file",
    argv: ["exec", "ok.js", "--args-file", "missing.json"],
    stderr: /^odw: cannot read args file missing\.json: no such file$/,
  },
  {
    what: "--args-file is a directory",
    argv: ["exec", "ok.js", "--args-file", "adir"],
    stderr: /^odw: cannot read args file adir: is a directory$/,
  },
  {
    what: "invalid JSON in --args-file",
    argv: ["exec", "ok.js", "--args-file", "broken.json"],
    stderr: /^odw: invalid JSON in broken\.json: /,
  },
  {
    what: "--args and --args-file together",
    argv: ["exec", "ok.js", "--args", "1", "--args-file", "args.json"],
    stderr: /^odw: give either --args or --args-file, not both$/,
  },
  {
    what: "--concurrency 0",
    argv: ["exec", "ok.js", "--concurrency", "0"],
    stderr: /^odw: --concurrency expects a positive integer, got "0"$/,
  },
  {
    what: "--concurrency not a number",
    argv: ["exec", "ok.js", "--concurrency", "many"],
    stderr: /^odw: --concurrency expects a positive integer, got "many"$/,
  },
  {
    what: "negative --budget",
    argv: ["exec", "ok.js", "--budget", "-5"],
    stderr: /^odw: --budget expects a positive integer, got "-5"$/,
  },
  {
    what: "fractional --budget",
    argv: ["exec", "ok.js", "--budget", "1.5"],
    stderr: /^odw: --budget expects a positive integer, got "1\.5"$/,
  },
  {
    what: "unparsable --timeout",
    argv: ["exec", "ok.js", "--timeout", "soon"],
    stderr: /^odw: --timeout: invalid duration "soon"/,
  },
  {
    what: "zero --timeout",
    argv: ["exec", "ok.js", "--timeout", "0s"],
    stderr: /^odw: --timeout must be longer than zero, got "0s"$/,
  },
  {
    what: "unknown backend",
    argv: ["exec", "ok.js", "--backend", "gpt"],
    stderr: /^odw: unknown backend "gpt" \(available: mock, pandacode\)$/,
  },
  {
    what: "unknown runtime",
    argv: ["exec", "ok.js", "--runtime", "gpt"],
    stderr: /^odw: --runtime: unknown runtime "gpt" \(use codex, claude, bamboo\)$/,
  },
  {
    what: "bad --effort",
    argv: ["exec", "ok.js", "--runtime", "bamboo", "--effort", "extreme"],
    stderr: /^odw: --effort: invalid value "extreme" \(use low, medium, high, xhigh, max\)$/,
  },
  {
    what: "bad --node-timeout",
    argv: ["exec", "ok.js", "--node-timeout", "0s"],
    stderr: /^odw: --node-timeout must be longer than zero, got "0s"$/,
  },
  {
    what: "empty --model",
    argv: ["exec", "ok.js", "--model", " "],
    stderr: /^odw: --model needs a value$/,
  },
  {
    what: "missing --pandacode executable",
    argv: ["exec", "ok.js", "--pandacode", "./no-such-pandacode"],
    stderr: /^odw: --pandacode \.\/no-such-pandacode: no such file$/,
  },
  {
    what: "--pandacode that is not executable",
    argv: ["exec", "ok.js", "--pandacode", "args.json"],
    stderr: /^odw: --pandacode args\.json: not an executable file$/,
  },
  {
    what: "--pandacode with the mock backend",
    argv: ["exec", "ok.js", "--backend", "mock", "--pandacode", "args.json"],
    stderr: /^odw: --pandacode needs --backend pandacode$/,
  },
  {
    what: "--mock-scenario with the pandacode backend",
    argv: ["exec", "ok.js", "--backend", "pandacode", "--mock-scenario", "typo.json"],
    stderr: /^odw: --mock-scenario needs --backend mock$/,
  },
  {
    what: "mock scenario with an unknown key",
    argv: ["exec", "ok.js", "--mock-scenario", "typo.json"],
    stderr: /^odw: invalid mock scenario typo\.json: rules\[0\]: unknown key "replay"$/,
  },
  {
    what: "mock scenario that is not JSON",
    argv: ["exec", "ok.js", "--mock-scenario", "broken.json"],
    stderr: /^odw: invalid mock scenario broken\.json: not valid JSON/,
  },
  {
    what: "missing mock scenario",
    argv: ["exec", "ok.js", "--mock-scenario", "absent.json"],
    stderr: /^odw: cannot read mock scenario absent\.json: no such file$/,
  },
  {
    what: "run dir blocked by a file",
    argv: ["exec", "ok.js", "--run-dir", "ok.js"],
    stderr: /^odw: cannot create run directory .*ok\.js: a file is in the way$/,
  },
  {
    what: "--max-cost not an amount",
    argv: ["exec", "ok.js", "--max-cost", "cheap"],
    stderr: /^odw: --max-cost must be a positive amount in USD, got "cheap"$/,
  },
  {
    what: "--retries out of range",
    argv: ["exec", "ok.js", "--retries", "99"],
    stderr: /^odw: --retries must be a whole number from 0 to 10, got "99"$/,
  },
  {
    what: "--stall-timeout not a duration",
    argv: ["exec", "ok.js", "--stall-timeout", "soon"],
    stderr: /^odw: --stall-timeout: invalid duration "soon"/,
  },
  {
    what: "unknown command",
    argv: ["frobnicate"],
    stderr: /^odw: unknown command "frobnicate" \(try odw --help\)$/,
  },
  {
    what: "check without a script",
    argv: ["check"],
    stderr: /^odw: check needs a script: odw check <script\.js>$/,
  },
  {
    what: "check of a missing file",
    argv: ["check", "nope.js"],
    stderr: /^odw: cannot read script nope\.js: no such file$/,
  },
  { what: "runs with an argument", argv: ["runs", "extra"], stderr: /^odw: unexpected argument "extra"$/ },
  {
    what: "runs with an unknown flag",
    argv: ["runs", "--all"],
    stderr: /^odw: unknown option --all \(try odw runs --help\)$/,
  },
];

Deno.test("bad input: one line on stderr, exit 2, nothing on stdout, no stack, no run record", async () => {
  await withProject(async (project) => {
    await project.write("ok.js", workflowSource("return 1;"));
    await project.write("adir/keep.txt", "");
    await project.write("args.json", "{}");
    await project.write("broken.json", "{not json");
    await project.write("typo.json", JSON.stringify({ rules: [{ label: "x", replay: "hi" }] }));
    const runs = await mapLimited(CASES, 4, (c) => project.odw(c.argv));
    runs.forEach((run, i) => {
      const { what, stderr } = CASES[i];
      assert.equal(run.code, 2, `${what}: exit code (stderr: ${run.stderr})`);
      assert.equal(run.stdout, "", `${what}: stdout`);
      assert.ok(run.stderr.endsWith("\n"), `${what}: stderr ends with a newline`);
      const lines = run.stderr.slice(0, -1).split("\n");
      assert.equal(lines.length, 1, `${what}: exactly one stderr line, got:\n${run.stderr}`);
      assert.match(lines[0], stderr, what);
      assert.deepEqual(stackLines(run.stderr), [], what);
      assert.ok(!/internal error/.test(run.stderr), `${what}: ${run.stderr}`);
    });
    assert.deepEqual(await project.runIds(), [], "bad input must not leave run records");
  });
});

Deno.test("a bad .odw/config.json: one line per bad key, exit 2, no run record", async () => {
  await withProject(async (project) => {
    await project.write("ok.js", workflowSource("return 1;"));
    await project.write(
      ".odw/config.json",
      JSON.stringify({
        defaults: { effort: "huge", retries: 1 },
        phases: { Review: { modle: "x" } },
        extra: 1,
      }),
    );
    const run = await project.odw(["exec", "ok.js"]);
    assert.equal(run.code, 2, run.stderr);
    assert.equal(run.stdout, "");
    const lines = run.stderr.trimEnd().split("\n");
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], /^odw: invalid .*\.odw\/config\.json: /);
    for (const key of [/unknown key "extra"/, /defaults\.effort: /, /phases\.Review: unknown key "modle"/]) {
      assert.match(lines[0], key);
    }
    await project.write(".odw/config.json", "{ not json");
    const broken = await project.odw(["exec", "ok.js"]);
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /^odw: invalid .*config\.json: not JSON/);
    assert.deepEqual(await project.runIds(), []);
  });
});

Deno.test("help and version exit 0; odw without a command prints usage and exits 2", async () => {
  await withProject(async (project) => {
    const [help, execHelp, version, bare] = await Promise.all([
      project.odw(["--help"]),
      project.odw(["exec", "--help"]),
      project.odw(["--version"]),
      project.odw([]),
    ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /odw exec <script\.js>/);
    assert.equal(execHelp.code, 0);
    for (
      const flag of [
        "--args",
        "--args-file",
        "--backend",
        "--pandacode",
        "--runtime",
        "--provider",
        "--model",
        "--effort",
        "--node-timeout",
        "--dry-run",
        "--concurrency",
        "--budget",
        "--timeout",
        "--json",
      ]
    ) {
      assert.ok(execHelp.stdout.includes(flag), `exec --help lacks ${flag}`);
    }
    assert.equal(version.code, 0);
    assert.match(version.stdout, /^odw \d+\.\d+\.\d+\n$/);
    assert.equal(bare.code, 2);
  });
});

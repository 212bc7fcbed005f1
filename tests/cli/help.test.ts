/**
 * Every odw command and subcommand answers `--help` and `-h` with its usage on stdout and exit 0
 * (`odw help <command>` too), and every `--flag` any help text names — odw's and pandacode's — is
 * exercised somewhere in the test sources (so a flag cannot be documented and untested). Also `odw --version` and
 * `pandacode --version`: one line of the same shape, the version from deno.json.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join, relative } from "node:path";
import { commandNames } from "../../src/cli/main.ts";
import { mapLimited, REPO, withProject } from "../_support/odw.ts";
import { runCli } from "../pandacode/cli_support.ts";

/** Every command line that has a help text of its own. */
function helpTargets(): string[][] {
  return [
    [],
    ...commandNames().map((command) => [command]),
    ["worktrees", "list"],
    ["worktrees", "prune"],
  ];
}

/** The `--flags` a help text names (not the `--no-<flag>` pattern). */
function flagsIn(help: string): string[] {
  return [...help.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]).filter((flag) => !flag.endsWith("-"));
}

/** The text of every test source except this file. */
async function testSources(): Promise<string> {
  const texts: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for await (const entry of Deno.readDir(dir)) {
      const path = join(dir, entry.name);
      if (entry.isDirectory) await walk(path);
      else if (/\.(ts|js|sh)$/.test(entry.name) && !path.endsWith(join("cli", "help.test.ts"))) {
        texts.push(await Deno.readTextFile(path));
      }
    }
  };
  await walk(join(REPO, "tests"));
  return texts.join("\n");
}

Deno.test("every command and subcommand answers --help and -h with its usage and exit 0", async () => {
  await withProject(async (project) => {
    const targets = helpTargets();
    assert.ok(targets.length >= 15, `only ${targets.length} commands`);
    const runs = await mapLimited(targets, 4, async (target) => {
      const [long, short] = await Promise.all([
        project.odw([...target, "--help"]),
        project.odw([...target, "-h"]),
      ]);
      return { target, long, short };
    });
    for (const { target, long, short } of runs) {
      const name = ["odw", ...target].join(" ");
      assert.equal(long.code, 0, `${name} --help: ${long.stderr}`);
      assert.equal(long.stderr, "", name);
      assert.match(
        long.stdout,
        target.length === 0 ? /^odw \d/ : new RegExp(`^Usage: odw ${target[0]}`),
        name,
      );
      assert.equal(short.code, 0, `${name} -h: ${short.stderr}`);
      assert.equal(short.stdout, long.stdout, `${name}: -h and --help differ`);
    }
    const viaHelp = await project.odw(["help", "check"]);
    assert.equal(viaHelp.code, 0);
    assert.equal(viaHelp.stdout, runs.find((run) => run.target[0] === "check")!.long.stdout);
  });
});

Deno.test("every flag named in a help text is exercised somewhere in the tests", async () => {
  const sources = await testSources();
  const untested: string[] = [];
  await withProject(async (project) => {
    const helps = await mapLimited(helpTargets(), 4, (target) => project.odw([...target, "--help"]));
    const flags = new Set(helps.flatMap((help) => flagsIn(help.stdout)));
    assert.ok(flags.size > 30, `only ${flags.size} flags found: the extraction is broken`);
    for (const flag of flags) {
      if (!new RegExp(`${flag}(?![a-z0-9-])`).test(sources)) untested.push(flag);
    }
  });
  assert.deepEqual(
    untested,
    [],
    `flags in help that no test under ${relative(Deno.cwd(), REPO) || "."}/tests uses`,
  );
});

Deno.test("every pandacode command answers --help, and every flag its help texts name is exercised in the tests", async () => {
  const sources = await testSources();
  const targets = [[], ["run"], ["providers"], ["doctor"]];
  const helps = await Promise.all(targets.map((target) => runCli([...target, "--help"])));
  for (const [i, help] of helps.entries()) {
    assert.equal(help.code, 0, `pandacode ${targets[i].join(" ")} --help: ${help.stderr}`);
  }
  const flags = new Set(helps.flatMap((help) => flagsIn(help.stdout)));
  assert.ok(flags.size > 12, `only ${flags.size} flags found: the extraction is broken`);
  const untested = [...flags].filter((flag) => !new RegExp(`${flag}(?![a-z0-9-])`).test(sources));
  assert.deepEqual(untested, [], "pandacode flags in help that no test uses");
});

Deno.test("odw --version and pandacode --version print one line of the same shape, deno.json's version", async () => {
  const { version } = JSON.parse(await Deno.readTextFile(join(REPO, "deno.json")));
  assert.match(version, /^\d+\.\d+\.\d+/);
  await withProject(async (project) => {
    const [odw, odwShort, pandacode] = await Promise.all([
      project.odw(["--version"]),
      project.odw(["-V"]),
      runCli(["--version"]),
    ]);
    assert.deepEqual([odw.code, odw.stdout, odw.stderr], [0, `odw ${version}\n`, ""]);
    assert.equal(odwShort.stdout, odw.stdout);
    assert.deepEqual([pandacode.code, pandacode.stdout], [0, `pandacode ${version}\n`]);
  });
});

/**
 * `odw init` through the real CLI: the files it creates (a config the config schema accepts, a named
 * example that passes `odw check`, runs by name on the mock and type-checks against the copied typings,
 * the skill and typings byte for byte), idempotence (a second run changes nothing), a user's edit kept
 * without `--force` and replaced with it, `--path`, and a file in the way.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseConfig } from "../../src/engine/config_schema.ts";
import { EXAMPLE_NAME } from "../../src/cli/init_files.ts";
import { REPO, withProject } from "../_support/odw.ts";
import { runBounded } from "../_support/processes.ts";

const CREATED = [
  ".odw/config.json",
  `.odw/workflows/${EXAMPLE_NAME}.js`,
  ".odw/odw.d.ts",
  ".odw/jsconfig.json",
  ".odw/.gitignore",
  ".claude/skills/odw/SKILL.md",
];

/** The action odw init printed for each file (`created`, `kept`, …). */
function actions(stdout: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of stdout.matchAll(/^ {2}(created|unchanged|kept|replaced) +(\S+)/gm)) {
    found[match[2]] = match[1];
  }
  return found;
}

Deno.test("odw init creates a working project; a second run changes nothing", async () => {
  await withProject(async (project) => {
    const first = await project.odw(["init"]);
    assert.equal(first.code, 0, first.stderr);
    assert.deepEqual(actions(first.stdout), Object.fromEntries(CREATED.map((path) => [path, "created"])));
    const configText = await Deno.readTextFile(project.path(".odw/config.json"));
    assert.deepEqual(parseConfig(configText, "config"), {
      defaults: { retries: 2, stallTimeout: 300_000 },
      phases: {},
      concurrency: { runtimes: {}, providers: {} },
    });
    assert.equal(
      await Deno.readTextFile(project.path(".claude/skills/odw/SKILL.md")),
      await Deno.readTextFile(join(REPO, "skills/odw/SKILL.md")),
    );
    assert.equal(
      await Deno.readTextFile(project.path(".odw/odw.d.ts")),
      await Deno.readTextFile(join(REPO, "odw.d.ts")),
    );
    const jsconfig = JSON.parse(await Deno.readTextFile(project.path(".odw/jsconfig.json")));
    assert.deepEqual(jsconfig.include, ["odw.d.ts", "workflows/**/*.js"]);

    const [again, check, typecheck, run] = await Promise.all([
      project.odw(["init"]),
      project.odw(["check", EXAMPLE_NAME]),
      runBounded(Deno.execPath(), {
        args: ["check", "--quiet", `.odw/workflows/${EXAMPLE_NAME}.js`],
        cwd: project.dir,
        env: { NO_COLOR: "1" },
        what: "deno check of the example workflow",
      }),
      project.odw(["exec", EXAMPLE_NAME, "--backend", "mock", "--json", "--quiet"]),
    ]);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(actions(again.stdout), Object.fromEntries(CREATED.map((path) => [path, "unchanged"])));
    assert.equal(check.code, 0, check.stderr);
    assert.match(check.stdout, new RegExp(`^ok: ${EXAMPLE_NAME} — `));
    assert.equal(typecheck.code, 0, typecheck.stdout + typecheck.stderr);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.json?.status, "completed");
    assert.equal(run.json?.agentCount, 4);
  });
});

Deno.test("the example's typings catch a wrong call once the file is edited", async () => {
  await withProject(async (project) => {
    assert.equal((await project.odw(["init"])).code, 0);
    const file = project.path(`.odw/workflows/${EXAMPLE_NAME}.js`);
    const text = await Deno.readTextFile(file);
    await Deno.writeTextFile(file, text.replace('label: "overview"', 'label: "overview", effort: "extreme"'));
    const typecheck = await runBounded(Deno.execPath(), {
      args: ["check", "--quiet", file],
      cwd: project.dir,
      env: { NO_COLOR: "1" },
      what: "deno check of the edited example",
    });
    assert.notEqual(typecheck.code, 0);
    assert.match(typecheck.stdout + typecheck.stderr, /"extreme"/);
  });
});

Deno.test("odw init keeps a user's file unless --force, and says which", async () => {
  await withProject(async (project) => {
    await project.write(".odw/config.json", '{ "backend": "mock" }\n');
    await project.write(".claude/skills/odw/SKILL.md", "my own notes\n");
    const kept = await project.odw(["init"]);
    assert.equal(kept.code, 0, kept.stderr);
    const seen = actions(kept.stdout);
    assert.equal(seen[".odw/config.json"], "kept");
    assert.equal(seen[".claude/skills/odw/SKILL.md"], "kept");
    assert.equal(seen[".odw/odw.d.ts"], "created");
    assert.match(kept.stdout, /kept your version of \.odw\/config\.json, \.claude\/skills\/odw\/SKILL\.md/);
    assert.equal(await Deno.readTextFile(project.path(".odw/config.json")), '{ "backend": "mock" }\n');
    assert.equal(await Deno.readTextFile(project.path(".claude/skills/odw/SKILL.md")), "my own notes\n");

    const forced = await project.odw(["init", "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(actions(forced.stdout)[".odw/config.json"], "replaced");
    assert.equal(actions(forced.stdout)[".odw/odw.d.ts"], "unchanged");
    assert.match(await Deno.readTextFile(project.path(".odw/config.json")), /"stallTimeout": "5m"/);
    assert.equal(
      await Deno.readTextFile(project.path(".claude/skills/odw/SKILL.md")),
      await Deno.readTextFile(join(REPO, "skills/odw/SKILL.md")),
    );
  });
});

Deno.test("odw init --path sets up another directory; a link is replaced, never written through", async () => {
  await withProject(async (project) => {
    const outside = await project.write("outside.txt", "do not touch\n");
    await Deno.mkdir(project.path("sub/.odw"), { recursive: true });
    await Deno.symlink(outside, project.path("sub/.odw/config.json"));
    const kept = await project.odw(["init", "--path", "sub"]);
    assert.equal(kept.code, 0, kept.stderr);
    assert.equal(actions(kept.stdout)[".odw/config.json"], "kept");
    assert.match(kept.stdout, new RegExp(`odw init: ${project.path("sub").replaceAll("/", "\\/")}`));
    const forced = await project.odw(["init", "--path", "sub", "--force"]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(await Deno.readTextFile(outside), "do not touch\n");
    assert.ok((await Deno.lstat(project.path("sub/.odw/config.json"))).isFile);
    assert.ok((await Deno.stat(project.path("sub/.odw/workflows"))).isDirectory);
  });
});

Deno.test("odw init: a file in the way, a directory where a file goes, a stray argument: one line, exit 2", async () => {
  await withProject(async (project) => {
    await project.write("blocked/.odw", "a file, not a folder\n");
    await Deno.mkdir(project.path("dir/.odw/config.json"), { recursive: true });
    const [blocked, directory, stray] = await Promise.all([
      project.odw(["init", "--path", "blocked"]),
      project.odw(["init", "--path", "dir", "--force"]),
      project.odw(["init", "somewhere"]),
    ]);
    assert.equal(blocked.code, 2);
    assert.match(
      blocked.stderr,
      /^odw: cannot write .*blocked\/\.odw\/config\.json: a file is in the way\n$/,
    );
    assert.equal(directory.code, 2);
    assert.match(directory.stderr, /^odw: cannot replace .*config\.json: it is not a regular file/);
    assert.equal(stray.code, 2);
    assert.equal(stray.stderr, 'odw: unexpected argument "somewhere" (use --path <dir>)\n');
  });
});

/**
 * The launchers as people get them: `scripts/odw` and `scripts/pandacode` run a code-split bundle built
 * on first use and rebuilt when a source changes, fall back to the sources when they cannot bundle
 * (or while another launcher is building), and `scripts/install.sh` puts both on PATH. Each case works
 * on a copy of the checkout, so building and editing never touch the one under test. Also
 * `deno task compile`: one line per binary it cannot build, and a bad target refused in one line.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runBounded } from "../_support/processes.ts";
import { withDeadline } from "../_support/deadline.ts";
import { compileFailure } from "../../scripts/compile.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** What the launchers and the bundles need of a checkout. */
const PARTS = ["src", "pandacode", "skills", "scripts", "examples", "deno.json", "deno.lock", "odw.d.ts"];

/** Runs `fn` with a copy of the checkout (without dist/), removed afterwards. */
async function withCheckoutCopy(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "odw-checkout-" });
  try {
    const copy = await runBounded("cp", { args: ["-r", ...PARTS, dir], cwd: ROOT, what: "cp checkout" });
    assert.equal(copy.code, 0, copy.stderr);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** Runs a launcher of the copy (`scripts/<name>`) in `cwd` (under the default process deadline). */
function launch(
  checkout: string,
  name: string,
  args: string[],
  cwd: string,
  env: Record<string, string> = {},
  deadlineMs?: number,
) {
  return runBounded(join(checkout, "scripts", name), {
    args,
    cwd,
    env,
    deadlineMs,
    what: `${name} ${args.join(" ")}`,
  });
}

/** The build the launcher of `name` uses now (`dist/launch/<name>.current`), or null. */
async function currentBuild(checkout: string, name: string): Promise<string | null> {
  return await Deno.readTextFile(join(checkout, "dist", "launch", `${name}.current`)).then((t) => t.trim())
    .catch(() => null);
}

Deno.test("scripts/odw builds its bundle on first use, runs hello from it with the report, and rebuilds after an edit", async () => {
  await withCheckoutCopy(async (checkout) => {
    const work = await Deno.makeTempDir({ prefix: "odw-launch-" });
    try {
      const first = await launch(
        checkout,
        "odw",
        ["exec", join(checkout, "examples/hello.js"), "--json"],
        work,
      );
      assert.equal(first.code, 0, first.stderr);
      const build = await currentBuild(checkout, "odw");
      assert.ok(build?.startsWith("odw-"), "a bundle was built");
      const out = JSON.parse(first.stdout);
      assert.equal(out.status, "completed");
      // The report's assets come from their own chunk of the bundle.
      const report = await Deno.readTextFile(out.report);
      assert.ok(report.includes("mermaid") && report.length > 2_000_000, "report.html with its assets");

      const again = await launch(checkout, "odw", ["--version"], work);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(await currentBuild(checkout, "odw"), build, "an unchanged checkout reuses its bundle");
      // The launcher passes stderr through (its own redirections stay its own).
      const bad = await launch(checkout, "odw", ["nope"], work);
      assert.deepEqual([bad.code, bad.stderr], [2, 'odw: unknown command "nope" (try odw --help)\n']);

      // The version lives in deno.json (src/common/version.ts imports it).
      const config = join(checkout, "deno.json");
      const source = await Deno.readTextFile(config);
      await Deno.writeTextFile(config, source.replace(/"version": "[^"]*"/, '"version": "9.9.9"'));
      const edited = await launch(checkout, "odw", ["--version"], work);
      assert.equal(edited.code, 0, edited.stderr);
      assert.match(edited.stdout, /9\.9\.9/);
      assert.notEqual(await currentBuild(checkout, "odw"), build, "the edit made a new bundle");
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  });
});

Deno.test("a command loads only what it uses: a FIFO in place of odw mcp's chunk stops nothing else", async () => {
  await withCheckoutCopy(async (checkout) => {
    const work = await Deno.makeTempDir({ prefix: "odw-launch-" });
    try {
      assert.equal((await launch(checkout, "odw", ["--version"], work)).code, 0);
      const build = join(checkout, "dist", "launch", (await currentBuild(checkout, "odw"))!);
      const chunk = [...Deno.readDirSync(build)].find((entry) => /^mcp-\w+\.js$/.test(entry.name));
      assert.ok(chunk, "the bundle has a chunk of its own for odw mcp");
      // require() for CommonJS chunks is made on first use: no chunk imports node:module (and with it
      // Node's compat layer) at start-up.
      for (const entry of Deno.readDirSync(build)) {
        if (!entry.name.endsWith(".js")) continue;
        const text = await Deno.readTextFile(join(build, entry.name));
        assert.doesNotMatch(text, /^import [^;]* from "node:module";$/m, `${entry.name} imports node:module`);
      }
      await Deno.remove(join(build, chunk.name));
      assert.equal((await runBounded("mkfifo", { args: [join(build, chunk.name)], what: "mkfifo" })).code, 0);
      // Were the chunks of every command read at start-up, opening the FIFO would block forever.
      for (const args of [["--version"], ["exec", join(checkout, "examples/hello.js"), "--quiet"]]) {
        const run = await launch(checkout, "odw", args, work, {}, 30_000);
        assert.equal(run.code, 0, run.stderr);
      }
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  });
});

Deno.test("a build a running odw uses is kept when newer builds clean up; once it ends, it goes", async () => {
  await withCheckoutCopy(async (checkout) => {
    const launchDir = join(checkout, "dist", "launch");
    const edit = async (version: string) => {
      const path = join(checkout, "deno.json");
      const config = JSON.parse(await Deno.readTextFile(path));
      await Deno.writeTextFile(path, JSON.stringify({ ...config, version }, null, 2));
      const run = await launch(checkout, "odw", ["--version"], checkout);
      assert.match(run.stdout, new RegExp(version.replaceAll(".", "\\.")));
      return (await currentBuild(checkout, "odw"))!;
    };
    const age = (build: string) =>
      runBounded("touch", { args: ["-d", "2 hours ago", join(launchDir, build)], what: "touch" });
    const builds = () =>
      [...Deno.readDirSync(launchDir)].map((e) => e.name).filter((n) => n.startsWith("odw-"));

    const first = await edit("1.0.1");
    // A long-running odw (the MCP server waits on its stdin) started from the first build.
    const server = new Deno.Command(join(checkout, "scripts", "odw"), {
      args: ["mcp"],
      cwd: checkout,
      stdin: "piped",
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      await withDeadline(
        (async () => {
          while (!(await Deno.readTextFile(`/proc/${server.pid}/cmdline`).catch(() => "")).includes(first)) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
        })(),
        30_000,
        "odw mcp running from the first build",
      );
      await age(first);
      await edit("1.0.2");
      assert.ok(builds().includes(first), "the build in use stays");
    } finally {
      await server.stdin.close();
      await withDeadline(server.status, 30_000, "odw mcp to end").catch(() => server.kill("SIGKILL"));
    }
    await age(first);
    const third = await edit("1.0.3");
    const left = builds();
    assert.ok(!left.includes(first), `the build nothing uses any more is removed: ${left}`);
    assert.ok(left.includes(third));
  });
});

Deno.test("the launchers run the sources when they cannot bundle, while another builds, or when told to", async () => {
  await withCheckoutCopy(async (checkout) => {
    // Told to: no bundle is made.
    const fromSource = await launch(checkout, "odw", ["--version"], checkout, { ODW_FROM_SOURCE: "1" });
    assert.equal(fromSource.code, 0, fromSource.stderr);
    assert.equal(await currentBuild(checkout, "odw"), null);
    // Another launcher is building (its lock is fresh): run at once from the sources, no waiting.
    await Deno.mkdir(join(checkout, "dist", "launch", ".lock-odw"), { recursive: true });
    const locked = await launch(
      checkout,
      "odw",
      ["exec", join(checkout, "examples/hello.js"), "--quiet"],
      checkout,
    );
    assert.equal(locked.code, 0, locked.stderr);
    assert.match(locked.stdout, /mock reply/);
    assert.equal(await currentBuild(checkout, "odw"), null);
    // dist/ cannot be made (a file is in the way): still runs.
    await Deno.remove(join(checkout, "dist"), { recursive: true });
    await Deno.writeTextFile(join(checkout, "dist"), "not a directory");
    const blocked = await launch(checkout, "pandacode", ["--version"], checkout);
    assert.equal(blocked.code, 0, blocked.stderr);
    assert.match(blocked.stdout, /^pandacode \d+\.\d+\.\d+/);
    assert.equal(blocked.stderr, "");
  });
});

Deno.test("scripts/pandacode runs its own bundle", async () => {
  await withCheckoutCopy(async (checkout) => {
    const run = await launch(checkout, "pandacode", ["providers", "--json"], checkout);
    assert.equal(run.code, 0, run.stderr);
    assert.ok((JSON.parse(run.stdout) as Array<{ id: string }>).some((p) => p.id === "deepseek"));
    assert.ok((await currentBuild(checkout, "pandacode"))?.startsWith("pandacode-"));
  });
});

Deno.test("scripts/install.sh puts working odw and pandacode launchers in --prefix; foreign files are kept", async () => {
  await withCheckoutCopy(async (checkout) => {
    const prefix = join(checkout, "bin");
    const install = () => runBounded(join(checkout, "scripts/install.sh"), { args: ["--prefix", prefix] });
    const first = await install();
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^Deno: \S+deno .*2\.\d+\.\d+/m);
    assert.match(first.stdout, /is not on PATH/);
    const odw = await runBounded(join(prefix, "odw"), { args: ["--version"], cwd: prefix });
    assert.equal(odw.code, 0, odw.stderr);
    const pandacode = await runBounded(join(prefix, "pandacode"), { args: ["--version"], cwd: prefix });
    assert.match(pandacode.stdout, /^pandacode \d+\.\d+\.\d+/);
    assert.equal((await install()).code, 0, "installing again replaces its own launchers");

    await Deno.writeTextFile(join(prefix, "odw"), "#!/bin/sh\necho mine\n");
    const refused = await install();
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /bin\/odw exists and is not ours; left as it is/);
    assert.equal(await Deno.readTextFile(join(prefix, "odw")), "#!/bin/sh\necho mine\n");
    const bad = await runBounded(join(checkout, "scripts/install.sh"), { args: ["--bogus"] });
    assert.equal(bad.code, 2);
    assert.equal(bad.stderr.trim().split("\n").length, 1);
  });
});

Deno.test("deno task compile: built, or one line per binary it cannot build; a bad target is one line, exit 2", async () => {
  // Where the runtime can be downloaded, compiling both binaries takes minutes, not seconds.
  const compile = (args: string[]) =>
    runBounded(Deno.execPath(), {
      args: ["run", "-A", "scripts/compile.ts", ...args],
      cwd: ROOT,
      what: "compile",
      deadlineMs: 600_000,
    });
  const bad = await compile(["--target", "pdp11"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^compile: unknown target "pdp11" \(one of x86_64-unknown-linux-gnu, /);
  assert.equal(bad.stderr.trim().split("\n").length, 1);

  const host = "x86_64-unknown-linux-gnu";
  const run = await compile(["--target", host]);
  const lines = (run.stdout + run.stderr).trim().split("\n");
  assert.equal(lines.length, 2, "one line per binary");
  for (const [i, name] of ["odw", "pandacode"].entries()) {
    assert.match(lines[i], new RegExp(`^dist/${name}-${host}: (built|not built: .+)$`));
  }
  if (run.code === 0) {
    const version = await runBounded(join(ROOT, `dist/odw-${host}`), { args: ["--version"] });
    assert.match(version.stdout, /0\.\d+\.\d+/);
  } else {
    assert.equal(run.code, 1);
    assert.doesNotMatch(run.stderr, /Stack backtrace|Caused by/);
  }
});

Deno.test("the compiled binaries' entry takes in the report's assets and odw init's files", async () => {
  const info = await runBounded(Deno.execPath(), {
    args: ["info", "--json", "src/cli/bundle.ts"],
    cwd: ROOT,
    what: "deno info src/cli/bundle.ts",
  });
  assert.equal(info.code, 0, info.stderr);
  const modules = (JSON.parse(info.stdout) as { modules: Array<{ specifier: string }> }).modules
    .map((m) => m.specifier);
  for (const embedded of ["src/report/assets_embedded.ts", "src/cli/init_assets_embedded.ts"]) {
    assert.ok(modules.some((m) => m.endsWith(embedded)), `${embedded} is in the compiled graph`);
  }
  assert.ok(modules.some((m) => m.includes("mermaid.tiny.js")), "mermaid is embedded");
  assert.ok(modules.some((m) => m.endsWith("skills/odw/SKILL.md")), "the skill is embedded");
});

Deno.test("compileFailure names the runtime download it could not make, else Deno's first error line", () => {
  const offline = "Download https://dl.deno.land/release/v2.9.6/denort-x86_64-apple-darwin.zip\n" +
    "error: Writing deno compile executable\n\nCaused by:\n    0: error sending request for url (…): dns error";
  assert.equal(
    compileFailure(offline),
    "cannot download the Deno runtime for this target " +
      "(https://dl.deno.land/release/v2.9.6/denort-x86_64-apple-darwin.zip); build on a release machine",
  );
  assert.equal(compileFailure('error: Module not found "x.ts".\n  at y'), 'Module not found "x.ts".');
});

Deno.test("the launchers work through a symlink to them or to their scripts/ folder", async () => {
  await withCheckoutCopy(async (checkout) => {
    const elsewhere = await Deno.makeTempDir({ prefix: "odw-links-" });
    try {
      await Deno.symlink(join(checkout, "scripts", "odw"), join(elsewhere, "odw"));
      await Deno.symlink(join(checkout, "scripts"), join(elsewhere, "scripts"));
      for (const launcher of [join(elsewhere, "odw"), join(elsewhere, "scripts", "odw")]) {
        const run = await runBounded(launcher, { args: ["--version"], cwd: elsewhere, what: launcher });
        assert.equal(run.code, 0, `${launcher}: ${run.stderr}`);
        assert.match(run.stdout, /\d+\.\d+\.\d+/);
      }
    } finally {
      await Deno.remove(elsewhere, { recursive: true });
    }
  });
});

Deno.test("a Deno on PATH older than 2.9 is passed over for the pinned one; 2.9 or newer is used", async () => {
  const bin = await Deno.makeTempDir({ prefix: "odw-fake-deno-" });
  try {
    const used = join(bin, "used");
    const fake = (version: string) =>
      Deno.writeTextFile(
        join(bin, "deno"),
        `#!/bin/sh\nif [ "$1" = --version ]; then echo "deno ${version} (stable)"; exit 0; fi\ntouch "${used}"; exit 7\n`,
        { mode: 0o755 },
      );
    const env = { PATH: `${bin}:${Deno.env.get("PATH")}`, ODW_FROM_SOURCE: "1" };
    await fake("2.4.1");
    const old = await runBounded(join(ROOT, "scripts", "odw"), {
      args: ["--version"],
      env,
      what: "odw, deno 2.4.1 on PATH",
    });
    assert.equal(old.code, 0, old.stderr);
    assert.equal(await Deno.stat(used).then(() => true, () => false), false, "the old Deno ran");
    await fake("2.10.0");
    const newer = await runBounded(join(ROOT, "scripts", "odw"), {
      args: ["--version"],
      env,
      what: "odw, deno 2.10 on PATH",
    });
    assert.equal(newer.code, 7, "a newer Deno on PATH is the one used");
    assert.ok(await Deno.stat(used), "the newer Deno ran");
  } finally {
    await Deno.remove(bin, { recursive: true });
  }
});

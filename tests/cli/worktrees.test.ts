/**
 * Worktree isolation through the real CLI: `odw exec` in a temporary repository (worktrees made under
 * the process's TMPDIR and gone afterwards, branches and diff stats in the journal), `odw worktrees
 * list` / `prune` (all, one run, stale worktrees of killed runs removed, live ones kept unless
 * `--force`), and one clear line with a non-zero exit for bad usage, outside a repository, and for an
 * isolated node in a project that is not a repository.
 *
 * @module
 */
import assert from "node:assert/strict";
import { dirname, join } from "node:path";
import { OdwProject, runProcess, stackLines, workflowSource } from "../_support/odw.ts";
import { withRepo } from "../_support/git_repo.ts";
import type { WorktreeResult } from "../../src/common/contract.ts";
import { spawnBounded } from "../_support/processes.ts";

const SCRIPT = workflowSource(`return await parallel([
  () => agent("A", { label: "Edit A", isolation: "worktree" }),
  () => agent("B", { label: "Edit B", isolation: "worktree" }),
]);`);

const SCENARIO = JSON.stringify({
  rules: [
    { label: "Edit A", writeFiles: { "src/app.txt": "from A\n" }, reply: "a done" },
    { label: "Edit B", writeFiles: { "src/app.txt": "from B\nmore\n", "docs/b.md": "b\n" }, reply: "b done" },
  ],
});

async function branches(git: (...args: string[]) => Promise<string>): Promise<string[]> {
  return (await git("for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/odw/")).split("\n").filter(
    Boolean,
  );
}

/** The journaled worktree record of each node, by label. */
async function worktreesOf(project: OdwProject, runDir: string): Promise<Record<string, WorktreeResult>> {
  const records: Record<string, WorktreeResult> = {};
  for (const e of (await project.readRun(runDir)).events) {
    if (e.type === "node.finished" && e.worktree) records[e.label] = e.worktree;
  }
  return records;
}

Deno.test("odw exec runs worktree nodes in temporary worktrees; odw worktrees lists and prunes their branches", async () => {
  await withRepo(async (repo) => {
    await repo.commit({ "src/app.txt": "original\n" });
    const project = new OdwProject(repo.dir);
    await project.write("wf.js", SCRIPT);
    await project.write("scenario.json", SCENARIO);
    const tmp = await Deno.makeTempDir({ prefix: "odw-tmpdir-" });
    try {
      const env = { TMPDIR: tmp };
      const args = ["exec", "wf.js", "--json", "--mock-scenario", "scenario.json"];
      const run = await project.odw(args, { env });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.json?.result, ["a done", "b done"]);
      assert.deepEqual([...Deno.readDirSync(tmp)], [], "worktree directories removed");
      const runId = String(run.json?.runId);
      const stats = await worktreesOf(project, String(run.json?.runDir));
      assert.deepEqual(stats["Edit A"].diffStat, { filesChanged: 1, insertions: 1, deletions: 1 });
      assert.deepEqual(stats["Edit B"].diffStat, { filesChanged: 2, insertions: 3, deletions: 1 });
      // Progress on stderr says where each node's changes went.
      const progress = run.stderr.split("\n");
      assert.ok(progress.includes(`▸ worktree ${stats["Edit A"].branch}: 1 file +1 -1`), run.stderr);
      assert.ok(progress.includes(`▸ worktree ${stats["Edit B"].branch}: 2 files +3 -1`), run.stderr);

      const list = await project.odw(["worktrees", "list", "--json"], { env });
      assert.equal(list.code, 0, list.stderr);
      const rows = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
      assert.deepEqual(rows.map((r) => [r.runId, r.label, r.state, r.diffStat]).sort(), [
        [runId, "Edit A", "kept", { filesChanged: 1, insertions: 1, deletions: 1 }],
        [runId, "Edit B", "kept", { filesChanged: 2, insertions: 3, deletions: 1 }],
      ]);
      assert.deepEqual(rows.map((r) => r.branch).sort(), [stats["Edit A"].branch, stats["Edit B"].branch]);
      const table = await project.odw(["worktrees"], { env });
      assert.match(table.stdout, /^RUN +NODE +LABEL +CHANGES +DATE +STATE\n/);
      assert.match(
        table.stdout,
        new RegExp(`${runId} +edit-b-[0-9a-f]{8} +Edit B +2 files \\+3 -1 +\\S+ \\S+ +kept`),
      );

      const other = await project.odw(["worktrees", "prune", "--run", "20000101-000000-000000"]);
      assert.equal(other.stdout.trim(), "no odw branches of run 20000101-000000-000000 to prune");
      const pruned = await project.odw(["worktrees", "prune", "--run", runId]);
      assert.equal(pruned.code, 0, pruned.stderr);
      assert.equal(pruned.stdout.trim(), `deleted 2 branches of run ${runId}`);
      assert.equal((await project.odw(["worktrees"])).stdout.trim(), "no odw branches");
      assert.deepEqual(await branches(repo.git.bind(repo)), []);
    } finally {
      await Deno.remove(tmp, { recursive: true });
    }
  });
});

Deno.test("odw worktrees: a killed run's worktree is stale and pruned; a live one is kept unless --force", async () => {
  await withRepo(async (repo) => {
    const exited = spawnBounded("true");
    await exited.output();
    const dead = exited.pid;
    // Worktrees as odw makes them (one per temporary odw-wt- folder), locked by a process that is gone
    // and by one that lives (this one).
    const root = await Deno.makeTempDir({ prefix: "odw-wt-test-" }); // removed even when the test fails
    const dirs: Record<string, string> = {};
    for (const [name, pid] of [["stale-00000000", dead], ["live-00000000", Deno.pid]] as const) {
      dirs[name] = join(await Deno.makeTempDir({ dir: root, prefix: "odw-wt-" }), "repo");
      const lock = ["--lock", "--reason", `odw run r1 pid ${pid}`];
      await repo.git("worktree", "add", "-q", ...lock, "-b", `odw/r1/${name}`, dirs[name]);
    }
    try {
      await checkPrune(new OdwProject(repo.dir), dirs, repo.git.bind(repo));
    } finally {
      await Deno.remove(root, { recursive: true });
    }
  });
});

/** Lists and prunes a stale and a live worktree (see the test above). */
async function checkPrune(
  project: OdwProject,
  dirs: Record<string, string>,
  git: (...args: string[]) => Promise<string>,
): Promise<void> {
  const rows = JSON.parse((await project.odw(["worktrees", "list", "--json"])).stdout) as Array<
    Record<string, unknown>
  >;
  assert.deepEqual(rows.map((r) => [r.node, r.state, r.diffStat]).sort(), [
    ["live-00000000", "in use", null],
    ["stale-00000000", "stale", null],
  ]);
  const pruned = await project.odw(["worktrees", "prune"]);
  assert.equal(pruned.code, 0, pruned.stderr);
  assert.equal(
    pruned.stdout,
    "deleted 1 branch\nkept 1 in use (their nodes are still running; --force removes them)\n",
  );
  assert.deepEqual(await branches(git), ["odw/r1/live-00000000"]);
  const stale = dirname(dirs["stale-00000000"]);
  await assert.rejects(Deno.stat(stale), Deno.errors.NotFound, "the stale worktree and its folder removed");
  assert.ok((await Deno.stat(join(dirs["live-00000000"], "README.md"))).isFile, "the live one untouched");
  const forced = await project.odw(["worktrees", "prune", "--force"]);
  assert.equal(forced.stdout, "deleted 1 branch\n");
  await assert.rejects(Deno.stat(dirname(dirs["live-00000000"])), Deno.errors.NotFound);
  assert.equal((await git("worktree", "list", "--porcelain")).match(/^worktree /gm)?.length, 1);
}

Deno.test("odw worktrees: bad usage and no repository give one line and exit 2; --help exits 0", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-norepo-" });
  try {
    const project = new OdwProject(dir);
    const cases: Array<[string[], RegExp]> = [
      [["worktrees"], /^odw: not in a git repository: \//],
      [["worktrees", "frob"], /^odw: unknown worktrees action "frob" \(use list or prune\)$/],
      [["worktrees", "list", "extra"], /^odw: unexpected argument "extra"$/],
      [["worktrees", "prune", "--run", "../x"], /^odw: --run expects a run id like .*, got "\.\.\/x"$/],
      [["worktrees", "list", "--force"], /^odw: --force goes with prune$/],
      [["worktrees", "prune", "--json"], /^odw: --json goes with list$/],
      [["worktrees", "--nope"], /^odw: unknown option --nope \(try odw worktrees --help\)$/],
    ];
    for (const [args, message] of cases) {
      const run = await project.odw(args);
      assert.equal(run.code, 2, args.join(" "));
      assert.equal(run.stderr.trim().split("\n").length, 1, run.stderr);
      assert.match(run.stderr.trim(), message);
      assert.deepEqual(stackLines(run.stderr), []);
    }
    const help = await project.odw(["worktrees", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: odw worktrees \[list\|prune\]/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("odw exec: an isolated node outside a git repository fails the run with WorktreeIsolationError", async () => {
  const dir = await Deno.makeTempDir({ prefix: "odw-norepo-" });
  try {
    const project = new OdwProject(dir);
    await project.write("wf.js", workflowSource(`return await agent("x", { isolation: "worktree" });`));
    const run = await project.odw(["exec", "wf.js"]);
    assert.equal(run.code, 1);
    const [header, ...lines] = run.stderr.trim().split("\n");
    assert.match(header, /^odw: backend mock · /, "the run header");
    assert.match(
      lines[0],
      /^WorktreeIsolationError: Cannot create agent worktree: not in a git repository \(/,
    );
    assert.deepEqual(stackLines(run.stderr), []);
    const git = await runProcess("git", ["-C", dir, "rev-parse"], dir);
    assert.notEqual(git.code, 0, "odw did not make the directory a repository");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("odw exec: without git on PATH an isolated node fails the run with a clear WorktreeIsolationError", async () => {
  await withRepo(async (repo) => {
    const project = new OdwProject(repo.dir);
    await project.write("wf.js", workflowSource(`return await agent("x", { isolation: "worktree" });`));
    const run = await project.odw(["exec", "wf.js", "--quiet"], { env: { PATH: "/nonexistent" } });
    assert.equal(run.code, 1);
    assert.equal(
      run.stderr.trim(),
      "WorktreeIsolationError: Cannot create agent worktree: git was not found on PATH",
    );
  });
});

Deno.test("odw resume reuses a finished worktree node from its branch without running it again", async () => {
  await withRepo(async (repo) => {
    const project = new OdwProject(repo.dir);
    await project.write(
      "wf.js",
      workflowSource(`const edit = await agent("edit", { label: "Edit", isolation: "worktree" });
const check = await agent("check", { label: "Check" });
return [edit, check];`),
    );
    // The first run: the worktree node edits and finishes, the plain node fails (so the run is resumed).
    await project.write(
      "first.json",
      JSON.stringify({
        rules: [{ label: "Edit", writeFiles: { "done.txt": "1\n" } }, { label: "Check", fail: "x" }],
      }),
    );
    // A re-run of the worktree node would show: it would fail, and leave a second branch.
    await project.write("second.json", JSON.stringify({ rules: [{ label: "Edit", fail: "ran again" }] }));
    const first = await project.odw(["exec", "wf.js", "--mock-scenario", "first.json", "--json", "--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    const before = await branches(repo.git.bind(repo));
    assert.equal(before.length, 1);
    const original = (await worktreesOf(project, String(first.json?.runDir))).Edit;

    const resumed = await project.odw([
      "resume",
      String(first.json?.runId),
      "--mock-scenario",
      "second.json",
      "--json",
      "--quiet",
    ]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((resumed.json?.result as unknown[])[0], (first.json?.result as unknown[])[0]);
    assert.equal((resumed.json?.resume as { reused: string[] }).reused.length, 1);
    assert.deepEqual((await worktreesOf(project, String(resumed.json?.runDir))).Edit, original);
    assert.deepEqual(await branches(repo.git.bind(repo)), before, "no new branch: nothing ran again");
  });
});

Deno.test("odw worktrees: a hostile label reaches neither git's branch name nor the terminal raw", async () => {
  await withRepo(async (repo) => {
    const project = new OdwProject(repo.dir);
    const label = "evil\u202e\x1b[2J\x07 ../..\\.lock @{x}\nsecond line";
    await project.write(
      "wf.js",
      workflowSource(`return await agent("x", { label: ${JSON.stringify(label)}, isolation: "worktree" });`),
    );
    const run = await project.odw(["exec", "wf.js", "--quiet"]);
    assert.equal(run.code, 0, run.stderr);
    const [branch] = await branches(repo.git.bind(repo));
    assert.match(branch, /^odw\/[0-9a-f-]+\/evil-2j-lock-x-second-line-[0-9a-f]{8}$/);
    const table = await project.odw(["worktrees"]);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(table.stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
    assert.ok(table.stdout.includes(String.raw`evil\u202e [2J ../..\.lock @{x} second …`), table.stdout);
    const json = await project.odw(["worktrees", "list", "--json"]);
    // deno-lint-ignore no-control-regex
    assert.doesNotMatch(json.stdout, /[\u202e\x1b]/);
    assert.equal(JSON.parse(json.stdout)[0].label, "evil\u202e [2J ../..\\.lock @{x} second line");
  });
});

/**
 * Worktree isolation in real runs (the engine in-process, the mock backend editing files as an agent
 * would, real git in temporary repositories): parallel nodes editing the same file, the user's
 * uncommitted and untracked files inside the worktree, branches and diff stats in the journal, the
 * user's working tree and index untouched, schema tries sharing one worktree, a timed-out node's
 * partial edits kept, a repository without commits, a project in a subdirectory, and the clear error
 * outside a repository; twelve worktrees made at once (git's admin folders are not safe to race).
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { NodeResultSchema } from "../../src/common/contract_schema.ts";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";
import { withRepo } from "../_support/git_repo.ts";

const BRANCH = /^odw\/\d{8}-\d{6}-[0-9a-f]{6}\/[a-z0-9_-]+-[0-9a-f]{8}$/;

Deno.test("two parallel worktree nodes edit the same file without collision; user's tree and index untouched", async () => {
  await withRepo(async (repo) => {
    await repo.commit({ "shared.txt": "base\n", "staged.txt": "committed\n" });
    // Uncommitted work of every kind: a modified file, a staged change, an untracked file.
    await repo.write("shared.txt", "base\nuser edit\n");
    await repo.write("staged.txt", "staged change\n");
    await repo.git("add", "staged.txt");
    await repo.write("untracked.txt", "mine\n");
    const before = await repo.state();

    const { outcome, events } = await runScript(
      withMeta(`return await parallel([
        () => agent("edit A", { label: "edit a", isolation: "worktree" }),
        () => agent("edit B", { label: "edit b", isolation: "worktree" }),
      ]);`),
      {
        projectDir: repo.dir,
        scenario: {
          rules: [
            { label: "edit a", writeFiles: { "shared.txt": "A\n" }, delayMs: 400, replyFile: "shared.txt" },
            {
              label: "edit b",
              writeFiles: { "shared.txt": "B\n", "b/new.txt": "x\ny\n" },
              delayMs: 400,
              replyFile: "shared.txt",
            },
          ],
        },
      },
    );
    assert.equal(outcome.status, "completed", outcome.error);
    // Each node read back its own edit after both had written theirs.
    assert.deepEqual(outcome.result, ["A\n", "B\n"]);
    assert.deepEqual(await repo.state(), before, "the user's tree, index and status are untouched");

    const finished = eventsOf(events, "node.finished");
    const byLabel = Object.fromEntries(finished.map((e) => [e.label, e.worktree!]));
    for (const wt of Object.values(byLabel)) assert.match(wt.branch, BRANCH);
    assert.ok(byLabel["edit a"].branch.startsWith(`odw/${outcome.runId}/edit-a-`));
    assert.notEqual(byLabel["edit a"].branch, byLabel["edit b"].branch);
    assert.deepEqual(byLabel["edit a"].diffStat, { filesChanged: 1, insertions: 1, deletions: 2 });
    assert.deepEqual(byLabel["edit b"].diffStat, { filesChanged: 2, insertions: 3, deletions: 2 });
    assert.equal(await repo.show(byLabel["edit a"].branch, "shared.txt"), "A");
    assert.equal(await repo.show(byLabel["edit b"].branch, "shared.txt"), "B");
    assert.equal(await repo.show(byLabel["edit b"].branch, "b/new.txt"), "x\ny");
    // The snapshot under each node's commit is the user's tree as it was on disk.
    for (const wt of Object.values(byLabel)) {
      assert.equal(await repo.show(wt.base, "shared.txt"), "base\nuser edit");
      assert.equal(await repo.show(wt.base, "staged.txt"), "staged change");
      assert.equal(await repo.show(wt.base, "untracked.txt"), "mine");
      assert.equal(await repo.git("rev-parse", `${wt.commit}^`), wt.base);
      assert.equal(await repo.git("rev-parse", wt.branch), wt.commit);
      assert.ok(!(await repo.files(wt.branch)).some((f) => f.startsWith(".odw/")), "run records left out");
    }
    // The worktrees are gone; the branches stay; the user's branch did not move.
    assert.equal((await repo.git("worktree", "list", "--porcelain")).match(/^worktree /gm)?.length, 1);
    assert.equal(await repo.git("rev-parse", "--abbrev-ref", "HEAD"), "main");
  });
});

Deno.test("the user's uncommitted and untracked files are visible inside the worktree; ignored ones are not", async () => {
  await withRepo(async (repo) => {
    await repo.commit({ ".gitignore": "secret.env\n" });
    await repo.write("README.md", "# project\nuncommitted line\n");
    await repo.write("notes/todo.txt", "untracked\n");
    await repo.write("secret.env", "KEY=1\n");
    const { outcome } = await runScript(
      withMeta(`return await parallel(["README.md", "notes/todo.txt", "secret.env"].map((f) =>
        () => agent("read " + f, { label: f, isolation: "worktree" })));`),
      {
        projectDir: repo.dir,
        scenario: {
          rules: ["README.md", "notes/todo.txt", "secret.env"].map((f) => ({ label: f, replyFile: f })),
        },
      },
    );
    assert.equal(outcome.status, "completed", outcome.error);
    assert.deepEqual(
      outcome.result,
      ["# project\nuncommitted line\n", "untracked\n", null],
      outcome.logs.join("\n"),
    );
    assert.ok(
      outcome.logs.includes("[secret.env] failed: mock: cannot read secret.env: no such file"),
      outcome.logs.join("\n"),
    );
  });
});

Deno.test("schema tries of one node share its worktree; the journaled result carries the branch", async () => {
  await withRepo(async (repo) => {
    const { outcome, events } = await runScript(
      withMeta(`return await agent("count", { label: "counter", isolation: "worktree",
        schema: { type: "object", properties: { n: { type: "integer" } }, required: ["n"] } });`),
      {
        projectDir: repo.dir,
        scenario: {
          rules: [{
            label: "counter",
            sequence: [
              { writeFiles: { "answer.json": '{"n": 7}\n' }, output: { n: "seven" } },
              { replyFile: "answer.json" },
            ],
          }],
        },
      },
    );
    assert.equal(outcome.status, "completed", outcome.error);
    assert.deepEqual(outcome.result, { n: 7 });
    const [finished] = eventsOf(events, "node.finished");
    assert.equal(finished.attempts, 2);
    assert.deepEqual(finished.worktree?.diffStat, { filesChanged: 1, insertions: 1, deletions: 0 });
    assert.equal((await repo.git("branch", "--list", "odw/*")).split("\n").length, 1, "one branch per node");
    // What resume reuses: the journaled event as a NodeResult, branch included.
    const reused = NodeResultSchema.parse({ ...finished, value: finished.value });
    assert.equal(reused.worktree?.branch, finished.worktree?.branch);
  });
});

Deno.test("a timed-out node's partial edits are committed on its branch", async () => {
  await withRepo(async (repo) => {
    const { outcome, events } = await runScript(
      withMeta(`return await agent("slow", { label: "slow", isolation: "worktree", timeout: "300ms" });`),
      {
        projectDir: repo.dir,
        scenario: { rules: [{ label: "slow", writeFiles: { "half.txt": "half done\n" }, hang: true }] },
      },
    );
    assert.equal(outcome.result, null);
    const [finished] = eventsOf(events, "node.finished");
    assert.equal(finished.status, "timeout");
    assert.equal(await repo.show(finished.worktree!.branch, "half.txt"), "half done");
    assert.equal(finished.worktree?.commit, await repo.git("rev-parse", finished.worktree!.branch));
  });
});

Deno.test("a repository without commits, the project in a subdirectory of it", async () => {
  await withRepo(async (repo) => {
    await repo.write("app/main.ts", "console.log(1);\n");
    const { outcome, events } = await runScript(
      withMeta(`return await agent("edit", { label: "edit", isolation: "worktree" });`),
      {
        projectDir: join(repo.dir, "app"),
        scenario: {
          rules: [{ label: "edit", writeFiles: { "here.txt": "in app\n" }, replyFile: "main.ts" }],
        },
      },
    );
    assert.equal(outcome.status, "completed", outcome.error);
    assert.equal(
      outcome.result,
      "console.log(1);\n",
      "the node runs in the project's folder of the worktree",
    );
    const [finished] = eventsOf(events, "node.finished");
    assert.deepEqual((await repo.files(finished.worktree!.branch)).sort(), ["app/here.txt", "app/main.ts"]);
    assert.equal(await repo.git("rev-list", "--count", finished.worktree!.branch), "2");
  }, { empty: true });
});

Deno.test("not a git repository: agent({isolation: 'worktree'}) throws WorktreeIsolationError at the first such node", async () => {
  const { outcome, events } = await runScript(withMeta(`log("before");
    await agent("plain", { label: "plain" });
    try { await agent("x", { isolation: "worktree" }); } catch (e) { log(e.name); }
    await agent("y", { isolation: "worktree" });
    log("unreached");`));
  assert.equal(outcome.status, "failed");
  assert.match(
    outcome.error ?? "",
    /^WorktreeIsolationError: Cannot create agent worktree: not in a git repository \(\/.*\); run "git init" there, or drop isolation: "worktree"$/,
  );
  assert.deepEqual(outcome.logs, ["before", "WorktreeIsolationError"]);
  assert.deepEqual(
    eventsOf(events, "node.started").map((e) => e.label),
    ["plain"],
    "no isolated node started",
  );
});

Deno.test("twelve worktree nodes started at once all get their worktree (git's admin folders never raced)", async () => {
  await withRepo(async (repo) => {
    const labels = Array.from({ length: 12 }, (_, i) => `n${i}`);
    const { outcome } = await runScript(
      withMeta(`return await parallel(${JSON.stringify(labels)}.map((label) =>
        () => agent("edit", { label, isolation: "worktree" })));`),
      {
        projectDir: repo.dir,
        concurrency: 12,
        scenario: {
          rules: labels.map((label) => ({ label, replyFile: "README.md", writeFiles: { [label]: label } })),
        },
      },
    );
    assert.equal(outcome.status, "completed", outcome.error);
    assert.deepEqual(outcome.result, labels.map(() => "# project\n"), outcome.logs.join("\n"));
    const branches = (await repo.git("branch", "--list", "odw/*", "--format=%(refname:short)")).split("\n");
    assert.equal(branches.length, 12);
    assert.equal((await repo.git("worktree", "list", "--porcelain")).match(/^worktree /gm)?.length, 1);
  });
});

/**
 * When git cannot do its part, the node fails with one clear line and nothing is left behind: a
 * worktree that cannot be made (its branch name blocked) fails the node before any try, with no
 * temporary directory left; changes that cannot be saved (the agent broke the worktree's `.git`) fail
 * the node naming its branch and the kept worktree directory; a checkout that fails in the new
 * worktree leaves nothing registered. Also: a branch name already taken gets a
 * suffix instead of failing.
 *
 * @module
 */
import assert from "node:assert/strict";
import { MockBackend } from "../../src/backends/mock.ts";
import { parseScenario, type Scenario } from "../../src/backends/mock_scenario.ts";
import type { NodeResult, NodeSpec } from "../../src/common/contract.ts";
import { NodeRunner } from "../../src/engine/node_runner.ts";
import { branchName } from "../../src/git/branch_name.ts";
import { WorktreeIsolation } from "../../src/git/worktree.ts";
import { type TempRepo, withRepo } from "../_support/git_repo.ts";

async function runIsolated(repo: TempRepo, scenario: Scenario, spec: Partial<NodeSpec> = {}) {
  const tempRoot = await Deno.makeTempDir({ prefix: "odw-wt-root-" });
  const isolation = new WorktreeIsolation({ projectDir: repo.dir, runId: "r1", tempRoot });
  const runner = new NodeRunner(new MockBackend(parseScenario(scenario)), repo.dir, {}, isolation);
  const result: NodeResult = await runner.run(
    { key: "k#1", prompt: "edit", label: "edit", isolation: "worktree", ...spec },
    { signal: new AbortController().signal },
  );
  const left = [...Deno.readDirSync(tempRoot)].map((e) => e.name);
  return { result, tempRoot, left };
}

Deno.test("a worktree that cannot be made fails the node before any try; no temporary directory is left", async () => {
  await withRepo(async (repo) => {
    await repo.git("branch", "odw"); // refs/heads/odw blocks every refs/heads/odw/… branch
    const { result, tempRoot, left } = await runIsolated(repo, { default: { writeFiles: { "x.txt": "x" } } });
    try {
      assert.equal(result.status, "failed");
      assert.equal(result.attempts, 0);
      assert.equal(result.error?.kind, "internal");
      assert.match(
        result.error?.message ?? "",
        /^Cannot create agent worktree: git branch failed: .*refs\/heads\/odw/,
      );
      assert.ok(!result.error?.message.includes("\n"));
      assert.deepEqual(left, []);
      assert.equal(result.worktree, undefined);
    } finally {
      await Deno.remove(tempRoot, { recursive: true });
    }
  });
});

Deno.test("a checkout that fails in the new worktree leaves no registration, branch or directory", async () => {
  await withRepo(async (repo) => {
    // A filter whose smudge step fails: the snapshot (clean) works, checking files out does not.
    await repo.git("config", "filter.boom.clean", "cat");
    await repo.git("config", "filter.boom.smudge", "false");
    await repo.git("config", "filter.boom.required", "true");
    await repo.commit({ ".gitattributes": "*.txt filter=boom\n", "a.txt": "a\n" });
    const { result, tempRoot, left } = await runIsolated(repo, { default: { writeFiles: { "x.txt": "x" } } });
    try {
      assert.equal(result.status, "failed");
      assert.equal(result.attempts, 0);
      assert.match(result.error?.message ?? "", /^Cannot create agent worktree: git reset failed/);
      assert.deepEqual(left, []);
      assert.equal(await repo.git("branch", "--list", "odw/*"), "");
      assert.equal((await repo.git("worktree", "list", "--porcelain")).match(/^worktree /gm)?.length, 1);
    } finally {
      await Deno.remove(tempRoot, { recursive: true });
    }
  });
});

Deno.test("changes that cannot be saved fail the node, naming the branch and the kept worktree", async () => {
  await withRepo(async (repo) => {
    const { result, tempRoot, left } = await runIsolated(repo, {
      default: {
        writeFiles: { ".git": "gitdir: /nonexistent/odw\n", "work.txt": "precious\n" },
        reply: "ok",
      },
    });
    try {
      assert.equal(result.status, "failed");
      assert.equal(result.value, null);
      assert.equal(result.attempts, 1);
      assert.match(
        result.error?.message ?? "",
        /^worktree: could not save the node's changes on odw\/r1\/edit-[0-9a-f]{8}: git add failed: .*; its worktree is kept at \/.*$/,
      );
      const kept = /kept at (.*)$/.exec(result.error!.message)![1];
      assert.equal(await Deno.readTextFile(`${kept}/work.txt`), "precious\n");
      assert.equal(left.length, 1);
    } finally {
      await Deno.remove(tempRoot, { recursive: true });
    }
  });
});

Deno.test("a branch name already taken gets a suffix", async () => {
  await withRepo(async (repo) => {
    const taken = branchName("r1", "edit", "k#1");
    await repo.git("branch", taken);
    const { result, tempRoot } = await runIsolated(repo, { default: { writeFiles: { "y.txt": "y\n" } } });
    try {
      assert.equal(result.status, "completed", result.error?.message);
      assert.equal(result.worktree?.branch, `${taken}-2`);
      assert.equal(
        await repo.git("rev-parse", taken),
        await repo.git("rev-parse", "main"),
        "the old one untouched",
      );
    } finally {
      await Deno.remove(tempRoot, { recursive: true });
    }
  });
});

/**
 * Branch names of worktree nodes: valid for git whatever the label (checked with the real
 * `git check-ref-format --branch`), distinct per node key, short, and read back by parseBranchName.
 *
 * @module
 */
import assert from "node:assert/strict";
import { branchName, nodeSegment, parseBranchName, runSegment } from "../../src/git/branch_name.ts";
import { runProcess } from "../_support/odw.ts";

const HOSTILE_LABELS = [
  "Fix the bug!",
  "../../etc/passwd",
  "a..b",
  ".hidden",
  "name.lock",
  "x@{1}",
  "~^:?*[\\",
  "tab\tand\nnewline",
  "\x1b[31mred\x1b[0m",
  "-leading-dash",
  "trailing/",
  "/",
  "",
  "   ",
  "日本語のラベル",
  "Ünïcödé café",
  "a".repeat(500),
  "@",
  "HEAD",
  "odw/nested/label",
];

async function gitAccepts(branch: string): Promise<boolean> {
  const out = await runProcess("git", ["check-ref-format", "--branch", branch], Deno.cwd(), {
    timeoutMs: 10_000,
  });
  return out.code === 0;
}

Deno.test("branch names are valid for git whatever the label, and short", async () => {
  for (const label of HOSTILE_LABELS) {
    const name = branchName("20261125-143012-3f9a1c", label, `k${label}#1`);
    assert.ok(await gitAccepts(name), `git refuses ${JSON.stringify(name)} (label ${JSON.stringify(label)})`);
    assert.match(name, /^odw\/20261125-143012-3f9a1c\/[a-z0-9_-]+$/);
    assert.ok(name.length <= 4 + 22 + 1 + 32 + 9, name);
  }
  assert.equal(nodeSegment("Fix the bug!", "key#1").replace(/-[0-9a-f]{8}$/, ""), "fix-the-bug");
  assert.equal(nodeSegment("Ünïcödé café", "k").replace(/-[0-9a-f]{8}$/, ""), "unicode-cafe");
  assert.equal(nodeSegment("日本語", "k").replace(/-[0-9a-f]{8}$/, ""), "node");
});

Deno.test("the same label under different keys gives different branches; a hostile run id is made safe", async () => {
  const a = branchName("r", "review", "abc#1");
  const b = branchName("r", "review", "abc#2");
  assert.notEqual(a, b);
  assert.equal(branchName("r", "review", "abc#1"), a, "deterministic");
  assert.equal(runSegment("20261125-143012-3f9a1c"), "20261125-143012-3f9a1c");
  const odd = branchName("../x y.lock", "l", "k");
  assert.ok(await gitAccepts(odd), odd);
  assert.equal(runSegment(""), "run");
});

Deno.test("parseBranchName reads run and node back; other branches are not odw's", () => {
  const name = branchName("20261125-143012-3f9a1c", "Fix it", "k#1");
  assert.deepEqual(parseBranchName(name), {
    runId: "20261125-143012-3f9a1c",
    node: name.slice("odw/20261125-143012-3f9a1c/".length),
  });
  assert.equal(parseBranchName("main"), null);
  assert.equal(parseBranchName("odw/only-run"), null);
  assert.equal(parseBranchName("feature/odw/x/y"), null);
});

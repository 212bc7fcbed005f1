/**
 * Resume by key, in-process with every executor call counted: after a script edit (a call inserted
 * at the top, one deleted in the middle, parallel branches reordered, labels changed, one prompt
 * changed) only the nodes whose requests changed run; everything else is answered from the old
 * journal, and the result equals a fresh run of the edited script. Failed nodes run again; identical
 * requests are matched by occurrence; whatever a dispatcher journaled with a node (a worktree's
 * branch) survives a resume and a resume of that resume.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { NodeResult, NodeSpec } from "../../src/common/contract.ts";
import { eventsOf, withMeta } from "../_support/run_script.ts";
import { type ProjectRun, type RunsProject, withRunsProject } from "../_support/resume_run.ts";

const BASE = `
const plan = await agent("plan the work", { label: "plan" });
const [a, b, c] = await parallel([
  () => agent("branch A of " + plan, { label: "A" }),
  () => agent("branch B", { label: "B" }),
  () => agent("branch C", { label: "C" }),
]);
const check = await agent("check the tests", { label: "check" });
const summary = await agent(\`summarise \${a} | \${b} | \${c}\`, { label: "sum" });
return { plan, a, b, c, check, summary };`;

/** Prompts of the backend tries a run made. */
const prompts = (run: ProjectRun) => run.tries.map((t) => t.prompt).sort();

/**
 * Runs BASE, then `edited` resumed from it; checks the result against a fresh run of `edited` (or,
 * when the edit changes only what the mock's answers derive from but not the requests — labels —
 * against the first run's, whose answers were reused).
 */
async function resumeEdited(project: RunsProject, edited: string, sameAs = "fresh run"): Promise<ProjectRun> {
  const first = await project.run(withMeta(BASE));
  assert.equal(first.outcome.status, "completed");
  assert.equal(first.tries.length, 6);
  const resumed = await project.run(withMeta(edited), { from: first.outcome.runId });
  const expected = sameAs === "first run" ? first : await project.run(withMeta(edited));
  assert.equal(resumed.outcome.status, "completed", resumed.outcome.error);
  assert.deepEqual(resumed.outcome.result, expected.outcome.result, `same result as the ${sameAs}`);
  // What the stats say matches what ran.
  const stats = resumed.stats!;
  assert.equal(stats.from, first.outcome.runId);
  assert.equal(stats.rerun.length + stats.new.length, resumed.tries.length);
  const reused = eventsOf(resumed.events, "node.finished").filter((e) =>
    e.reusedFrom === first.outcome.runId
  );
  assert.deepEqual(reused.map((e) => e.key).sort(), [...stats.reused].sort());
  for (const e of reused) {
    assert.equal(e.attempts, 0);
    assert.equal(e.usage.outputTokens, 0);
  }
  return resumed;
}

Deno.test("resume: a call inserted at the top runs; the six others are reused", async () => {
  await withRunsProject(async (project) => {
    const edited = `const hello = await agent("say hello first", { label: "hello" });\n${BASE}`;
    const resumed = await resumeEdited(project, edited);
    assert.deepEqual(prompts(resumed), ["say hello first"]);
    assert.equal(resumed.stats!.reused.length, 6);
    assert.equal(resumed.stats!.new.length, 1);
    assert.equal(eventsOf(resumed.events, "node.started").length, 1, "only the new node started");
  });
});

Deno.test("resume: a call deleted in the middle runs nothing and leaves its node unused", async () => {
  await withRunsProject(async (project) => {
    const edited = BASE.replace(`const check = await agent("check the tests", { label: "check" });`, "")
      .replace("check, summary", "summary");
    const resumed = await resumeEdited(project, edited);
    assert.deepEqual(prompts(resumed), []);
    assert.equal(resumed.stats!.reused.length, 5);
    assert.equal(resumed.stats!.unused.length, 1);
  });
});

Deno.test("resume: reordered parallel branches are answered in their new order with no executor call", async () => {
  await withRunsProject(async (project) => {
    const edited = BASE.replace(
      /const \[a, b, c\] = await parallel\(\[([\s\S]*?)\]\);/,
      `const [c, a, b] = await parallel([
  () => agent("branch C", { label: "C" }),
  () => agent("branch A of " + plan, { label: "A" }),
  () => agent("branch B", { label: "B" }),
]);`,
    );
    assert.notEqual(edited, BASE);
    const resumed = await resumeEdited(project, edited);
    assert.deepEqual(prompts(resumed), []);
    assert.equal(resumed.stats!.reused.length, 6);
  });
});

Deno.test("resume: relabelled calls and a new phase are cosmetic: nothing runs", async () => {
  await withRunsProject(async (project) => {
    const edited = `phase("Renamed");\n${BASE.replaceAll(/label: "(\w+)"/g, 'label: "renamed-$1"')}`;
    // The mock derives its answers from the label too: the reused answers are the first run's.
    const resumed = await resumeEdited(project, edited, "first run");
    assert.deepEqual(prompts(resumed), []);
    const labels = eventsOf(resumed.events, "node.finished").map((e) => e.label).sort();
    assert.deepEqual(labels, [
      "renamed-A",
      "renamed-B",
      "renamed-C",
      "renamed-check",
      "renamed-plan",
      "renamed-sum",
    ]);
  });
});

Deno.test("resume: one changed prompt runs that node only (and a node whose prompt embeds its value)", async () => {
  await withRunsProject(async (project) => {
    const independent = await resumeEdited(project, BASE.replace("check the tests", "check the tests twice"));
    assert.deepEqual(prompts(independent), ["check the tests twice"]);
    assert.equal(independent.stats!.unused.length, 1);
  });
  await withRunsProject(async (project) => {
    // "sum" embeds B's answer in its prompt, so its request changes with B's.
    const upstream = await resumeEdited(project, BASE.replace(`"branch B"`, `"branch B, differently"`));
    const ran = prompts(upstream);
    assert.equal(ran.length, 2);
    assert.equal(ran[0], "branch B, differently");
    assert.match(ran[1], /^summarise /);
  });
});

Deno.test("resume: failed nodes run again, completed ones do not", async () => {
  await withRunsProject(async (project) => {
    const source = withMeta(BASE);
    const first = await project.run(source, { scenario: { rules: [{ label: "C", fail: "boom" }] } });
    const c = eventsOf(first.events, "node.finished").find((e) => e.label === "C")!;
    assert.equal(c.status, "failed");
    const resumed = await project.run(source, { from: first.outcome.runId });
    // C runs again; "sum" embeds C's (now non-null) answer, so it is a new request.
    assert.deepEqual(resumed.stats!.rerun, [c.key]);
    assert.equal(resumed.stats!.new.length, 1);
    assert.deepEqual(prompts(resumed).slice(0, 1), ["branch C"]);
    assert.equal(resumed.tries.length, 2);
    assert.deepEqual(resumed.outcome.result, (await project.run(source)).outcome.result);
  });
});

Deno.test("resume: identical requests are matched by occurrence; one more identical call runs once", async () => {
  await withRunsProject(async (project) => {
    const three =
      `return await parallel([0, 1, 2].map((i) => () => agent("same request", { label: "n" + i })));`;
    const first = await project.run(withMeta(three));
    assert.equal(first.tries.length, 3);
    const four = `await agent("same request", { label: "extra" });\n${three}`;
    const resumed = await project.run(withMeta(four), { from: first.outcome.runId });
    assert.equal(resumed.tries.length, 1);
    assert.equal(resumed.stats!.reused.length, 3);
    assert.match(resumed.stats!.new[0], /#4$/, "the fourth occurrence is the new one");
  });
});

Deno.test("resume: fields a dispatcher journaled with a node (a worktree branch) survive resumes", async () => {
  await withRunsProject(async (project) => {
    const dispatched: NodeSpec[] = [];
    const worktreeDispatcher = {
      dispatch(spec: NodeSpec): Promise<NodeResult> {
        dispatched.push(spec);
        return Promise.resolve({
          status: "completed",
          value: `edited by ${spec.label}`,
          usage: { inputTokens: 3, outputTokens: 5, cachedInputTokens: 0, reasoningTokens: 0 },
          costUsd: 0,
          durationMs: 1,
          attempts: 1,
          worktree: {
            branch: `odw/run/${spec.label}`,
            base: "0".repeat(40),
            diffStat: { filesChanged: 1, insertions: 2, deletions: 0 },
          },
        });
      },
    };
    const source = withMeta(`return await parallel([
  () => agent("edit one", { label: "one", isolation: "worktree" }),
  () => agent("edit two", { label: "two", isolation: "worktree" }),
]);`);
    const first = await project.run(source, { dispatcher: worktreeDispatcher });
    assert.equal(dispatched.length, 2);
    const resumed = await project.run(source, { from: first.outcome.runId });
    const again = await project.run(source, { from: resumed.outcome.runId });
    for (const run of [resumed, again]) {
      assert.equal(run.tries.length, 0, "a finished worktree node is never re-run");
      assert.deepEqual(run.outcome.result, ["edited by one", "edited by two"]);
      const finished = eventsOf(run.events, "node.finished") as Array<{ label: string; worktree?: unknown }>;
      const stat = { filesChanged: 1, insertions: 2, deletions: 0 };
      const base = "0".repeat(40);
      assert.deepEqual(finished.map((e) => [e.label, e.worktree]).sort(), [
        ["one", { branch: "odw/run/one", base, diffStat: stat }],
        ["two", { branch: "odw/run/two", base, diffStat: stat }],
      ]);
    }
    assert.equal(dispatched.length, 2);
  });
});

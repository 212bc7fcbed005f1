/**
 * Each example with its mock scenario (examples/scenarios/) shows the behaviour it is there for: the
 * scenario changes hello's result, review-changes and bug-hunt drop the findings their verifier
 * rejects, the worktree refactor edits files on separate branches without touching the checkout, the
 * budgeted fan-out stops where the budget runs out, and the named child workflow is found by name in
 * the project directory. Every run goes through the real launcher in a throwaway git repository.
 *
 * @module
 */
import assert from "node:assert/strict";
import { withExampleRepo } from "./example_repo.ts";

interface Node {
  label: string;
  phase: string | null;
  status: string;
}

Deno.test("examples/scenarios/hello.json changes hello's result: French fails, English is fixed", async () => {
  await withExampleRepo(async (ex) => {
    const plain = await ex.execJson(["examples/hello.js"]);
    const scripted = await ex.execJson([
      "examples/hello.js",
      "--mock-scenario",
      "examples/scenarios/hello.json",
    ]);
    assert.equal(typeof (plain.result as { fr: unknown }).fr, "string");
    assert.notDeepEqual(scripted.result, plain.result);
    assert.deepEqual(scripted.result, {
      en: "Hello!",
      fr: null,
      summary: { greeting: "Hello!", languages: 1 },
    });
    assert.ok((scripted.logs as string[]).includes("[french] failed: the French agent is down"));
    assert.deepEqual(scripted.nodeCounts, { completed: 2, failed: 1, timeout: 0, cancelled: 0 });
  });
});

Deno.test("examples/review-changes.js: findings verified in parallel; the rejected one is not confirmed", async () => {
  await withExampleRepo(async (ex) => {
    const out = await ex.execJson([
      "examples/review-changes.js",
      "--mock-scenario",
      "examples/scenarios/review-changes.json",
    ]);
    const nodes = out.nodes as Node[];
    const verify = nodes.filter((n) => n.phase === "Verify").map((n) => n.label).sort();
    assert.deepEqual(verify, [
      "verify bugs: null dereference",
      "verify bugs: unchecked index",
      "verify security: token in log line",
    ]);
    assert.equal(nodes.filter((n) => n.phase === "Review").length, 3, "one review per dimension");
    const result = out.result as { confirmed: { title: string; dimension: string }[]; summary: string };
    assert.deepEqual(result.confirmed.map((f) => `${f.dimension}: ${f.title}`), [
      "bugs: null dereference",
      "security: token in log line",
    ]);
    assert.match(result.summary, /^Two real findings/);
  });
});

Deno.test("examples/bug-hunt.js: the skeptic refutes one bug, confirms one, and a failed skeptic confirms nothing", async () => {
  await withExampleRepo(async (ex) => {
    const out = await ex.execJson([
      "examples/bug-hunt.js",
      "--mock-scenario",
      "examples/scenarios/bug-hunt.json",
    ]);
    assert.equal(out.status, "completed");
    const result = out.result as { confirmed: { id: string }[]; rejected: { id: string; why: string }[] };
    assert.deepEqual(result.confirmed.map((b) => b.id), ["P2"]);
    assert.deepEqual(result.rejected.map((b) => b.id), ["P1"]);
    assert.match(result.rejected[0].why, /not statements/);
    assert.deepEqual((out.result as { unverified: string[] }).unverified, ["S1"]);
    assert.ok((out.logs as string[]).includes("[refute S1] failed: verifier crashed"));
    const refutes = (out.nodes as Node[]).filter((n) => n.phase === "Refute");
    assert.equal(refutes.length, 3, "one skeptic per reported bug");
  });
});

Deno.test("examples/worktree-refactor.js: parallel edits land on one branch each; the checkout is untouched", async () => {
  await withExampleRepo(async (ex) => {
    const before = { "src/math.js": "export function calc(a, b) {\n  return a + b;\n}\n" };
    const text = 'import { calc } from "./math.js";\nexport const total = calc(1, 2);\n';
    await ex.repo.commit({ ...before, "src/text.js": text });
    const state = await ex.repo.state();
    const out = await ex.execJson([
      "examples/worktree-refactor.js",
      "--mock-scenario",
      "examples/scenarios/worktree-refactor.json",
    ]);
    assert.equal(out.status, "completed", String(out.error));
    assert.deepEqual(await ex.repo.state(), state, "the user's checkout, index and status are unchanged");
    const branches =
      (await ex.repo.git("for-each-ref", "--format=%(refname:short)", `refs/heads/odw/${out.runId}/`))
        .split("\n").sort();
    assert.equal(branches.length, 2, branches.join(", "));
    const [mathBranch, textBranch] = branches; // edit-src-math-js-… sorts before edit-src-text-js-…
    assert.match(await ex.repo.show(mathBranch, "src/math.js"), /function compute\(/);
    assert.equal(
      await ex.repo.show(mathBranch, "src/text.js"),
      text.trimEnd(),
      "each agent saw only its own edit",
    );
    assert.match(await ex.repo.show(textBranch, "src/text.js"), /compute\(1, 2\)/);
    assert.match(await ex.repo.show(textBranch, "src/math.js"), /function calc\(/);
  });
});

Deno.test("examples/budgeted-fanout.js stops fanning out where --budget runs out, and covers all without one", async () => {
  await withExampleRepo(async (ex) => {
    const args = [
      "examples/budgeted-fanout.js",
      "--mock-scenario",
      "examples/scenarios/budgeted-fanout.json",
    ];
    const all = await ex.execJson(args);
    type Fanout = { covered: string[]; skipped: string[]; spent: number; total: number | null };
    const unlimited = all.result as Fanout;
    assert.equal(unlimited.total, null);
    assert.equal(unlimited.skipped.length, 0);
    for (const budget of [1000, 500]) {
      const out = await ex.execJson([...args, "--budget", String(budget)]);
      const r = out.result as Fanout;
      assert.equal(r.total, budget);
      assert.ok(r.spent <= budget, `spent ${r.spent} of ${budget}`);
      assert.equal(r.spent, 200 * r.covered.length, "each note costs the scenario's 200 output tokens");
      assert.ok(budget - r.spent < 300, "stopped only when less than one note's estimate (300) was left");
      assert.ok(r.skipped.length > 0);
      assert.deepEqual(
        [...r.covered, ...r.skipped],
        unlimited.covered,
        "topics covered in order, the rest skipped",
      );
      assert.equal(out.agentCount, r.covered.length);
    }
  });
});

Deno.test("examples/triage-inbox.js runs the named child workflow triage-issue from the project's .claude/workflows", async () => {
  await withExampleRepo(async (ex) => {
    const out = await ex.execJson(
      ["triage-inbox.js", "--mock-scenario", "scenarios/triage-inbox.json"],
      "examples",
    );
    assert.equal(out.status, "completed", String(out.error));
    assert.deepEqual(out.result, [
      { id: 1, kind: "bug", firstStep: "Guard parse() against an empty input and add a test for it." },
      { id: 2, kind: "feature" },
    ]);
    const logs = out.logs as string[];
    assert.equal(logs.filter((l) => l === "▸ running dynamic workflow triage-issue").length, 2);
    assert.equal(logs.filter((l) => l === "▸ triage-issue done").length, 2);
    assert.equal(out.agentCount, 3, "the children's agents count in the parent run");
    const phases = new Set((out.nodes as Node[]).map((n) => n.phase));
    assert.deepEqual([...phases].sort(), ["▸ triage-issue", "▸ triage-issue #2"]);

    // Names resolve in the project directory (where odw runs): from the repository root there is none.
    const elsewhere = await ex.execJson(["examples/triage-inbox.js"]);
    assert.deepEqual(elsewhere.result, [null, null], "parallel() turns each child's throw into null");
    assert.ok(
      (elsewhere.logs as string[]).includes(
        "parallel[0] failed: workflow('triage-issue'): no workflow with that name. Available: (none)",
      ),
    );
  });
});

/**
 * Named workflows through the real CLI: `odw list` (text and `--json`) over `.odw/workflows` and
 * `.claude/workflows` with good, broken, shadowed and hostile-named files (never run, never a crash),
 * and `odw exec` / `odw check` / `odw resume --script` by name: a path first, `.odw/workflows` before
 * `.claude/workflows` with a note, and an unknown name answered with the close names.
 *
 * @module
 */
import assert from "node:assert/strict";
import { closeNames } from "../../src/cli/named_workflows.ts";
import { stackLines, withProject, workflowSource } from "../_support/odw.ts";
import { assertNoControls } from "../_support/terminal_controls.ts";

const REVIEW = `export const meta = {
  name: "review",
  description: "Reviews the diff",
  whenToUse: "before a merge",
  phases: [{ title: "Scan" }, { title: "Verify" }],
};
return await agent("review it");
`;

Deno.test("odw list shows names, descriptions, whenToUse and phases; broken files with their problem", async () => {
  await withProject(async (project) => {
    await project.write(".odw/workflows/review.js", REVIEW);
    await project.write(".claude/workflows/review.js", workflowSource("return 2;", "claude-review"));
    await project.write(".claude/workflows/summarise.js", workflowSource("return 3;", "summary-maker"));
    await project.write(".odw/workflows/clock.js", workflowSource("return Date.now();", "clock"));
    await project.write(".odw/workflows/syntax.js", "export const meta = {\n");
    // A workflow that would write a file if it ran: listing must not run it.
    await project.write(".odw/workflows/notes.txt", "not a workflow");
    await Deno.mkdir(project.path(".odw/workflows/dir.js"));
    const hostile = "evil\x1b]0;pwned\x07\nname";
    await project.write(`.claude/workflows/${hostile}.js`, workflowSource("return 1;", "evil\x1b[2J"));

    const [text, json] = await Promise.all([project.odw(["list"]), project.odw(["list", "--json"])]);
    assert.equal(text.code, 0, text.stderr);
    assert.equal(text.stderr, "");
    assertNoControls(text.stdout, "odw list");
    assert.match(
      text.stdout,
      /^review {2}\(\.odw\/workflows\/review\.js\)\n {2}Reviews the diff\n {2}when to use: before a merge\n {2}phases: Scan → Verify$/m,
    );
    assert.match(
      text.stdout,
      /^review {2}\(\.claude\/workflows\/review\.js\)\n {2}shadowed: \.odw\/workflows\/review\.js runs under this name/m,
    );
    assert.match(
      text.stdout,
      /^summarise {2}\(\.claude\/workflows\/summarise\.js\)\n {2}meta\.name: summary-maker$/m,
    );
    assert.match(text.stdout, /^clock {2}.*\n {2}problem: Workflow scripts must be deterministic/m);
    assert.match(text.stdout, /^syntax {2}.*\n {2}problem: Invalid workflow script: Script parse error/m);
    assert.match(text.stdout, /^dir {2}.*\n {2}problem: the script is not a regular file$/m);
    assert.match(
      text.stdout,
      /^evil\\x1b\]0;pwned\\x07\\nname {2}.*\n {2}problem: this file name cannot be run by name/m,
    );
    assert.doesNotMatch(text.stdout, /notes/);
    assert.deepEqual(stackLines(text.stdout + text.stderr), []);

    assert.equal(json.code, 0);
    const rows = JSON.parse(json.stdout) as {
      name: string;
      file: string;
      problem?: string;
      shadowedBy?: string;
    }[];
    assert.deepEqual(rows.map((row) => row.name), [
      "clock",
      "dir",
      hostile,
      "review",
      "review",
      "summarise",
      "syntax",
    ]);
    const review = rows.filter((row) => row.name === "review");
    assert.deepEqual(review.map((row) => [row.file, row.shadowedBy]), [
      [".odw/workflows/review.js", undefined],
      [".claude/workflows/review.js", ".odw/workflows/review.js"],
    ]);
    assert.deepEqual(
      (rows.find((row) => row.name === "review") as unknown as { meta: unknown }).meta,
      {
        name: "review",
        description: "Reviews the diff",
        whenToUse: "before a merge",
        phases: [{ title: "Scan" }, { title: "Verify" }],
      },
    );

    const empty = await project.odw(["list", "extra"]);
    assert.equal(empty.code, 2);
    assert.equal(empty.stderr, 'odw: unexpected argument "extra"\n');
  });
});

Deno.test("odw list with no workflow folders says how to make one", async () => {
  await withProject(async (project) => {
    const run = await project.odw(["list"]);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /^no named workflows \(.*odw init makes one\)\n$/);
    assert.equal((await project.odw(["list", "--json"])).stdout, "[]\n");
  });
});

Deno.test("odw exec/check <name>: a path first, .odw/workflows before .claude/workflows, close names for a typo", async () => {
  await withProject(async (project) => {
    await project.write(".odw/workflows/review.js", workflowSource("return 'odw';", "review"));
    await project.write(".claude/workflows/review.js", workflowSource("return 'claude';", "review"));
    await project.write(".claude/workflows/summarise.js", workflowSource("return 'summary';", "summarise"));
    // A file in the working directory with a workflow's name wins: paths come first.
    await project.write("summarise", workflowSource("return 'local file';", "local"));

    const [byName, claudeOnly, pathFirst, typo, none, checked] = await Promise.all([
      project.odw(["exec", "review", "--json"]),
      project.odw(["exec", "--script", "summarise.js"]),
      project.odw(["exec", "summarise", "--json", "--quiet"]),
      project.odw(["exec", "reveiw"]),
      project.odw(["exec", "zzz"]),
      project.odw(["check", "review"]),
    ]);
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.json?.result, "odw");
    assert.match(
      byName.stderr,
      /^odw: "review" is in both \.odw\/workflows\/review\.js and \.claude\/workflows\/review\.js; running \.odw\/workflows\/review\.js/m,
    );
    assert.equal(claudeOnly.code, 2);
    assert.match(
      claudeOnly.stderr,
      /^odw: cannot read script .*summarise\.js: no such file \(to run the workflow: odw exec summarise\)\n$/,
    );
    assert.equal(pathFirst.json?.result, "local file");
    assert.equal(typo.code, 2);
    assert.equal(
      typo.stderr,
      'odw: no file "reveiw" and no workflow named "reveiw" in .odw/workflows or .claude/workflows (did you mean review?)\n',
    );
    assert.equal(none.code, 2);
    assert.match(none.stderr, /\(named workflows: review, summarise\)\n$/);
    assert.equal(checked.code, 0, checked.stderr);
    assert.equal(checked.stdout, "ok: review — test workflow\n");
    assert.deepEqual(await project.runIds().then((ids) => ids.length), 2);
  });
});

Deno.test("a broken .odw/workflows file does not hide a good .claude/workflows one: exec, list and workflow() agree", async () => {
  await withProject(async (project) => {
    await project.write(".odw/workflows/triage.js", "return 'no meta';\n");
    await project.write(".claude/workflows/triage.js", workflowSource("return 'claude';", "triage"));
    await project.write("parent.js", workflowSource('return await workflow("triage");', "parent"));
    const [byName, viaChild, listed] = await Promise.all([
      project.odw(["exec", "triage", "--json"]),
      project.odw(["exec", "parent.js", "--json", "--quiet"]),
      project.odw(["list", "--json"]),
    ]);
    assert.equal(byName.code, 0, byName.stderr);
    assert.equal(byName.json?.result, "claude");
    assert.match(byName.stderr, /running \.claude\/workflows\/triage\.js \(as workflow\("triage"\) would\)/);
    assert.equal(viaChild.json?.result, "claude", viaChild.stderr);
    const rows = JSON.parse(listed.stdout) as Array<{ file: string; problem?: string; shadowedBy?: string }>;
    const odwRow = rows.find((row) => row.file === ".odw/workflows/triage.js");
    const claudeRow = rows.find((row) => row.file === ".claude/workflows/triage.js");
    assert.ok(odwRow?.problem, "the broken file is listed with its problem");
    assert.equal(claudeRow?.shadowedBy, undefined, "the good file is not marked shadowed");
  });
});

Deno.test("odw resume --script <name> runs the named workflow against the earlier run", async () => {
  await withProject(async (project) => {
    await project.write("first.js", workflowSource('return await agent("same prompt");', "first"));
    await project.write(
      ".odw/workflows/edited.js",
      workflowSource('return [await agent("same prompt")];', "edited"),
    );
    const first = await project.odw(["exec", "first.js", "--json", "--quiet", "--backend", "mock"]);
    assert.equal(first.code, 0, first.stderr);
    const resumed = await project.odw(["resume", String(first.json?.runId), "--script", "edited", "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(resumed.json?.result, [first.json?.result]);
    assert.equal((resumed.json?.resume as { reused: string[] }).reused.length, 1);
  });
});

Deno.test("closeNames: edit distance and containment, at most three, best first", () => {
  assert.deepEqual(closeNames("reveiw", ["preview", "summarise", "review"]), ["review"]);
  assert.deepEqual(closeNames("revie", ["reviews", "review", "summarise"]), ["review", "reviews"]);
  assert.deepEqual(closeNames("sum", ["summarise", "review"]), ["summarise"]);
  assert.deepEqual(closeNames("review.js", ["review"]), ["review"]);
  assert.deepEqual(closeNames("x", ["review"]), []);
  assert.deepEqual(closeNames("ab", ["ab1", "ab2", "ab3", "ab4"]), ["ab1", "ab2", "ab3"]);
});

/**
 * `odw check` (static checks only, nothing runs) and `odw runs` (the run records, as a table and as
 * JSON), through the real CLI.
 *
 * @module
 */
import assert from "node:assert/strict";
import { withProject, workflowSource } from "../_support/odw.ts";

const META_FIRST =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";
const DETERMINISM =
  "Workflow scripts must be deterministic: Date.now()/Math.random()/new Date() are unavailable (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";

Deno.test("odw check accepts a valid script and refuses with the spec's exact messages; nothing runs", async () => {
  await withProject(async (project) => {
    await project.write(
      "good.js",
      `export const meta = { name: "good", description: "Does good things", phases: [{ title: "One" }] };
// A comment that mentions Date.now() is fine, and so is a string: "Math.random()".
log("Date.now()");
return await agent("hi");
`,
    );
    await project.write("late-meta.js", `log("x");\n${workflowSource("return 1;")}`);
    await project.write("clock.js", workflowSource(`return Date.now();`));
    await project.write("random.js", workflowSource(`const pick = () => Math.random();\nreturn 1;`));
    await project.write("new-date.js", workflowSource(`return new Date().toISOString();`));
    const [ok, okJson, late, lateJson, clock, random, newDate] = await Promise.all([
      project.odw(["check", "good.js"]),
      project.odw(["check", "--script", "good.js", "--json"]),
      project.odw(["check", "late-meta.js"]),
      project.odw(["check", "late-meta.js", "--json"]),
      project.odw(["check", "clock.js"]),
      project.odw(["check", "random.js"]),
      project.odw(["check", "new-date.js"]),
    ]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stdout, "ok: good — Does good things\n");
    assert.equal(ok.stderr, "");
    assert.equal(okJson.code, 0);
    assert.deepEqual(okJson.json, {
      ok: true,
      meta: { name: "good", description: "Does good things", phases: [{ title: "One" }] },
    });
    assert.equal(late.code, 2);
    assert.equal(late.stdout, "");
    assert.equal(late.stderr, `${META_FIRST}\n`);
    assert.equal(lateJson.code, 2);
    assert.deepEqual(lateJson.json, { ok: false, error: META_FIRST });
    for (
      const [what, run] of [["Date.now()", clock], ["Math.random()", random], [
        "new Date()",
        newDate,
      ]] as const
    ) {
      assert.equal(run.code, 2, what);
      assert.equal(run.stderr, `${DETERMINISM}\n`, what);
    }
    assert.deepEqual(await project.runIds(), [], "odw check never runs anything or records a run");
  });
});

Deno.test("odw runs lists completed, failed and refused runs as a table and as JSON", async () => {
  await withProject(async (project) => {
    const empty = await project.odw(["runs"]);
    assert.equal(empty.code, 0);
    assert.equal(empty.stdout, "no runs yet\n");
    const emptyJson = await project.odw(["runs", "--json"]);
    assert.equal(emptyJson.stdout, "[]\n");

    await project.write(
      "good.js",
      workflowSource(
        `return await parallel([() => agent("a", { label: "a" }), () => agent("b", { label: "b" })]);`,
        "good",
      ),
    );
    await project.write("bad.js", workflowSource(`await agent("c");\nthrow new Error("nope");`, "bad"));
    await project.write("late.js", `log(1);\n${workflowSource("return 1;", "late")}`);
    const good = await project.odw(["exec", "good.js", "--json", "--quiet"]);
    const bad = await project.odw(["exec", "bad.js", "--json", "--quiet"]);
    const refused = await project.odw(["exec", "late.js", "--json", "--quiet"]);
    assert.deepEqual([good.code, bad.code, refused.code], [0, 1, 2]);
    // A run that never ended and names no process (an older odw): its state is unknown.
    await project.write(
      ".odw/runs/19990101-000000-abcdef/journal.jsonl",
      JSON.stringify({
        type: "run.started",
        ts: "1999-01-01T00:00:00.000Z",
        runId: "19990101-000000-abcdef",
        name: "crashed",
        scriptPath: "/x.js",
        backend: "mock",
        concurrency: 2,
        budget: null,
      }) + "\n",
    );
    await project.write(".odw/runs/not-a-run/notes.txt", "ignored");

    const listed = await project.odw(["runs", "--json"]);
    assert.equal(listed.code, 0, listed.stderr);
    const rows = JSON.parse(listed.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(
      rows.map((r) => [r.runId, r.name, r.status]),
      [
        [refused.json?.runId, "", "refused"],
        [bad.json?.runId, "bad", "failed"],
        [good.json?.runId, "good", "completed"],
        ["19990101-000000-abcdef", "crashed", "unknown"],
      ],
      "newest first",
    );
    const tokensOf = (run: typeof good) => {
      const usage = run.json?.usage as { inputTokens: number; outputTokens: number };
      return usage.inputTokens + usage.outputTokens;
    };
    const [refusedRow, badRow, goodRow, crashedRow] = rows;
    assert.equal(goodRow.agents, 2);
    assert.equal(goodRow.tokens, tokensOf(good));
    assert.ok((goodRow.tokens as number) > 0);
    assert.equal(goodRow.durationMs, good.json?.durationMs);
    assert.equal(badRow.agents, 1);
    assert.equal(badRow.tokens, tokensOf(bad));
    assert.equal(refusedRow.agents, 0);
    assert.equal(crashedRow.durationMs, null);
    for (const row of rows.slice(0, 3)) {
      assert.match(String(row.startedAt), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal(typeof row.durationMs, "number");
    }

    const table = await project.odw(["runs"]);
    assert.equal(table.code, 0);
    const lines = table.stdout.trimEnd().split("\n");
    assert.match(lines[0], /^RUN\s+NAME\s+STATUS\s+AGENTS\s+TOKENS\s+STARTED\s+DURATION\s+FROM$/);
    assert.equal(lines.length, 5);
    const goodLine = lines.find((l) => l.startsWith(String(good.json?.runId)))!;
    assert.match(
      goodLine,
      new RegExp(
        `\\bgood\\s+completed\\s+2\\s+${
          tokensOf(good)
        }\\s+\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\s+\\d+\\.\\d\\ds$`,
      ),
    );
    assert.match(lines.find((l) => l.startsWith(String(bad.json?.runId)))!, /\bbad\s+failed\s+1\s/);
    assert.match(lines.find((l) => l.startsWith(String(refused.json?.runId)))!, /\s-\s+refused\s+0\s/);
    assert.match(
      lines.at(-1)!,
      /^19990101-000000-abcdef\s+crashed\s+unknown\s+0\s+0\s+1999-01-01 00:00:00\s+-$/,
    );

    // --run-dir points both exec and runs elsewhere.
    const elsewhere = await project.odw(["exec", "good.js", "--quiet", "--run-dir", "records"]);
    assert.equal(elsewhere.code, 0, elsewhere.stderr);
    const there = JSON.parse((await project.odw(["runs", "--json", "--run-dir", "records"])).stdout);
    assert.equal(there.length, 1);
    assert.equal(there[0].name, "good");
  });
});

Deno.test("odw check --json prints meta literals JSON cannot carry (bigint, regex) as their source text", async () => {
  await withProject(async (project) => {
    await project.write(
      "odd-meta.js",
      `export const meta = { name: "odd", description: "d", big: 10n, re: /x+/g };\nreturn 1;\n`,
    );
    const run = await project.odw(["check", "odd-meta.js", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual(JSON.parse(run.stdout), {
      ok: true,
      meta: { name: "odd", description: "d", big: "10n", re: "/x+/g" },
    });
  });
});

Deno.test("a refused run is named in odw runs when its meta names it, and unnamed when nothing does", async () => {
  await withProject(async (project) => {
    await project.write("clock.js", workflowSource("return Date.now();", "clock-flow"));
    await project.write("no-description.js", 'export const meta = { name: "half-meta" };\nreturn 1;\n');
    await project.write("import.js", `${workflowSource("", "importer")}import x from "y";\n`);
    await project.write("late.js", `log(1);\n${workflowSource("return 1;", "late")}`);
    await project.write(
      "syntax.js",
      'export const meta = { name: "broken-syntax", description: "d" };\nreturn (;\n',
    );
    for (const file of ["clock.js", "no-description.js", "import.js", "late.js", "syntax.js"]) {
      const run = await project.odw(["exec", file, "--quiet"]);
      assert.equal(run.code, 2, `${file}: ${run.stderr}`);
    }
    const rows = JSON.parse((await project.odw(["runs", "--json"])).stdout) as {
      name: string;
      status: string;
    }[];
    assert.deepEqual(rows.map((row) => row.status), ["refused", "refused", "refused", "refused", "refused"]);
    // A syntax error leaves no tree to read the name from; meta not first names nothing either.
    assert.deepEqual(rows.map((row) => row.name).sort(), ["", "", "clock-flow", "half-meta", "importer"]);
    const table = await project.odw(["runs"]);
    assert.match(table.stdout, /clock-flow +refused/);
  });
});

/**
 * Keeps the README's example runs true: every example script (examples/*.js but the editor-typings
 * one) has a command line in the README followed by the JSON it prints, and running that exact line
 * (in a throwaway git repository holding the examples) prints that JSON.
 *
 * @module
 */
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "../_support/odw.ts";
import { readMarkdown } from "../docs/markdown.ts";
import { withExampleRepo } from "./example_repo.ts";

/** An example run the README shows: the command line and the JSON it prints. */
interface ShownRun {
  command: string;
  expected: unknown;
  script: string;
}

/** `scripts/odw exec examples/x.js …` or `cd examples && ../scripts/odw exec x.js …`. */
const COMMAND = /^(?:cd (\S+) && )?(?:\.\.\/)*scripts\/odw exec (\S+\.js)\b[^\n]*$/;

function shownRuns(): ShownRun[] {
  const code = readMarkdown("README.md").code;
  const runs: ShownRun[] = [];
  code.forEach((block, i) => {
    const match = block.lang === "sh" ? COMMAND.exec(block.text.trim()) : null;
    const next = code[i + 1];
    if (!match || next?.lang !== "json") return;
    runs.push({
      command: block.text.trim(),
      expected: JSON.parse(next.text),
      script: join(match[1] ?? "", match[2]),
    });
  });
  return runs;
}

const RUNS = shownRuns();

Deno.test("the README shows a run with its output for every example", () => {
  const scripts = [...Deno.readDirSync(join(REPO, "examples"))]
    .filter((e) => e.isFile && e.name.endsWith(".js") && e.name !== "typed.js").map((e) =>
      `examples/${e.name}`
    );
  assert.ok(scripts.length >= 6, scripts.join(", "));
  for (const script of scripts) {
    const run = RUNS.find((r) => r.script === script && r.command.includes("--mock-scenario"));
    assert.ok(run, `README has no run of ${script} with a mock scenario followed by its output`);
  }
  for (const run of RUNS) assert.ok(existsSync(join(REPO, run.script)), run.command);
});

Deno.test("each example run in the README prints what the README says", async () => {
  assert.ok(RUNS.length >= 6);
  await withExampleRepo(async (ex) => {
    await ex.repo.commit({ "src/math.js": "export function calc(a, b) {\n  return a + b;\n}\n" });
    for (const run of RUNS) {
      const out = await ex.shell(run.command);
      assert.equal(out.code, 0, `${run.command}\n${out.stderr}`);
      assert.deepEqual(JSON.parse(out.stdout), run.expected, run.command);
    }
  });
});

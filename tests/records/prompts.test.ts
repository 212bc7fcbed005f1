/**
 * Large prompts are journaled once per run, content-addressed: five nodes sending the same 20 KB
 * context and one sending another store two files under `prompts/`, the journal stays small, and every
 * reader (records, resume) gets the prompts back whole.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { readJournal } from "../../src/records/read.ts";
import { withProject, workflowSource } from "../_support/odw.ts";

Deno.test("large prompts: stored once by hash, journal small, readers see the whole prompt", async () => {
  await withProject(async (project) => {
    await project.write(
      "big.js",
      workflowSource(`
        const context = "lorem ipsum ".repeat(2000);
        const same = await parallel(Array.from({ length: 5 }, (_, i) => () => agent(context, { label: "s" + i })));
        const other = await agent("other " + context);
        const small = await agent("a short prompt");
        return same.length + (other ? 1 : 0) + (small ? 1 : 0);`),
    );
    const run = await project.odw(["exec", "big.js", "--json"]);
    assert.equal(run.code, 0, run.stderr);
    const runDir = (run.json as { runDir: string }).runDir;
    const stored = [...Deno.readDirSync(join(runDir, "prompts"))].map((e) => e.name).sort();
    assert.equal(stored.length, 2, stored.join(", "));
    assert.ok(stored.every((name) => /^[0-9a-f]{64}\.txt$/.test(name)));
    const journalBytes = Deno.statSync(join(runDir, "journal.jsonl")).size;
    assert.ok(journalBytes < 24_000, `journal is ${journalBytes} bytes: prompts were inlined`);

    const { events } = await readJournal(join(runDir, "journal.jsonl"));
    const started = events.filter((e) => e.type === "node.started");
    assert.equal(started.length, 7);
    const context = "lorem ipsum ".repeat(2000);
    assert.equal(started.filter((e) => e.prompt === context).length, 5);
    assert.equal(started.filter((e) => e.prompt === "other " + context).length, 1);
    assert.equal(started.filter((e) => e.prompt === "a short prompt" && !e.promptRef).length, 1);

    // Resume reads the same record: every node is reused, none runs again.
    const resumed = await project.odw(["resume", (run.json as { runId: string }).runId, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.equal((resumed.json as { result: number }).result, 7);
  });
});

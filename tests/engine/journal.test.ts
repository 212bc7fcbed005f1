/**
 * The journal's durability promise: `synced()` resolves once the lines appended before it are on
 * disk (group commit), and the engine hands a node's value to the script only after its
 * `node.finished` line is there — so a node the script acted on can never be missing from the journal
 * after a crash.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import type { NodeResult, NodeSpec } from "../../src/common/contract.ts";
import { nowIso } from "../../src/engine/events.ts";
import { Journal, SYNC_DELAY_MS } from "../../src/engine/journal.ts";
import { DEADLINES, waitUntil } from "../_support/deadline.ts";
import { parseJournal } from "../../src/records/read.ts";
import { withMeta } from "../_support/run_script.ts";
import { withRunsProject } from "../_support/resume_run.ts";

Deno.test("journal: synced() resolves when the lines appended before it are on disk", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "journal.jsonl");
  try {
    const journal = await Journal.open(path);
    const onDisk = async () => parseJournal(await Deno.readTextFile(path)).events.length;
    await journal.synced(); // nothing appended: resolves at once
    const waits: Array<Promise<number>> = [];
    for (let i = 0; i < 200; i++) {
      journal.append({ type: "log", ts: nowIso(), message: `line ${i}` });
      // Each waiter sees at least the lines appended before it.
      if (i % 50 === 0) waits.push(journal.synced().then(onDisk).then((n) => n - (i + 1)));
    }
    for (const surplus of await Promise.all(waits)) assert.ok(surplus >= 0);
    await journal.close();
    assert.equal(await onDisk(), 200);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a node's value reaches the script only after its node.finished line is on disk", async () => {
  await withRunsProject(async (project) => {
    const seenOnDisk: boolean[] = [];
    const dispatcher = {
      async dispatch(spec: NodeSpec): Promise<NodeResult> {
        // The script asks for node n+1 with node n's value: by then node n must be journaled.
        const previous = /after (\S+)$/.exec(spec.prompt)?.[1];
        if (previous) {
          const [runId] = [...Deno.readDirSync(project.runsDir)].map((e) => e.name);
          const text = await Deno.readTextFile(join(project.runsDir, runId, "journal.jsonl"));
          seenOnDisk.push(
            parseJournal(text).events.some((e) => e.type === "node.finished" && e.value === previous),
          );
        }
        return {
          status: "completed",
          value: `v${spec.label}`,
          usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, reasoningTokens: 0 },
          costUsd: 0,
          durationMs: 0,
          attempts: 1,
        };
      },
    };
    const run = await project.run(
      withMeta(`let v = await agent("start", { label: "0" });
for (let i = 1; i <= 20; i++) v = await agent("after " + v, { label: String(i) });
return v;`),
      { dispatcher },
    );
    assert.equal(run.outcome.result, "v20");
    assert.deepEqual(seenOnDisk, Array(20).fill(true));
  });
});

Deno.test("journal: lines are written at once and synced in groups; synced() and close() sync at once", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "journal.jsonl");
  try {
    const journal = await Journal.open(path);
    const onDisk = async () => parseJournal(await Deno.readTextFile(path)).events.length;
    // 100 lines, each in a batch of its own (a macrotask apart), as sequential agents append them.
    const started = performance.now();
    for (let i = 0; i < 100; i++) {
      journal.append({ type: "log", ts: nowIso(), message: `line ${i}` });
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await waitUntil(async () => await onDisk() === 100, DEADLINES.process, "the lines to be written");
    // Syncs come at most one per group delay, not one per line.
    const delays = Math.ceil((performance.now() - started) / SYNC_DELAY_MS);
    assert.ok(
      journal.syncs <= delays + 1 && journal.syncs < 100,
      `${journal.syncs} syncs in ${delays} delays`,
    );
    const before = journal.syncs;
    journal.append({ type: "log", ts: nowIso(), message: "waited on" });
    await journal.synced();
    assert.equal(journal.syncs, before + 1, "synced() syncs at once");
    journal.append({ type: "log", ts: nowIso(), message: "last" });
    await journal.close();
    assert.equal(journal.syncs, before + 2, "close() syncs what is left");
    assert.equal(await onDisk(), 102);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

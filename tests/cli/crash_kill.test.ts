/**
 * Crash safety with real processes: a 200-node run (100 items through two pipeline stages, each
 * node a few tens of milliseconds) is killed with SIGKILL at several random points, each time resumed
 * from the killed run's journal, until a resume finishes. Checked: no node the killed journal shows
 * finished is run again, every journal parses (at most a torn last line), and the final result is
 * the result of an uninterrupted run. Kill points and the nodes each kill lost are printed.
 *
 * `ODW_KILL_SEED=<n>` replays one choice of kill points.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseJournal } from "../../src/records/read.ts";
import { withProject, workflowSource } from "../_support/odw.ts";
import { keysOf, spawnOdw } from "../_support/live_odw.ts";

const SCRIPT = workflowSource(
  `const items = Array.from({ length: 100 }, (_, i) => "item " + i);
const reviews = await pipeline(
  items,
  (item) => agent("draft " + item, { label: "draft" }),
  (draft, item) => agent("review of " + item + ": " + draft, { label: "review" }),
);
return reviews;`,
  "two-hundred",
);
/** Uneven delays, so nodes finish out of order. */
const SCENARIO = JSON.stringify({
  rules: [{ prompt: "[37]\\b", delayMs: 70 }, { prompt: "5\\b", delayMs: 5 }],
  default: { delayMs: 30 },
});
const KILLS = 3;
const DEADLINE = 90_000;

/** A small seeded generator (mulberry32), so a failing choice of kill points can be replayed. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

Deno.test("SIGKILL at random points of a 200-node run: resumes lose nothing finished and end as an uninterrupted run", async () => {
  const seed = Number(Deno.env.get("ODW_KILL_SEED") ?? Math.floor(Math.random() * 2 ** 31));
  const next = random(seed);
  // Kill after this many completed nodes (counting reused ones), strictly increasing, within 20..180.
  const points = Array.from({ length: KILLS }, () => 20 + Math.floor(next() * 160)).sort((a, b) => a - b)
    .map((p, i) => p + i * 3);
  await withProject(async (project) => {
    await project.write("wf.js", SCRIPT);
    await project.write("scenario.json", SCENARIO);
    const baseline = await project.odw([
      "exec",
      "wf.js",
      "--mock-scenario",
      "scenario.json",
      "--json",
      "--quiet",
    ], {
      timeoutMs: DEADLINE,
    });
    assert.equal(baseline.code, 0, baseline.stderr);

    const report: string[] = [];
    let from: string | undefined;
    for (const point of points) {
      const args = from === undefined
        ? ["exec", "wf.js", "--mock-scenario", "scenario.json", "--concurrency", "8", "--quiet"]
        : ["resume", from, "--quiet"];
      const live = await spawnOdw(project, args);
      try {
        await live.journalWhere(
          (events) => keysOf(events).completed.size >= point,
          DEADLINE,
          `${point} nodes`,
        );
        live.signal("SIGKILL");
        const end = await live.ended(DEADLINE);
        assert.equal(end.signal, "SIGKILL");
      } finally {
        await live.dispose();
      }
      const runDir = await live.runDir();
      const parsed = parseJournal(await Deno.readTextFile(join(runDir, "journal.jsonl")));
      assert.deepEqual(parsed.damaged, [], "every line but a torn last one parses");
      const keys = keysOf(parsed.events);
      const lost = [...keys.started].filter((key) => !keys.finished.has(key)).length;
      report.push(
        `killed at ${keys.completed.size} completed (target ${point}), ${lost} in flight lost` +
          (parsed.torn ? ", torn last line" : ""),
      );
      from = runDir.split("/").at(-1);
    }

    const final = await project.odw(["resume", from!, "--json", "--quiet"], { timeoutMs: DEADLINE });
    assert.equal(final.code, 0, final.stderr);
    assert.deepEqual(final.json?.result, baseline.json?.result, "same result as the uninterrupted run");

    // Each resume ran none of the nodes its predecessor's journal shows completed.
    const runs = (await project.runIds()).map((id) => project.path(`.odw/runs/${id}`));
    for (const runDir of runs) {
      const events = parseJournal(await Deno.readTextFile(join(runDir, "journal.jsonl"))).events;
      const started = events[0];
      if (started.type !== "run.started" || started.resumeOf === undefined) continue;
      const before = parseJournal(
        await Deno.readTextFile(project.path(`.odw/runs/${started.resumeOf}/journal.jsonl`)),
      );
      const finishedBefore = keysOf(before.events).completed;
      const rerun = [...keysOf(events).started].filter((key) => finishedBefore.has(key));
      assert.deepEqual(rerun, [], `${runDir} re-ran nodes ${started.resumeOf} had finished`);
    }
    const stats = final.json?.resume as Record<string, string[]>;
    assert.equal(stats.reused.length + stats.rerun.length + stats.new.length, 200);
    console.log(`kill test (seed ${seed}): ${report.join("; ")}; final resume reused ${stats.reused.length}`);
  });
});

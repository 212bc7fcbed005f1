/**
 * The run-records reader: a torn last line is dropped (and said), a damaged line elsewhere is
 * refused, a tail cut just before its newline is kept; runs are found by id or unique prefix and
 * nothing else; a run's owner is told apart from a process that reused its pid.
 *
 * @module
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { findRun } from "../../src/records/find.ts";
import { runState } from "../../src/records/list.ts";
import { currentOwner, ownerState, processStartTicks, startTicksOf } from "../../src/records/owner.ts";
import { parseJournal, readRun, RecordError } from "../../src/records/read.ts";

const started = (runId: string) =>
  JSON.stringify({
    type: "run.started",
    ts: "2026-01-01T00:00:00.000Z",
    runId,
    name: "n",
    scriptPath: "/x.js",
    backend: "mock",
    concurrency: 1,
    budget: null,
  });
const log = (message: string) => JSON.stringify({ type: "log", ts: "2026-01-01T00:00:00.000Z", message });

Deno.test("journal: a torn last line is dropped and reported; a whole tail without newline is kept", () => {
  const whole = `${started("r")}\n${log("a")}\n`;
  assert.deepEqual(parseJournal(whole).events.length, 2);
  assert.equal(parseJournal(whole).torn, false);
  const torn = parseJournal(`${whole}${log("b").slice(0, 20)}`);
  assert.equal(torn.events.length, 2);
  assert.equal(torn.torn, true);
  assert.deepEqual(torn.damaged, []);
  const cutBeforeNewline = parseJournal(`${whole}${log("c")}`);
  assert.equal(cutBeforeNewline.events.length, 3);
  assert.equal(cutBeforeNewline.torn, false);
  // Every cut of a valid journal parses: whole lines kept, the tail dropped or kept.
  const text = `${whole}${log("d")}\n${log("e")}\n`;
  for (let cut = 0; cut <= text.length; cut++) {
    const parsed = parseJournal(text.slice(0, cut));
    assert.deepEqual(parsed.damaged, [], `cut at ${cut}`);
    assert.ok(parsed.events.length <= 4);
  }
});

Deno.test("journal: a damaged line before the end is refused by readRun, naming the line", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "journal.jsonl"), `${started("r")}\n{"type":"log",\n${log("x")}\n`);
    assert.deepEqual(parseJournal(await Deno.readTextFile(join(dir, "journal.jsonl"))).damaged, [2]);
    await assert.rejects(
      () => readRun(dir),
      (e: Error) => e instanceof RecordError && /line 2 /.test(e.message),
    );
    await Deno.writeTextFile(join(dir, "journal.jsonl"), `${log("x")}\n`);
    await assert.rejects(() => readRun(dir), /does not start with run\.started/);
    await Deno.remove(join(dir, "journal.jsonl"));
    await assert.rejects(() => readRun(dir), /no journal\.jsonl/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("find: a whole id or a unique prefix; ambiguity, absence and paths are refused", async () => {
  const dir = await Deno.makeTempDir();
  try {
    for (const id of ["20260101-120000-aaaaaa", "20260101-120000-bbbbbb", "20260102-090000-cccccc"]) {
      await Deno.mkdir(join(dir, id));
    }
    assert.equal(await findRun(dir, "20260102"), join(dir, "20260102-090000-cccccc"));
    assert.equal(await findRun(dir, "20260101-120000-aaaaaa"), join(dir, "20260101-120000-aaaaaa"));
    await assert.rejects(() => findRun(dir, "20260101"), /ambiguous: 2 runs match/);
    await assert.rejects(() => findRun(dir, "1999"), /no run "1999"/);
    for (const hostile of ["../etc", "/tmp", "a/b", "", ".", "-rf"]) {
      await assert.rejects(() => findRun(dir, hostile), /is not a run id/, hostile);
    }
    await assert.rejects(() => findRun(join(dir, "missing"), "2026"), /no run "2026"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("owner: start ticks from /proc; a reused pid, a dead pid and another host are not alive", async () => {
  const me = currentOwner();
  assert.equal(me.pid, Deno.pid);
  assert.ok(me.startTicks !== null && me.startTicks > 0);
  assert.equal(ownerState(me), "alive");
  assert.equal(
    ownerState({ ...me, startTicks: me.startTicks! + 1 }),
    "gone",
    "same pid, other start: reused",
  );
  assert.equal(ownerState({ ...me, host: `${me.host}-elsewhere` }), "unknown");
  assert.equal(ownerState({ pid: -5, startTicks: 1, host: me.host }), "unknown", "never a process group");
  assert.equal(ownerState(undefined), "unknown");
  const child = new Deno.Command("true").spawn();
  await child.status;
  assert.equal(processStartTicks(child.pid), null);
  // The command name may hold spaces and parentheses; field 22 follows the last ")".
  const rest = "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 424242 20 21";
  assert.equal(startTicksOf(`77 (a) b (c) ${rest}`), 424242);
  assert.equal(startTicksOf(`77 (zz) ${rest.replace(/^S/, "Z")}`), null, "a zombie has ended");
  assert.equal(startTicksOf("garbage"), null);
  const base = { ts: "", runId: "r", name: "", scriptPath: "", backend: "", concurrency: 1, budget: null };
  const record = (owner: unknown) => ({
    started: { type: "run.started" as const, ...base, owner: owner as never },
  });
  assert.equal(runState(record(me)), "running");
  assert.equal(runState(record({ ...me, startTicks: 1 })), "dead");
  assert.equal(runState(record(undefined)), "unknown");
});

/**
 * `odw resume`, `odw exec --resume-from` and `odw replay` through the real CLI: the old run's flags,
 * scenario and args are kept unless given again, the new run links to the old one, the counts and
 * keys are reported; a replay runs no backend, reproduces recorded failures, and a call the journal
 * lacks fails it with its call site. Bad input is one line and exit 2.
 *
 * @module
 */
import assert from "node:assert/strict";
import type { RunEvent } from "../../src/engine/events.ts";
import { mapLimited, type OdwProject, stackLines, withProject, workflowSource } from "../_support/odw.ts";
import { keysOf } from "../_support/live_odw.ts";

const BODY = `const a = await agent("first " + args.topic, { label: "a" });
const b = await agent("second", { label: "b" });
const c = await agent("third", { label: "c" });
return { a, b, c, topic: args.topic };`;

/** A scenario whose replies prove it was used (also by a resume that did not name it). */
const SCENARIO = JSON.stringify({ rules: [{ prompt: ".", reply: "scripted" }] });

type Stats = { from: string; reused: string[]; rerun: string[]; new: string[]; unused: string[] };

async function firstRun(project: OdwProject) {
  await project.write("wf.js", workflowSource(BODY, "three"));
  await project.write("scenario.json", SCENARIO);
  const run = await project.odw([
    "exec",
    "wf.js",
    "--mock-scenario",
    "scenario.json",
    "--budget",
    "5000",
    "--args",
    '{"topic":"cats"}',
    "--json",
    "--quiet",
  ]);
  assert.equal(run.code, 0, run.stderr);
  return String(run.json?.runId);
}

const startedOf = async (project: OdwProject, runDir: unknown) =>
  (await project.readRun(String(runDir))).events[0] as Extract<RunEvent, { type: "run.started" }>;

Deno.test("resume keeps the old run's scenario, budget and args; --script runs an edit; counts and keys", async () => {
  await withProject(async (project) => {
    const first = await firstRun(project);
    await project.write("edited.js", workflowSource(BODY.replace(`"third"`, `"third, changed"`), "three"));
    const resumed = await project.odw(["resume", first, "--script", "edited.js", "--json", "--quiet"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.deepEqual(resumed.json?.result, { a: "scripted", b: "scripted", c: "scripted", topic: "cats" });
    const stats = resumed.json?.resume as Stats;
    assert.equal(stats.from, first);
    assert.deepEqual([stats.reused.length, stats.rerun.length, stats.new.length, stats.unused.length], [
      2,
      0,
      1,
      1,
    ]);
    const started = await startedOf(project, resumed.json?.runDir);
    assert.equal(started.resumeOf, first);
    assert.equal(started.budget, 5000);
    assert.deepEqual(started.args, { topic: "cats" });
    assert.match(started.scriptPath, /edited\.js$/);
    assert.deepEqual(started.flags, {
      "mock-scenario": project.path("scenario.json"),
      budget: "5000",
    });
    const record = await project.readRun(String(resumed.json?.runDir));
    assert.deepEqual([...keysOf(record.events).started], stats.new, "only the changed node started");

    // Given again, a flag or the args win; the text summary says what was reused.
    const overridden = await project.odw([
      "exec",
      "wf.js",
      "--resume-from",
      first,
      "--args",
      '{"topic":"dogs"}',
    ]);
    assert.equal(overridden.code, 0, overridden.stderr);
    assert.match(overridden.stdout, /"topic": "dogs"/);
    assert.match(
      overridden.stderr,
      new RegExp(`resumed from ${first}: 2 reused · 0 re-run · 1 new · 1 unused\\n$`),
    );
  });
});

Deno.test("resume runs the recorded script's copy when the file is gone, and says so", async () => {
  await withProject(async (project) => {
    const first = await firstRun(project);
    await Deno.remove(project.path("wf.js"));
    const resumed = await project.odw(["resume", first, "--json"]);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stderr, new RegExp(`wf\\.js is gone; running the copy kept with run ${first}`));
    assert.equal((resumed.json?.resume as Stats).reused.length, 3);
  });
});

Deno.test("replay answers from the journal only: same script passes with no node started", async () => {
  await withProject(async (project) => {
    await project.write(
      "wf.js",
      workflowSource(`const ok = await agent("fine", { label: "ok" });
const bad = await agent("breaks", { label: "bad" });
return { ok, bad };`),
    );
    await project.write(
      "fails.json",
      JSON.stringify({ rules: [{ label: "bad", fail: "recorded failure" }] }),
    );
    const first = await project.odw(["exec", "wf.js", "--mock-scenario", "fails.json", "--json", "--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    const replay = await project.odw(["replay", String(first.json?.runId)]);
    assert.equal(replay.code, 0, replay.stderr);
    assert.match(replay.stderr, /\[bad\] failed: recorded failure/, "a recorded failure replays as it was");
    assert.match(
      replay.stderr,
      new RegExp(`replay of ${first.json?.runId}: 2 answered from the journal · result same as recorded`),
    );
    const json = await project.odw(["replay", String(first.json?.runId), "--json", "--quiet"]);
    assert.deepEqual(json.json?.result, first.json?.result);
    assert.equal((json.json?.resume as { sameResult: boolean }).sameResult, true);
    const record = await project.readRun(String(json.json?.runDir));
    assert.equal(keysOf(record.events).started.size, 0, "a replay starts no node");
    const started = record.events[0] as Extract<RunEvent, { type: "run.started" }>;
    assert.deepEqual([started.backend, started.replay, started.resumeOf], [
      "replay",
      true,
      first.json?.runId,
    ]);
  });
});

Deno.test("replay fails at a call the journal lacks, naming its file, line and column", async () => {
  await withProject(async (project) => {
    const first = await firstRun(project);
    await project.write(
      "flows/edited.js",
      workflowSource(`const a = await agent("first " + args.topic, { label: "a" });
  const extra = await agent("not recorded", { label: "extra" });
return a;`),
    );
    const replay = await project.odw(["replay", first, "--script", "flows/edited.js", "--json", "--quiet"]);
    assert.equal(replay.code, 1);
    assert.equal(
      replay.json?.error,
      `ReplayError: agent() at edited.js:3:23 ("extra") is not in the journal of run ${first} ` +
        `(key ${
          (replay.json?.resume as Stats).new[0]
        }); the script asks for a node the recorded run did not finish`,
    );
    const text = await project.odw(["replay", first, "--script", "flows/edited.js"]);
    assert.equal(text.code, 1);
    assert.match(text.stderr, /^ReplayError: agent\(\) at edited\.js:3:23 /m);
    assert.deepEqual(stackLines(text.stderr), []);
  });
});

Deno.test("--help for resume, replay, cancel and runs; bad input is one line and exit 2", async () => {
  await withProject(async (project) => {
    const first = await firstRun(project);
    await Deno.mkdir(project.path(`.odw/runs/${first.slice(0, 9)}999999-zzzzzz`));
    const damaged = "20000101-000000-damage";
    await project.write(
      `.odw/runs/${damaged}/journal.jsonl`,
      `{"type":"run.started","runId":"${damaged}"}\n{oops\n{}\n`,
    );
    const helps = await mapLimited(
      ["resume", "replay", "cancel", "runs"],
      2,
      (c) => project.odw([c, "--help"]),
    );
    helps.forEach((help, i) => {
      assert.equal(help.code, 0);
      assert.match(help.stdout, new RegExp(`^Usage: odw ${["resume", "replay", "cancel", "runs"][i]} `));
    });
    const cases: Array<[string[], RegExp]> = [
      [["resume"], /^odw: resume needs a run id: odw resume <runId>$/],
      [["replay"], /^odw: replay needs a run id: odw replay <runId>$/],
      [["resume", "nope"], /^odw: no run "nope" in .*\.odw\/runs \(see odw runs\)$/],
      [["resume", "../../etc"], /^odw: "\.\.\/\.\.\/etc" is not a run id \(see odw runs\)$/],
      [["resume", first.slice(0, 9)], /^odw: run id "\d{8}-" is ambiguous: 2 runs match \(/],
      [["resume", damaged], /^odw: .*journal\.jsonl is damaged: line 2 is not a journal event$/],
      [
        ["replay", first, "--backend", "mock"],
        /^odw: --backend does not apply to odw replay \(try odw replay --help\)$/,
      ],
      [["replay", first, "--mock-scenario", "x.json"], /^odw: --mock-scenario does not apply to odw replay/],
      [["resume", first, "--resume-from", first], /^odw: --resume-from does not apply to odw resume/],
      [["resume", first, "--bogus"], /^odw: unknown option --bogus \(try odw resume --help\)$/],
      [["exec", "wf.js", "--resume-from", "nope"], /^odw: no run "nope" in /],
      [["cancel"], /^odw: cancel needs a run id: odw cancel <runId>$/],
      [["cancel", first, "extra"], /^odw: unexpected argument "extra"$/],
      [["cancel", first, "--wait", "0s"], /^odw: --wait must be longer than zero, got "0s"$/],
      [["cancel", "nope"], /^odw: no run "nope" in /],
      [["runs", "--bogus"], /^odw: unknown option --bogus \(try odw runs --help\)$/],
    ];
    const runs = await mapLimited(cases, 3, ([argv]) => project.odw(argv));
    runs.forEach((run, i) => {
      const [argv, pattern] = cases[i];
      assert.equal(run.code, 2, `${argv.join(" ")}: ${run.stderr}`);
      assert.equal(run.stderr.split("\n").length, 2, `${argv.join(" ")}: one line: ${run.stderr}`);
      assert.match(run.stderr.trimEnd(), pattern, argv.join(" "));
    });
  });
});

Deno.test("a resume inherits --strict, and --no-strict turns it off (recorded in the run's flags)", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource('return await agent("p");', "strictness"));
    const first = await project.odw(["exec", "wf.js", "--strict", "--backend", "mock", "--json", "--quiet"]);
    assert.equal(first.code, 0, first.stderr);
    const inherited = await project.odw(["resume", String(first.json?.runId), "--json", "--quiet"]);
    const off = await project.odw(["resume", String(first.json?.runId), "--no-strict", "--json", "--quiet"]);
    const flagsOf = async (run: typeof first) => {
      const record = await project.readRun(String(run.json?.runDir));
      const started = record.events[0] as { type: string; flags?: Record<string, unknown> };
      assert.equal(started.type, "run.started");
      return started.flags ?? {};
    };
    assert.equal((await flagsOf(first)).strict, true);
    assert.equal((await flagsOf(inherited)).strict, true);
    assert.equal((await flagsOf(off)).strict, false);
  });
});

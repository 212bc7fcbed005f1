/**
 * `odw exec`'s backend and routing flags through the real CLI: which backend runs by default (and the
 * header saying so), `run.started` recording it, node keys following the resolved routing (so a
 * resume under another `--model` re-runs what changed), and `--dry-run` (text and JSON, prices,
 * nothing run, no record).
 *
 * @module
 */
import assert from "node:assert/strict";
import type { NodeStartedEvent, RunStartedEvent } from "../../src/engine/events.ts";
import { type OdwProject, withProject, workflowSource } from "../_support/odw.ts";

async function journalOf(project: OdwProject, runDir: unknown) {
  return (await project.readRun(String(runDir))).events;
}

Deno.test("default backend: mock without a runtime, pandacode with one given or configured; the header says so", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", workflowSource("return 1;"));
    const bare = await project.odw(["exec", "wf.js"]);
    assert.equal(bare.code, 0, bare.stderr);
    assert.equal(
      bare.stderr.split("\n")[0],
      "odw: backend mock · default routing: none (each node's own options)",
    );

    const given = await project.odw(["exec", "wf.js", "--runtime", "bamboo"]);
    assert.equal(given.code, 0, given.stderr);
    assert.equal(
      given.stderr.split("\n")[0],
      "odw: backend pandacode (in-process) · default routing bamboo/deepseek/deepseek-flash " +
        "(runtime from command line, provider from pandacode default, model from pandacode default)",
    );

    const mockAnyway = await project.odw([
      "exec",
      "wf.js",
      "--runtime",
      "claude",
      "--backend",
      "mock",
      "--json",
    ]);
    const started = (await journalOf(project, mockAnyway.json?.runDir))[0] as RunStartedEvent;
    assert.equal(started.backend, "mock");
    assert.deepEqual(started.routing, { runtime: "claude", sources: { runtime: "command line" } });

    await project.write(".odw/config.json", JSON.stringify({ defaults: { runtime: "claude" } }));
    const configured = await project.odw(["exec", "wf.js", "--json"]);
    const record = (await journalOf(project, configured.json?.runDir))[0] as RunStartedEvent;
    assert.equal(record.backend, "pandacode");
    assert.equal(record.backendDetail, "in-process");
    assert.deepEqual(record.routing, {
      runtime: "claude",
      model: "claude-opus-5-5",
      sources: { runtime: "config.defaults", model: "default" },
    });

    await project.write(
      ".odw/config.json",
      JSON.stringify({ backend: "mock", defaults: { runtime: "claude" } }),
    );
    const pinned = await project.odw(["exec", "wf.js", "--json"]);
    assert.equal(((await journalOf(project, pinned.json?.runDir))[0] as RunStartedEvent).backend, "mock");
  });
});

/** One node that takes its model from the command line, one that names its own. */
const FREE_AND_PINNED = workflowSource(`await agent("free node", { label: "free" });
await agent("pinned node", { label: "pinned", model: "m1" });
return 1;`);

Deno.test("node keys hash the resolved routing: another --model re-keys the nodes it reaches, not the others", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", FREE_AND_PINNED);
    const keys = async (extra: string[]) => {
      const run = await project.odw(["exec", "wf.js", "--backend", "mock", "--json", "--quiet", ...extra]);
      assert.equal(run.code, 0, run.stderr);
      const events = await journalOf(project, run.json?.runDir);
      const started = events.filter((e): e is NodeStartedEvent => e.type === "node.started");
      return Object.fromEntries(started.map((e) => [e.label, e.key]));
    };
    const m1 = await keys(["--model", "m1"]);
    const m1Again = await keys(["--model", "m1"]);
    const m2 = await keys(["--model", "m2"]);
    assert.deepEqual(m1Again, m1, "same routing, same keys");
    assert.notEqual(m2.free, m1.free, "the node --model reaches is re-keyed");
    assert.equal(m2.pinned, m1.pinned, "a node that names its own model keeps its key");
    // The model written in the options and the same model from the command line are the same request.
    assert.equal(m1.free.split("#")[0], (await keys(["--model", "m1"])).free.split("#")[0]);
    await project.write(
      "same.js",
      workflowSource(`await agent("free node", { label: "free", model: "m1" }); return 1;`),
    );
    const written = await project.odw(["exec", "same.js", "--backend", "mock", "--json", "--quiet"]);
    const writtenKey = (await journalOf(project, written.json?.runDir))
      .find((e): e is NodeStartedEvent => e.type === "node.started")?.key;
    assert.equal(writtenKey, m1.free);
  });
});

const DRY = `export const meta = {
  name: "dry",
  description: "d",
  phases: [{ title: "Plan", model: "planner-model" }],
};
phase("Plan");
const plan = await agent("plan it", { label: "plan" });
phase("Do");
await agent("do it with codex", { label: "do", runtime: "codex", effort: "high", schema: SCHEMA_NAME });
await agent("computed", { runtime: args.rt });
return plan;`;

Deno.test("--dry-run prints each call site's routing and list price, runs nothing, writes no record", async () => {
  await withProject(async (project) => {
    await project.write("dry.js", DRY);
    await project.write(".odw/config.json", JSON.stringify({ phases: { Do: { model: "gpt-6.1-sol" } } }));
    const json = await project.odw(["exec", "dry.js", "--runtime", "bamboo", "--dry-run", "--json"]);
    assert.equal(json.code, 0, json.stderr);
    assert.equal(json.stderr, "");
    const plan = json.json as {
      backend: string;
      callSites: {
        label: string;
        line: number;
        routing: Record<string, unknown>;
        sources: Record<string, string>;
        computed: string[];
        price: { inputPerMTok: number; outputPerMTok: number; asOf: string } | null;
      }[];
    };
    assert.equal(plan.backend, "pandacode");
    const [planSite, doSite, computedSite] = plan.callSites;
    assert.deepEqual([planSite.label, planSite.line], ["plan", 7]);
    assert.deepEqual(planSite.routing, { runtime: "bamboo", model: "planner-model", provider: "deepseek" });
    assert.deepEqual(planSite.sources, {
      runtime: "command line",
      model: "meta.phases",
      provider: "default",
    });
    assert.equal(planSite.price, null, "no list price for a model outside the table");
    assert.deepEqual(doSite.routing, { runtime: "codex", model: "gpt-6.1-sol", effort: "high" });
    assert.deepEqual(doSite.sources, { runtime: "agent", model: "config.phases", effort: "agent" });
    assert.deepEqual(doSite.price && [doSite.price.inputPerMTok, doSite.price.outputPerMTok], [2, 10]);
    assert.match(doSite.price?.asOf ?? "", /^\d{4}-\d{2}-\d{2}$/);
    assert.deepEqual(doSite.computed, [], "the schema is computed, but it does not route");
    assert.deepEqual(computedSite.computed, ["runtime"]);

    const text = await project.odw(["exec", "dry.js", "--runtime", "bamboo", "--dry-run"]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(
      text.stdout,
      /^dry run of dry on backend pandacode \(in-process\): 3 agent\(\) call site\(s\)/,
    );
    assert.match(
      text.stdout,
      /routing: codex\/gpt-6\.1-sol · effort high \(runtime: agent, model: config\.phases, effort: agent\)\n {2}price: {3}\$2 in \(cached \$0\.1\) \/ \$10 out per 1M tokens, list price as of \d{4}-\d{2}-\d{2}/,
    );
    assert.match(text.stdout, /computed at run time, may change this routing: runtime/);
    assert.deepEqual(await project.runIds(), [], "a dry run leaves no run record");
  });
});

Deno.test("resume under another --model re-runs the nodes it reaches and reuses the others", async () => {
  await withProject(async (project) => {
    await project.write("wf.js", FREE_AND_PINNED);
    const first = await project.odw([
      "exec",
      "wf.js",
      "--backend",
      "mock",
      "--model",
      "m1",
      "--json",
      "--quiet",
    ]);
    assert.equal(first.code, 0, first.stderr);
    const runId = String(first.json?.runId);
    const same = await project.odw(["resume", runId, "--json", "--quiet"]);
    assert.equal(same.code, 0, same.stderr);
    const sameResume = same.json?.resume as { reused: string[]; new: string[] };
    assert.equal(sameResume.reused.length, 2, "the flags are inherited: same routing, both reused");
    const other = await project.odw(["resume", runId, "--model", "m2", "--json", "--quiet"]);
    assert.equal(other.code, 0, other.stderr);
    const otherResume = other.json?.resume as { reused: string[]; new: string[] };
    assert.equal(otherResume.reused.length, 1, "the node that names its own model is reused");
    assert.equal(otherResume.new.length, 1, "the node --model reaches runs again");
  });
});

/**
 * Per-node routing: first match wins field by field (agent options, `meta.phases[].model`, config
 * phase, config defaults, command line, backend defaults); a source naming a runtime lends its
 * provider/model only to that runtime; a provider from a source without a runtime goes to bamboo only;
 * what the node is sent excludes the backend's defaults, which are only shown.
 *
 * @module
 */
import assert from "node:assert/strict";
import { parseConfig } from "../../src/engine/config_schema.ts";
import { Router, routingLabel } from "../../src/engine/routing.ts";

const config = parseConfig(
  JSON.stringify({
    defaults: { provider: "kimi", effort: "low", timeout: "5m" },
    phases: {
      Review: { runtime: "claude", model: "claude-cfg", timeout: "90s" },
      Build: { model: "phase-cfg-model" },
    },
  }),
  "config.json",
);

const defaults = (runtime: string, provider?: string) =>
  runtime === "bamboo"
    ? {
      provider: provider ?? "deepseek",
      model: provider === "kimi" ? "kimi-default" : "ds-default",
      note: "table",
    }
    : { provider: null, model: `${runtime}-cli-default`, note: "cli" };

const router = new Router({
  metaPhases: [{ title: "Draft", model: "meta-model" }, { title: "Review", model: "meta-review" }],
  config,
  commandLine: { runtime: "bamboo", model: "cli-model", effort: "high", timeoutMs: 1000 },
  defaults,
});

Deno.test("routing: the agent's own options win over every other source", () => {
  const r = router.resolve({ runtime: "codex", model: "own", effort: "max", timeoutMs: 5 }, "Review");
  assert.deepEqual(r.chosen, { runtime: "codex", model: "own", effort: "max", timeoutMs: 5 });
  assert.deepEqual(r.sources, { runtime: "agent", model: "agent", effort: "agent", timeoutMs: "agent" });
});

Deno.test("routing: meta.phases[].model comes before config and the command line", () => {
  const r = router.resolve({}, "Draft");
  assert.deepEqual(r.chosen, {
    runtime: "bamboo",
    provider: "kimi",
    model: "meta-model",
    effort: "low",
    timeoutMs: 300_000,
  });
  assert.deepEqual(r.sources, {
    runtime: "command line",
    provider: "config.defaults",
    model: "meta.phases",
    effort: "config.defaults",
    timeoutMs: "config.defaults",
  });
});

Deno.test("routing: a config phase beats config defaults; its runtime takes the node off the command line's", () => {
  const r = router.resolve({}, "Review");
  // meta.phases names no runtime, so its model still counts on claude; kimi is a bamboo provider.
  assert.deepEqual(r.chosen, { runtime: "claude", model: "meta-review", effort: "low", timeoutMs: 90_000 });
  assert.deepEqual(r.shown, r.chosen, "claude's model was chosen, nothing to fill in");
  const build = router.resolve({}, "Build");
  assert.equal(build.chosen.model, "phase-cfg-model");
  assert.equal(build.sources.model, "config.phases");
});

Deno.test("routing: a source naming another runtime lends neither provider nor model", () => {
  // The command line says bamboo + cli-model: a claude node must not get a bamboo model.
  const r = router.resolve({ runtime: "claude" }, "Other");
  assert.deepEqual(r.chosen, { runtime: "claude", effort: "low", timeoutMs: 300_000 });
  assert.deepEqual(r.shown.model, "claude-cli-default");
  assert.equal(r.sources.model, "default");
  assert.equal(routingLabel(r.shown), "claude/claude-cli-default");
  // On bamboo, the command line's model counts.
  assert.equal(router.resolve({}, "Other").chosen.model, "cli-model");
});

Deno.test("routing: the backend's defaults are shown, never sent", () => {
  const bare = new Router({ commandLine: { runtime: "bamboo" }, defaults });
  const r = bare.resolve({});
  assert.deepEqual(r.chosen, { runtime: "bamboo" });
  assert.deepEqual(r.shown, { runtime: "bamboo", provider: "deepseek", model: "ds-default" });
  assert.deepEqual(r.sources, { runtime: "command line", provider: "default", model: "default" });
  // The default model follows the chosen provider.
  assert.equal(bare.resolve({ provider: "kimi" }).shown.model, "kimi-default");
});

Deno.test("routing: without any source a node keeps only its own options (the mock without routing)", () => {
  const r = new Router().resolve({ provider: "x" }, "Any");
  assert.deepEqual(r.chosen, { provider: "x" });
  assert.deepEqual(r.shown, { provider: "x" });
  assert.equal(routingLabel(r.shown), "(no runtime)/x");
});

Deno.test("routing: stallTimeout and retries come from the node's options, then its config phase only", () => {
  const guarded = new Router({
    config: parseConfig(
      JSON.stringify({
        defaults: { retries: 5, stallTimeout: "10m" },
        phases: { Slow: { stallTimeout: "20m", retries: 0 } },
      }),
      "config.json",
    ),
  });
  assert.deepEqual(guarded.resolve({}, "Slow").chosen, { stallTimeoutMs: 1_200_000, retries: 0 });
  assert.deepEqual(guarded.resolve({ retries: 3 }, "Slow").chosen, { stallTimeoutMs: 1_200_000, retries: 3 });
  // Config defaults are the runner's policy (below --stall-timeout / --retries), not a node setting.
  assert.deepEqual(guarded.resolve({}, "Other").chosen, {});
});

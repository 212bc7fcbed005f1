/**
 * Node keys: what is in them (the request) and what is not (label, phase, timeouts, retries), and
 * that occurrences count in call order — parallel thunks are called in index order, so a key never
 * depends on which branch finished first.
 *
 * @module
 */
import assert from "node:assert/strict";
import { NodeKeys, requestHash } from "../../src/engine/node_key.ts";
import type { AgentCallOptions } from "../../src/protocol.ts";
import { eventsOf, runScript, withMeta } from "../_support/run_script.ts";

const BASE: AgentCallOptions = { schema: { type: "object", properties: {} }, model: "m", runtime: "codex" };

Deno.test("keys: label, phase, timeouts and retries are cosmetic; every request field counts", () => {
  const key = requestHash("do it", BASE, "");
  const cosmetic: AgentCallOptions[] = [
    { ...BASE, label: "other label" },
    { ...BASE, phase: "Another phase" },
    { ...BASE, timeout: "5m", stallTimeout: 1000, retries: 3 },
  ];
  for (const options of cosmetic) {
    assert.equal(requestHash("do it", options, ""), key, JSON.stringify(options));
  }
  const distinct: Array<[string, AgentCallOptions, string]> = [
    ["do it!", BASE, ""],
    ["do it", { ...BASE, schema: { type: "object", properties: { a: { type: "string" } } } }, ""],
    ["do it", { ...BASE, runtime: "claude" }, ""],
    ["do it", { ...BASE, provider: "kimi" }, ""],
    ["do it", { ...BASE, model: "m2" }, ""],
    ["do it", { ...BASE, effort: "high" }, ""],
    ["do it", { ...BASE, isolation: "worktree" }, ""],
    ["do it", { ...BASE, agentType: "reviewer" }, ""],
    ["do it", BASE, "/project/.odw/workflows/child.js"],
  ];
  const hashes = distinct.map(([prompt, options, scope]) => requestHash(prompt, options, scope));
  assert.equal(new Set([key, ...hashes]).size, distinct.length + 1);
  // Key order inside the schema does not matter (canonical JSON).
  const reordered = { ...BASE, schema: { properties: {}, type: "object" } };
  assert.equal(requestHash("do it", reordered, ""), key);
});

Deno.test("keys: the n-th identical request gets #n", () => {
  const keys = new NodeKeys();
  const hash = requestHash("same", {}, "");
  assert.deepEqual(
    [keys.next("same", {}, ""), keys.next("other", {}, ""), keys.next("same", { label: "x" }, "")],
    [`${hash}#1`, `${requestHash("other", {}, "")}#1`, `${hash}#2`],
  );
});

/** The label of each key, for a parallel of identical requests finishing in the order `delays` gives. */
async function keysByLabel(delays: number[]): Promise<Map<string, string>> {
  const thunks = delays.map((_, i) => `() => agent("identical request", { label: "slot${i}" })`).join(",\n");
  const { outcome, events } = await runScript(withMeta(`return await parallel([${thunks}]);`), {
    concurrency: delays.length,
    scenario: { rules: delays.map((delayMs, i) => ({ label: `slot${i}`, reply: `r${i}`, delayMs })) },
  });
  assert.equal(outcome.status, "completed");
  assert.deepEqual(outcome.result, delays.map((_, i) => `r${i}`));
  const finished = eventsOf(events, "node.finished");
  return new Map(finished.map((e) => [e.label, e.key]));
}

Deno.test("keys: parallel thunks are keyed in index order, never in completion order", async () => {
  const hash = requestHash("identical request", {}, "");
  // Later slots finish first in one run, earlier slots first in the other.
  const lastFirst = await keysByLabel([400, 300, 200, 100, 0]);
  const firstFirst = await keysByLabel([0, 100, 200, 300, 400]);
  assert.equal([...lastFirst.keys()][0], "slot4", "the last slot finished first");
  assert.equal([...firstFirst.keys()][0], "slot0", "the first slot finished first");
  for (const byLabel of [lastFirst, firstFirst]) {
    assert.deepEqual(
      [...byLabel.entries()].sort(),
      [0, 1, 2, 3, 4].map((i) => [`slot${i}`, `${hash}#${i + 1}`]),
    );
  }
});

/**
 * The call site of a runtime `agent()` request (what `odw replay` names when a node is missing): the
 * sandbox reads it from the stack and it lands in `node.started` as the line and column `odw check`'s
 * static call sites give for the same call — at the top level, in a helper, in a parallel thunk, on
 * the meta line, and in a child workflow's file. A script that tampers with `Error`'s stack machinery
 * never has its hooks called by the runtime and still gets its agents answered.
 *
 * @module
 */
import assert from "node:assert/strict";
import { analyzeScript } from "../../src/script/analyze.ts";
import { eventsOf, runScript } from "../_support/run_script.ts";

const META = `export const meta = { name: "sites", description: "call sites" };`;

/** The static agent() call sites of `source`, as "line:column". */
function staticSites(source: string): string[] {
  const analysis = analyzeScript(source);
  if (!analysis.ok) throw new Error(analysis.error);
  return analysis.callSites.filter((s) => s.kind === "agent").map((s) => `${s.line}:${s.column}`);
}

/** The runtime call sites of the nodes that started, by label. */
async function runtimeSites(source: string, files?: Record<string, string>) {
  const { outcome, events } = await runScript(source, { files });
  assert.equal(outcome.status, "completed", outcome.error);
  const sites = new Map<string, string>();
  for (const e of eventsOf(events, "node.started")) {
    sites.set(
      e.label,
      e.site ? `${e.site.file ? `${e.site.file}:` : ""}${e.site.line}:${e.site.column}` : "none",
    );
  }
  return { sites, result: outcome.result };
}

Deno.test("call sites: runtime requests carry the line and column odw check gives the call", async () => {
  const source = `${META} await agent("on the meta line", { label: "meta-line" });
const ask = (p) =>   agent(p, { label: "helper" });
await ask("through a helper");
await parallel([
  () => agent("thunk one", { label: "t1" }),
      () => agent("thunk two", { label: "t2" }),
]);
  const x = await agent(\`template \${1 + 1}\`, { label: "top" });
return x;
`;
  const { sites } = await runtimeSites(source);
  const expected = staticSites(source);
  assert.deepEqual(
    ["meta-line", "helper", "t1", "t2", "top"].map((label) => sites.get(label)),
    expected,
  );
  assert.deepEqual(expected, ["1:73", "2:22", "5:9", "6:13", "8:19"]);
});

Deno.test("call sites: an agent in a child workflow is located in the child's file", async () => {
  const child =
    `export const meta = { name: "kid", description: "child" };\n\n  return await agent("from the child", { label: "kid" });\n`;
  const { sites } = await runtimeSites(`${META}\nreturn await workflow("kid");`, {
    ".odw/workflows/kid.js": child,
  });
  assert.equal(sites.get("kid"), `kid.js:${staticSites(child)[0]}`);
  assert.equal(sites.get("kid"), "kid.js:3:16");
});

Deno.test("call sites: a script's stack hooks are never called by the runtime and stay as it set them", async () => {
  const source = `${META}
let calls = 0;
Error.prepareStackTrace = () => { calls++; return "fake"; };
Error.stackTraceLimit = 0;
const a = await agent("with hooks", { label: "hooked" });
const hooksKept = typeof Error.prepareStackTrace === "function" && Error.stackTraceLimit === 0;
Object.defineProperty(Error, "prepareStackTrace", { get() { calls++; return undefined; }, configurable: false });
const b = await agent("with a getter", { label: "getter" });
Object.freeze(Error);
const c = await agent("frozen", { label: "frozen" });
return { calls, hooksKept, answered: [a, b, c].every((v) => typeof v === "string") };
`;
  const { sites, result } = await runtimeSites(source);
  assert.deepEqual(result, { calls: 0, hooksKept: true, answered: true });
  assert.equal(sites.get("hooked"), "5:17");
  assert.equal(sites.get("getter"), "none", "a non-configurable hook: the site is not read");
  assert.equal(sites.get("frozen"), "none");
});

Deno.test("call sites: a non-configurable stackTraceLimit leaves the script's own stack traces as they were", async () => {
  const source = `${META}
Object.defineProperty(Error, "stackTraceLimit", { value: 10, writable: true, configurable: false });
await agent("limit pinned", { label: "pinned" });
const stack = new Error("mine").stack;
return { text: typeof stack === "string" && stack.startsWith("Error: mine"), hook: Error.prepareStackTrace };
`;
  const { sites, result } = await runtimeSites(source);
  assert.deepEqual(result, { text: true });
  assert.equal(sites.get("pinned"), "none", "the limit could not be set: the site is not read");
});

Deno.test("call sites: a frame is located by where it runs, not by names or source URLs a script chooses", async () => {
  const source = `${META}
const named = { ["x (eval at compile (odw-runtime.js), <anonymous>:90:90)"]: () => agent("n", { label: "named" }) };
await named["x (eval at compile (odw-runtime.js), <anonymous>:90:90)"]();
await [1].map(() => agent("m", { label: "through-map" }))[0];
await Reflect.apply(agent, undefined, ["r", { label: "reflected" }]);
return 1;
//# sourceURL=odw-runtime.js
`;
  const { sites } = await runtimeSites(source);
  // The body names a source URL of its own: its frames are no longer anonymous eval code, so (as with
  // the stack's text, whose location would read `odw-runtime.js:…`) none of its calls is located.
  assert.deepEqual(["named", "through-map", "reflected"].map((l) => sites.get(l)), ["none", "none", "none"]);
  const plain = await runtimeSites(source.replace("//# sourceURL=odw-runtime.js\n", ""));
  assert.deepEqual(
    ["named", "through-map", "reflected"].map((l) => plain.sites.get(l)),
    // What the stack's text gave too (checked against the text reader this replaced).
    ["2:84", "4:21", "5:15"],
  );
});

/**
 * No clock and no randomness inside the sandbox, however they are reached: indirect `Date`, the Date
 * prototype's constructor, `Reflect.construct`, subclasses, `performance`, `crypto`, `Intl` without a
 * date, `Temporal`, string timers, blob URLs, `File` stamps, node's `process`. Explicit dates still
 * work, and two runs of the same script observe exactly the same things (stack traces included).
 *
 * @module
 */
import assert from "node:assert/strict";
import { execWorkflow, withProject } from "../_support/odw.ts";

type Attempt = { ok: boolean; value?: string; name?: string; message?: string };

/** Every expression must throw inside the workflow, with a message matching the pattern. */
const CLOCK =
  /^Date\.now\(\) \/ new Date\(\) are unavailable in workflow scripts \(breaks resume\)\. Stamp results/;
const NOT_DEFINED = (name: string) => new RegExp(`^${name} is not defined$`);
const BLOCKED: Record<string, [expression: string, message: RegExp]> = {
  indirectDateNow: [`globalThis["Da" + "te"].now()`, CLOCK],
  indirectNewDate: [`new (globalThis["Da" + "te"])()`, CLOCK],
  indirectDateCall: [`globalThis["Da" + "te"]()`, CLOCK],
  prototypeConstructor: [`new (Object.getPrototypeOf(new Date(0)).constructor)()`, CLOCK],
  prototypeConstructorNow: [`Object.getPrototypeOf(new Date(0)).constructor.now()`, CLOCK],
  reflectConstruct: [`Reflect.construct(globalThis["Da" + "te"], [])`, CLOCK],
  reflectConstructNewTarget: [`Reflect.construct(globalThis["Da" + "te"], [], function () {})`, CLOCK],
  subclass: [`new (class extends globalThis["Da" + "te"] {})()`, CLOCK],
  indirectRandom: [
    `globalThis["Ma" + "th"]["ran" + "dom"]()`,
    /^Math\.random\(\) is unavailable in workflow scripts \(breaks resume\)\. For N independent samples/,
  ],
  // The realm has no performance, crypto, Temporal, URL, File, FormData, process, Deno or location.
  performanceNow: [`performance.now()`, NOT_DEFINED("performance")],
  performanceTimeOrigin: [`globalThis["perf" + "ormance"].timeOrigin`, /Cannot read properties of undefined/],
  performanceMark: [`new PerformanceMark("m").startTime`, NOT_DEFINED("PerformanceMark")],
  getRandomValues: [`crypto.getRandomValues(new Uint8Array(4))`, NOT_DEFINED("crypto")],
  randomUUID: [`crypto.randomUUID()`, NOT_DEFINED("crypto")],
  intlFormat: [`new Intl.DateTimeFormat().format()`, CLOCK],
  intlFormatBound: [`(0, new Intl.DateTimeFormat("en-US").format)()`, CLOCK],
  intlFormatToParts: [`new Intl.DateTimeFormat().formatToParts()`, CLOCK],
  temporalNow: [`Temporal.Now.instant()`, NOT_DEFINED("Temporal")],
  setInterval: [`setInterval(() => {}, 10)`, NOT_DEFINED("setInterval")],
  blobUrl: [`URL.createObjectURL(new Blob(["x"]))`, NOT_DEFINED("URL")],
  fileStamp: [`new File([], "f").lastModified`, NOT_DEFINED("File")],
  formDataFileStamp: [`new FormData()`, NOT_DEFINED("FormData")],
  processHrtime: [`process.hrtime()`, NOT_DEFINED("process")],
  cpuTime: [`Deno.cpuUsage().user`, NOT_DEFINED("Deno")],
  pid: [`Deno.pid`, NOT_DEFINED("Deno")],
  workerLocation: [`location.href`, NOT_DEFINED("location")],
};

/** Deterministic uses of time that must keep working. */
const ALLOWED: Record<string, [expression: string, expected: unknown]> = {
  isoOfZero: [`new Date(0).toISOString()`, "1970-01-01T00:00:00.000Z"],
  explicitDate: [`new Date("2024-02-29T12:00:00Z").getTime()`, 1709208000000],
  dateFromArgs: [`new Date(args.ts).toISOString()`, "2025-01-02T03:04:05.000Z"],
  dateUtc: [`Date.UTC(2020, 0, 1)`, 1577836800000],
  dateParse: [`Date.parse("2020-01-01T00:00:00Z")`, 1577836800000],
  intlWithDate: [`new Intl.DateTimeFormat("en-US", { timeZone: "UTC" }).format(new Date(0))`, "1/1/1970"],
  instanceofDate: [`new Date(0) instanceof Date`, true],
  stackHasNoBlobUrl: [`/blob:|[0-9a-f]{8}-[0-9a-f]{4}-/.test(new Error("x").stack)`, false],
  timerHandleIsANumber: [`typeof setTimeout(() => {}, 0)`, "number"],
  timerHandleHasNoStamp: [`Object.values(Object(setTimeout(() => {}, 1))).length`, 0],
  // A string given to setTimeout runs nothing, as in the built-in.
  setTimeoutString: [`typeof setTimeout("1")`, "number"],
};

const BODY = `const attempt = (fn) => {
  try { return { ok: true, value: String(fn()) }; }
  catch (e) { return { ok: false, name: e?.name, message: String(e?.message ?? e) }; }
};
const blocked = {
${Object.entries(BLOCKED).map(([k, [expr]]) => `  ${k}: attempt(() => ${expr}),`).join("\n")}
};
const allowed = {
${Object.entries(ALLOWED).map(([k, [expr]]) => `  ${k}: ${expr},`).join("\n")}
};
const observed = { stack: new Error("probe").stack, timer: await new Promise((r) => setTimeout(() => r("fired"), 1)) };
return { blocked, allowed, observed };`;

Deno.test("time and randomness are unavailable however they are reached; explicit dates still work", async () => {
  await withProject(async (project) => {
    const args = JSON.stringify({ ts: "2025-01-02T03:04:05Z" });
    const first = await execWorkflow(project, BODY, ["--args", args]);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.json?.status, "completed");
    const result = first.json?.result as {
      blocked: Record<string, Attempt>;
      allowed: Record<string, unknown>;
      observed: { stack: string; timer: string };
    };
    for (const [key, [expression, message]] of Object.entries(BLOCKED)) {
      const attempt = result.blocked[key];
      assert.equal(attempt.ok, false, `${expression} gave ${attempt.value}`);
      assert.match(attempt.message ?? "", message, `${expression}: ${attempt.name}: ${attempt.message}`);
    }
    for (const [key, [expression, expected]] of Object.entries(ALLOWED)) {
      assert.deepEqual(result.allowed[key], expected, expression);
    }
    assert.equal(result.observed.timer, "fired", "function timers still work");
    assert.match(result.observed.stack, /odw-runtime\.js/);

    // A second run observes exactly the same: nothing in the sandbox varies between runs.
    const second = await execWorkflow(project, BODY, ["--args", args]);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(second.json?.result, first.json?.result);
  });
});

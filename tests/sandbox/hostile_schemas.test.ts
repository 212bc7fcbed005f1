/**
 * Whatever the host computes on a schema a script hands to `agent()` is bounded: patterns run in a
 * linear-time engine (a catastrophic `pattern` or `patternProperties` key against a long model
 * answer), the mock's generator caps sizes (`minItems: 3e8`, `minLength: 1e9`, exponential `$ref`
 * expansion), and oversized or too-deep schemas are refused. Each run is the real CLI with `--timeout`
 * and a kill deadline: before the fix these hung the host where `--timeout` could not fire.
 *
 * @module
 */
import assert from "node:assert/strict";
import { withProject, workflowSource } from "../_support/odw.ts";

/** A long run of `a` closed by `b`: `^(a+)+$` backtracks 2^n times on it in a backtracking engine. */
const EVIL_TEXT = `${"a".repeat(40)}b`;

/** Runs each schema through `agent()` (the mock answers from a scenario or its generator). */
function schemaWorkflow(): string {
  return workflowSource(`
const out = {};
for (const [name, schema] of Object.entries(args.schemas)) {
  try { out[name] = { value: await agent("probe " + name, { label: name, schema }) }; }
  catch (e) { out[name] = { error: String(e.message).slice(0, 300) }; }
}
return out;`);
}

Deno.test("hostile schemas: linear-time patterns, capped generation, bounded size; the host stays responsive", async () => {
  let deep: Record<string, unknown> = { type: "string" };
  for (let i = 0; i < 200; i++) deep = { type: "object", properties: { a: deep } };
  const defs: Record<string, unknown> = { d0: { type: "object", properties: { x: { type: "string" } } } };
  for (let i = 1; i <= 40; i++) {
    defs[`d${i}`] = { allOf: [{ $ref: `#/$defs/d${i - 1}` }, { $ref: `#/$defs/d${i - 1}` }] };
  }
  const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    type: "object",
    properties,
    required: Object.keys(properties),
    ...extra,
  });
  const schemas = {
    pattern: object({ s: { type: "string", pattern: "^(a+)+$" } }),
    patternProperties: object({}, {
      patternProperties: { "^(a+)+$": { type: "number" } },
      additionalProperties: false,
    }),
    propertyNames: object({}, { propertyNames: { pattern: "^(a|aa)+$" } }),
    minItems: object({
      list: {
        type: "array",
        minItems: 3e8,
        items: { type: "object", properties: { n: { type: "integer" } } },
      },
    }),
    minLength: object({ s: { type: "string", minLength: 1e9 } }),
    minProperties: object({ o: { type: "object", minProperties: 1e8 } }),
    refBomb: { ...object({ v: { $ref: "#/$defs/d40" } }), $defs: defs },
    selfRef: object({ v: { $ref: "#/properties/v" } }),
    lookahead: object({ s: { type: "string", pattern: "^(?=a)a$" } }),
    // A big RE2 program: memory held per pattern and time per character checked (off the DFA).
    costlyPattern: object({ s: { type: "string", pattern: "a[ab]{490}c[ab]{100}" } }),
    costlyTogether: object(
      Object.fromEntries(
        Array.from({ length: 6 }, (_, i) => [`s${i}`, { type: "string", pattern: `x${i}[ab]{440}` }]),
      ),
    ),
    deep: object({ d: deep }),
  };
  const scenario = {
    rules: [
      { label: "pattern", output: { s: EVIL_TEXT } },
      { label: "patternProperties", output: { [EVIL_TEXT]: "not a number" } },
      { label: "propertyNames", output: { [EVIL_TEXT]: 1 } },
    ],
  };
  await withProject(async (project) => {
    await project.write("schemas.js", schemaWorkflow());
    await project.write("scenario.json", JSON.stringify(scenario));
    const run = await project.odw(
      [
        "exec",
        "schemas.js",
        "--json",
        "--quiet",
        "--mock-scenario",
        "scenario.json",
        "--timeout",
        "30s",
        "--args",
        JSON.stringify({ schemas }),
      ],
      { timeoutMs: 90_000 },
    );
    assert.equal(run.code, 0, `odw exited ${run.code}: ${run.stderr.slice(0, 2000)}`);
    const r = run.json?.result as Record<string, { value?: unknown; error?: string }>;
    const logs = run.json?.logs as string[];
    // agent() throws for a schema it refuses; a node that fails returns null and logs why.
    const failure = (name: string) =>
      r[name].error ?? logs.find((line) => line.startsWith(`[${name}] failed:`)) ?? JSON.stringify(r[name]);
    const mismatch = /StructuredOutput retry cap \(5\) exceeded .*Output does not match required schema/;
    assert.match(failure("pattern"), mismatch);
    assert.match(failure("patternProperties"), mismatch);
    assert.match(failure("propertyNames"), mismatch);
    assert.match(failure("minItems"), /must NOT have fewer than 300000000 items \(got 4096\)/);
    assert.match(failure("minLength"), /must NOT have fewer than 1000000000 characters \(got 65536\)/);
    assert.match(failure("minProperties"), /must NOT have fewer than 100000000 properties \(got 4096\)/);
    // 2^40 `$ref` evaluations per checked value: refused before ajv compiles it.
    assert.match(
      failure("refBomb"),
      /too costly to check: its references unfold to more than 10000 subschemas/,
    );
    assert.match(failure("selfRef"), /refers back to itself without stepping into the value/);
    assert.match(
      failure("lookahead"),
      /invalid JSON Schema: .*not supported by the linear-time \(RE2\) engine/,
    );
    assert.match(
      failure("costlyPattern"),
      /invalid JSON Schema: .*too costly to run: its RE2 program has \d+ instructions \(at most 500\)/,
    );
    assert.match(
      failure("costlyTogether"),
      /invalid JSON Schema: the schema's patterns are too costly together/,
    );
    assert.match(
      failure("deep"),
      /invalid JSON Schema: schema is too large or too costly to check: it nests deeper than 64 levels/,
    );
    // Generous for a loaded machine; the backtracking engine alone took hours here.
    assert.ok(run.ms < 60_000, `took ${run.ms} ms`);
  });
});

/**
 * Schema-valid object generation: every generated value validates with ajv over a corpus of varied
 * schemas (draft-07 and 2020-12), generation is deterministic, and the seed shows in free strings.
 *
 * @module
 */
import assert from "node:assert/strict";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import { generateFromSchema, loadPatternSupport } from "../../src/backends/mock_schema.ts";

await loadPatternSupport();

const formats = {
  email: /^[^@\s]+@[^@\s]+\.[^@\s]+$/,
  "date-time": /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
  uri: /^[a-z][a-z0-9+.-]*:\/\/\S+$/,
};
const options = { formats, allErrors: true, strictTypes: false, allowUnionTypes: true } as const;
const draft07 = new Ajv(options);
const draft2020 = new Ajv2020(options);

const obj = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: "object",
  properties,
  ...extra,
});

/** Draft-07 schemas: [name, schema]. */
const CORPUS_07: Array<[string, Record<string, unknown>]> = [
  ["one string", obj({ answer: { type: "string" } }, { required: ["answer"] })],
  [
    "every scalar type",
    obj({
      s: { type: "string" },
      n: { type: "number" },
      i: { type: "integer" },
      b: { type: "boolean" },
      z: { type: "null" },
    }, { required: ["s", "n", "i", "b", "z"], additionalProperties: false }),
  ],
  [
    "enum and const",
    obj({
      verdict: { enum: ["approve", "reject"] },
      version: { const: 3 },
      kind: { type: "string", enum: ["bug", "feature"] },
    }, { required: ["verdict", "version", "kind"] }),
  ],
  [
    "string lengths",
    obj({
      short: { type: "string", maxLength: 3 },
      long: { type: "string", minLength: 80 },
      exact: { type: "string", minLength: 5, maxLength: 5 },
    }, { required: ["short", "long", "exact"] }),
  ],
  [
    "patterns",
    obj({
      ticket: { type: "string", pattern: "^[A-Z]{2,4}-\\d{1,5}$" },
      semver: { type: "string", pattern: "^\\d+\\.\\d+\\.\\d+$" },
      word: { type: "string", pattern: "^(alpha|beta|gamma)$", minLength: 5 },
      hex: { type: "string", pattern: "^[0-9a-f]+$", minLength: 8, maxLength: 8 },
    }, { required: ["ticket", "semver", "word", "hex"] }),
  ],
  [
    "number bounds",
    obj({
      score: { type: "number", minimum: 1, maximum: 10 },
      negative: { type: "number", maximum: -5 },
      openLow: { type: "number", exclusiveMinimum: 0 },
      openBoth: { type: "number", exclusiveMinimum: 2, exclusiveMaximum: 3 },
      count: { type: "integer", minimum: 7 },
      below: { type: "integer", exclusiveMaximum: -2 },
    }, { required: ["score", "negative", "openLow", "openBoth", "count", "below"] }),
  ],
  [
    "multipleOf",
    obj({
      even: { type: "integer", minimum: 3, multipleOf: 2 },
      fives: { type: "number", minimum: 11, maximum: 100, multipleOf: 5 },
    }, { required: ["even", "fives"] }),
  ],
  [
    "arrays",
    obj({
      tags: { type: "array", items: { type: "string" } },
      three: { type: "array", items: { type: "integer" }, minItems: 3, maxItems: 3 },
      none: { type: "array", items: { type: "string" }, maxItems: 0 },
    }, { required: ["tags", "three", "none"] }),
  ],
  [
    "unique items",
    obj({
      names: { type: "array", items: { type: "string" }, minItems: 4, uniqueItems: true },
      picks: { type: "array", items: { enum: ["a", "b", "c"] }, minItems: 3, uniqueItems: true },
      nums: { type: "array", items: { type: "integer", minimum: 0 }, minItems: 3, uniqueItems: true },
      flags: { type: "array", items: { type: "boolean" }, minItems: 2, uniqueItems: true },
    }, { required: ["names", "picks", "nums", "flags"] }),
  ],
  [
    "nested objects",
    obj({
      review: obj({
        summary: { type: "string" },
        findings: {
          type: "array",
          minItems: 2,
          items: obj({
            file: { type: "string" },
            line: { type: "integer", minimum: 1 },
            severity: { enum: ["low", "high"] },
          }, { required: ["file", "line", "severity"], additionalProperties: false }),
        },
      }, { required: ["summary", "findings"] }),
    }, { required: ["review"] }),
  ],
  [
    "anyOf and oneOf",
    obj({
      either: { anyOf: [{ type: "string", minLength: 2 }, { type: "number" }] },
      one: { oneOf: [{ type: "integer", minimum: 10 }, { type: "string", maxLength: 0 }] },
      mixed: { type: "object", properties: { a: { type: "string" } }, oneOf: [{ required: ["a"] }] },
    }, { required: ["either", "one", "mixed"] }),
  ],
  [
    "allOf",
    obj({
      merged: {
        allOf: [
          obj({ a: { type: "string" } }, { required: ["a"] }),
          obj({ b: { type: "integer", minimum: 2 } }, { required: ["b"] }),
        ],
      },
    }, { required: ["merged"] }),
  ],
  [
    "defaults",
    obj({
      mode: { type: "string", enum: ["fast", "slow"], default: "slow" },
      retries: { type: "integer", default: 3 },
    }, { required: ["mode", "retries"] }),
  ],
  [
    "type lists and nullable",
    obj({
      maybe: { type: ["string", "null"] },
      onlyNull: { type: ["null"] },
      numOrStr: { type: ["integer", "string"], minimum: 4 },
    }, { required: ["maybe", "onlyNull", "numOrStr"] }),
  ],
  [
    "formats",
    obj({
      email: { type: "string", format: "email" },
      when: { type: "string", format: "date-time" },
      day: { type: "string", format: "date" },
      id: { type: "string", format: "uuid" },
      link: { type: "string", format: "uri" },
    }, { required: ["email", "when", "day", "id", "link"] }),
  ],
  ["local refs and recursion", {
    type: "object",
    definitions: {
      node: obj({
        name: { type: "string" },
        children: { type: "array", items: { $ref: "#/definitions/node" } },
      }, {
        required: ["name", "children"],
      }),
    },
    properties: { tree: { $ref: "#/definitions/node" } },
    required: ["tree"],
  }],
  ["required without properties entry and additionalProperties schema", {
    type: "object",
    properties: { known: { type: "boolean" } },
    additionalProperties: { type: "integer", minimum: 1 },
    required: ["known", "unlisted"],
    minProperties: 4,
  }],
  [
    "contains and minItems with tuple (draft-07 items array)",
    obj({
      pair: {
        type: "array",
        items: [{ type: "string" }, { type: "integer" }],
        additionalItems: false,
        minItems: 2,
      },
      hasBig: { type: "array", items: { type: "integer" }, contains: { minimum: 100 } },
    }, { required: ["pair", "hasBig"] }),
  ],
  [
    "empty and untyped subschemas",
    obj({
      anything: {},
      untypedString: { minLength: 3 },
      untypedNumber: { minimum: 5 },
    }, { required: ["anything", "untypedString", "untypedNumber"] }),
  ],
  [
    "deep nesting",
    obj({
      a: obj({
        b: obj({ c: obj({ d: obj({ e: obj({ f: obj({ g: obj({ h: { type: "string" } }) }) }) }) }) }),
      }),
    }, { required: ["a"] }),
  ],
];

/** 2020-12 schemas (prefixItems, $defs). */
const CORPUS_2020: Array<[string, Record<string, unknown>]> = [
  [
    "prefixItems tuple",
    obj({
      point: {
        type: "array",
        prefixItems: [{ type: "number" }, { type: "number" }, { type: "string" }],
        items: false,
        minItems: 3,
      },
    }, { required: ["point"] }),
  ],
  ["$defs refs", {
    type: "object",
    $defs: {
      step: obj({ title: { type: "string", minLength: 1 }, done: { type: "boolean" } }, {
        required: ["title"],
      }),
    },
    properties: { steps: { type: "array", items: { $ref: "#/$defs/step" }, minItems: 2 } },
    required: ["steps"],
  }],
];

for (const [name, schema] of CORPUS_07) {
  Deno.test(`generated value validates (draft-07): ${name}`, () => {
    const value = generateFromSchema(schema, "seed1234");
    const ok = draft07.validate(schema, value);
    assert.ok(ok, `${JSON.stringify(value)}: ${draft07.errorsText(draft07.errors)}`);
  });
}

for (const [name, schema] of CORPUS_2020) {
  Deno.test(`generated value validates (2020-12): ${name}`, () => {
    const value = generateFromSchema(schema, "seed1234");
    const ok = draft2020.validate(schema, value);
    assert.ok(ok, `${JSON.stringify(value)}: ${draft2020.errorsText(draft2020.errors)}`);
  });
}

Deno.test("corpus has at least 15 schemas", () => {
  assert.ok(CORPUS_07.length + CORPUS_2020.length >= 15);
});

Deno.test("generation is deterministic and the seed shows in free strings", () => {
  const schema = CORPUS_07[9][1];
  const first = generateFromSchema(schema, "aaaa1111");
  assert.deepEqual(generateFromSchema(schema, "aaaa1111"), first);
  const other = generateFromSchema(schema, "bbbb2222");
  assert.notDeepEqual(other, first);
  assert.equal(
    (first as { review: { summary: string } }).review.summary,
    "mock summary aaaa1111",
  );
});

Deno.test("concrete picks: defaults, first enum value, bounds, first anyOf branch", () => {
  const value = generateFromSchema(
    obj({
      mode: { enum: ["fast", "slow"], default: "slow" },
      verdict: { enum: ["approve", "reject"] },
      score: { type: "integer", minimum: 1, maximum: 10 },
      either: { anyOf: [{ type: "boolean" }, { type: "string" }] },
      list: { type: "array", items: { type: "string" }, minItems: 2 },
    }),
    "s",
  );
  assert.deepEqual(value, {
    mode: "slow",
    verdict: "approve",
    score: 1,
    either: true,
    list: ["mock list s", "mock list s 2"],
  });
});

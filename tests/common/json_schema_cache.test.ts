/**
 * Compiled schemas are kept for reuse, but not without bound: a script that hands `agent()` thousands
 * of distinct schemas must not grow odw's heap (ajv keeps what it compiled too, so the oldest are
 * removed from it as well). A kept schema still answers, a dropped one compiles again.
 *
 * @module
 */
import assert from "node:assert/strict";
import {
  cachedSchemaCount,
  compileSchema,
  loadJsonSchemaSupport,
  SCHEMA_CACHE_SIZE,
} from "../../src/common/json_schema.ts";

Deno.test("the compiled-schema cache keeps at most SCHEMA_CACHE_SIZE schemas, least recently used out first", async () => {
  await loadJsonSchemaSupport();
  const schema = (i: number) => ({
    type: "object",
    properties: { [`k${i}`]: { type: "string", pattern: `^v${i}$` } },
    required: [`k${i}`],
  });
  const first = compileSchema(schema(0));
  for (let i = 1; i < SCHEMA_CACHE_SIZE * 3; i++) {
    compileSchema(schema(i));
    if (i % 50 === 0) assert.equal(compileSchema(schema(0)), first, "a schema in use stays cached");
  }
  assert.equal(cachedSchemaCount(), SCHEMA_CACHE_SIZE);
  // An early one was dropped (from ajv too): it compiles again and still checks.
  const again = compileSchema(schema(1));
  assert.deepEqual(again.check({ k1: "v1" }), []);
  assert.equal(again.check({ k1: "nope" }).length, 1);
  assert.equal(cachedSchemaCount(), SCHEMA_CACHE_SIZE);
});

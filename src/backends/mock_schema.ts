/**
 * Schema-valid object generation for the mock backend.
 *
 * `generateFromSchema(schema, seed)` walks a JSON Schema and builds the smallest sensible value that
 * validates against it, deterministically: the same schema and seed always give the same value.
 * Handled: `type` (one or a list), `const`, `enum`, `default`, `properties`/`required`,
 * `additionalProperties`, `minProperties`, `items` (one schema or a tuple), `prefixItems`, `contains`,
 * `minItems`/`maxItems`, `uniqueItems` (items get distinct values), `minimum`/`maximum` and their
 * exclusive forms, `multipleOf`, `minLength`/`maxLength`, `pattern` (through randexp, best effort),
 * common `format`s, `anyOf`/`oneOf` (first branch), `allOf` (merged), and local `$ref`s.
 *
 * Schemas come from workflow scripts, so the work is bounded whatever they ask for: at most
 * {@link MAX_GENERATED_ITEMS} array items or extra properties per object, strings of at most
 * {@link MAX_GENERATED_STRING} characters, {@link MAX_GENERATED_TEXT} characters and
 * {@link MAX_GENERATED_STEPS} schema steps (values built plus `$ref`/`allOf` resolutions) in all, and
 * patterns tested with the linear-time RE2 engine. A schema asking for more (`minItems: 3e8`) gets a
 * value that falls short of it, which the schema check then reports.
 *
 * @module
 */
import type randexpModule from "randexp";
import { loadJsonSchemaSupport } from "../common/json_schema.ts";
import { linearRegExp } from "../common/linear_regexp.ts";

/** randexp is CommonJS (`module.exports = RandExp`); its typings describe the ES default export. */
type RandExpClass = typeof randexpModule.default;
/** Loaded on first need only: randexp costs ~35 ms of start-up that most runs never use. */
let RandExp: RandExpClass | undefined;

/**
 * Loads the `pattern` support (randexp). Call before generating from a schema that has `pattern`
 * keywords; without it such strings are left to the other rules (best effort).
 */
export async function loadPatternSupport(): Promise<void> {
  await loadJsonSchemaSupport();
  RandExp ??= (await import("randexp")).default as unknown as RandExpClass;
}

/** Most items of one generated array, and most extra properties added to one object. */
export const MAX_GENERATED_ITEMS = 4096;
/** Longest generated string. */
export const MAX_GENERATED_STRING = 65_536;
/** Most characters of generated strings in one value. */
export const MAX_GENERATED_TEXT = 1024 * 1024;
/** Most schema steps (values built, `$ref`/`allOf`/`anyOf` resolutions) for one value. */
export const MAX_GENERATED_STEPS = 50_000;

/** A JSON Schema node (or the boolean schemas `true` / `false`). */
export type JsonSchema = Record<string, unknown> | boolean;

type SchemaObject = Record<string, unknown>;

/** Past this depth only required properties and minimum item counts are generated. */
const SOFT_DEPTH = 6;
/** Past this depth recursion stops (a required, endlessly recursive schema). */
const HARD_DEPTH = 32;

interface Context {
  root: JsonSchema;
  seed: string;
  /** Schema steps left (see {@link MAX_GENERATED_STEPS}). */
  steps: number;
  /** String characters left (see {@link MAX_GENERATED_TEXT}). */
  text: number;
}

/**
 * Builds a value that validates against `schema`. `seed` (a short stable string, e.g. a hash of the
 * prompt) is woven into free-form strings so different requests give different objects.
 */
export function generateFromSchema(schema: JsonSchema, seed: string): unknown {
  return generate(
    schema,
    { root: schema, seed, steps: MAX_GENERATED_STEPS, text: MAX_GENERATED_TEXT },
    undefined,
    0,
    0,
  );
}

function isObject(value: unknown): value is SchemaObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function generate(
  input: unknown,
  ctx: Context,
  name: string | undefined,
  variant: number,
  depth: number,
): unknown {
  if (depth > HARD_DEPTH || input === false || --ctx.steps < 0) return null;
  const schema = resolve(isObject(input) ? input : {}, ctx, 0);
  if ("const" in schema) return structuredClone(schema.const);
  if ("default" in schema && variant === 0) return structuredClone(schema.default);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) {
    return structuredClone(schema.enum[variant % schema.enum.length]);
  }
  switch (pickType(schema)) {
    case "object":
      return generateObject(schema, ctx, variant, depth);
    case "array":
      return generateArray(schema, ctx, name, depth);
    case "integer":
      return generateNumber(schema, true, variant);
    case "number":
      return generateNumber(schema, false, variant);
    case "boolean":
      return variant % 2 === 0;
    case "null":
      return null;
    default:
      return generateString(schema, ctx, name, variant);
  }
}

/** Folds `$ref`, `allOf` and the first `anyOf`/`oneOf` branch into one schema object. */
function resolve(schema: SchemaObject, ctx: Context, hops: number): SchemaObject {
  if (hops > HARD_DEPTH || --ctx.steps < 0) return schema;
  let current = schema;
  if (typeof current.$ref === "string") {
    const { $ref, ...rest } = current;
    const target = lookupRef(ctx.root, $ref as string);
    current = mergeSchemas(isObject(target) ? target : {}, rest);
  }
  if (Array.isArray(current.allOf)) {
    const { allOf, ...rest } = current;
    current = (allOf as unknown[]).reduce<SchemaObject>(
      (acc, part) => mergeSchemas(acc, isObject(part) ? resolve(part, ctx, hops + 1) : {}),
      rest,
    );
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const branches = current[key];
    if (Array.isArray(branches) && branches.length > 0) {
      const { [key]: _dropped, ...rest } = current;
      const first = isObject(branches[0]) ? resolve(branches[0], ctx, hops + 1) : {};
      current = mergeSchemas(rest, first);
    }
  }
  return current === schema ? schema : resolve(current, ctx, hops + 1);
}

/** Resolves a local JSON pointer (`#`, `#/$defs/x`, `#/definitions/x`); anything else gives `{}`. */
function lookupRef(root: JsonSchema, ref: string): unknown {
  if (!ref.startsWith("#")) return {};
  const parts = ref.slice(1).split("/").filter((p) => p !== "");
  let node: unknown = root;
  for (const raw of parts) {
    const part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    if (!isObject(node) && !Array.isArray(node)) return {};
    node = (node as Record<string, unknown>)[part];
  }
  return node ?? {};
}

const LOWER_BOUNDS = ["minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties"];
const UPPER_BOUNDS = ["maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties"];

/** Merges two schemas that must both hold (best effort: tightest bounds, union of required). */
function mergeSchemas(a: SchemaObject, b: SchemaObject): SchemaObject {
  const out: SchemaObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prev = out[key];
    if (prev === undefined) out[key] = value;
    else if (key === "properties" && isObject(prev) && isObject(value)) {
      const props: SchemaObject = { ...prev };
      for (const [p, s] of Object.entries(value)) props[p] = p in props ? { allOf: [props[p], s] } : s;
      out.properties = props;
    } else if (key === "required" && Array.isArray(prev) && Array.isArray(value)) {
      out.required = [...new Set([...prev, ...value])];
    } else if (LOWER_BOUNDS.includes(key) && typeof prev === "number" && typeof value === "number") {
      out[key] = Math.max(prev, value);
    } else if (UPPER_BOUNDS.includes(key) && typeof prev === "number" && typeof value === "number") {
      out[key] = Math.min(prev, value);
    } else if (key === "type") {
      const left = Array.isArray(prev) ? prev : [prev];
      const right = Array.isArray(value) ? value : [value];
      const both = left.filter((t) => right.includes(t) || (t === "integer" && right.includes("number")));
      out.type = both.length > 0 ? both : value;
    } else out[key] = value;
  }
  return out;
}

function pickType(schema: SchemaObject): string {
  const type = schema.type;
  if (typeof type === "string") return type;
  if (Array.isArray(type) && type.length > 0) {
    return (type.find((t) => t !== "null") ?? "null") as string;
  }
  const has = (...keys: string[]) => keys.some((k) => k in schema);
  if (has("properties", "required", "additionalProperties", "minProperties")) return "object";
  if (has("items", "prefixItems", "minItems", "maxItems", "contains")) return "array";
  if (has("minLength", "maxLength", "pattern", "format")) return "string";
  if (has("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")) return "number";
  return "string";
}

function generateObject(schema: SchemaObject, ctx: Context, variant: number, depth: number): unknown {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
  const extra = schema.additionalProperties;
  const keys = depth > SOFT_DEPTH ? required : [...new Set([...Object.keys(properties), ...required])];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const sub = key in properties ? properties[key] : isObject(extra) ? extra : {};
    out[key] = generate(sub, ctx, key, variant, depth + 1);
  }
  const minProperties = Math.min(num(schema.minProperties) ?? 0, MAX_GENERATED_ITEMS);
  let count = Object.keys(out).length;
  for (let n = 1; count < minProperties && extra !== false && n <= minProperties; n++) {
    const key = `extra${n}`;
    if (key in out) continue;
    out[key] = generate(isObject(extra) ? extra : {}, ctx, key, variant, depth + 1);
    count++;
  }
  return out;
}

function generateArray(schema: SchemaObject, ctx: Context, name: string | undefined, depth: number): unknown {
  const tuple = Array.isArray(schema.prefixItems)
    ? schema.prefixItems
    : Array.isArray(schema.items)
    ? schema.items
    : undefined;
  const rest = Array.isArray(schema.items) ? schema.additionalItems : tuple ? schema.items : schema.items;
  const minItems = num(schema.minItems) ?? 0;
  const maxItems = num(schema.maxItems) ?? Infinity;
  const wanted = tuple ? tuple.length : depth > SOFT_DEPTH ? 0 : 1;
  const count = Math.min(
    Math.max(minItems, Math.min(wanted, maxItems), "contains" in schema ? 1 : 0),
    MAX_GENERATED_ITEMS,
  );
  const out: unknown[] = [];
  for (let i = 0; i < count && ctx.steps > 0; i++) {
    let item: unknown = tuple && i < tuple.length ? tuple[i] : rest === undefined ? {} : rest;
    if (i === 0 && isObject(schema.contains)) {
      item = mergeSchemas(isObject(item) ? item : {}, schema.contains);
    }
    out.push(generate(item, ctx, name, i, depth + 1));
  }
  return out;
}

function generateNumber(schema: SchemaObject, integer: boolean, variant: number): number {
  let low = num(schema.minimum);
  let high = num(schema.maximum);
  let lowExclusive = false;
  let highExclusive = false;
  const exMin = schema.exclusiveMinimum;
  const exMax = schema.exclusiveMaximum;
  if (typeof exMin === "number" && (low === undefined || exMin >= low)) [low, lowExclusive] = [exMin, true];
  if (typeof exMax === "number" && (high === undefined || exMax <= high)) {
    [high, highExclusive] = [exMax, true];
  }
  if (exMin === true) lowExclusive = true; // draft-04 boolean form
  if (exMax === true) highExclusive = true;
  const step = num(schema.multipleOf);
  if (integer || step !== undefined) {
    const unit = step ?? 1;
    const grid = integer && step !== undefined && !Number.isInteger(step) ? Math.ceil(step) : unit;
    let first = low === undefined ? 0 : Math.ceil(low / grid) * grid;
    if (low !== undefined && lowExclusive && first <= low) first += grid;
    if (low === undefined && high !== undefined && first > high) first = Math.floor(high / grid) * grid;
    if (low === undefined && high !== undefined && highExclusive && first >= high) first -= grid;
    const candidate = first + variant * grid;
    const fits = high === undefined || candidate < high || (!highExclusive && candidate === high);
    return fits ? candidate : first;
  }
  const inside = (v: number) =>
    (low === undefined || v > low || (!lowExclusive && v === low)) &&
    (high === undefined || v < high || (!highExclusive && v === high));
  const base = inside(0)
    ? 0
    : low !== undefined
    ? lowExclusive ? (high !== undefined ? (low + high) / 2 : low + 1) : low
    : highExclusive
    ? high! - 1
    : high!;
  const candidate = base + variant;
  if (inside(candidate)) return candidate;
  const spread = low !== undefined && high !== undefined ? (high - low) / (variant + 2) : 0;
  return spread > 0 && inside(base + spread * variant) ? base + spread * variant : base;
}

const FORMATS: Record<string, string> = {
  "date-time": "2000-01-01T00:00:00Z",
  date: "2000-01-01",
  time: "00:00:00Z",
  duration: "P1D",
  email: "mock@example.com",
  "idn-email": "mock@example.com",
  hostname: "example.com",
  "idn-hostname": "example.com",
  ipv4: "192.0.2.1",
  ipv6: "2001:db8::1",
  uri: "https://example.com/mock",
  "uri-reference": "https://example.com/mock",
  iri: "https://example.com/mock",
  url: "https://example.com/mock",
  uuid: "00000000-0000-4000-8000-000000000000",
  regex: "^mock$",
  "json-pointer": "/mock",
};

function generateString(
  schema: SchemaObject,
  ctx: Context,
  name: string | undefined,
  variant: number,
): string {
  const minLength = Math.min(num(schema.minLength) ?? 0, MAX_GENERATED_STRING, Math.max(0, ctx.text));
  const maxLength = num(schema.maxLength) ?? Infinity;
  const room = Math.min(MAX_GENERATED_STRING, Math.max(0, ctx.text));
  const text = generateBoundedString(schema, ctx, name, variant, minLength, maxLength).slice(0, room);
  ctx.text -= text.length;
  return text;
}

function generateBoundedString(
  schema: SchemaObject,
  ctx: Context,
  name: string | undefined,
  variant: number,
  minLength: number,
  maxLength: number,
): string {
  const format = typeof schema.format === "string" ? FORMATS[schema.format] : undefined;
  if (format !== undefined && variant === 0) return format;
  if (typeof schema.pattern === "string") {
    const matched = fromPattern(schema.pattern, minLength, maxLength, variant);
    if (matched !== undefined) return matched;
  }
  const base = [`mock`, name, ctx.seed, variant > 0 ? String(variant + 1) : ""].filter(Boolean).join(" ");
  return fitLength(base, minLength, maxLength, variant);
}

function fitLength(text: string, minLength: number, maxLength: number, variant: number): string {
  let out = text;
  if (out.length < minLength) out = out + " " + "x".repeat(Math.max(0, minLength - out.length - 1));
  if (out.length > maxLength) {
    // Keep the variant distinguishable when the string has to be cut short.
    const tag = variant > 0 ? String.fromCharCode(97 + (variant % 26)) : "";
    out = (tag + out).slice(0, maxLength);
  }
  return out.length < minLength ? out.padEnd(minLength, "x") : out;
}

/** A string matching `pattern` within the length bounds, or undefined when none was found. */
function fromPattern(
  pattern: string,
  minLength: number,
  maxLength: number,
  variant: number,
): string | undefined {
  // The pattern is tested in RE2 (linear time); the RegExp object only hands randexp its syntax.
  let linear: { test(text: string): boolean };
  let regex: RegExp;
  try {
    linear = linearRegExp(pattern);
    regex = new RegExp(pattern, "u");
  } catch {
    return undefined;
  }
  const ok = (s: string) => linear.test(s) && [...s].length >= minLength && [...s].length <= maxLength;
  const tries: Array<(a: number, b: number) => number> = [];
  for (const extra of [0, 1, 2, 4, 8, 16, 32, 64]) {
    tries.push((a, b) => Math.min(b, a + extra + variant));
  }
  let state = 0x9e3779b9 ^ (variant + 1);
  const seeded = (a: number, b: number) => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return a + (state % (b - a + 1));
  };
  for (let i = 0; i < 16; i++) tries.push(seeded);
  if (RandExp === undefined) return undefined;
  for (const randInt of tries) {
    try {
      const generator = new RandExp(regex);
      generator.max = Math.min(Number.isFinite(maxLength) ? maxLength : 100, 100);
      generator.randInt = randInt;
      const candidate = generator.gen();
      // Counted repetitions (`x{1000}` many times over) can make long strings: one is enough to stop.
      if (candidate.length > MAX_GENERATED_STRING) return undefined;
      if (ok(candidate)) return candidate;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

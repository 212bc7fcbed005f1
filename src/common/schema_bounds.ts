/**
 * Bounds on a JSON Schema that comes from a workflow script, checked before ajv sees it, so that
 * compiling it and validating values against it take bounded time on the host:
 *
 * - size: at most {@link MAX_SCHEMA_VALUES} values (a shared sub-object counts each time it is
 *   reached, so a schema built as a graph of shared references cannot hide its size), nested at most
 *   {@link MAX_SCHEMA_DEPTH} deep, with at most {@link MAX_SCHEMA_TEXT} characters of keys and strings;
 * - expansion: validating one value evaluates each subschema, with every `$ref` followed, once per
 *   place in the value; that unfolded count ({@link MAX_SCHEMA_EXPANSION}) is computed with one
 *   memoised walk (40 levels of `{ allOf: [{ $ref: prev }, { $ref: prev }] }` unfold to 2^40);
 * - references: only local JSON pointers (`#`, `#/...`); `$id`, anchors and dynamic or recursive
 *   references are refused (they would resolve where this walk cannot follow); a reference that comes
 *   back to itself without stepping into the value (`{ allOf: [{ $ref: "#" }] }`) is refused too.
 *
 * The walks stop at the first bound crossed, so they are bounded themselves.
 *
 * @module
 */

/** Most values (objects, arrays, scalars; shared sub-objects counted each time) in a schema. */
export const MAX_SCHEMA_VALUES = 4096;
/** Deepest nesting of objects and arrays in a schema. */
export const MAX_SCHEMA_DEPTH = 64;
/** Most characters of keys and strings in a schema. */
export const MAX_SCHEMA_TEXT = 1024 * 1024;
/** Most subschemas one place of a value is checked against, with every `$ref` unfolded. */
export const MAX_SCHEMA_EXPANSION = 10_000;

/** Keywords whose value is a subschema applied to the same place of the value. */
const IN_PLACE = ["not", "if", "then", "else"];
/** Keywords whose value is a list of subschemas applied to the same place. */
const IN_PLACE_LISTS = ["allOf", "anyOf", "oneOf"];
/** Keywords whose value is a subschema applied to parts of the value (items, properties, names). */
const INTO_VALUE = [
  "items",
  "additionalItems",
  "contains",
  "additionalProperties",
  "propertyNames",
  "unevaluatedItems",
  "unevaluatedProperties",
];
/** Keywords whose value is a list of subschemas applied to parts of the value. */
const INTO_VALUE_LISTS = ["items", "prefixItems"];
/** Keywords whose value maps names to subschemas applied to parts of the value. */
const INTO_VALUE_MAPS = ["properties", "patternProperties"];
/** Keywords whose value maps names to subschemas applied in place (when a property is present). */
const IN_PLACE_MAPS = ["dependentSchemas", "dependencies"];
/** Keywords this walk cannot follow: a schema using them is refused. */
const UNSUPPORTED = ["$id", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor"];

/**
 * Why `schema` is too big or too costly to compile and check against, or null.
 *
 * @example
 * ```ts
 * schemaBoundsProblem({ type: "object", properties: { a: { type: "string" } } }); // null
 * ```
 */
export function schemaBoundsProblem(schema: unknown): string | null {
  return sizeProblem(schema) ?? new Expansion(schema).problem();
}

function sizeProblem(schema: unknown): string | null {
  const stack: Array<[unknown, number]> = [[schema, 1]];
  let values = 0;
  let text = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (++values > MAX_SCHEMA_VALUES) return `it has more than ${MAX_SCHEMA_VALUES} values`;
    if (typeof node === "string") text += node.length;
    if (node !== null && typeof node === "object") {
      if (depth > MAX_SCHEMA_DEPTH) return `it nests deeper than ${MAX_SCHEMA_DEPTH} levels`;
      for (const [key, value] of Object.entries(node)) {
        text += key.length;
        stack.push([value, depth + 1]);
      }
    }
    if (text > MAX_SCHEMA_TEXT) return `it has more than ${MAX_SCHEMA_TEXT} characters of text`;
  }
  return null;
}

/** Thrown inside the expansion walk to stop it with a reason. */
class Refused extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The unfolded-size walk (the schema is already known to be small, so plain recursion is safe). */
class Expansion {
  readonly #root: unknown;
  readonly #memo = new Map<string, number>();
  /** References being unfolded, with the value depth at which each started. */
  readonly #open = new Map<string, number>();
  #valueDepth = 0;

  constructor(root: unknown) {
    this.#root = root;
  }

  problem(): string | null {
    try {
      const total = this.#size(this.#root);
      return total > MAX_SCHEMA_EXPANSION ? this.#tooLarge() : null;
    } catch (e) {
      if (e instanceof Refused) return e.message;
      throw e;
    }
  }

  #tooLarge(): string {
    return `its references unfold to more than ${MAX_SCHEMA_EXPANSION} subschemas`;
  }

  #size(schema: unknown): number {
    if (!isObject(schema)) return 1;
    for (const keyword of UNSUPPORTED) {
      if (keyword in schema) {
        throw new Refused(`"${keyword}" is not supported (use local "#/..." references)`);
      }
    }
    let total = 1;
    const add = (n: number) => {
      total += n;
      if (total > MAX_SCHEMA_EXPANSION) throw new Refused(this.#tooLarge());
    };
    if (typeof schema.$ref === "string") add(this.#ref(schema.$ref));
    for (const keyword of IN_PLACE) add(this.#size(schema[keyword]));
    for (const keyword of IN_PLACE_LISTS) for (const sub of listOf(schema[keyword])) add(this.#size(sub));
    for (const keyword of IN_PLACE_MAPS) for (const sub of valuesOf(schema[keyword])) add(this.#size(sub));
    this.#valueDepth++;
    try {
      for (const keyword of INTO_VALUE) if (isObject(schema[keyword])) add(this.#size(schema[keyword]));
      for (const keyword of INTO_VALUE_LISTS) for (const sub of listOf(schema[keyword])) add(this.#size(sub));
      for (const keyword of INTO_VALUE_MAPS) {
        for (const sub of valuesOf(schema[keyword])) add(this.#size(sub));
      }
    } finally {
      this.#valueDepth--;
    }
    return total;
  }

  #ref(ref: string): number {
    if (ref !== "#" && !ref.startsWith("#/")) {
      throw new Refused(`"$ref": ${JSON.stringify(ref.slice(0, 80))} is not a local "#/..." reference`);
    }
    const known = this.#memo.get(ref);
    if (known !== undefined) return known;
    const openedAt = this.#open.get(ref);
    if (openedAt !== undefined) {
      if (openedAt === this.#valueDepth) {
        throw new Refused(
          `"$ref": ${JSON.stringify(ref)} refers back to itself without stepping into the value`,
        );
      }
      return 1; // recursion that descends into the value: bounded by the value's own depth
    }
    this.#open.set(ref, this.#valueDepth);
    try {
      const size = this.#size(resolvePointer(this.#root, ref));
      this.#memo.set(ref, size);
      return size;
    } finally {
      this.#open.delete(ref);
    }
  }
}

function listOf(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function valuesOf(value: unknown): unknown[] {
  return isObject(value) ? Object.values(value) : [];
}

/** The node a local JSON pointer (`#`, `#/a/b`) names in `root`, or undefined. */
function resolvePointer(root: unknown, ref: string): unknown {
  if (ref === "#") return root;
  let node = root;
  for (const raw of ref.slice(2).split("/")) {
    let part: string;
    try {
      part = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    } catch {
      return undefined;
    }
    if (node === null || typeof node !== "object" || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

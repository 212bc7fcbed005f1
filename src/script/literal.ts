/**
 * Evaluates a pure-literal expression from its syntax tree, without running any code, by the rules
 * of Claude Code's built-in for `meta`: literals (strings, numbers, booleans, null), arrays without
 * holes or spreads, objects with plain keys, template literals without `${}`, and `-<number>`.
 * Anything else is not a literal, and the outcome says why in the built-in's words (e.g.
 * `computed keys not allowed in meta`, `non-literal node type in meta: Identifier`).
 *
 * @module
 */
import type { Expression, Node, ObjectExpression, Property, SpreadElement } from "acorn";

/** How {@linkcode evaluateLiteral} builds values. */
export interface LiteralOptions {
  /** Build objects with `Object.create(null)`, as the built-in does for `meta`. */
  nullPrototype?: boolean;
  /**
   * Only values JSON can carry: refuse regular-expression and bigint literals (the built-in's `meta`
   * evaluation takes their values as they are; the report's call-site options must stay JSON).
   */
  jsonOnly?: boolean;
}

/** Outcome of {@linkcode evaluateLiteral}: the value, or why the expression is not a pure literal. */
export type LiteralOutcome = { ok: true; value: unknown } | { ok: false; reason: string };

/** Key names an object literal may not use (they would reach the prototype chain). */
const RESERVED_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

class NotLiteral extends Error {}

/**
 * The value of a pure-literal expression node, or the reason it is not one.
 *
 * @example
 * ```ts
 * // for the node of `{ a: [1, -2, `x`, null] }`:
 * evaluateLiteral(node); // { ok: true, value: { a: [1, -2, "x", null] } }
 * // for the node of `{ [k]: 1 }`:
 * evaluateLiteral(node); // { ok: false, reason: "computed keys not allowed in meta" }
 * ```
 */
export function evaluateLiteral(node: Node, options: LiteralOptions = {}): LiteralOutcome {
  try {
    return { ok: true, value: valueOf(node as Expression, options) };
  } catch (error) {
    if (error instanceof NotLiteral) return { ok: false, reason: error.message };
    throw error;
  }
}

function valueOf(node: Expression | SpreadElement, options: LiteralOptions): unknown {
  switch (node.type) {
    case "Literal":
      if (options.jsonOnly && (node.regex || node.bigint !== undefined)) {
        throw new NotLiteral("regular expression and bigint literals are not JSON values");
      }
      return node.value;
    case "ArrayExpression":
      return node.elements.map((element) => {
        if (element === null) throw new NotLiteral("sparse arrays not allowed");
        if (element.type === "SpreadElement") throw new NotLiteral("spread not allowed in meta");
        return valueOf(element, options);
      });
    case "ObjectExpression":
      return objectOf(node, options);
    case "TemplateLiteral":
      if (node.expressions.length > 0) throw new NotLiteral("template interpolation not allowed in meta");
      return node.quasis.map((quasi) => quasi.value.cooked ?? "").join("");
    case "UnaryExpression":
      if (
        node.operator === "-" && node.argument.type === "Literal" && typeof node.argument.value === "number"
      ) {
        return -node.argument.value;
      }
      throw new NotLiteral("only negative-number unary allowed in meta");
    default:
      throw new NotLiteral(`non-literal node type in meta: ${node.type}`);
  }
}

function objectOf(node: ObjectExpression, options: LiteralOptions): Record<string, unknown> {
  const result: Record<string, unknown> = options.nullPrototype ? Object.create(null) : {};
  for (const property of node.properties) {
    if (property.type !== "Property") throw new NotLiteral("only plain properties allowed in meta");
    if (property.computed) throw new NotLiteral("computed keys not allowed in meta");
    if (property.method || property.kind !== "init") {
      throw new NotLiteral("methods/accessors not allowed in meta");
    }
    // The key is read (and may be refused) before the value, as in the built-in.
    const key = keyOf(property);
    result[key] = valueOf(property.value, options);
  }
  return result;
}

/** The name of a plain property's key; reserved names are refused. */
function keyOf(property: Property): string {
  const key = property.key;
  let name: string;
  if (key.type === "Identifier") name = key.name;
  else if (key.type === "Literal") name = String(key.value);
  else throw new NotLiteral(`unsupported key type in meta: ${key.type}`);
  if (RESERVED_KEYS.has(name)) throw new NotLiteral(`reserved key name not allowed in meta: ${name}`);
  return name;
}

/**
 * A `JSON.stringify` replacer for meta values: a bigint or regular-expression literal (which `meta`
 * may hold and JSON cannot carry) is shown as its source text.
 *
 * @example
 * ```ts
 * JSON.stringify({ n: 5n, re: /a/g }, literalJsonReplacer); // '{"n":"5n","re":"/a/g"}'
 * ```
 */
export function literalJsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === "bigint" ? `${value}n` : value instanceof RegExp ? String(value) : value;
}

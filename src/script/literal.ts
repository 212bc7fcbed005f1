/**
 * Evaluates a pure-literal expression (objects, arrays, strings, numbers, booleans, null) from its
 * syntax tree, without running any code. Anything else — identifiers, calls, spreads, computed keys,
 * methods, getters, holes, regular expressions, bigints, template literals — makes it not a literal.
 *
 * @module
 */
import type { Expression, Node, Property, SpreadElement } from "acorn";

/** How strictly {@linkcode evaluateLiteral} reads template literals. */
export interface LiteralOptions {
  /**
   * Accept a template literal without `${}` expressions as a string. `meta` refuses every template
   * literal (the spec forbids "template expressions"; refusing all of them is the safe reading), while
   * agent options as written accept plain ones.
   */
  allowPlainTemplates?: boolean;
}

/** Outcome of {@linkcode evaluateLiteral}: the value, or the first node that is not pure literal. */
export type LiteralOutcome = { ok: true; value: unknown } | { ok: false; node: Node };

class NotLiteral {
  constructor(readonly node: Node) {}
}

/**
 * The value of a pure-literal expression node.
 *
 * @example
 * ```ts
 * // for the node of `{ a: [1, -2, "x", null] }`:
 * evaluateLiteral(node); // { ok: true, value: { a: [1, -2, "x", null] } }
 * ```
 */
export function evaluateLiteral(node: Node, options: LiteralOptions = {}): LiteralOutcome {
  try {
    return { ok: true, value: valueOf(node as Expression, options) };
  } catch (error) {
    if (error instanceof NotLiteral) return { ok: false, node: error.node };
    throw error;
  }
}

function valueOf(node: Expression | SpreadElement, options: LiteralOptions): unknown {
  switch (node.type) {
    case "Literal":
      if (node.regex || node.bigint !== undefined) throw new NotLiteral(node);
      return node.value;
    case "UnaryExpression":
      if ((node.operator === "-" || node.operator === "+") && node.argument.type === "Literal") {
        const value = node.argument.value;
        if (typeof value === "number") return node.operator === "-" ? -value : value;
      }
      throw new NotLiteral(node);
    case "TemplateLiteral":
      if (options.allowPlainTemplates && node.expressions.length === 0) {
        const cooked = node.quasis[0].value.cooked;
        if (typeof cooked === "string") return cooked;
      }
      throw new NotLiteral(node);
    case "ArrayExpression":
      return node.elements.map((element) => {
        if (element === null) throw new NotLiteral(node); // a hole: `[1, , 2]`
        return valueOf(element, options);
      });
    case "ObjectExpression": {
      const result: Record<string, unknown> = {};
      for (const property of node.properties) {
        if (property.type !== "Property") throw new NotLiteral(property);
        const key = keyOf(property);
        Object.defineProperty(result, key, {
          value: valueOf(property.value, options),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return result;
    }
    default:
      throw new NotLiteral(node);
  }
}

/** The plain key of an `init` property; `__proto__` is refused (it sets the prototype, not a field). */
function keyOf(property: Property): string {
  if (property.kind !== "init" || property.method || property.shorthand || property.computed) {
    throw new NotLiteral(property);
  }
  const key = property.key;
  let name: string | undefined;
  if (key.type === "Identifier") name = key.name;
  else if (key.type === "Literal" && (typeof key.value === "string" || typeof key.value === "number")) {
    name = String(key.value);
  }
  if (name === undefined || name === "__proto__") throw new NotLiteral(property);
  return name;
}

/**
 * The determinism refusal on the syntax tree: a workflow may not read the clock or a random number,
 * because a resumed run must make the same agent calls as the first one. Refused forms, anywhere in
 * the script (also inside functions never called):
 *
 * - `Date.now()`, `Math.random()` — also `Date?.now()`, `Date["now"]()`, `(0, Date.now)()`,
 *   `Date.now.call(...)` / `.apply(...)`, and via `globalThis.`/`window.`/`self.`/`global.`;
 * - `Date()` called as a function (it returns the current time as a string), whatever its arguments;
 * - `new Date()` / `new Date` with no argument (or spreads only). `new Date(0)`, `new Date(args.ts)` are
 *   deterministic and allowed.
 *
 * A mention inside a string, a template's text or a comment is not a call and is not refused. A local
 * binding named `Date` or `Math` is not tracked: such a call is refused anyway (simple and safe).
 * Indirect access (`globalThis["Da" + "te"]`, `performance.now()`, `crypto`) is the sandbox's job: the
 * runtime makes those values unavailable.
 *
 * @module
 */
import type {
  CallExpression,
  Expression,
  MemberExpression,
  NewExpression,
  Node,
  Program,
  Super,
} from "acorn";
import { simple } from "acorn-walk";

const GLOBAL_OBJECTS = new Set(["globalThis", "window", "self", "global"]);

/**
 * The first call in `program` that reads the clock or randomness, or null when there is none.
 *
 * @example
 * ```ts
 * const parsed = parseWorkflow('export const meta = { name: "a", description: "b" };\nlog(Date.now());');
 * if (parsed.ok) findNondeterminism(parsed.program)?.loc?.start.line; // 2
 * ```
 */
export function findNondeterminism(program: Program): Node | null {
  const found: Node[] = [];
  simple(program, {
    CallExpression(node: CallExpression) {
      if (isClockCall(node)) found.push(node);
    },
    NewExpression(node: NewExpression) {
      const unspread = node.arguments.some((argument) => argument.type !== "SpreadElement");
      if (!unspread && isGlobal(node.callee, "Date")) found.push(node);
    },
  });
  found.sort((a, b) => a.start - b.start);
  return found[0] ?? null;
}

function isClockCall(node: CallExpression): boolean {
  const callee = unwrap(node.callee);
  if (isGlobal(callee, "Date") || isClockReference(callee)) return true;
  // Date.now.call(...), Math.random.apply(...)
  if (callee.type === "MemberExpression") {
    const method = propertyName(callee);
    if ((method === "call" || method === "apply") && isClockReference(unwrap(callee.object))) return true;
  }
  return false;
}

/** `Date.now` or `Math.random` (any member syntax, on the bare or a `globalThis.`-style object). */
function isClockReference(node: Expression | Super): boolean {
  if (node.type !== "MemberExpression") return false;
  const name = propertyName(node);
  const object = unwrap(node.object);
  return (name === "now" && isGlobal(object, "Date")) || (name === "random" && isGlobal(object, "Math"));
}

/** The bare identifier `name`, or `globalThis.name` (window/self/global too), in any member syntax. */
function isGlobal(node: Expression | Super, name: string): boolean {
  const bare = unwrap(node);
  if (bare.type === "Identifier") return bare.name === name;
  if (bare.type !== "MemberExpression" || propertyName(bare) !== name) return false;
  const object = unwrap(bare.object);
  return object.type === "Identifier" && GLOBAL_OBJECTS.has(object.name);
}

/** The static property name of a member expression (`a.b`, `a["b"]`, a`` a[`b`] ``), else undefined. */
function propertyName(node: MemberExpression): string | undefined {
  const { property, computed } = node;
  if (!computed) return property.type === "Identifier" ? property.name : undefined;
  if (property.type === "Literal" && typeof property.value === "string") return property.value;
  if (property.type === "TemplateLiteral" && property.expressions.length === 0) {
    return property.quasis[0].value.cooked ?? undefined;
  }
  return undefined;
}

/** Looks through `a?.b` chains and `(0, x)` sequences to the expression that is actually called. */
function unwrap(node: Expression | Super): Expression | Super {
  let current = node;
  for (;;) {
    if (current.type === "ChainExpression") current = current.expression;
    else if (current.type === "SequenceExpression") {
      current = current.expressions[current.expressions.length - 1];
    } else if (current.type === "ParenthesizedExpression") current = current.expression;
    else return current;
  }
}

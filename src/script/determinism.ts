/**
 * The determinism refusal on the syntax tree, exactly the built-in's rule: a workflow may not read
 * the clock or a random number, because a resumed run must make the same agent calls as the first
 * one. Refused anywhere in the script (also inside functions never called):
 *
 * - the member expressions `Date.now` and `Math.random` written with a dot on the bare identifier,
 *   called or not (`const f = Date.now` is refused too);
 * - `new Date()` / `new Date` with no argument.
 *
 * Nothing else is refused statically: `Date()`, `Date["now"]()`, `globalThis.Date.now()`,
 * `new Date(0)`, `Date.UTC`, `Date.parse` pass, and the sandbox makes the clock and randomness
 * unavailable at run time. A mention inside a string, a template's text or a comment is not code.
 *
 * @module
 */
import type { MemberExpression, NewExpression, Node } from "acorn";
import { simple } from "acorn-walk";

/**
 * The first node under `program` (a script's tree, or any subtree) that reads the clock or randomness, or null when there is none.
 *
 * @example
 * ```ts
 * const parsed = parseWorkflow('export const meta = { name: "a", description: "b" };\nlog(Date.now());');
 * if (parsed.ok) findNondeterminism(parsed.program)?.loc?.start.line; // 2
 * ```
 */
export function findNondeterminism(program: Node): Node | null {
  const found: Node[] = [];
  simple(program, {
    MemberExpression(node: MemberExpression) {
      if (node.computed || node.object.type !== "Identifier" || node.property.type !== "Identifier") return;
      const [object, property] = [node.object.name, node.property.name];
      if ((object === "Date" && property === "now") || (object === "Math" && property === "random")) {
        found.push(node);
      }
    },
    NewExpression(node: NewExpression) {
      if (node.callee.type === "Identifier" && node.callee.name === "Date" && node.arguments.length === 0) {
        found.push(node);
      }
    },
  });
  found.sort((a, b) => a.start - b.start);
  return found[0] ?? null;
}

/**
 * The static call-site graph: every call of a workflow primitive (`agent`, `workflow`, `parallel`,
 * `pipeline`, `phase`, `log` called by name) in source order, with what was written at the call. The
 * HTML report joins these with what ran. Best-effort: a local function that happens to be called
 * `log` is listed too. Each site's id is its index in that list; the runtime reports each
 * `agent()`/`workflow()` request's line and column (read from the stack), which name exactly one site.
 *
 * @module
 */
import type { CallExpression, Expression, Node, ObjectExpression, Program, SpreadElement } from "acorn";
import { simple } from "acorn-walk";
import { evaluateLiteral } from "./literal.ts";
import type { CallSite } from "./types.ts";

const PRIMITIVES: ReadonlySet<string> = new Set([
  "agent",
  "workflow",
  "parallel",
  "pipeline",
  "phase",
  "log",
]);

/** Kinds whose second argument is reported as `options` (agent options; a child workflow's args). */
const WITH_OPTIONS: ReadonlySet<string> = new Set(["agent", "workflow"]);

/**
 * The primitive calls of `program` (parsed from `source`) in source order.
 *
 * @example
 * ```ts
 * // source: 'phase("Scan");\nawait agent(`scan ${dir}`, { label: "scan" });'
 * collectCallSites(source, program).map((site) => [site.kind, site.line, site.phase]);
 * // [["phase", 1, "Scan"], ["agent", 2, "Scan"]]
 * ```
 */
export function collectCallSites(source: string, program: Program): CallSite[] {
  const calls = primitiveCalls(program);
  const open: { call: CallExpression; id: number }[] = [];
  let currentPhase: string | undefined;
  return calls.map((call, id) => {
    const kind = (call.callee as { name: string }).name as CallSite["kind"];
    const [first, second] = call.arguments;
    const optionsNode = WITH_OPTIONS.has(kind) ? second : undefined;
    while (open.length > 0 && open[open.length - 1].call.end <= call.start) open.pop();
    const enclosing = open.at(-1);
    open.push({ call, id });
    const site: CallSite = {
      id,
      kind,
      line: call.loc?.start.line ?? 0,
      column: (call.loc?.start.column ?? 0) + 1,
      promptSource: first ? textOf(source, first) : "",
      options: optionsNode ? objectLiteral(optionsNode) : null,
      optionsSource: optionsNode ? textOf(source, optionsNode) : null,
    };
    if (kind === "phase") currentPhase = first ? stringLiteral(first) : undefined;
    if (kind === "agent" && optionsNode?.type === "ObjectExpression") {
      const { literal, computed } = literalProperties(optionsNode);
      site.literalOptions = literal;
      if (computed.length > 0) site.computedOptions = computed;
    }
    const ownPhase = site.literalOptions?.phase;
    const phase = typeof ownPhase === "string" ? ownPhase : undefined;
    if (phase ?? currentPhase) site.phase = phase ?? currentPhase;
    const label = kind === "agent" && optionsNode ? optionNode(optionsNode, "label") : undefined;
    if (label) site.labelSource = textOf(source, label);
    if (enclosing) {
      site.parent = enclosing.id;
      site.argument = enclosing.call.arguments.findIndex((arg) =>
        arg.start <= call.start && call.end <= arg.end
      );
    }
    return site;
  });
}

/** Calls of a primitive by name, in source order: index `i` is the call site with id `i`. */
function primitiveCalls(program: Program): CallExpression[] {
  const calls: CallExpression[] = [];
  simple(program, {
    CallExpression(node: CallExpression) {
      if (node.callee.type === "Identifier" && PRIMITIVES.has(node.callee.name)) calls.push(node);
    },
  });
  return calls.sort((a, b) => a.start - b.start);
}

function textOf(source: string, node: Node): string {
  return source.slice(node.start, node.end);
}

/** The value of a pure-literal object argument (plain templates read as strings; JSON values only), else null. */
function objectLiteral(node: Expression | SpreadElement): Record<string, unknown> | null {
  if (node.type !== "ObjectExpression") return null;
  const literal = evaluateLiteral(node, { jsonOnly: true });
  return literal.ok ? literal.value as Record<string, unknown> : null;
}

/** A string literal or expression-free template's value, else undefined. */
function stringLiteral(node: Node): string | undefined {
  const literal = evaluateLiteral(node, { jsonOnly: true });
  return literal.ok && typeof literal.value === "string" ? literal.value : undefined;
}

/** The value node of option `option` in an options object literal (the last one written), if any. */
function optionNode(node: Expression | SpreadElement, option: string): Node | undefined {
  if (node.type !== "ObjectExpression") return undefined;
  let value: Node | undefined;
  for (const property of (node as ObjectExpression).properties) {
    if (property.type !== "Property" || property.computed) continue;
    const key = property.key;
    const name = key.type === "Identifier" ? key.name : key.type === "Literal" ? key.value : undefined;
    if (name === option) value = property.value;
  }
  return value;
}

/**
 * The properties of an options object whose values are literals, even when others are computed, and
 * the names of the others (`...` for a spread or a computed key).
 */
function literalProperties(node: ObjectExpression): { literal: Record<string, unknown>; computed: string[] } {
  const literal: Record<string, unknown> = {};
  const computed: string[] = [];
  for (const property of node.properties) {
    if (property.type !== "Property" || property.computed || property.kind !== "init") {
      computed.push("...");
      continue;
    }
    const key = property.key;
    const name = key.type === "Identifier" ? key.name : key.type === "Literal" ? key.value : undefined;
    if (typeof name !== "string" || name === "__proto__") continue;
    const value = evaluateLiteral(property.value, { jsonOnly: true });
    if (value.ok) literal[name] = value.value;
    else computed.push(name);
  }
  return { literal, computed };
}

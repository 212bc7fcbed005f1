/**
 * Refuses what the built-in cannot compile: it runs the script body (everything after the meta
 * statement) as the body of a strict async function, so module syntax there fails to compile. The
 * refusal is the compile error the built-in reports, word for word as its engine (Bun's
 * JavaScriptCore) words it, with no `Invalid workflow script:` prefix:
 *
 * - an `import` declaration: ``SyntaxError: Unexpected identifier 'fs'. import call expects one or two
 *   arguments.`` (the token after `import`: `identifier 'x'`, `string literal "x"`, `token '{'`,
 *   `token '*'`);
 * - any `export` other than the meta statement: `SyntaxError: Unexpected keyword 'export'`;
 * - `import.meta`: `SyntaxError: import.meta is only valid inside modules.`;
 * - then, when none of those is there, an `await using` declaration:
 *   `SyntaxError: 'await using' declarations are not supported in workflow scripts.`
 *
 * The first of the first three in source order is reported, as a parser reports its first error.
 * (Dynamic `import(x)` is not refused here: the body rewrites it to the runtime's `__odwImport`,
 * which rejects inside the workflow.)
 *
 * @module
 */
import {
  type MetaProperty,
  type Node,
  type Program,
  tokenizer,
  tokTypes,
  type VariableDeclaration,
} from "acorn";
import { simple } from "acorn-walk";

/**
 * The compile error for the first module-only construct in `program` (parsed from `source`), or
 * null. `metaStatement` is the one `export` that is allowed.
 *
 * @example
 * ```ts
 * // for `export const meta = {...};\nimport fs from "node:fs";`
 * findModuleSyntax(source, program, program.body[0]);
 * // "SyntaxError: Unexpected identifier 'fs'. import call expects one or two arguments."
 * ```
 */
export function findModuleSyntax(source: string, program: Program, metaStatement: Node): string | null {
  const offenders: Array<{ start: number; error: string }> = [];
  for (const statement of program.body) {
    if (statement.type === "ImportDeclaration") {
      offenders.push({ start: statement.start, error: importDeclarationError(source, statement) });
    } else if (
      statement !== metaStatement &&
      (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" ||
        statement.type === "ExportAllDeclaration")
    ) {
      offenders.push({ start: statement.start, error: "SyntaxError: Unexpected keyword 'export'" });
    }
  }
  let awaitUsing = false;
  simple(program, {
    MetaProperty(node: MetaProperty) {
      if (node.meta.name === "import") {
        offenders.push({
          start: node.start,
          error: "SyntaxError: import.meta is only valid inside modules.",
        });
      }
    },
    VariableDeclaration(node: VariableDeclaration) {
      if (node.kind === "await using") awaitUsing = true;
    },
  });
  offenders.sort((a, b) => a.start - b.start);
  if (offenders.length > 0) return offenders[0].error;
  return awaitUsing ? "SyntaxError: 'await using' declarations are not supported in workflow scripts." : null;
}

/** The engine's error for an `import` declaration: it reads `import` as a call and trips on the next token. */
function importDeclarationError(source: string, declaration: Node): string {
  const rest = source.slice(declaration.start + "import".length, declaration.end);
  const token = tokenizer(rest, { ecmaVersion: "latest", sourceType: "module" }).getToken();
  const raw = rest.slice(token.start, token.end);
  let described: string;
  if (token.type === tokTypes.name) described = `identifier '${raw}'`;
  else if (token.type === tokTypes.string) described = `string literal ${raw}`;
  else described = `token '${raw}'`;
  return `SyntaxError: Unexpected ${described}. import call expects one or two arguments.`;
}

/**
 * Refuses module syntax a sandboxed workflow body cannot run: `import` declarations, any `export`
 * other than the meta statement, and `import.meta`. (Dynamic `import(x)` is not refused here: the
 * body rewrites it to the runtime's `__odwImport`, which rejects inside the workflow.)
 *
 * @module
 */
import type { MetaProperty, Node, Program } from "acorn";
import { simple } from "acorn-walk";
import { invalidScript } from "./messages.ts";

/**
 * The refusal line for the first module-only construct in `program`, or null. `metaStatement` is the
 * one `export` that is allowed.
 *
 * @example
 * ```ts
 * // for `export const meta = {...};\nimport fs from "node:fs";`
 * findModuleSyntax(program, program.body[0]);
 * // "Invalid workflow script: `import` declarations are not available in a workflow (line 2) ..."
 * ```
 */
export function findModuleSyntax(program: Program, metaStatement: Node): string | null {
  for (const statement of program.body) {
    const line = statement.loc?.start.line;
    if (statement.type === "ImportDeclaration") {
      return invalidScript(
        `\`import\` declarations are not available in a workflow (line ${line}): it runs in a sandbox that loads no modules`,
      );
    }
    if (
      statement !== metaStatement &&
      (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" ||
        statement.type === "ExportAllDeclaration")
    ) {
      return invalidScript(`only \`export const meta\` may be exported (line ${line})`);
    }
  }
  let importMeta: MetaProperty | null = null;
  simple(program, {
    MetaProperty(node: MetaProperty) {
      if (node.meta.name === "import" && importMeta === null) importMeta = node;
    },
  });
  if (importMeta === null) return null;
  return invalidScript(
    `\`import.meta\` is not available in a workflow (line ${(importMeta as MetaProperty).loc?.start.line})`,
  );
}

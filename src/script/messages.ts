/**
 * The user-facing refusal messages of the static checks, in one place, worded as Claude Code's
 * built-in workflow runtime (claude 2.1.328) words them. Structural refusals (syntax, meta) start with
 * `Invalid workflow script:`; the determinism refusal is the spec's sentence; module syntax gets the
 * compile error the built-in's engine reports (`SyntaxError: …`, no prefix).
 *
 * @module
 */

/** Prefix shared by every structural refusal. */
export const INVALID_PREFIX = "Invalid workflow script:";

/** Spec message: meta is missing, not the first statement, or not `export const meta = { ... }`. */
export const META_FIRST_MESSAGE =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";

/** Spec message: the script reads `Date.now`, `Math.random` or calls `new Date()`. */
export const DETERMINISM_MESSAGE =
  "Workflow scripts must be deterministic: Date.now()/Math.random()/new Date() are unavailable (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";

/** The hint closing every parse-error refusal (the dash is an em dash, U+2014). */
export const PLAIN_JAVASCRIPT_HINT =
  "Workflow scripts must be plain JavaScript \u2014 common causes are TypeScript syntax (type annotations, interfaces, generics) and broken string quoting or escaping.";

/**
 * A refusal line with the common prefix.
 *
 * @example
 * ```ts
 * invalidScript("meta.name must be a non-empty string");
 * // "Invalid workflow script: meta.name must be a non-empty string"
 * ```
 */
export function invalidScript(detail: string): string {
  return `${INVALID_PREFIX} ${detail}`;
}

/**
 * The refusal for a meta value that is not a pure literal, with the reason.
 *
 * @example
 * ```ts
 * notPureLiteral("computed keys not allowed in meta");
 * // "Invalid workflow script: meta must be a pure literal: computed keys not allowed in meta"
 * ```
 */
export function notPureLiteral(reason: string): string {
  return invalidScript(`meta must be a pure literal: ${reason}`);
}

/**
 * The user-facing refusal messages of the static checks, in one place. The two spec messages are
 * reproduced verbatim from WORKFLOW-SPEC.md; every other refusal starts with `Invalid workflow script:`.
 *
 * @module
 */

/** Prefix shared by every structural refusal. */
export const INVALID_PREFIX = "Invalid workflow script:";

/** Spec message: meta is missing, not the first statement, or not a pure literal. */
export const META_FIRST_MESSAGE =
  "Invalid workflow script: `export const meta = { name, description, phases }` must be the FIRST statement in the script";

/** Spec message: the script calls `Date.now()`, `Math.random()` or `new Date()`. */
export const DETERMINISM_MESSAGE =
  "Workflow scripts must be deterministic: Date.now()/Math.random()/new Date() are unavailable (breaks resume). Stamp results after the workflow returns, or pass timestamps via args.";

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

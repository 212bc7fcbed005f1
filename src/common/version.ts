/**
 * The one version of odw and pandacode: `version` in `deno.json`, imported as JSON (inlined by
 * `deno bundle` and `deno compile`), so `odw --version` and `pandacode --version` cannot drift apart.
 *
 * @example
 * ```ts
 * console.log(`odw ${VERSION}`); // "odw 0.1.0"
 * ```
 * @module
 */
import denoConfig from "../../deno.json" with { type: "json" };

/** The version both command lines print (`odw 0.1.0`, `pandacode 0.1.0`). */
export const VERSION: string = denoConfig.version;

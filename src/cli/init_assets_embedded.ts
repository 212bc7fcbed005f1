/**
 * The files `odw init` copies from the repository, as build-time imports (bytes, as the report's
 * assets are): the odw skill (`skills/odw/SKILL.md`) and the editor typings (`odw.d.ts`). Reached
 * through `init_assets_loader.ts` (a dynamic import: JSR refuses raw imports in a published module
 * graph) and, in a bundle or a compiled binary, through the literal import of the bundle entry.
 *
 * @module
 */
import skill from "../../skills/odw/SKILL.md" with { type: "bytes" };
import typings from "../../odw.d.ts" with { type: "bytes" };

export { skill, typings };

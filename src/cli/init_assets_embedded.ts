/**
 * The files `odw init` copies from the repository, as build-time imports (bytes, as the report's
 * assets are): the odw skill (`skills/odw/SKILL.md`) and the editor typings (`odw.d.ts`). Like
 * `src/report/assets_embedded.ts`, it is reached through a dynamic import from `init_files.ts` (JSR
 * refuses raw imports in a published module graph) and statically from the bundle entry, so a bundle
 * or a compiled binary carries both.
 *
 * @module
 */
import skill from "../../skills/odw/SKILL.md" with { type: "bytes" };
import typings from "../../odw.d.ts" with { type: "bytes" };
import { useInitAssets } from "./init_files.ts";

useInitAssets({ skill, typings });

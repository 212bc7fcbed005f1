/**
 * How the report's embedded assets (`assets_embedded.ts`) are loaded when a report is first written
 * (see `common/embedded_module.ts`). Kept apart from `assets.ts` so the bundle entry does not load
 * the hashing for commands that write no report.
 *
 * @module
 */
import { EmbeddedModule } from "../common/embedded_module.ts";

const SPECIFIER = "./assets_embedded.ts";

/** The report's assets module; loading it hands its bytes to `assets.ts`. */
export const REPORT_ASSETS: EmbeddedModule<unknown> = new EmbeddedModule(() => import(SPECIFIER));

/**
 * How `odw init` loads the repository files it copies (`init_assets_embedded.ts`: the skill and the
 * typings as bytes; see `common/embedded_module.ts`).
 *
 * @module
 */
import { EmbeddedModule } from "../common/embedded_module.ts";

/** The repository files `odw init` copies. */
export interface InitAssets {
  skill: Uint8Array;
  typings: Uint8Array;
}

const SPECIFIER = "./init_assets_embedded.ts";

/** The module of the files `odw init` copies. */
export const INIT_ASSETS: EmbeddedModule<InitAssets> = new EmbeddedModule(() => import(SPECIFIER));

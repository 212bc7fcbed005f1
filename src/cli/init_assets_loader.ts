/**
 * How `odw init` loads the repository files it copies (`init_assets_embedded.ts`: the skill and the
 * typings as bytes). By default through a module name held in a variable, so the published module
 * graph does not include the raw imports (JSR refuses them); the bundle entry names the module itself
 * with {@link loadInitAssetsWith}, a literal the bundler follows. The same arrangement as the report's
 * `src/report/assets_loader.ts`.
 *
 * @module
 */

/** The repository files `odw init` copies. */
export interface InitAssets {
  skill: Uint8Array;
  typings: Uint8Array;
}

const EMBEDDED_MODULE = "./init_assets_embedded.ts";
let load: () => Promise<InitAssets> = () => import(EMBEDDED_MODULE);

/** Sets how the files are loaded: the bundle entry passes `() => import("./init_assets_embedded.ts")`. */
export function loadInitAssetsWith(loader: () => Promise<InitAssets>): void {
  load = loader;
}

/** Loads the skill and the typings. */
export function loadInitAssets(): Promise<InitAssets> {
  return load();
}

/**
 * How the report's embedded assets (`assets_embedded.ts`) are loaded when a report is first written.
 * By default through a module name held in a variable, so the published module graph does not include
 * the raw imports (JSR refuses them); the bundle entry names the module itself with
 * {@link loadEmbeddedAssetsWith}. Kept apart from `assets.ts` so the bundle entry does not load
 * `node:crypto` for commands that write no report.
 *
 * @module
 */

const EMBEDDED_MODULE = "./assets_embedded.ts";
let load: () => Promise<unknown> = () => import(EMBEDDED_MODULE);

/**
 * Sets how the assets are loaded: the bundle entry passes `() => import("../report/assets_embedded.ts")`,
 * a literal the bundler follows (into a chunk of its own when code is split, so runs load the 3 MB of
 * assets only when they write a report).
 */
export function loadEmbeddedAssetsWith(loader: () => Promise<unknown>): void {
  load = loader;
}

/** Loads the assets module (it hands its bytes to `assets.ts` as it loads). */
export function loadEmbeddedAssets(): Promise<unknown> {
  return load();
}
